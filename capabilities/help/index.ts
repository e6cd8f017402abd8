import { helpCard } from '../../cards/info-cards.ts';
import type { QueryCapability } from '../types.ts';
import { helpParams } from './schema.ts';

export const help: QueryCapability<typeof helpParams, 'help'> = {
  id: 'help',
  kind: 'query',
  title: 'Help',
  summary: 'Show what Greenlight can do and how to ask for it',
  usage: 'help',
  params: helpParams,
  examples: ['help', 'what can you do?'],
  async run(params, ctx) {
    const intro = params.topic ? `I did not understand "${params.topic}". These are the commands I know:` : undefined;
    return helpCard(ctx.services.helpEntries(), intro);
  },
};

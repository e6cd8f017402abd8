import type { QueryCapability } from '../types.ts';
import { provisionedCard, requestCard, stackCard } from './cards.ts';
import { extract } from './extract.ts';
import { stackStatusParams } from './schema.ts';

export const stackStatus: QueryCapability<typeof stackStatusParams, 'stack_status'> = {
  id: 'stack_status',
  extract,
  kind: 'query',
  title: 'Status',
  summary: 'Show a stack (outputs, last change, what is running or queued) or one request',
  usage: 'status <stack|request-id>',
  params: stackStatusParams,
  examples: ['status sandbox/dev', 'status cr-1a2b3c4d5e'],
  async run(params, ctx) {
    if (/^cr-[0-9a-f]+$/.test(params.target)) return requestCard(await ctx.services.requestFacts(params.target));
    const facts = await ctx.services.stackFacts(params.target);
    return facts.kind === 'configured' ? stackCard(facts) : provisionedCard(facts);
  },
};

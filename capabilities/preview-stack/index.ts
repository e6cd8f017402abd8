import { previewCard } from '../../cards/plan-card.ts';
import { stackRequestParams } from '../../src/router/params.ts';
import type { QueryCapability } from '../types.ts';
import { previewStackParams } from './schema.ts';

export const previewStack: QueryCapability<typeof previewStackParams, 'preview_stack'> = {
  id: 'preview_stack',
  extract: stackRequestParams,
  kind: 'query',
  title: 'Preview a stack',
  summary: 'Show what a deploy of the stack would change, with cost and risk; changes nothing',
  usage: 'preview <stack>',
  params: previewStackParams,
  examples: ['preview sandbox/dev', 'preview sandbox/prod'],
  async run(params, ctx) {
    return previewCard(await ctx.services.preview(params.stack));
  },
};

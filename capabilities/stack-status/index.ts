import { stackRequestParams } from '../../src/router/params.ts';
import type { QueryCapability } from '../types.ts';
import { stackStatusParams } from './schema.ts';

export const stackStatus: QueryCapability<typeof stackStatusParams> = {
  id: 'stack_status',
  extract: stackRequestParams,
  kind: 'query',
  title: 'Status',
  summary: 'Show a stack (outputs, last change, what is running or queued) or one request',
  usage: 'status <stack|request-id>',
  params: stackStatusParams,
  examples: ['status sandbox/dev', 'status cr-1a2b3c4d5e'],
  async run(params, ctx) {
    return ctx.services.status(params.target);
  },
};

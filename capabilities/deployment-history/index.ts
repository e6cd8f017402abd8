import type { QueryCapability } from '../types.ts';
import { extract } from './extract.ts';
import { deploymentHistoryParams } from './schema.ts';

export const deploymentHistory: QueryCapability<typeof deploymentHistoryParams> = {
  id: 'deployment_history',
  extract,
  kind: 'query',
  title: 'History',
  summary: 'List recent change requests and what became of them',
  usage: 'history [stack] [env=<dev|staging|prod>] [since=7d] [user=<id>]',
  params: deploymentHistoryParams,
  examples: ['history', 'history sandbox/dev', 'history env=prod since=7d', 'what did I deploy last week?'],
  async run(params, ctx) {
    return ctx.services.history(params.stack, {
      ...(params.since ? { sinceDays: Number(params.since.slice(0, -1)) } : {}),
      ...(params.user ? { user: params.user } : {}),
      ...(params.environment ? { environment: params.environment } : {}),
    });
  },
};

import { tableCard } from '../../cards/info-cards.ts';
import type { QueryCapability } from '../types.ts';
import { extract } from './extract.ts';
import { deploymentHistoryParams } from './schema.ts';

export const deploymentHistory: QueryCapability<typeof deploymentHistoryParams, 'deployment_history'> = {
  id: 'deployment_history',
  extract,
  kind: 'query',
  title: 'History',
  summary: 'List recent change requests and what became of them',
  usage: 'history [stack] [env=<dev|staging|prod>] [since=7d] [user=<id>]',
  params: deploymentHistoryParams,
  examples: ['history', 'history sandbox/dev', 'history env=prod since=7d', 'what did I deploy last week?'],
  async run(params, ctx) {
    const sinceDays = params.since ? Number(params.since.slice(0, -1)) : undefined;
    const requests = await ctx.services.requests({
      stack: params.stack,
      ...(sinceDays ? { sinceDays } : {}),
      ...(params.user ? { user: params.user } : {}),
      ...(params.environment ? { environment: params.environment } : {}),
    });
    const scope = [
      params.stack,
      params.environment ? `in ${params.environment}` : '',
      params.user ? `by ${params.user}` : '',
      sinceDays ? `in the last ${sinceDays} day(s)` : '',
    ]
      .filter(Boolean)
      .join(' ');
    return tableCard(
      'info',
      scope ? `Requests ${scope}` : 'Recent requests',
      ['Request', 'Stack', 'What', 'By', 'Status', 'When'],
      requests.map((r) => [`${r.id} r${r.revision}`, r.stack, r.text, r.requester, r.status, r.createdAt]),
      scope ? `No requests ${scope}.` : 'No requests yet. Try `deploy sandbox/dev`.',
    );
  },
};

import type { QueryCapability } from '../types.ts';
import { costReportCard } from './card.ts';
import { extract } from './extract.ts';
import { costReportParams } from './schema.ts';

export const costReport: QueryCapability<typeof costReportParams, 'cost_report'> = {
  id: 'cost_report',
  extract,
  kind: 'query',
  title: 'Cost report',
  summary: 'Monthly cost of what Greenlight has deployed, per team, environment or stack, against the budgets',
  usage: 'costs [env] [team=<team>] [by=team|environment|stack]',
  params: costReportParams,
  examples: ['costs', 'costs prod by=stack', 'cost dev team=data'],
  async run(params, ctx) {
    const stacks = (await ctx.services.deployedStacks(params.environment)).filter((s) => !params.team || s.team === params.team);
    return costReportCard(stacks, ctx.services.budgets(), params);
  },
};

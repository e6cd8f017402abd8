import { formatUsd } from '../../domain/money.ts';
import type { PolicyRule, RuleFinding } from './rule.ts';

// GL-COST-001: what already runs in the environment (other stacks) plus this stack after the
// change stays within the environment's budget, and the team's share within the team's.

const usd = (n: number) => formatUsd(n, { cents: false });

export const budgetRule: PolicyRule = {
  title: 'monthly budget per environment and team',
  checkPlan({ environment, operation, cost, team, spend = { environment: 0, team: 0 } }, policies) {
    const monthly = cost.monthlyUsd;
    if (monthly === null || operation === 'destroy') return [];
    const found: RuleFinding[] = [];
    const budget = policies.budgets[environment];
    const total = spend.environment + monthly;
    if (budget !== undefined && total > budget)
      found.push({
        severity: 'block',
        message: `${environment} would cost ${usd(total)} a month (${usd(spend.environment)} running + ${usd(monthly)} for this stack), over its ${usd(budget)} budget by ${usd(total - budget)}. Choose a smaller size or fewer hours, or ask for a budget raise (policies.budgets.${environment}).`,
      });
    const teamBudget = team ? policies.teamBudgets[team]?.[environment] : undefined;
    const teamTotal = spend.team + monthly;
    if (team && teamBudget !== undefined && teamTotal > teamBudget)
      found.push({
        severity: 'block',
        message: `Team ${team} would spend ${usd(teamTotal)} a month in ${environment}, over its ${usd(teamBudget)} budget by ${usd(teamTotal - teamBudget)}. Make the request smaller or raise policies.teamBudgets.${team}.${environment}.`,
      });
    return found;
  },
};

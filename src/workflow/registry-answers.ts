import type { CostReportFilter } from '../../capabilities/ports.ts';
import { formatUsd } from '../../cards/format.ts';
import { tableCard } from '../../cards/info-cards.ts';
import type { Card } from '../../cards/model.ts';
import type { Environment } from '../domain/types.ts';
import type { Policies } from '../planning/policies.ts';
import type { DeployedStack } from '../store/registry.ts';

// Chat answers built from the registry of deployed stacks: "what's running in prod?" and the
// cost report. Both read the last successful plan of each stack (see src/store/registry.ts).

const money = (n: number | null) => (n === null ? 'not priced' : formatUsd(n));

/** What runs, per stack: resources by type, cost, who applied it and when. */
export function deployedCard(stacks: DeployedStack[], environment?: Environment): Card {
  const where = environment ? ` in ${environment}` : '';
  const total = stacks.reduce((sum, s) => sum + (s.monthlyUsd ?? 0), 0);
  const rows = stacks.map((s) => {
    const byType = new Map<string, number>();
    for (const r of s.resources) byType.set(r.type, (byType.get(r.type) ?? 0) + 1);
    const resources = [...byType].map(([type, n]) => `${n} × ${type.split(':').pop()}`).join(', ');
    return [
      s.stack,
      s.environment,
      s.team ?? '—',
      `${s.resources.length}: ${resources}`,
      money(s.monthlyUsd),
      `${s.appliedBy}, ${s.appliedAt}`,
    ];
  });
  return tableCard(
    'info',
    `Running${where}: ${stacks.length} stack(s), ${formatUsd(total)} a month`,
    ['Stack', 'Environment', 'Team', 'Resources', 'Monthly', 'Applied by'],
    rows,
    `Nothing deployed${where} by Greenlight yet.`,
    ['From the plan of each stack’s last successful apply; resources made outside Greenlight are not listed.'],
  );
}

export type { CostReportFilter } from '../../capabilities/ports.ts';

/** Monthly cost grouped as asked, with the budget each group is held to (policies). */
export function costReportCard(stacks: DeployedStack[], policies: Policies | undefined, filter: CostReportFilter): Card {
  const groups = new Map<string, { environment: Environment; key: string; stacks: DeployedStack[] }>();
  for (const s of stacks) {
    const key = filter.by === 'team' ? (s.team ?? '(no team)') : filter.by === 'stack' ? s.stack : s.environment;
    const id = `${s.environment}|${key}`;
    const group = groups.get(id) ?? { environment: s.environment, key, stacks: [] };
    group.stacks.push(s);
    groups.set(id, group);
  }
  const budgetOf = (environment: Environment, key: string): number | undefined =>
    filter.by === 'team'
      ? policies?.teamBudgets[key]?.[environment]
      : filter.by === 'environment'
        ? policies?.budgets[environment]
        : undefined;
  const rows = [...groups.values()]
    .sort((a, b) => a.environment.localeCompare(b.environment) || a.key.localeCompare(b.key))
    .map((g) => {
      const monthly = g.stacks.reduce((sum, s) => sum + (s.monthlyUsd ?? 0), 0);
      const unpriced = g.stacks.filter((s) => s.monthlyUsd === null).map((s) => s.stack);
      const budget = budgetOf(g.environment, g.key);
      return [
        g.environment,
        g.key,
        String(g.stacks.length),
        `${formatUsd(monthly)}${unpriced.length ? ` (+ not priced: ${unpriced.join(', ')})` : ''}`,
        budget === undefined ? '—' : `${formatUsd(budget)} (${Math.round((monthly / budget) * 100)}% used)`,
      ];
    });
  const total = stacks.reduce((sum, s) => sum + (s.monthlyUsd ?? 0), 0);
  const scope = [filter.environment, filter.team ? `team ${filter.team}` : ''].filter(Boolean).join(', ');
  return tableCard(
    'info',
    `Monthly cost${scope ? ` (${scope})` : ''} by ${filter.by}: ${formatUsd(total)}`,
    ['Environment', filter.by === 'team' ? 'Team' : filter.by === 'stack' ? 'Stack' : 'Environment', 'Stacks', 'Monthly', 'Budget'],
    rows,
    `Nothing deployed${scope ? ` for ${scope}` : ''} by Greenlight yet, so nothing costs anything.`,
    ['List prices from the pricing catalog for each stack’s last successful plan; not an invoice.'],
  );
}

import { formatUsd, formatWhen } from '../../cards/format.ts';
import { tableCard } from '../../cards/info-cards.ts';
import type { Card } from '../../cards/model.ts';
import type { Environment } from '../../src/domain/types.ts';
import type { Budgets, DeployedStack } from '../ports.ts';

export interface CostReportFilter {
  environment?: Environment | undefined;
  team?: string | undefined;
  by: 'team' | 'environment' | 'stack';
}

/** Monthly cost grouped as asked, with the budget each group is held to (policies). */
export function costReportCard(stacks: DeployedStack[], budgets: Budgets, filter: CostReportFilter): Card {
  const groups = new Map<string, { environment: Environment; key: string; stacks: DeployedStack[] }>();
  for (const s of stacks) {
    const key = filter.by === 'team' ? (s.team ?? '(no team)') : filter.by === 'stack' ? s.stack : s.environment;
    const id = `${s.environment}|${key}`;
    const group = groups.get(id) ?? { environment: s.environment, key, stacks: [] };
    group.stacks.push(s);
    groups.set(id, group);
  }
  const budgetOf = (environment: Environment, key: string): number | undefined =>
    filter.by === 'team' ? budgets.teams[key]?.[environment] : filter.by === 'environment' ? budgets.environments[environment] : undefined;
  // Temporary environments get a column only when there are any.
  const anyTemporary = stacks.some((s) => s.expiresAt);
  // Grouped by environment, the group is the environment: one column for it, not two.
  const keyColumn = filter.by === 'team' ? ['Team'] : filter.by === 'stack' ? ['Stack'] : [];
  const rows = [...groups.values()]
    .sort((a, b) => a.environment.localeCompare(b.environment) || a.key.localeCompare(b.key))
    .map((g) => {
      const monthly = g.stacks.reduce((sum, s) => sum + (s.monthlyUsd ?? 0), 0);
      const unpriced = g.stacks.filter((s) => s.monthlyUsd === null).map((s) => s.stack);
      const temporary = g.stacks.filter((s) => s.expiresAt).map((s) => `${s.stack} until ${formatWhen(s.expiresAt ?? '')}`);
      const budget = budgetOf(g.environment, g.key);
      return [
        g.environment,
        ...(keyColumn.length ? [g.key] : []),
        String(g.stacks.length),
        `${formatUsd(monthly)}${unpriced.length ? ` (+ not priced: ${unpriced.join(', ')})` : ''}`,
        budget === undefined ? '—' : `${formatUsd(budget)} (${Math.round((monthly / budget) * 100)}% used)`,
        ...(anyTemporary ? [temporary.length ? temporary.join(', ') : '—'] : []),
      ];
    });
  const total = stacks.reduce((sum, s) => sum + (s.monthlyUsd ?? 0), 0);
  const scope = [filter.environment, filter.team ? `team ${filter.team}` : ''].filter(Boolean).join(', ');
  return tableCard(
    'info',
    `Monthly cost${scope ? ` (${scope})` : ''} by ${filter.by}: ${formatUsd(total)}`,
    ['Environment', ...keyColumn, 'Stacks', 'Monthly', 'Budget', ...(anyTemporary ? ['Temporary'] : [])],
    rows,
    `Nothing deployed${scope ? ` for ${scope}` : ''} by Greenlight yet, so nothing costs anything.`,
    ['List prices from the pricing catalog for each stack’s last successful plan; not an invoice.'],
  );
}

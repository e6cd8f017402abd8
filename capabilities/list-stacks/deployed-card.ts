import { formatUsd, formatWhen } from '../../cards/format.ts';
import { tableCard } from '../../cards/info-cards.ts';
import type { Card } from '../../cards/model.ts';
import type { Environment } from '../../src/domain/types.ts';
import type { DeployedStack } from '../ports.ts';

// "What's running in prod?": the registry of deployed stacks (the plan of each stack's last
// successful apply), resources by type, cost, who applied it and when.

const money = (n: number | null) => (n === null ? 'not priced' : formatUsd(n));

export function deployedCard(stacks: DeployedStack[], environment?: Environment): Card {
  const where = environment ? ` in ${environment}` : '';
  const total = stacks.reduce((sum, s) => sum + (s.monthlyUsd ?? 0), 0);
  // Temporary environments get a column only when there are any.
  const anyTemporary = stacks.some((s) => s.expiresAt);
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
      ...(anyTemporary ? [s.expiresAt ? formatWhen(s.expiresAt) : 'permanent'] : []),
    ];
  });
  return tableCard(
    'info',
    `Running${where}: ${stacks.length} stack(s), ${formatUsd(total)} a month`,
    ['Stack', 'Environment', 'Team', 'Resources', 'Monthly', 'Applied by', ...(anyTemporary ? ['Expires'] : [])],
    rows,
    `Nothing deployed${where} by Greenlight yet.`,
    ['From the plan of each stack’s last successful apply; resources made outside Greenlight are not listed.'],
  );
}

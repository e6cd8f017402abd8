import type { Budgets, DeployedStack } from '../capabilities/ports.ts';
import { WEEK_MS } from '../src/domain/lifetime.ts';
import { formatUsd, formatWhen } from './format.ts';
import type { Card } from './model.ts';

// The weekly cost digest of one team: what it runs and what that costs a month, against its
// budgets, the change since last week (and which stacks came and went), what was applied this
// week, and which temporary environments end soon.

const monthly = (stacks: DeployedStack[]) => stacks.reduce((sum, s) => sum + (s.monthlyUsd ?? 0), 0);

/** Since last week: the monthly cost then and the change, and which stacks came and went. */
function sinceLastWeek(stacks: DeployedStack[], weekAgo: DeployedStack[]): string {
  const delta = monthly(stacks) - monthly(weekAgo);
  const sign = delta > 0 ? '+' : delta < 0 ? '−' : '±';
  const before = new Set(weekAgo.map((s) => s.stack));
  const now = new Set(stacks.map((s) => s.stack));
  const added = [...now].filter((s) => !before.has(s));
  const gone = [...before].filter((s) => !now.has(s));
  return [
    `${sign}${formatUsd(Math.abs(delta))} a month (was ${formatUsd(monthly(weekAgo))})`,
    ...(added.length ? [`new: ${added.join(', ')}`] : []),
    ...(gone.length ? [`gone: ${gone.join(', ')}`] : []),
  ].join('; ');
}

export function costDigestCard(
  team: string | null,
  stacks: DeployedStack[],
  budgets: Budgets,
  now: Date,
  weekAgo: DeployedStack[] = [],
): Card {
  const name = team ?? 'no team';
  const total = monthly(stacks);
  const environments = [...new Set(stacks.map((s) => s.environment))].sort();
  const budgetLines = environments.map((env) => {
    const spent = monthly(stacks.filter((s) => s.environment === env));
    const budget = team ? budgets.teams[team]?.[env] : undefined;
    return `${env}: ${formatUsd(spent)} a month${budget ? ` of ${formatUsd(budget)} (${Math.round((spent / budget) * 100)}%)` : ''}`;
  });
  const changed = stacks.filter((s) => now.getTime() - Date.parse(s.appliedAt) <= WEEK_MS).map((s) => `${s.stack} (${s.appliedBy})`);
  const ending = stacks
    .filter((s) => s.expiresAt && Date.parse(s.expiresAt) - now.getTime() <= WEEK_MS)
    .map((s) => `${s.stack} at ${formatWhen(s.expiresAt ?? '')}`);
  const unpriced = stacks.filter((s) => s.monthlyUsd === null).map((s) => s.stack);
  return {
    kind: 'info',
    title: `Weekly cost: ${name} — ${formatUsd(total)} a month`,
    tone: 'neutral',
    blocks: [
      {
        type: 'table',
        columns: ['Stack', 'Environment', 'Monthly', 'Temporary until'],
        rows: stacks.map((s) => [
          s.stack,
          s.environment,
          s.monthlyUsd === null ? 'not priced' : formatUsd(s.monthlyUsd),
          s.expiresAt ? formatWhen(s.expiresAt) : '—',
        ]),
      },
      {
        type: 'facts',
        facts: [
          { label: 'By environment', value: budgetLines.join('; ') },
          { label: 'Since last week', value: sinceLastWeek(stacks, weekAgo) },
          { label: 'Changed this week', value: changed.length ? changed.join(', ') : 'nothing' },
          { label: 'Ending within a week', value: ending.length ? ending.join(', ') : 'nothing' },
          ...(unpriced.length ? [{ label: 'Not priced', value: unpriced.join(', ') }] : []),
        ],
      },
    ],
    actions: [],
    context: [`From the registry of what Greenlight deployed, ${formatWhen(now)}; list prices, not an invoice.`],
  };
}

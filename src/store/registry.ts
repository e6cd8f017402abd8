import { ENVIRONMENTS } from '../domain/environments.ts';
import { formatUsd } from '../domain/money.ts';
import type { DeployedStack, Environment } from '../domain/types.ts';
import type { Db } from './database.ts';
import { listLifetimes } from './lifetimes.ts';
import { latestSucceededPerStack } from './requests.ts';

// The registry of deployed resources (seed 003), read from the store: for each stack, the last
// change that succeeded says what exists now (its plan lists every resource, unchanged ones as
// no-op) and what it costs. A stack whose last success was a destroy has nothing running.

export type { DeployedStack };

/** What Greenlight has deployed (optionally in one environment), now or as it stood at `asOf`. */
export async function deployedStacks(db: Db, filter: { environment?: Environment; asOf?: string } = {}): Promise<DeployedStack[]> {
  const out: DeployedStack[] = [];
  const lifetimes = new Map((await listLifetimes(db)).map((l) => [l.stack, l.expiresAt]));
  for (const request of await latestSucceededPerStack(db, filter.environment, filter.asOf)) {
    if (request.plan.operation === 'destroy') continue;
    const team = request.plan.team ?? request.plan.params.team;
    out.push({
      stack: request.stack,
      environment: request.environment,
      capability: request.capability,
      team: typeof team === 'string' ? team : null,
      requestId: request.id,
      appliedBy: request.requester,
      appliedAt: request.updatedAt,
      monthlyUsd: request.plan.cost.monthlyUsd,
      resources: request.plan.changes
        .filter((c) => c.operation !== 'delete' && c.operation !== 'read')
        .map((c) => ({ address: c.address, type: c.type })),
      expiresAt: lifetimes.get(request.stack) ?? null,
    });
  }
  return out.sort((a, b) => a.environment.localeCompare(b.environment) || a.stack.localeCompare(b.stack));
}

/** The registry as text: per environment, each stack with its resources and cost. */
export function registryText(stacks: DeployedStack[], environment?: Environment): string {
  if (stacks.length === 0) return `Nothing deployed${environment ? ` in ${environment}` : ''} by Greenlight yet.`;
  const lines: string[] = [];
  for (const env of ENVIRONMENTS) {
    const here = stacks.filter((s) => s.environment === env);
    if (here.length === 0) continue;
    const total = here.reduce((sum, s) => sum + (s.monthlyUsd ?? 0), 0);
    lines.push(`${env}: ${here.length} stack(s), ${formatUsd(total)} a month`);
    for (const s of here) {
      const cost = s.monthlyUsd === null ? 'not priced' : `${formatUsd(s.monthlyUsd)}/month`;
      lines.push(
        `  ${s.stack}  (${s.capability}${s.team ? `, team ${s.team}` : ''}, ${cost}, applied ${s.appliedAt} by ${s.appliedBy}, ${s.requestId}${s.expiresAt ? `, temporary until ${s.expiresAt}` : ''})`,
      );
      for (const r of s.resources) lines.push(`    ${r.address}  ${r.type}`);
    }
  }
  return lines.join('\n');
}

/** Monthly spend already running in an environment (and a team's share), leaving one stack out. */
export async function runningSpend(db: Db, environment: Environment, team: string | undefined, exceptStack: string) {
  const stacks = (await deployedStacks(db, { environment })).filter((s) => s.stack !== exceptStack);
  const sum = (list: DeployedStack[]) => list.reduce((total, s) => total + (s.monthlyUsd ?? 0), 0);
  return { environment: sum(stacks), team: team ? sum(stacks.filter((s) => s.team === team)) : 0 };
}

import { Cron } from 'croner';
import { costDigestCard } from '../../cards/cost-digest-card.ts';
import type { Config } from '../config/schema.ts';
import { WEEK_MS } from '../domain/lifetime.ts';
import { claimRun, lastRun } from '../store/schedules.ts';
import { threadFor } from './destinations.ts';
import type { OperationDeps } from './operations/operation.ts';

// The weekly cost digest (config costDigest): when its cron is due on Greenlight's clock, one
// replica claims the run and posts one card per team (stacks without a team together) to the
// team's destination, or the default one.

type DigestConfig = NonNullable<Config['costDigest']>;

export class CostDigest {
  constructor(
    private readonly deps: OperationDeps,
    private readonly config: DigestConfig | undefined,
  ) {}

  /** Posts the digests if due; returns the teams it posted for. */
  async tick(): Promise<(string | null)[]> {
    if (!this.config) return [];
    const now = this.deps.now();
    const name = `cost-digest:${this.config.cron}`;
    const previous = await lastRun(this.deps.db, name);
    if (previous === undefined) {
      await claimRun(this.deps.db, name, undefined, now.toISOString());
      return [];
    }
    const due = new Cron(this.config.cron, { paused: true, timezone: 'UTC' }).nextRun(new Date(previous));
    if (!due || due.getTime() > now.getTime()) return [];
    if (!(await claimRun(this.deps.db, name, previous, now.toISOString()))) return [];
    return this.send();
  }

  async send(): Promise<(string | null)[]> {
    const now = this.deps.now();
    const stacks = await this.deps.queries.deployedStacks();
    // The same registry a week ago: what each team's monthly cost was, and what came and went since.
    const weekAgo = await this.deps.queries.deployedStacks(undefined, new Date(now.getTime() - WEEK_MS).toISOString());
    // A team whose last stack went this week still hears about it.
    const teams = [...new Set([...stacks, ...weekAgo].map((s) => s.team))].sort((a, b) => (a ?? '~').localeCompare(b ?? '~'));
    for (const team of teams) {
      const postTo = (team && this.config?.teams[team]) || this.config?.postTo || 'console';
      const card = costDigestCard(
        team,
        stacks.filter((s) => s.team === team),
        this.deps.queries.budgets(),
        now,
        weekAgo.filter((s) => s.team === team),
      );
      await this.deps.publisher.post(threadFor(postTo), card, null);
    }
    return teams;
  }
}

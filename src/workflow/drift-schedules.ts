import { Cron } from 'croner';
import { planningCapability } from '../../capabilities/index.ts';
import { driftFoundCard } from '../../cards/drift-cards.ts';
import type { Config } from '../config/schema.ts';
import { canonicalJson, sha256 } from '../domain/hash.ts';
import { SYSTEM_PRINCIPAL } from '../domain/people.ts';
import { claimRun, firstReport, forgetReports, lastRun, snoozedUntil } from '../store/schedules.ts';
import { threadFor } from './destinations.ts';
import type { OperationDeps } from './operations/operation.ts';
import { discardArtifact, neverDeployed } from './planner.ts';

// Scheduled drift scans (config `driftSchedules`): croner evaluates each cron expression against
// Greenlight's clock; when a schedule is due, one replica claims the run and scans its stacks.
// Drift found → one card at the configured destination (once per finding, not at every scan), with
// Revert, Adopt and Snooze; no drift → nothing posted, a metric counted.

type Schedule = Config['driftSchedules'][number];
export type ScanResult = 'in_sync' | 'drifted' | 'reported_already' | 'snoozed' | 'not_deployed' | 'failed';

export class DriftSchedules {
  constructor(
    private readonly deps: OperationDeps,
    private readonly schedules: readonly Schedule[],
  ) {}

  private stacksOf(schedule: Schedule): string[] {
    const all = this.deps.stacks.list();
    return schedule.stacks ?? all.filter((s) => s.environment === schedule.environment).map((s) => s.name);
  }

  /** Runs every schedule that is due at the clock's time; returns what each scanned stack came to. */
  async tick(): Promise<Record<string, ScanResult>> {
    const now = this.deps.now();
    const results: Record<string, ScanResult> = {};
    for (const [index, schedule] of this.schedules.entries()) {
      const name = `drift-schedule:${index}:${schedule.cron}`;
      const previous = await lastRun(this.deps.db, name);
      // A new schedule starts counting now; it fires at its first due time after that.
      if (previous === undefined) {
        await claimRun(this.deps.db, name, undefined, now.toISOString());
        continue;
      }
      const due = new Cron(schedule.cron, { paused: true, timezone: 'UTC' }).nextRun(new Date(previous));
      if (!due || due.getTime() > now.getTime()) continue;
      if (!(await claimRun(this.deps.db, name, previous, now.toISOString()))) continue;
      for (const stack of this.stacksOf(schedule)) results[stack] = await this.scan(stack, schedule);
    }
    return results;
  }

  private async scan(stack: string, schedule: Schedule): Promise<ScanResult> {
    const result = await this.scanOnce(stack, schedule).catch((err: unknown) => {
      this.deps.log.warn({ err, stack }, 'scheduled drift scan failed');
      return 'failed' as const;
    });
    this.deps.metrics.driftScans.inc({ stack, result });
    return result;
  }

  private async scanOnce(stack: string, schedule: Schedule): Promise<ScanResult> {
    const at = this.deps.now().toISOString();
    if (await snoozedUntil(this.deps.db, stack, at)) return 'snoozed';
    const cap = planningCapability('drift_scan');
    const { plan } = await this.deps.workflow.planChange(SYSTEM_PRINCIPAL, cap, { stack });
    // The scan only looks: Revert plans again when someone asks for it.
    discardArtifact(plan);
    const drift = plan.drift ?? [];
    if (neverDeployed(plan)) return 'not_deployed';
    if (drift.length === 0) {
      await forgetReports(this.deps.db, stack);
      return 'in_sync';
    }
    for (const d of drift) this.deps.metrics.driftEvents.inc({ stack, environment: plan.environment, source: d.source });
    if (!(await firstReport(this.deps.db, stack, sha256(canonicalJson(drift)).slice(0, 16), at))) return 'reported_already';
    await this.deps.publisher.post(threadFor(schedule.postTo), driftFoundCard(stack, plan.environment, drift, schedule.cron), null);
    return 'drifted';
  }
}

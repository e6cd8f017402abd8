import type { Config } from '../config/schema.ts';
import type { Logger } from '../observability/logger.ts';
import type { Db } from '../store/database.ts';
import { acquireLease } from '../store/leases.ts';
import type { ChangeWorkflow } from './change-workflow.ts';
import { CostDigest } from './cost-digest.ts';
import { DriftSchedules } from './drift-schedules.ts';
import { LifetimeSweeper } from './lifetimes.ts';
import type { OperationDeps } from './operations/operation.ts';

// Work nobody asks for, on a timer: plan expiry, temporary environments, scheduled drift scans,
// the cost digest. Sweeps at least every `sweepMs`, and wakes just after the next plan's expiry,
// so a card loses Approve when its plan expires rather than up to a sweep later. With several
// replicas the sweeper's lease picks one for the cluster-wide jobs; scheduled jobs claim each due
// run themselves (schedule_runs), whichever replica gets there.

export interface SweepJob {
  name: string;
  /** True: only the replica holding the sweeper's lease runs it. */
  leased: boolean;
  run(): Promise<unknown>;
}

export class Sweeper {
  private timer: NodeJS.Timeout | undefined;
  private running = false;
  /** Jobs still running from an earlier sweep, by name: a job never overlaps itself. */
  private readonly inFlight = new Map<string, Promise<void>>();

  constructor(
    private readonly deps: {
      db: Db;
      workflow: ChangeWorkflow;
      now: () => Date;
      log: Logger;
      /** Several processes share the store: take the lease first. */
      shared: boolean;
      replica: string;
      jobs: SweepJob[];
    },
  ) {}

  start(sweepMs: number): void {
    if (sweepMs <= 0) return;
    this.running = true;
    this.schedule(Math.min(sweepMs, 1000), sweepMs);
  }

  /** Stops sweeping; resolves when the jobs already running have ended (before the store closes). */
  async stop(): Promise<void> {
    this.running = false;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    await Promise.all([...this.inFlight.values()]);
  }

  private schedule(inMs: number, sweepMs: number): void {
    this.timer = setTimeout(() => void this.sweep(sweepMs), inMs);
    this.timer.unref();
  }

  private async sweep(sweepMs: number): Promise<void> {
    const { db, workflow, now, log, shared, replica } = this.deps;
    const at = now();
    const mine =
      !shared || (await acquireLease(db, 'plan-expiry', replica, at.toISOString(), new Date(at.getTime() + 3 * sweepMs).toISOString()));
    if (mine) await workflow.expireStale().catch((err) => log.warn({ err }, 'expiry sweep failed'));
    // Jobs run beside the sweep, not in it: a drift scan's terraform plans take seconds, and plan
    // expiry (a card losing Approve on time) must not wait for them.
    for (const job of this.deps.jobs) {
      if ((job.leased && !mine) || this.inFlight.has(job.name)) continue;
      const run = job
        .run()
        .then(() => undefined)
        .catch((err) => log.warn({ err, job: job.name }, 'sweep job failed'))
        .finally(() => this.inFlight.delete(job.name));
      this.inFlight.set(job.name, run);
    }
    if (!this.running) return; // stopped meanwhile
    const untilNext = workflow.nextExpiry === undefined ? sweepMs : workflow.nextExpiry - now().getTime() + 20;
    this.schedule(Math.max(20, Math.min(sweepMs, untilNext)), sweepMs);
  }
}

/** The work Greenlight starts itself, and the sweeper that runs it (wired by app.ts). */
export function scheduledWork(deps: OperationDeps, config: Pick<Config, 'driftSchedules' | 'costDigest'>, shared: boolean) {
  const lifetimes = new LifetimeSweeper(deps);
  const driftSchedules = new DriftSchedules(deps, config.driftSchedules);
  const costDigest = new CostDigest(deps, config.costDigest);
  const sweeper = new Sweeper({
    db: deps.db,
    workflow: deps.workflow,
    now: deps.now,
    log: deps.log,
    shared,
    replica: deps.runner.replica,
    jobs: [
      { name: 'lifetimes', leased: true, run: () => lifetimes.sweep() },
      { name: 'drift schedules', leased: false, run: () => driftSchedules.tick() },
      { name: 'cost digest', leased: false, run: () => costDigest.tick() },
    ],
  });
  return { lifetimes, driftSchedules, costDigest, sweeper };
}

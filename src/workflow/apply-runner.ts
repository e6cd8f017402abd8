import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { queuedCard } from '../../cards/run-cards.ts';
import { sha256 } from '../domain/hash.ts';
import { SYSTEM_PRINCIPAL } from '../domain/people.ts';
import type { ChangeRequest } from '../domain/types.ts';
import type { Logger } from '../observability/logger.ts';
import type { Metrics } from '../observability/metrics.ts';
import {
  claimExpiredLock,
  claimQueuedHead,
  deploymentsInStatus,
  expiredStackLocks,
  findDeployment,
  insertDeployment,
  lockHolder,
  progressMessageOf,
  queuedOn,
  renewStackLock,
  type StackLease,
  tryLockStack,
  updateDeployment,
} from '../store/deployments.ts';
import { findRequest } from '../store/requests.ts';
import { ApplyExecution } from './apply-execution.ts';
import type { ApprovalPolicy } from './approval-policy.ts';
import { explainInterrupted } from './interrupted-apply.ts';
import type { Requirement } from './requirements.ts';
import type { RevisionDeps } from './revisions.ts';
import type { StackRegistry } from './stacks.ts';
import { transition } from './transitions.ts';

// Approved requests → per-stack queue → one apply per stack at a time. The lock lives in the
// database so it survives restarts; the queue is the set of deployments in status `queued`.

const SYSTEM = SYSTEM_PRINCIPAL;

export interface ApplyRunnerDeps extends RevisionDeps {
  stacks: StackRegistry;
  policy: ApprovalPolicy;
  log: Logger;
  metrics: Metrics;
  /** After a crash, how long a leftover engine process may run on before it is stopped (default 2 min). */
  engineWaitMs?: number;
  /** This process among the replicas (`<host>:<pid>:<random>`): owner of the stack leases it takes. */
  replica?: string;
  /** How long a stack lease lasts unless renewed (heartbeat every third of it); default 30 s. */
  leaseMs?: number;
  /** `web` replicas queue applies and leave running them to workers. */
  runsApplies?: boolean;
  /** Several processes share the store (PostgreSQL): only an expired lease means an apply was cut off. */
  shared?: boolean;
  /** The approval requirements the apply asks again (default REQUIREMENTS). */
  requirements?: readonly Requirement[] | undefined;
}

/** Thrown to roll a claim back when the request was already started elsewhere. */
class NotClaimed extends Error {}

export function replicaName(): string {
  return `${hostname()}:${process.pid}:${randomBytes(3).toString('hex')}`;
}

/** Same request revision and plan → same id: a retried approval cannot start a second apply. */
export function deploymentIdFor(request: Pick<ChangeRequest, 'id' | 'revision' | 'plan'>): string {
  return `dep-${sha256(`${request.id}:${request.revision}:${request.plan.hash}`).slice(0, 16)}`;
}

export class ApplyRunner {
  private readonly chains = new Map<string, Promise<void>>();
  private readonly running = new Map<string, { controller: AbortController; done: Promise<void> }>();
  private stopped = false;
  private readonly execution: ApplyExecution;
  readonly replica: string;
  private readonly leaseMs: number;
  private timers: NodeJS.Timeout[] = [];

  constructor(private readonly deps: ApplyRunnerDeps) {
    this.execution = new ApplyExecution(deps);
    this.replica = deps.replica ?? replicaName();
    this.leaseMs = deps.leaseMs ?? 30_000;
  }

  private at(): string {
    return this.deps.now().toISOString();
  }

  /** Queues an approved request; starts it at once when its stack is free. */
  async enqueue(request: ChangeRequest, actor: string): Promise<void> {
    const id = deploymentIdFor(request);
    const at = this.at();
    const created = await this.deps.db.transaction().execute(async (trx) => {
      if (
        !(await insertDeployment(trx, {
          id,
          requestId: request.id,
          revision: request.revision,
          stack: request.stack,
          at,
        }))
      )
        return false;
      await transition(trx, request, ['approved'], 'queued', actor, at, { deploymentId: id });
      return true;
    });
    // The queue moves on its own: the approver's click answers as soon as the request is queued,
    // not after the queue has posted its cards (a channel may make those wait for a rate limit).
    if (created && this.deps.runsApplies !== false) void this.kick(request.stack);
  }

  private lease(): StackLease {
    return { owner: this.replica, expiresAt: new Date(this.deps.now().getTime() + this.leaseMs).toISOString() };
  }

  /**
   * Workers: every `pollMs`, start what is queued on any stack (approved on another replica, or
   * left by one that stopped), and settle applies whose replica stopped renewing its lease.
   */
  startWorking(pollMs = 1000): void {
    if (this.deps.runsApplies === false) return;
    const poll = setInterval(() => {
      void deploymentsInStatus(this.deps.db, ['queued'])
        .then((queued) => Promise.all([...new Set(queued.map((d) => d.stack))].map((s) => this.kick(s))))
        .catch((err) => this.deps.log.warn({ err }, 'queue poll failed'));
    }, pollMs);
    const reap = setInterval(
      () => void this.reapExpired().catch((err) => this.deps.log.warn({ err }, 'lease reaper failed')),
      Math.max(250, this.leaseMs / 2),
    );
    for (const t of [poll, reap]) t.unref();
    this.timers.push(poll, reap);
  }

  /**
   * A replica that died mid-apply stops renewing its stack lease. Once it has expired, one other
   * replica claims it, marks the deployment interrupted (outcome unknown), tells the thread what is
   * known and what to check, and frees the stack. The apply is never run again by itself.
   */
  async reapExpired(): Promise<number> {
    const now = this.deps.now().toISOString();
    let reaped = 0;
    for (const lock of await expiredStackLocks(this.deps.db, now)) {
      if (!(await claimExpiredLock(this.deps.db, lock.stack, lock.deploymentId, now, this.replica))) continue;
      const d = await findDeployment(this.deps.db, { id: lock.deploymentId });
      if (!d) continue;
      reaped += 1;
      this.deps.log.warn({ deploymentId: d.id, stack: d.stack, deadReplica: lock.owner }, 'stack lease expired: apply interrupted');
      const elsewhere = !lock.owner?.startsWith(`${hostname()}:`);
      await explainInterrupted(this.deps, d, { waitMs: this.deps.engineWaitMs ?? 120_000, engineElsewhere: elsewhere });
      void this.kick(d.stack);
    }
    return reaped;
  }

  /** Serialises queue handling per stack inside this process; the DB lock covers the rest. */
  kick(stack: string): Promise<void> {
    const next = (this.chains.get(stack) ?? Promise.resolve())
      .then(() => this.drain(stack))
      .catch((error) => this.deps.log.error({ err: error, stack }, 'queue drain failed'));
    this.chains.set(stack, next);
    return next;
  }

  private async drain(stack: string): Promise<void> {
    if (this.stopped || this.deps.runsApplies === false) return;
    const queue = await queuedOn(this.deps.db, stack);
    if (!queue[0]) return;
    const at = this.at();
    const head = await this.deps.db
      .transaction()
      .execute(async (trx) => {
        // Replicas claim the queue's head without waiting on each other (SKIP LOCKED on PostgreSQL);
        // the stack lock then decides which one applies it.
        const claimed = await claimQueuedHead(trx, stack);
        if (!claimed || !(await tryLockStack(trx, stack, claimed.id, at, this.lease()))) return undefined;
        // The request moves queued → applying exactly once, whichever replica gets here first.
        const moved = await transition(trx, { id: claimed.requestId, revision: claimed.revision }, ['queued'], 'applying', SYSTEM, at, {
          deploymentId: claimed.id,
          replica: this.replica,
        });
        if (!moved) throw new NotClaimed();
        await updateDeployment(trx, claimed.id, { status: 'applying', started_at: at });
        return claimed;
      })
      .catch((error: unknown) => {
        // Someone else started it meanwhile: the transaction (and any lock it took) rolled back.
        if (error instanceof NotClaimed) return undefined;
        throw error;
      });
    if (!head) {
      await this.announcePositions(stack, queue);
      return;
    }
    const controller = new AbortController();
    // Heartbeat: the lease moves on while the apply runs; a lease lost (this replica was cut off
    // long enough for another to settle the apply) stops it, and nothing more is recorded here.
    const fence = () => renewStackLock(this.deps.db, stack, head.id, this.lease());
    const heartbeat = setInterval(() => {
      void fence().then((held) => {
        if (held) return;
        this.deps.log.error({ deploymentId: head.id, stack }, 'stack lease lost: stopping this apply');
        controller.abort();
      });
    }, this.leaseMs / 3);
    heartbeat.unref();
    await this.announcePositions(
      stack,
      queue.filter((q) => q.id !== head.id),
    ).catch((err) => this.deps.log.warn({ err, stack }, 'queue positions not announced'));
    const done = this.execution
      .run(head.id, controller.signal, fence)
      .catch((error) => this.deps.log.error({ err: error, deploymentId: head.id }, 'apply crashed'))
      .finally(() => {
        clearInterval(heartbeat);
        this.running.delete(head.id);
        void this.kick(stack);
      });
    this.running.set(head.id, { controller, done });
  }

  /** Tells every waiting request its place in line, editing its queued card in place. */
  private async announcePositions(stack: string, waiting: { id: string; requestId: string; revision: number }[]): Promise<void> {
    const holder = await lockHolder(this.deps.db, stack);
    const holderRequest = holder ? (await findDeployment(this.deps.db, { id: holder }, false))?.requestId : undefined;
    for (const [index, item] of waiting.entries()) {
      const request = await findRequest(this.deps.db, item.requestId, item.revision);
      if (!request) continue;
      const card = queuedCard(request, index + 1, holderRequest ?? 'another change');
      const messageId = await progressMessageOf(this.deps.db, item.id);
      if (messageId) await this.deps.publisher.update(request.thread, messageId, card);
      else {
        const posted = await this.deps.publisher.post(request.thread, card, request.id);
        await updateDeployment(this.deps.db, item.id, { progress_message_id: posted.messageId });
      }
      await this.deps.publisher.refreshPlanCard(request.id, request.revision);
    }
  }

  /** After a restart: applies that were cut off are failed (never silently re-run), queues resume. */
  async recover(): Promise<void> {
    if (this.deps.runsApplies === false) return;
    // Shared store: another replica may be applying right now; only expired leases tell (reaper).
    if (this.deps.shared) return void (await this.reapExpired());
    for (const { id } of await deploymentsInStatus(this.deps.db, ['applying'])) {
      const d = await findDeployment(this.deps.db, { id });
      if (d) await explainInterrupted(this.deps, d, { waitMs: this.deps.engineWaitMs ?? 120_000 });
    }
    const stacks = new Set((await deploymentsInStatus(this.deps.db, ['queued'])).map((d) => d.stack));
    await Promise.all([...stacks].map((s) => this.kick(s)));
  }

  /**
   * Stops an apply this replica runs (its lock was broken): the engine gets SIGINT and writes its
   * state, and nothing more is recorded for it here. No-op for an apply running elsewhere.
   */
  async stop(deploymentId: string): Promise<void> {
    const running = this.running.get(deploymentId);
    if (!running) return;
    running.controller.abort();
    await running.done;
  }

  /** Resolves when nothing is applying (tests, shutdown). */
  async idle(): Promise<void> {
    // A finished apply kicks its stack's queue, which may start the next: wait until none runs.
    do {
      await Promise.all([...[...this.running.values()].map((r) => r.done), ...this.chains.values()]);
    } while (this.running.size > 0);
  }

  /** Stops taking work and asks running applies to stop (Terraform gets SIGINT and saves state). */
  async shutdown(): Promise<void> {
    this.stopped = true;
    for (const t of this.timers) clearInterval(t);
    for (const r of this.running.values()) r.controller.abort();
    await Promise.allSettled([...this.running.values()].map((r) => r.done));
  }
}

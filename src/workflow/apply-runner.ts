import { queuedCard } from '../../cards/run-cards.ts';
import { sha256 } from '../domain/hash.ts';
import type { ChangeRequest } from '../domain/types.ts';
import type { Logger } from '../observability/logger.ts';
import type { Metrics } from '../observability/metrics.ts';
import {
  deploymentsInStatus,
  findDeployment,
  insertDeployment,
  lockHolder,
  progressMessageOf,
  queuedOn,
  tryLockStack,
  updateDeployment,
} from '../store/deployments.ts';
import { findRequest } from '../store/requests.ts';
import { ApplyExecution } from './apply-execution.ts';
import type { ApprovalPolicy } from './approval-policy.ts';
import { explainInterrupted } from './interrupted-apply.ts';
import type { RevisionDeps } from './revisions.ts';
import type { StackRegistry } from './stacks.ts';
import { transition } from './transitions.ts';

// Approved requests → per-stack queue → one apply per stack at a time. The lock lives in the
// database so it survives restarts; the queue is the set of deployments in status `queued`.

const SYSTEM = 'greenlight';

export interface ApplyRunnerDeps extends RevisionDeps {
  stacks: StackRegistry;
  policy: ApprovalPolicy;
  log: Logger;
  metrics: Metrics;
  /** After a crash, how long a leftover engine process may run on before it is stopped (default 2 min). */
  engineWaitMs?: number;
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

  constructor(private readonly deps: ApplyRunnerDeps) {
    this.execution = new ApplyExecution(deps);
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
    if (created) void this.kick(request.stack);
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
    if (this.stopped) return;
    const queue = await queuedOn(this.deps.db, stack);
    const head = queue[0];
    if (!head) return;
    const at = this.at();
    const started = await this.deps.db.transaction().execute(async (trx) => {
      if (!(await tryLockStack(trx, stack, head.id, at))) return false;
      await updateDeployment(trx, head.id, { status: 'applying', started_at: at });
      await transition(trx, { id: head.requestId, revision: head.revision }, ['queued'], 'applying', SYSTEM, at, { deploymentId: head.id });
      return true;
    });
    await this.announcePositions(stack, started ? queue.slice(1) : queue);
    if (!started) return;
    const controller = new AbortController();
    const done = this.execution
      .run(head.id, controller.signal)
      .catch((error) => this.deps.log.error({ err: error, deploymentId: head.id }, 'apply crashed'))
      .finally(() => {
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
    for (const { id } of await deploymentsInStatus(this.deps.db, ['applying'])) {
      const d = await findDeployment(this.deps.db, { id });
      if (d) await explainInterrupted(this.deps, d, { waitMs: this.deps.engineWaitMs ?? 120_000 });
    }
    const stacks = new Set((await deploymentsInStatus(this.deps.db, ['queued'])).map((d) => d.stack));
    await Promise.all([...stacks].map((s) => this.kick(s)));
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
    for (const r of this.running.values()) r.controller.abort();
    await Promise.allSettled([...this.running.values()].map((r) => r.done));
  }
}

import { trace } from '@opentelemetry/api';
import { progressCard, resultCard } from '../../cards/run-cards.ts';
import { GreenlightError, toGreenlightError } from '../domain/errors.ts';
import { SYSTEM_PRINCIPAL } from '../domain/people.ts';
import type { ChangeRequest, Plan } from '../domain/types.ts';
import type { ApplyResult } from '../engines/engine.ts';
import type { Logger } from '../observability/logger.ts';
import { appendAudit } from '../store/audit-log.ts';
import { appendEvents, findDeployment, progressMessageOf, unlockStack, updateDeployment } from '../store/deployments.ts';
import { deleteLifetime, saveLifetime } from '../store/lifetimes.ts';
import { ensureLocalArtifact } from '../store/plan-artifacts.ts';
import { findRequest } from '../store/requests.ts';
import { saveStackConfig, storedStackConfig } from '../store/stack-config.ts';
import type { ApplyRunnerDeps } from './apply-runner.ts';
import { draftFor, planRequestFor } from './drafts.ts';
import { changesDigest } from './planner.ts';
import { ProgressTracker } from './progress.ts';
import { Requirements } from './requirements.ts';
import { replan } from './revisions.ts';
import { transition } from './transitions.ts';

// One apply, from the lock being taken to the result card: checks that the approvals and the
// saved plan still bind, streams engine events into the progress card, re-plans a stale plan
// (applying it only if it makes exactly the approved changes), and records the outcome.

const tracer = trace.getTracer('greenlight');
const SYSTEM = SYSTEM_PRINCIPAL;

type Outcome = { ok: true; result: ApplyResult } | { ok: false; error: GreenlightError };

export class ApplyExecution {
  private readonly requirements: Requirements;

  constructor(private readonly deps: ApplyRunnerDeps) {
    this.requirements = new Requirements(deps);
  }

  private at(): string {
    return this.deps.now().toISOString();
  }

  /** The apply's requirements (approvals bound to this plan hash, the plan and its file intact), asked of what is stored. */
  private async checkBinding(request: ChangeRequest): Promise<void> {
    // Planned on another replica: its saved plan comes from the database, checked by digest.
    await ensureLocalArtifact(this.deps.db, request.plan);
    await this.requirements.assertApplicable(request, SYSTEM);
  }

  /** Applies one deployment that holds its stack's lock; always ends it succeeded, failed or superseded. */
  /**
   * `fence` renews this replica's lease on the stack and says whether it still holds it: checked
   * before the engine runs and before the outcome is recorded, so a replica cut off long enough for
   * another to settle its apply neither starts nor reports it.
   */
  async run(deploymentId: string, signal: AbortSignal, fence: () => Promise<boolean> = async () => true): Promise<void> {
    const deployment = await findDeployment(this.deps.db, { id: deploymentId }, false);
    const request = deployment && (await findRequest(this.deps.db, deployment.requestId, deployment.revision));
    if (!deployment || !request) throw new Error(`deployment ${deploymentId} has no request`);
    const log = this.deps.log.child({ requestId: request.id, stack: request.stack, deploymentId });
    const port = this.deps.publisher.port(request.thread.channel);
    let messageId = await progressMessageOf(this.deps.db, deploymentId);
    const tracker = new ProgressTracker(
      request.plan.changes,
      port.minEditIntervalMs,
      (events) => appendEvents(this.deps.db, deploymentId, events),
      async (state) => {
        if (messageId) await this.deps.publisher.update(request.thread, messageId, progressCard(request, state, Date.now()));
      },
    );
    const firstCard = progressCard(request, tracker.state, Date.now());
    if (messageId) await this.deps.publisher.update(request.thread, messageId, firstCard);
    else {
      messageId = (await this.deps.publisher.post(request.thread, firstCard, request.id)).messageId;
      await updateDeployment(this.deps.db, deploymentId, { progress_message_id: messageId });
    }
    await this.deps.publisher.refreshPlanCard(request.id, request.revision);
    log.info('apply started');
    const started = performance.now();
    let outcome: Outcome;
    try {
      await this.checkBinding(request);
      if (!request.plan.artifact) {
        // Made by program analysis: nothing saved to apply. The engine previews now, and the
        // fresh plan is applied only if it makes exactly the approved changes.
        throw new GreenlightError('plan_stale', 'This plan was made by program analysis; an engine preview is needed before applying.');
      }
      if (!(await fence())) throw new GreenlightError('interrupted', 'This replica lost its lease on the stack before applying.');
      const result = await tracer.startActiveSpan('infra.apply', async (span) => {
        try {
          return await this.applyPlan(request, request.plan, tracker, signal, deploymentId);
        } finally {
          span.end();
        }
      });
      outcome = { ok: true, result };
    } catch (error) {
      outcome = { ok: false, error: toGreenlightError(error) };
    }
    await tracker.settle();
    if (!outcome.ok && outcome.error.code === 'plan_stale') {
      // The stack changed while this request waited. Plan again; the approval carries over only
      // when the fresh plan makes exactly the changes that were approved.
      const retried = await this.retryStale(request, tracker, signal, log, deploymentId).catch((error: unknown) => ({
        ok: false as const,
        error: toGreenlightError(error),
      }));
      if (retried === 'superseded') {
        await this.finishSuperseded(request, deploymentId, request.stack);
        await tracker.finish();
        if (messageId)
          await this.deps.publisher.update(request.thread, messageId, progressCard(request, tracker.state, Date.now(), 'superseded'));
        return;
      }
      outcome = retried;
      await tracker.settle();
    }
    if (!(await fence())) {
      // Another replica took the stack over and reported this apply as interrupted: it owns the story now.
      log.error({ ok: outcome.ok }, 'stack lease lost during the apply: outcome not recorded here');
      return;
    }
    const seconds = (performance.now() - started) / 1000;
    this.deps.metrics.applyDuration.observe({ stack: request.stack, result: outcome.ok ? 'succeeded' : 'failed' }, seconds);
    await this.finish(request, deploymentId, outcome);
    log.info({ seconds, ok: outcome.ok }, 'apply finished');
    // The progress card's last edit still keeps to the channel's interval; the result is out.
    await tracker.finish();
    // Then its final state, so that the badge never stays "applying".
    const end = outcome.ok ? 'succeeded' : 'failed';
    if (messageId) await this.deps.publisher.update(request.thread, messageId, progressCard(request, tracker.state, Date.now(), end));
  }

  private async applyPlan(
    request: ChangeRequest,
    plan: Plan,
    tracker: ProgressTracker,
    signal: AbortSignal,
    deploymentId: string,
  ): Promise<ApplyResult> {
    if (!plan.artifact) throw new GreenlightError('plan_mismatch', 'This plan has no saved engine plan to apply.');
    const draft = await draftFor(request.capability, plan.params, request.requester, this.deps.queries);
    const stack = this.deps.stacks.forDraft(draft);
    const target = this.deps.stacks.target(stack, plan.config, draft.program);
    // A drift remediation was planned from refreshed state; its apply refreshes the same way.
    return this.deps.stacks.engine(stack).apply(target, plan.artifact.path, plan.operation, {
      onEvent: (e) => tracker.onEvent(e),
      signal,
      ...(plan.drift ? { refresh: true } : {}),
      // Recorded so that a restart after a crash can find this process (interrupted-apply.ts).
      onSpawn: (pid) =>
        void updateDeployment(this.deps.db, deploymentId, {
          engine_pid: pid,
          state_serial_before: plan.artifact?.priorStateSerial ?? null,
        }).catch((err: unknown) => this.deps.log.warn({ err, deploymentId }, 'could not record the engine process')),
    });
  }

  private async retryStale(
    request: ChangeRequest,
    tracker: ProgressTracker,
    signal: AbortSignal,
    log: Logger,
    deploymentId: string,
  ): Promise<{ ok: true; result: ApplyResult } | { ok: false; error: GreenlightError } | 'superseded'> {
    const { plan: fresh } = await this.deps.planner.plan(
      await planRequestFor(request, `${request.id}-r${request.revision}-refresh`, this.deps.queries, true),
    );
    const same = changesDigest(fresh) === changesDigest(request.plan);
    await this.deps.db.transaction().execute((trx) =>
      appendAudit(
        trx,
        {
          actor: SYSTEM,
          action: same ? 'plan.refreshed' : 'plan.changed_while_queued',
          requestId: request.id,
          revision: request.revision,
          detail: { approvedHash: request.plan.hash, freshHash: fresh.hash },
        },
        this.at(),
      ),
    );
    if (!same) return 'superseded';
    log.info('stale plan refreshed with identical changes');
    return { ok: true, result: await this.applyPlan(request, fresh, tracker, signal, deploymentId) };
  }

  private async finishSuperseded(request: ChangeRequest, deploymentId: string, stack: string): Promise<void> {
    const at = this.at();
    await this.deps.db.transaction().execute(async (trx) => {
      await updateDeployment(trx, deploymentId, {
        status: 'cancelled',
        finished_at: at,
        error: 'The stack changed while this request was queued; re-planned for approval.',
      });
      await unlockStack(trx, stack, deploymentId);
    });
    await replan(this.deps, request, {
      from: ['applying'],
      to: 'superseded',
      actor: SYSTEM,
      reason: 'the stack changed while the request was queued and the fresh plan differs',
    });
  }

  private async finish(request: ChangeRequest, deploymentId: string, outcome: Outcome): Promise<void> {
    const at = this.at();
    await this.deps.db.transaction().execute(async (trx) => {
      if (outcome.ok) {
        await updateDeployment(trx, deploymentId, {
          status: 'succeeded',
          finished_at: at,
          outputs: outcome.result.outputs,
          error: null,
        });
        await transition(trx, request, ['applying'], 'succeeded', SYSTEM, at, {
          deploymentId,
          summary: outcome.result.summary,
        });
        // A temporary environment's clock starts at its apply; a destroy ends it.
        if (request.plan.operation === 'destroy') await deleteLifetime(trx, request.stack);
        else if (request.plan.lifetimeMs) {
          const expiresAt = new Date(Date.parse(at) + request.plan.lifetimeMs).toISOString();
          await saveLifetime(trx, { ...request, expiresAt, requestId: request.id }, at);
        }
      } else {
        await updateDeployment(trx, deploymentId, {
          status: 'failed',
          finished_at: at,
          error: outcome.error.message,
          error_code: outcome.error.code,
        });
        await transition(trx, request, ['applying'], 'failed', SYSTEM, at, {
          deploymentId,
          code: outcome.error.code,
        });
      }
      await unlockStack(trx, request.stack, deploymentId);
    });
    if (outcome.ok && Object.keys(request.plan.overrides).length > 0) {
      const stored = await storedStackConfig(this.deps.db, request.stack);
      await saveStackConfig(this.deps.db, request.stack, { ...stored, ...request.plan.overrides }, request.requester, at);
    }
    const deployment = await findDeployment(this.deps.db, { id: deploymentId });
    if (deployment) await this.deps.publisher.post(request.thread, resultCard(request, deployment), request.id);
    await this.deps.publisher.refreshPlanCard(request.id, request.revision);
  }
}

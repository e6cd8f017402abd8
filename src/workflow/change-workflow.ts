import type { Capability, PlanningCapability } from '../../capabilities/types.ts';
import type { Card } from '../../cards/model.ts';
import { noDriftCard, notDeployedCard } from '../../cards/plan-card.ts';
import { GreenlightError } from '../domain/errors.ts';
import { secrets } from '../domain/redaction.ts';
import type { ChangeRequest, Plan, PrincipalId, ThreadRef } from '../domain/types.ts';
import type { Logger } from '../observability/logger.ts';
import type { Metrics } from '../observability/metrics.ts';
import { learnFromApproved, rememberRequest } from '../store/memory-store.ts';
import { findRequest, insertApproval, listApprovals, lockRequest, setPlanMessage } from '../store/requests.ts';
import type { ApplyRunner } from './apply-runner.ts';
import type { ApprovalPolicy } from './approval-policy.ts';
import { expireStale } from './plan-expiry.ts';
import { discardArtifact, hasEffectiveChanges } from './planner.ts';
import type { PostedMessage } from './ports.ts';
import type { QueryServices } from './query-services.ts';
import { newRequestId, type RevisionDeps, replan } from './revisions.ts';
import type { StackRegistry } from './stacks.ts';
import { mayApprove, type ThreadSummary, threadSummaries } from './thread-summaries.ts';
import { createRevision, refuse, transition } from './transitions.ts';

// The change workflow: the only place that knows the order of things. A message becomes a query
// answer or a plan card; a button press becomes an approval, a rejection or a refusal.

export interface InboundText {
  user: PrincipalId;
  text: string;
  thread: ThreadRef;
}

export interface InboundAction {
  user: PrincipalId;
  requestId: string;
  action: 'approve' | 'reject' | 'replan';
  /** The revision the button was rendered for; a click on an older card is refused. */
  revision?: number;
  /** When given, must equal the current plan's hash. */
  planHash?: string;
  /** What the person typed next to the button (a destroy needs the stack's name). */
  confirmation?: string | undefined;
}

export interface WorkflowDeps extends RevisionDeps {
  stacks: StackRegistry;
  policy: ApprovalPolicy;
  runner: ApplyRunner;
  queries: QueryServices;
  log: Logger;
  metrics: Metrics;
}

export class ChangeWorkflow {
  constructor(private readonly deps: WorkflowDeps) {}

  private at(): string {
    return this.deps.now().toISOString();
  }

  /**
   * Runs a capability with validated parameters: a read-only one answers with a card, a
   * state-changing one is planned and its plan card posted for approval.
   */
  async execute(input: InboundText, cap: Capability, params: Record<string, unknown>, notes: string[] = []): Promise<PostedMessage[]> {
    const ctx = { user: input.user, services: this.deps.queries };
    if (cap.kind === 'query') {
      const card = await cap.run(params, ctx);
      this.deps.metrics.requests.inc({ capability: cap.id, outcome: 'answered' });
      return [await this.deps.publisher.post(input.thread, card, null)];
    }
    const { id, plan } = await this.planChange(input.user, cap, params, notes);
    if (plan.drift) {
      for (const d of plan.drift) this.deps.metrics.driftEvents.inc({ stack: plan.stack, environment: plan.environment, source: d.source });
      // Nothing in its state yet: there is nothing to drift; say so and how to deploy it. (Resources
      // deleted by hand are drift the refresh reports, and are planned back like any other.)
      const refreshed = plan.drift.some((d) => d.source === 'refresh');
      if (!refreshed && plan.changes.length > 0 && plan.changes.every((c) => c.operation === 'create')) {
        discardArtifact(plan);
        this.deps.metrics.requests.inc({ capability: cap.id, outcome: 'answered' });
        return [await this.deps.publisher.post(input.thread, notDeployedCard(plan), null)];
      }
      // Nothing drifted and nothing to put back: an answer, not a request to approve.
      if (plan.drift.length === 0 && !hasEffectiveChanges(plan)) {
        discardArtifact(plan);
        this.deps.metrics.requests.inc({ capability: cap.id, outcome: 'answered' });
        return [await this.deps.publisher.post(input.thread, noDriftCard(plan), null)];
      }
    }
    return [(await this.open(id, input, cap, params, plan)).posted];
  }

  /** Plans a state-changing capability for `user` under a new request id; nothing is stored yet. */
  async planChange(
    user: PrincipalId,
    cap: PlanningCapability,
    params: Record<string, unknown>,
    notes: string[] = [],
  ): Promise<{ id: string; plan: Plan }> {
    const draft = await cap.plan(params, { user, services: this.deps.queries });
    const id = newRequestId();
    const { plan } = await this.deps.planner.plan({ capability: cap.id, params, draft, artifactName: `${id}-r1`, notes });
    return { id, plan };
  }

  /**
   * Stores a planned change as a request awaiting approval and posts its plan card in the thread.
   * `beforePost` runs once the request is stored (a program's request records where it came from,
   * so the card can say so).
   */
  async open(
    id: string,
    input: InboundText,
    cap: Capability,
    params: Record<string, unknown>,
    plan: Plan,
    beforePost?: (request: ChangeRequest) => Promise<void>,
  ): Promise<{ request: ChangeRequest; posted: PostedMessage }> {
    const request = await this.createRequest(id, input, cap, params, plan);
    await beforePost?.(request);
    this.deps.metrics.requests.inc({ capability: cap.id, outcome: 'planned' });
    this.deps.log.info({ requestId: request.id, stack: request.stack, user: input.user }, 'plan posted');
    return { request, posted: await this.postPlan(request) };
  }

  private async createRequest(
    id: string,
    input: InboundText,
    cap: Capability,
    params: Record<string, unknown>,
    plan: Plan,
  ): Promise<ChangeRequest> {
    const at = this.at();
    const request: ChangeRequest = {
      id,
      revision: 1,
      status: 'awaiting_approval',
      requester: input.user,
      editors: [],
      capability: cap.id,
      stack: plan.stack,
      environment: plan.environment,
      // What was said is kept for history with its secrets masked; the values live in the plan.
      text: secrets.text(input.text),
      thread: input.thread,
      planMessageId: null,
      plan,
      createdAt: at,
      updatedAt: at,
    };
    await this.deps.db.transaction().execute((trx) => createRevision(trx, request, input.user, at, { text: request.text }));
    await rememberRequest(this.deps.db, input.user, {
      text: request.text,
      capability: cap.id,
      stack: plan.stack,
      environment: plan.environment,
      requestId: id,
      at,
      params,
    });
    return request;
  }

  private async postPlan(request: ChangeRequest): Promise<PostedMessage> {
    const posted = await this.deps.publisher.post(request.thread, await this.deps.publisher.renderPlanCard(request), request.id);
    await setPlanMessage(this.deps.db, request.id, request.revision, posted.messageId);
    return posted;
  }

  /** A button press. Returns the updated plan card; throws a GreenlightError when refused. */
  async act(input: InboundAction): Promise<Card> {
    const at = this.at();
    const request = await findRequest(this.deps.db, input.requestId);
    if (!request) throw new GreenlightError('not_found', `There is no request ${input.requestId}.`);
    const refuseWith = async (code: GreenlightError['code'], message: string) => {
      this.deps.metrics.refusals.inc({ reason: code });
      return refuse(this.deps.db, new GreenlightError(code, message), input.user, at, request);
    };
    if (input.action === 'approve' && (input.revision === undefined || input.planHash === undefined)) {
      // An approval names exactly what it approves: the revision and the plan hash its card showed.
      throw await refuseWith(
        'bad_request',
        `An approval must name the revision and the plan hash it approves (revision ${request.revision}, planHash ${request.plan.hash}); press Approve on the current card.`,
      );
    }
    if (input.revision !== undefined && input.revision !== request.revision) {
      throw await refuseWith('superseded', `Revision ${input.revision} of ${request.id} was replaced by revision ${request.revision}.`);
    }
    if (input.planHash !== undefined && input.planHash !== request.plan.hash) {
      throw await refuseWith(
        'plan_mismatch',
        `The plan you saw (${input.planHash.slice(0, 12)}) is not the current plan (${request.plan.hash.slice(0, 12)}).`,
      );
    }
    const decision =
      input.action === 'approve' ? this.deps.policy.canApprove(request, input.user) : this.deps.policy.canReject(request, input.user);
    if (!decision.allowed) throw await refuseWith(decision.code, decision.reason);
    if (input.action === 'approve' && request.plan.madeBy === 'program analysis') {
      throw await refuseWith(
        'engine_not_found',
        `${request.id} was planned without an engine (the Pulumi CLI is not installed here): it can be reviewed, not applied. Install the Pulumi CLI and ask again.`,
      );
    }
    if (input.action === 'approve' && request.plan.operation === 'destroy' && input.confirmation?.trim() !== request.plan.stack) {
      throw await refuseWith(
        'confirmation_required',
        input.confirmation?.trim()
          ? `"${input.confirmation.trim()}" is not the stack's name: type ${request.plan.stack} to confirm the destroy.`
          : `Destroying ${request.plan.stack} needs its name typed to confirm: type ${request.plan.stack} in the box, then Approve.`,
      );
    }
    const expired =
      request.status === 'expired' ||
      (request.status === 'awaiting_approval' && Date.parse(request.plan.expiresAt) <= this.deps.now().getTime());
    if (expired && input.action !== 'reject') {
      const next = await this.replanExpired(request, input.user);
      if (input.action === 'replan') return next;
      throw new GreenlightError(
        'plan_expired',
        `The plan for ${request.id} expired at ${request.plan.expiresAt} and was not applied. Revision ${next.revision ?? ''} has a fresh plan.`,
        {
          details: { requestId: request.id, revision: next.revision ?? null },
        },
      );
    }
    if (input.action === 'replan')
      throw await refuseWith(
        'already_decided',
        `${request.id} is ${request.status.replace('_', ' ')}; only an expired plan can be planned again.`,
      );
    if (request.status !== 'awaiting_approval' && request.status !== 'expired') {
      throw await refuseWith('already_decided', `${request.id} is already ${request.status.replace('_', ' ')}.`);
    }
    return input.action === 'approve' ? this.approve(request, input.user, at) : this.reject(request, input.user, at);
  }

  private async approve(request: ChangeRequest, user: PrincipalId, at: string): Promise<Card> {
    const { policy } = this.deps;
    const required = policy.ruleFor(request).required;
    const result = await this.deps.db.transaction().execute(async (trx) => {
      // Re-read inside the transaction: a concurrent click may have decided it already.
      const current = await lockRequest(trx, request.id, request.revision);
      if (current?.status !== 'awaiting_approval') return { outcome: 'decided' as const, status: current?.status };
      const earlier = (await listApprovals(trx, request.id)).filter((a) => a.revision === request.revision && a.decision === 'approve');
      // One person, one approval: another of their channel identities does not count again.
      if (earlier.some((a) => policy.people.same(a.approver, user))) return { outcome: 'duplicate' as const };
      const recorded = await insertApproval(trx, {
        requestId: request.id,
        revision: request.revision,
        approver: user,
        decision: 'approve',
        planHash: request.plan.hash,
        at,
      });
      if (!recorded) return { outcome: 'duplicate' as const };
      const votes = policy.counted(request, await listApprovals(trx, request.id)).length;
      if (votes < required) return { outcome: 'partial' as const };
      await transition(trx, request, ['awaiting_approval'], 'approved', user, at, {
        planHash: request.plan.hash,
        approvals: votes,
      });
      return { outcome: 'approved' as const };
    });
    if (result.outcome === 'decided') {
      throw await refuse(
        this.deps.db,
        new GreenlightError('already_decided', `${request.id} is already ${result.status ?? 'decided'}.`),
        user,
        at,
        request,
      );
    }
    if (result.outcome === 'duplicate') {
      throw await refuse(
        this.deps.db,
        new GreenlightError('already_approved', `${user} already approved ${request.id}.`),
        user,
        at,
        request,
      );
    }
    this.deps.metrics.approvals.inc({ decision: 'approve', environment: request.environment });
    const card = await this.deps.publisher.refreshPlanCard(request.id, request.revision);
    if (result.outcome === 'approved') {
      // Defaults are learned from approved requests only: a rejected idea teaches nothing.
      await learnFromApproved(this.deps.db, request.requester, request.plan.params, request.environment);
    }
    if (result.outcome === 'approved') await this.deps.runner.enqueue({ ...request, status: 'approved' }, user);
    return card ?? (await this.deps.publisher.renderPlanCard(request));
  }

  private async reject(request: ChangeRequest, user: PrincipalId, at: string): Promise<Card> {
    const moved = await this.deps.db.transaction().execute(async (trx) => {
      if (
        !(await transition(trx, request, ['awaiting_approval', 'expired'], 'rejected', user, at, {
          planHash: request.plan.hash,
        }))
      )
        return false;
      await insertApproval(trx, {
        requestId: request.id,
        revision: request.revision,
        approver: user,
        decision: 'reject',
        planHash: request.plan.hash,
        at,
      });
      return true;
    });
    if (!moved)
      throw await refuse(this.deps.db, new GreenlightError('already_decided', `${request.id} was already decided.`), user, at, request);
    this.deps.metrics.approvals.inc({ decision: 'reject', environment: request.environment });
    return (await this.deps.publisher.refreshPlanCard(request.id, request.revision)) ?? (await this.deps.publisher.renderPlanCard(request));
  }

  /** An approval of an expired plan never applies it: the stack is planned again for review. */
  private async replanExpired(request: ChangeRequest, user: PrincipalId): Promise<Card & { revision?: number }> {
    const next = await replan(this.deps, request, {
      from: ['awaiting_approval', 'expired'],
      to: 'expired',
      actor: user,
      reason: 'plan expired before approval',
    });
    if (!next) throw new GreenlightError('already_decided', `${request.id} was already planned again; act on its newest revision.`);
    return this.deps.publisher.renderPlanCard(next);
  }

  /** Whether `user` may approve the request now (the console hides Approve from the rest). */
  mayApprove(requestId: string, user: PrincipalId): Promise<{ allowed: boolean; reason?: string }> {
    return mayApprove(this.deps.db, this.deps.policy, requestId, user);
  }

  /** The console's thread list, as `user` sees it. */
  threadSummaries(user: PrincipalId): Promise<ThreadSummary[]> {
    return threadSummaries(this.deps.db, this.deps.policy, user);
  }

  /** When the next waiting plan expires (ms since the epoch), as of the last sweep. */
  nextExpiry: number | undefined;

  /** Marks plans past their expiry as expired (their cards lose the Approve button). */
  async expireStale(): Promise<number> {
    const { count, nextExpiry } = await expireStale(this.deps);
    this.nextExpiry = nextExpiry;
    return count;
  }
}

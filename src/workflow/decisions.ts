import type { Card } from '../../cards/model.ts';
import { GreenlightError } from '../domain/errors.ts';
import { SYSTEM_PRINCIPAL } from '../domain/people.ts';
import type { ChangeRequest, PrincipalId } from '../domain/types.ts';
import type { Logger } from '../observability/logger.ts';
import type { Metrics } from '../observability/metrics.ts';
import { learnFromApproved } from '../store/memory-store.ts';
import { findRequest, insertApproval, listApprovals, lockRequest } from '../store/requests.ts';
import type { ApplyRunner } from './apply-runner.ts';
import type { ApprovalPolicy } from './approval-policy.ts';
import type { InboundAction } from './inbound.ts';
import { type Requirement, Requirements } from './requirements.ts';
import { type RevisionDeps, replan } from './revisions.ts';
import { refuse, transition } from './transitions.ts';

// A button press on a plan card: every requirement in the list is asked (requirements.ts), then
// the approval is recorded (applied once enough people approved), the rejection recorded, or an
// expired plan planned again for review. A refusal is audited and told to the clicker.

export interface DecisionDeps extends RevisionDeps {
  policy: ApprovalPolicy;
  runner: ApplyRunner;
  log: Logger;
  metrics: Metrics;
  requirements?: readonly Requirement[] | undefined;
}

type Recorded = { outcome: 'decided'; status: string | undefined } | { outcome: 'duplicate' | 'partial' | 'approved' };

export class Decisions {
  private readonly requirements: Requirements;

  constructor(private readonly deps: DecisionDeps) {
    this.requirements = new Requirements(deps);
  }

  /** Returns the updated plan card; throws a GreenlightError when refused. */
  async act(input: InboundAction): Promise<Card> {
    const at = this.deps.now().toISOString();
    const request = await findRequest(this.deps.db, input.requestId);
    if (!request) throw new GreenlightError('not_found', `There is no request ${input.requestId}.`);
    const log = (input.log ?? this.deps.log).child({ stack: request.stack, revision: request.revision, capability: request.capability });
    const named = { revision: input.revision, planHash: input.planHash, confirmation: input.confirmation };
    const refused = await this.requirements.refusal(request, input.user, input.action, 'click', named);
    if (refused?.code === 'plan_expired') {
      // An approval of an expired plan never applies it: the stack is planned again for review.
      const next = await this.replanExpired(request, input.user);
      throw new GreenlightError('plan_expired', `${refused.message} Revision ${next.revision ?? ''} has a fresh plan.`, {
        details: { requestId: request.id, revision: next.revision ?? null },
      });
    }
    if (refused) {
      log.info({ code: refused.code }, 'action refused');
      throw await this.refuse(request, input.user, at, new GreenlightError(refused.code, refused.message));
    }
    log.info('action accepted');
    if (input.action === 'replan') return this.replanExpired(request, input.user);
    return input.action === 'approve' ? this.approve(request, input.user, at) : this.reject(request, input.user, at);
  }

  /**
   * Greenlight's own approval, where config allows it (an expired temporary environment's destroy,
   * `lifetimes.<env>.destroyWithoutApproval`, never prod): the approval policy decides, as for a person.
   */
  async approveAsSystem(requestId: string): Promise<void> {
    const request = await findRequest(this.deps.db, requestId);
    if (!request) throw new GreenlightError('not_found', `There is no request ${requestId}.`);
    const decision = this.deps.policy.canApprove(request, SYSTEM_PRINCIPAL);
    if (!decision.allowed) throw new GreenlightError(decision.code, decision.reason);
    await this.approve(request, SYSTEM_PRINCIPAL, this.deps.now().toISOString());
  }

  private async refuse(request: ChangeRequest, user: PrincipalId, at: string, error: GreenlightError): Promise<GreenlightError> {
    this.deps.metrics.refusals.inc({ reason: error.code });
    return refuse(this.deps.db, error, user, at, request);
  }

  private async approve(request: ChangeRequest, user: PrincipalId, at: string): Promise<Card> {
    const result = await this.record(request, user, at);
    // Lost races, not refusals by a requirement: audited, not counted as refusals.
    if (result.outcome === 'decided')
      throw await refuse(
        this.deps.db,
        new GreenlightError('already_decided', `${request.id} is already ${result.status ?? 'decided'}.`),
        user,
        at,
        request,
      );
    if (result.outcome === 'duplicate')
      throw await refuse(
        this.deps.db,
        new GreenlightError('already_approved', `${user} already approved ${request.id}.`),
        user,
        at,
        request,
      );
    this.deps.metrics.approvals.inc({ decision: 'approve', environment: request.environment });
    const card = await this.deps.publisher.refreshPlanCard(request.id, request.revision);
    if (result.outcome === 'approved') {
      // Defaults are learned from approved requests only: a rejected idea teaches nothing. Greenlight's
      // own requests (a lifetime's destroy) teach no one.
      if (request.requester !== SYSTEM_PRINCIPAL)
        await learnFromApproved(this.deps.db, request.requester, request.plan.params, request.environment);
      await this.deps.runner.enqueue({ ...request, status: 'approved' }, user);
    }
    return card ?? (await this.deps.publisher.renderPlanCard(request));
  }

  /** The approval, recorded under the request's row lock: approved once enough distinct people counted. */
  private record(request: ChangeRequest, user: PrincipalId, at: string): Promise<Recorded> {
    const { policy } = this.deps;
    return this.deps.db.transaction().execute(async (trx): Promise<Recorded> => {
      // Re-read inside the transaction: a concurrent click may have decided it already.
      const current = await lockRequest(trx, request.id, request.revision);
      if (current?.status !== 'awaiting_approval') return { outcome: 'decided', status: current?.status };
      const earlier = (await listApprovals(trx, request.id)).filter((a) => a.revision === request.revision && a.decision === 'approve');
      // One person, one approval: another of their channel identities does not count again.
      if (earlier.some((a) => policy.people.same(a.approver, user))) return { outcome: 'duplicate' };
      const approval = { requestId: request.id, revision: request.revision, approver: user, planHash: request.plan.hash, at };
      if (!(await insertApproval(trx, { ...approval, decision: 'approve' }))) return { outcome: 'duplicate' };
      const state = policy.state(request, policy.counted(request, await listApprovals(trx, request.id)));
      if (!state.met) return { outcome: 'partial' };
      await transition(trx, request, ['awaiting_approval'], 'approved', user, at, { planHash: request.plan.hash, approvals: state.have });
      return { outcome: 'approved' };
    });
  }

  private async reject(request: ChangeRequest, user: PrincipalId, at: string): Promise<Card> {
    const moved = await this.deps.db.transaction().execute(async (trx) => {
      const hash = request.plan.hash;
      if (!(await transition(trx, request, ['awaiting_approval', 'expired'], 'rejected', user, at, { planHash: hash }))) return false;
      await insertApproval(trx, {
        requestId: request.id,
        revision: request.revision,
        approver: user,
        decision: 'reject',
        planHash: hash,
        at,
      });
      return true;
    });
    if (!moved)
      throw await refuse(this.deps.db, new GreenlightError('already_decided', `${request.id} was already decided.`), user, at, request);
    this.deps.metrics.approvals.inc({ decision: 'reject', environment: request.environment });
    return (await this.deps.publisher.refreshPlanCard(request.id, request.revision)) ?? (await this.deps.publisher.renderPlanCard(request));
  }

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
}

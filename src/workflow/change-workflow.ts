import type { Capability, PlanningCapability } from '../../capabilities/types.ts';
import type { Card } from '../../cards/model.ts';
import { noDriftCard, notDeployedCard } from '../../cards/plan-card.ts';
import { GreenlightError } from '../domain/errors.ts';
import { describeDuration } from '../domain/lifetime.ts';
import { secrets } from '../domain/redaction.ts';
import type { ChangeRequest, Environment, Plan, PrincipalId } from '../domain/types.ts';
import { rememberRequest } from '../store/memory-store.ts';
import { setPlanMessage } from '../store/requests.ts';
import { type DecisionDeps, Decisions } from './decisions.ts';
import type { InboundAction, InboundText } from './inbound.ts';
import { type LifetimesConfig, lifetimeRule } from './lifetime-rules.ts';
import { expireStale } from './plan-expiry.ts';
import { discardArtifact, hasEffectiveChanges, neverDeployed, type PlanRequest } from './planner.ts';
import type { PostedMessage } from './ports.ts';
import type { QueryServices } from './query-services.ts';
import { newRequestId } from './revisions.ts';
import type { StackRegistry } from './stacks.ts';
import { createRevision } from './transitions.ts';

// The change workflow: the only place that knows the order of things. A message becomes a query
// answer or a plan card; a button press becomes an approval, a rejection or a refusal.

export interface WorkflowDeps extends DecisionDeps {
  stacks: StackRegistry;
  queries: QueryServices;
  /** Config `lifetimes`: how long a temporary environment may live, per environment. */
  lifetimes?: LifetimesConfig | undefined;
}

export class ChangeWorkflow {
  private readonly decisions: Decisions;

  constructor(private readonly deps: WorkflowDeps) {
    this.decisions = new Decisions(deps);
  }

  private at(): string {
    return this.deps.now().toISOString();
  }

  /**
   * Runs a capability with validated parameters: a read-only one answers with a card, a
   * state-changing one is planned and its plan card posted for approval.
   */
  async execute(input: InboundText, cap: Capability, params: Record<string, unknown>, notes: string[] = []): Promise<PostedMessage[]> {
    // A lifetime is for what a request creates; words that only look like one ("history for 7 days") are not.
    const creates = cap.kind === 'provision' || cap.id === 'deploy_stack';
    if (input.lifetime?.said === 'key' && !creates)
      throw new GreenlightError(
        'bad_request',
        `A lifetime (ttl=…) is for what a request creates: provisioning or deploying a stack, not ${cap.title.toLowerCase()}.`,
      );
    // Provisioning where temporary is the default gets the environment's default lifetime unless it names one.
    const lifetimeMs =
      creates && input.lifetime
        ? input.lifetime.ms
        : cap.kind === 'provision'
          ? (environment: Environment) => {
              const rule = lifetimeRule(this.deps.lifetimes, environment);
              return rule.temporaryByDefault ? rule.defaultMs : undefined;
            }
          : undefined;
    const ctx = { user: input.user, services: this.deps.queries };
    if (cap.kind === 'query') {
      const card = await cap.run(params, ctx);
      this.deps.metrics.requests.inc({ capability: cap.id, outcome: 'answered' });
      return [await this.deps.publisher.post(input.thread, card, null)];
    }
    const { id, plan } = await this.planChange(input.user, cap, params, notes, lifetimeMs);
    const rule = lifetimeRule(this.deps.lifetimes, plan.environment);
    if (plan.lifetimeMs && plan.lifetimeMs > rule.maxMs) {
      discardArtifact(plan);
      throw new GreenlightError(
        'bad_request',
        `${describeDuration(plan.lifetimeMs)} is longer than ${plan.environment} allows for a temporary environment (${describeDuration(rule.maxMs)}, lifetimes.${plan.environment}.max). Ask for ${describeDuration(rule.maxMs)} or less.`,
      );
    }
    if (plan.drift) {
      for (const d of plan.drift) this.deps.metrics.driftEvents.inc({ stack: plan.stack, environment: plan.environment, source: d.source });
      // Nothing in its state yet: there is nothing to drift; say so and how to deploy it. (Resources
      // deleted by hand are drift the refresh reports, and are planned back like any other.)
      if (neverDeployed(plan)) {
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
    lifetimeMs?: PlanRequest['lifetimeMs'],
  ): Promise<{ id: string; plan: Plan }> {
    const draft = await cap.plan(params, { user, services: this.deps.queries });
    const id = newRequestId();
    const { plan } = await this.deps.planner.plan({ capability: cap.id, params, draft, artifactName: `${id}-r1`, notes, lifetimeMs });
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
    (input.log ?? this.deps.log).info({ requestId: request.id, stack: request.stack, user: input.user }, 'plan posted');
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

  /** Greenlight's own approval, where config allows it (decisions.ts). */
  approveAsSystem(requestId: string): Promise<void> {
    return this.decisions.approveAsSystem(requestId);
  }

  /** A button press. Returns the updated plan card; throws a GreenlightError when refused. */
  act(input: InboundAction): Promise<Card> {
    return this.decisions.act(input);
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

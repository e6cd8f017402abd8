import { randomBytes } from 'node:crypto';
import { GreenlightError } from '../domain/errors.ts';
import { describeDuration } from '../domain/lifetime.ts';
import type { ChangeRequest, RequestStatus } from '../domain/types.ts';
import type { Db } from '../store/database.ts';
import { setPlanMessage } from '../store/requests.ts';
import { planRequestFor } from './drafts.ts';
import { type LifetimesConfig, lifetimeRule } from './lifetime-rules.ts';
import { discardArtifact, type Planner } from './planner.ts';
import type { Publisher } from './publisher.ts';
import type { QueryServices } from './query-services.ts';
import { createRevision, transition } from './transitions.ts';

// New plans for a request: the first revision, and later ones when a plan expired, went stale
// while queued, or was modified. An old revision is marked `superseded` (or `expired`) in the
// same transaction that stores the new one.

export function newRequestId(): string {
  return `cr-${randomBytes(5).toString('hex')}`;
}

export interface RevisionDeps {
  db: Db;
  /** Config `lifetimes`: a revision that lands in another environment keeps within its maximum. */
  lifetimes?: LifetimesConfig | undefined;
  planner: Planner;
  publisher: Publisher;
  queries: QueryServices;
  now: () => Date;
}

/** Plans the request again as revision + 1, retires the old revision and posts the new card. */
export async function replan(
  deps: RevisionDeps,
  previous: ChangeRequest,
  retire: { from: RequestStatus[]; to: 'superseded' | 'expired'; actor: string; reason: string },
  /**
   * A change of what will be applied (Modify, a follow-up, a form): the new parameters and who
   * changed them. The editor becomes a requester of the new revision. Without it the revision
   * plans the same parameters again (expiry, a stale plan) and nobody new is added.
   */
  change?: { params: Record<string, unknown>; editor: string },
): Promise<ChangeRequest | null> {
  const revision = previous.revision + 1;
  const source = change ? { ...previous, plan: { ...previous.plan, params: change.params } } : previous;
  const { plan } = await deps.planner.plan(await planRequestFor(source, `${previous.id}-r${revision}`, deps.queries));
  // A temporary environment moved elsewhere (dev → prod) keeps its lifetime only within that
  // environment's maximum, as if it had been asked for there.
  const maxMs = lifetimeRule(deps.lifetimes, plan.environment).maxMs;
  if (plan.lifetimeMs && plan.lifetimeMs > maxMs) {
    discardArtifact(plan);
    throw new GreenlightError(
      'bad_request',
      `${previous.id} is temporary for ${describeDuration(plan.lifetimeMs)}, longer than ${plan.environment} allows (${describeDuration(maxMs)}, lifetimes.${plan.environment}.max). Ask again in ${plan.environment} with ttl=${describeDuration(maxMs).replace(/ /g, '')} or less.`,
    );
  }
  const at = deps.now().toISOString();
  const editors = change && change.editor !== previous.requester ? [...new Set([...previous.editors, change.editor])] : previous.editors;
  // The revision is what its plan is: a follow-up that moves it to prod is a prod request, judged
  // by prod's rules. Approvals belong to the old revision and are not carried over.
  const next: ChangeRequest = {
    ...previous,
    revision,
    status: 'awaiting_approval',
    stack: plan.stack,
    environment: plan.environment,
    editors,
    plan,
    planMessageId: null,
    createdAt: at,
    updatedAt: at,
  };
  const stored = await deps.db.transaction().execute(async (trx) => {
    if (
      !(await transition(trx, previous, retire.from, retire.to, retire.actor, at, {
        reason: retire.reason,
        nextRevision: revision,
      }))
    )
      return false;
    await createRevision(trx, next, retire.actor, at, {
      reason: retire.reason,
      ...(change ? { editors, environment: next.environment } : {}),
    });
    return true;
  });
  if (!stored) return null; // someone else retired it first; their revision stands
  await deps.publisher.refreshPlanCard(previous.id, previous.revision);
  const card = await deps.publisher.renderPlanCard(next);
  const posted = await deps.publisher.post(next.thread, card, next.id);
  await setPlanMessage(deps.db, next.id, revision, posted.messageId);
  return { ...next, planMessageId: posted.messageId };
}

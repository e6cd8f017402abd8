import { capability } from '../../capabilities/index.ts';
import { formatWhen } from '../../cards/format.ts';
import { lifetimeReminderCard } from '../../cards/lifetime-cards.ts';
import { GreenlightError } from '../domain/errors.ts';
import { describeDuration } from '../domain/lifetime.ts';
import { SYSTEM_PRINCIPAL } from '../domain/people.ts';
import { FINAL_STATUSES, type PrincipalId } from '../domain/types.ts';
import {
  claimDestroy,
  listLifetimes,
  markReminded,
  releaseDestroyClaim,
  type StackLifetime,
  setDestroyRequest,
} from '../store/lifetimes.ts';
import { findRequest } from '../store/requests.ts';
import { lifetimeRule } from './lifetime-rules.ts';
import type { OperationDeps } from './operations/operation.ts';
import type { PostedMessage } from './ports.ts';

// Temporary environments between requests: a reminder in the thread and to the requester a day
// before the end (with Extend and Destroy now), and at the end a destroy plan through the approval
// rules like any other change — approved by Greenlight itself only where
// `lifetimes.<env>.destroyWithoutApproval` says so (never in prod). Run once per cluster by the
// sweeper's lease.

const REMIND_BEFORE_MS = 24 * 3_600_000;
/** A claim taken but never named (the process stopped between the two writes) is abandoned after this. */
const ABANDONED_CLAIM_MS = 10 * 60_000;

/**
 * The lifetime with its destroy claim freed when the destroy it names closed without removing the
 * stack (rejected, failed, expired, cancelled) or was never opened: otherwise a rejected "Destroy
 * now" would stop the reminder, the end and Extend for good. (A destroy that succeeded removed the
 * lifetime in the same transaction.)
 */
export async function freeClosedDestroy(deps: Pick<OperationDeps, 'db' | 'now'>, l: StackLifetime): Promise<StackLifetime> {
  const claim = l.destroyRequestId;
  if (!claim) return l;
  const open = claim.startsWith('pending:')
    ? deps.now().getTime() - Date.parse(claim.slice('pending:'.length)) < ABANDONED_CLAIM_MS
    : !FINAL_STATUSES.includes((await findRequest(deps.db, claim))?.status ?? 'expired');
  if (open) return l;
  return (await releaseDestroyClaim(deps.db, l.stack, claim)) ? { ...l, destroyRequestId: null } : l;
}

export function lifetimeReminder(deps: OperationDeps, l: StackLifetime) {
  const rule = lifetimeRule(deps.lifetimes, l.environment);
  return lifetimeReminderCard(l, describeDuration(rule.defaultMs), describeDuration(rule.maxMs));
}

/** Posts the destroy plan for a temporary environment (its end, or Destroy now). */
export async function openLifetimeDestroy(deps: OperationDeps, l: StackLifetime, user: PrincipalId, why: string): Promise<PostedMessage[]> {
  const at = deps.now().toISOString();
  if (!(await claimDestroy(deps.db, l.stack, `pending:${at}`, at)))
    throw new GreenlightError('already_decided', `A destroy of ${l.stack} was already requested: act on that plan.`);
  const release = () => setDestroyRequest(deps.db, l.stack, null);
  try {
    const note = `${why} (${l.stack} was created as a temporary environment by ${l.requester} in ${l.requestId}).`;
    const posted = await deps.workflow.execute(
      { user, text: `destroy ${l.stack}`, thread: l.thread },
      capability('destroy_stack'),
      { stack: l.stack },
      [note],
    );
    const requestId = posted.find((p) => p.requestId)?.requestId;
    if (!requestId) {
      await release();
      return posted;
    }
    await setDestroyRequest(deps.db, l.stack, requestId);
    if (user === SYSTEM_PRINCIPAL && lifetimeRule(deps.lifetimes, l.environment).destroyWithoutApproval)
      await deps.workflow.approveAsSystem(requestId);
    return posted;
  } catch (error) {
    await release();
    throw error;
  }
}

export class LifetimeSweeper {
  constructor(private readonly deps: OperationDeps) {}

  /** Reminds what ends within a day; opens the destroy of what has ended. */
  async sweep(): Promise<{ reminded: number; ended: number }> {
    const now = this.deps.now();
    let reminded = 0;
    let ended = 0;
    for (const listed of await listLifetimes(this.deps.db)) {
      try {
        // A closed destroy frees the lifetime before its end; after the end, a rejected end-of-life
        // destroy is not opened again every sweep: the people who rejected it Extend or Destroy now.
        const left = Date.parse(listed.expiresAt) - now.getTime();
        const l = left > 0 ? await freeClosedDestroy(this.deps, listed) : listed;
        if (l.destroyRequestId) continue;
        if (left <= 0) {
          await openLifetimeDestroy(this.deps, l, SYSTEM_PRINCIPAL, `The lifetime of ${l.stack} ended at ${formatWhen(l.expiresAt)}`);
          ended += 1;
        } else if (left <= REMIND_BEFORE_MS && !l.remindedAt && (await markReminded(this.deps.db, l.stack, now.toISOString()))) {
          const card = lifetimeReminder(this.deps, l);
          await this.deps.publisher.post(l.thread, card, l.requestId);
          // …and to the requester privately, where their platform has direct messages.
          await this.deps.publisher.direct(l.requester, card, l.thread);
          reminded += 1;
        }
      } catch (err) {
        this.deps.log.warn({ err, stack: listed.stack }, 'lifetime sweep failed for a stack');
      }
    }
    return { reminded, ended };
  }
}

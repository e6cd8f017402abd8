import type { ChangeRequest, PrincipalId } from '../domain/types.ts';
import type { Db } from '../store/database.ts';
import { findRequest, latestRequestInThread, listApprovals } from '../store/requests.ts';
import { listThreads, threadActivity, threadNames } from '../store/threads.ts';
import type { ApprovalPolicy } from './approval-policy.ts';

// What the console's thread list says of each thread, for the person looking: what was asked,
// the request it became (stack, status, who asked), whether it waits for this person's approval,
// and when it last changed (for unread marks).

export interface ThreadSummary {
  id: string;
  createdAt: string;
  lastAt: string;
  title: string;
  request?: { id: string; stack: string; status: string; requester: string } | undefined;
  mine: boolean;
  waitingForMe: boolean;
}

/** Whether `user` may approve this request as it stands now, and why not. */
export async function mayApprove(
  db: Db,
  policy: ApprovalPolicy,
  requestId: string,
  user: PrincipalId,
): Promise<{ allowed: boolean; reason?: string }> {
  const request = await findRequest(db, requestId);
  if (!request) return { allowed: false, reason: `There is no request ${requestId}.` };
  return decide(db, policy, request, user);
}

async function decide(db: Db, policy: ApprovalPolicy, request: ChangeRequest, user: PrincipalId) {
  if (request.status !== 'awaiting_approval') return { allowed: false, reason: `${request.id} is ${request.status.replace('_', ' ')}.` };
  const decision = policy.canApprove(request, user);
  if (!decision.allowed) return { allowed: false, reason: decision.reason };
  const approvedAlready = (await listApprovals(db, request.id)).some(
    (a) => a.revision === request.revision && a.decision === 'approve' && policy.people.same(a.approver, user),
  );
  return approvedAlready ? { allowed: false, reason: 'You already approved this revision.' } : { allowed: true };
}

export async function threadSummaries(db: Db, policy: ApprovalPolicy, user: PrincipalId): Promise<ThreadSummary[]> {
  const out: ThreadSummary[] = [];
  const threads = await listThreads(db);
  const activity = await threadActivity(
    db,
    threads.map((t) => t.id),
  );
  for (const thread of threads) {
    const first = activity.get(thread.id)?.firstFromPerson;
    const lastAt = activity.get(thread.id)?.lastAt;
    const request = await latestRequestInThread(db, await threadNames(db, thread.id));
    out.push({
      id: thread.id,
      createdAt: thread.createdAt,
      lastAt: lastAt && lastAt > thread.createdAt ? lastAt : thread.createdAt,
      title: first?.card.blocks[0]?.type === 'text' ? first.card.blocks[0].text : '(no message)',
      request: request && { id: request.id, stack: request.stack, status: request.status, requester: request.requester },
      mine: request ? policy.people.same(request.requester, user) : first?.author === user,
      waitingForMe: request ? (await decide(db, policy, request, user)).allowed : false,
    });
  }
  return out;
}

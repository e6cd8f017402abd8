import type { ChangeRequest, PrincipalId } from '../domain/types.ts';
import type { Db } from '../store/database.ts';
import { latestRequestInThread } from '../store/requests.ts';
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

/** `mayApprove` is the approval requirements' view (requirements.ts): the same answer as the button's. */
export async function threadSummaries(
  db: Db,
  policy: ApprovalPolicy,
  user: PrincipalId,
  mayApprove: (request: ChangeRequest) => Promise<boolean>,
): Promise<ThreadSummary[]> {
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
      waitingForMe: request ? await mayApprove(request) : false,
    });
  }
  return out;
}

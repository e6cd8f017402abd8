import type { Capability } from '../../capabilities/types.ts';
import type { Params } from '../router/params.ts';
import type { Db } from '../store/database.ts';
import { latestRequestInThread } from '../store/requests.ts';
import { threadNames } from '../store/threads.ts';
import type { InboundText } from './inbound.ts';

/**
 * "make it 4 replicas" names no stack: in a plan's thread it is that plan's stack; elsewhere,
 * "it" / "that" / "the same" is the stack of the user's last request. The result is a new
 * request under the full approval rules; the card says where the stack came from.
 */
export async function contextStack(
  db: Db,
  input: InboundText,
  cap: Capability,
  params: Params,
  lastStack: string | undefined,
): Promise<{ stack: string; note: string } | undefined> {
  const key = cap.id === 'stack_status' ? 'target' : 'stack';
  if (params[key] !== undefined || cap.kind === 'provision') return undefined;
  // Only where the stack is required: "history" in a thread still means all history.
  const needsStack = cap.params.safeParse(params).error?.issues.some((i) => i.path[0] === key && params[key] === undefined);
  if (!needsStack) return undefined;
  const inThread = await latestRequestInThread(db, await threadNames(db, input.thread.id));
  if (inThread) return { stack: inThread.stack, note: `Stack ${inThread.stack}: the one this thread is about.` };
  if (lastStack && /\b(it|its|that|this|the same|same one|there)\b/i.test(input.text))
    return { stack: lastStack, note: `Stack ${lastStack}: the one of your last request.` };
  return undefined;
}

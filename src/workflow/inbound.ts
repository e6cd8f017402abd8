import type { OperationName } from '../../cards/model.ts';
import type { PrincipalId, ThreadRef } from '../domain/types.ts';
import type { Logger } from '../observability/logger.ts';

// What enters the workflow from a channel: something said in a thread, and a button pressed on a
// plan card. Channels build these after verifying the sender and parsing the platform's payload.

export interface InboundText {
  user: PrincipalId;
  text: string;
  thread: ThreadRef;
  /** A temporary environment's lifetime the message asked for (`ttl=2d`, or words: "for two weeks"). */
  lifetime?: { ms: number; said: 'key' | 'words' } | undefined;
  /** This request's logger (channel, user, thread; capability and stack added on the way), made where it entered. */
  log?: Logger | undefined;
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
  /** This click's logger (user, request, action), made where it entered. */
  log?: Logger | undefined;
}

/** A button that acts on something other than a plan (a lock, an interrupted apply …). */
export interface InboundOperation {
  user: PrincipalId;
  operation: OperationName;
  target: string;
  option?: string | undefined;
  /** What the person typed next to the button (a stack's name to confirm). */
  confirmation?: string | undefined;
  /** The thread the button was pressed in, where the outcome is posted. */
  thread?: ThreadRef | undefined;
  log?: Logger | undefined;
}

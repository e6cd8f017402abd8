import type { Card } from '../../cards/model.ts';
import type { ChannelKind, PrincipalId, ThreadRef } from '../domain/types.ts';

// What the workflow needs from a channel: post a card into a thread and edit it later. Each
// channel adapter implements this; the workflow never sees a platform SDK.

export interface ThreadPort {
  readonly channel: ChannelKind;
  /** Shortest gap between two edits of one message that the platform tolerates. */
  readonly minEditIntervalMs: number;
  post(thread: ThreadRef, card: Card, requestId: string | null): Promise<string>;
  update(thread: ThreadRef, messageId: string, card: Card): Promise<void>;
  /** Posts what someone other than the bot said (a program's request), where the channel can show that. */
  postFrom?(thread: ThreadRef, author: string, card: Card): Promise<string>;
  /**
   * Sends a card to one person of this platform privately (a direct message), where the platform
   * has them. `near` is a thread of theirs here: Teams starts the chat from its service and tenant.
   */
  direct?(user: PrincipalId, card: Card, near: ThreadRef): Promise<void>;
}

export interface PostedMessage {
  messageId: string;
  card: Card;
  requestId: string | null;
}

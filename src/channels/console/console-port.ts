import { EventEmitter } from 'node:events';
import type { Card } from '../../../cards/model.ts';
import { renderHtml } from '../../../cards/render/html.ts';
import type { ConsoleMessages, StoredMessage } from '../../domain/channel-memory.ts';
import type { ThreadRef } from '../../domain/types.ts';
import type { ThreadPort } from '../../workflow/index.ts';

// The console's side of the workflow: messages are rows in the store (so threads survive a
// restart) and every change is pushed to the browsers watching that thread over SSE.

export const BOT_AUTHOR = 'greenlight';

export interface MessageView {
  id: string;
  seq: number;
  author: string;
  requestId: string | null;
  card: Card;
  html: string;
  createdAt: string;
  updatedAt: string;
}

export function toView(m: StoredMessage): MessageView {
  return {
    id: m.id,
    seq: m.seq,
    author: m.author,
    requestId: m.requestId,
    card: m.card,
    html: renderHtml(m.card),
    createdAt: m.createdAt,
    updatedAt: m.updatedAt,
  };
}

export class ConsolePort implements ThreadPort {
  readonly channel = 'console' as const;
  /** The browser gets every edit; 250 ms keeps a fast apply readable without flooding it. */
  readonly minEditIntervalMs = 250;
  readonly events = new EventEmitter().setMaxListeners(0);
  /** Counts card edits per message, for tests and the benchmark. */
  readonly editCounts = new Map<string, number>();

  /** Told of each message this replica posts or edits (other replicas' browsers hear of it: thread-feed.ts). */
  onChange: ((threadId: string, messageId: string) => void) | undefined;

  constructor(private readonly messages: ConsoleMessages) {}

  /** A message another replica posted or edited: pushed to the browsers watching here. */
  async replay(threadId: string, messageId: string): Promise<void> {
    const stored = await this.messages.find(messageId);
    if (stored && stored.threadId === threadId) this.events.emit(threadId, toView(stored));
  }

  async post(thread: ThreadRef, card: Card, requestId: string | null): Promise<string> {
    return (await this.postAs(thread.id, BOT_AUTHOR, card, requestId)).id;
  }

  async postFrom(thread: ThreadRef, author: string, card: Card): Promise<string> {
    return (await this.postAs(thread.id, author, card, null)).id;
  }

  async postAs(threadId: string, author: string, card: Card, requestId: string | null): Promise<MessageView> {
    const view = toView(await this.messages.add({ threadId, author, card, requestId }));
    this.events.emit(threadId, view);
    this.onChange?.(threadId, view.id);
    return view;
  }

  async update(thread: ThreadRef, messageId: string, card: Card): Promise<void> {
    const stored = await this.messages.update(messageId, card);
    this.editCounts.set(messageId, (this.editCounts.get(messageId) ?? 0) + 1);
    if (stored) this.events.emit(thread.id, toView(stored));
    if (stored) this.onChange?.(thread.id, messageId);
  }
}

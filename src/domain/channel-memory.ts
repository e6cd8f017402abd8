import type { Card } from '../../cards/model.ts';

// What a channel adapter remembers between requests, as interfaces: the adapters depend on these,
// the store implements them (src/store/channel-memory.ts) and app.ts wires one to the other. A
// channel thus never reads the database itself, and a test can hand it an in-memory one.

/** Inbound deliveries already seen (a Slack event id, a Teams activity id, a request signature). */
export interface Deliveries {
  /** Records `key` for `ttlMs`; false when any replica recorded it already (a retry, a replay). */
  first(key: string, ttlMs: number): Promise<boolean>;
}

/** Slack threads named before they exist (a slash command's `<channel>/new-<uuid>`). */
export interface ThreadAliases {
  resolve(alias: string): Promise<string | undefined>;
  save(alias: string, thread: string): Promise<void>;
}

/**
 * Where the calls already made to a Teams conversation are counted. In memory for one process; in
 * the database when replicas share the bot, so that Teams' limits hold for all of them together.
 */
export interface SendLog {
  /** Times (ms) of the calls to a conversation after `sinceMs`. */
  recent(conversationId: string, sinceMs: number): Promise<number[]>;
  /**
   * Counts a call at `now()` if `fits(times)` says 0 (the shared log checks and records under one
   * lock, reading the clock once it holds it); returns the delay otherwise.
   */
  take(conversationId: string, now: () => number, sinceMs: number, fits: (times: number[]) => number): Promise<number>;
}

/** What the Teams channel keeps: each conversation's reference and each user's Teams id. */
export interface TeamsDirectory {
  saveReference(conversationId: string, reference: unknown): Promise<void>;
  reference(conversationId: string): Promise<unknown>;
  rememberUser(user: { aadObjectId: string; userId: string; name?: string | undefined }): Promise<void>;
  /** Teams ids of the users with these Entra object ids, for those the bot has met. */
  userIds(aadObjectIds: string[]): Promise<Map<string, string>>;
  /** Shared by replicas (PostgreSQL); undefined: count in memory. */
  sendLog: SendLog | undefined;
}

export interface StoredMessage {
  id: string;
  threadId: string;
  seq: number;
  author: string;
  card: Card;
  requestId: string | null;
  createdAt: string;
  updatedAt: string;
}

/** The console's threads: its messages are rows, so threads survive a restart. */
export interface ConsoleMessages {
  exists(threadId: string): Promise<boolean>;
  list(threadId: string): Promise<StoredMessage[]>;
  find(messageId: string): Promise<StoredMessage | undefined>;
  add(m: { threadId: string; author: string; card: Card; requestId: string | null }): Promise<StoredMessage>;
  update(messageId: string, card: Card): Promise<StoredMessage | undefined>;
}

export interface ChannelMemory {
  deliveries: Deliveries;
  slackThreads: ThreadAliases;
  teams: TeamsDirectory;
  console: ConsoleMessages;
  /** Throws when the database does not answer (/healthz). */
  ping(): Promise<void>;
}

import { sql } from 'kysely';
import type { ChannelMemory } from '../domain/channel-memory.ts';
import { isPostgres } from './audit-log.ts';
import type { Db } from './database.ts';
import { firstDelivery } from './leases.ts';
import { findConversationReference, rememberTeamsUser, saveConversationReference, teamsUserIds } from './teams-directory.ts';
import { DatabaseSendLog } from './teams-sends.ts';
import {
  addMessage,
  ensureThread,
  findMessage,
  listMessages,
  resolveThreadAlias,
  saveThreadAlias,
  threadExists,
  updateMessage,
} from './threads.ts';

// The channels' memory (src/domain/channel-memory.ts) kept in the database: app.ts hands this to
// the adapters, which never see the database themselves.

export function channelMemory(db: Db, now: () => Date): ChannelMemory {
  const at = () => now().toISOString();
  return {
    deliveries: {
      first: (key, ttlMs) => firstDelivery(db, key, at(), new Date(now().getTime() + ttlMs).toISOString()),
    },
    slackThreads: {
      resolve: (alias) => resolveThreadAlias(db, alias),
      save: (alias, thread) => saveThreadAlias(db, alias, thread, at()),
    },
    teams: {
      saveReference: (conversationId, reference) => saveConversationReference(db, conversationId, reference, at()),
      reference: (conversationId) => findConversationReference(db, conversationId),
      rememberUser: (user) => rememberTeamsUser(db, user, at()),
      userIds: (ids) => teamsUserIds(db, ids),
      // Replicas on one PostgreSQL count their calls together; one process counts in memory.
      sendLog: isPostgres(db) ? new DatabaseSendLog(db) : undefined,
    },
    console: {
      exists: (threadId) => threadExists(db, threadId),
      list: (threadId) => listMessages(db, threadId),
      find: (messageId) => findMessage(db, messageId),
      async add(m) {
        const when = at();
        await ensureThread(db, m.threadId, 'console', when);
        return addMessage(db, { ...m, at: when });
      },
      update: (messageId, card) => updateMessage(db, messageId, card, at()),
    },
    async ping() {
      await sql`select 1`.execute(db);
    },
  };
}

import { randomUUID } from 'node:crypto';
import type { Selectable } from 'kysely';
import { z } from 'zod';
import type { Card } from '../../cards/model.ts';
import type { StoredMessage } from '../domain/channel-memory.ts';
import { secrets } from '../domain/redaction.ts';
import type { ChannelKind } from '../domain/types.ts';
import { isPostgres } from './audit-log.ts';
import type { Db } from './database.ts';
import type { MessagesTable } from './tables.ts';

// Threads and their messages as the console shows them. Slack and Teams keep their own threads;
// this table is the console's source of truth and survives restarts.

// Cards are written by this process; the check guards against a hand-edited database.
const cardSchema = z.custom<Card>((v) => typeof v === 'object' && v !== null && 'kind' in v && 'blocks' in v);

export async function ensureThread(db: Db, id: string | undefined, channel: ChannelKind, at: string): Promise<string> {
  const threadId = id ?? randomUUID();
  await db
    .insertInto('threads')
    .values({ id: threadId, channel, created_at: at })
    .onConflict((oc) => oc.doNothing())
    .execute();
  return threadId;
}

export async function threadExists(db: Db, id: string): Promise<boolean> {
  return (await db.selectFrom('threads').select('id').where('id', '=', id).executeTakeFirst()) !== undefined;
}

export async function addMessage(
  db: Db,
  m: { threadId: string; author: string; card: Card; requestId: string | null; at: string },
): Promise<StoredMessage> {
  const id = randomUUID();
  // Stored messages are read by everyone in the thread: secrets never get in.
  const card = secrets.value(m.card);
  return db.transaction().execute(async (trx) => {
    // Numbered in order per thread: on PostgreSQL two posters (two replicas) take turns on the thread row.
    if (isPostgres(trx)) await trx.selectFrom('threads').select('id').where('id', '=', m.threadId).forUpdate().execute();
    const last = await trx
      .selectFrom('messages')
      .select(({ fn }) => fn.max('seq').as('max'))
      .where('thread_id', '=', m.threadId)
      .executeTakeFirst();
    const seq = Number(last?.max ?? 0) + 1;
    await trx
      .insertInto('messages')
      .values({
        id,
        thread_id: m.threadId,
        seq,
        author: m.author,
        card: JSON.stringify(card),
        request_id: m.requestId,
        created_at: m.at,
        updated_at: m.at,
      })
      .execute();
    return {
      id,
      threadId: m.threadId,
      seq,
      author: m.author,
      card,
      requestId: m.requestId,
      createdAt: m.at,
      updatedAt: m.at,
    };
  });
}

export async function updateMessage(db: Db, id: string, card: Card, at: string): Promise<StoredMessage | undefined> {
  await db
    .updateTable('messages')
    .set({ card: JSON.stringify(secrets.value(card)), updated_at: at })
    .where('id', '=', id)
    .execute();
  const row = await db.selectFrom('messages').selectAll().where('id', '=', id).executeTakeFirst();
  return row ? toMessage(row) : undefined;
}

export async function findMessage(db: Db, id: string): Promise<StoredMessage | undefined> {
  const row = await db.selectFrom('messages').selectAll().where('id', '=', id).executeTakeFirst();
  return row ? toMessage(row) : undefined;
}

function toMessage(row: Selectable<MessagesTable>): StoredMessage {
  return {
    id: row.id,
    threadId: row.thread_id,
    seq: row.seq,
    author: row.author,
    card: cardSchema.parse(JSON.parse(row.card)),
    requestId: row.request_id,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

export async function listMessages(db: Db, threadId: string): Promise<StoredMessage[]> {
  const rows = await db.selectFrom('messages').selectAll().where('thread_id', '=', threadId).orderBy('seq').execute();
  return rows.map(toMessage);
}

export async function listThreads(db: Db, limit = 50): Promise<{ id: string; channel: string; createdAt: string }[]> {
  const rows = await db.selectFrom('threads').selectAll().orderBy('created_at', 'desc').limit(limit).execute();
  return rows.map((r) => ({ id: r.id, channel: r.channel, createdAt: r.created_at }));
}

/**
 * For a thread list: per thread, when it last changed and its first message from a person (two
 * queries for all the threads, not the whole of each thread).
 */
export async function threadActivity(
  db: Db,
  threadIds: string[],
): Promise<Map<string, { lastAt: string; firstFromPerson?: StoredMessage }>> {
  const out = new Map<string, { lastAt: string; firstFromPerson?: StoredMessage }>();
  if (threadIds.length === 0) return out;
  const last = await db
    .selectFrom('messages')
    .select(({ fn }) => ['thread_id', fn.max('updated_at').as('last_at')])
    .where('thread_id', 'in', threadIds)
    .groupBy('thread_id')
    .execute();
  for (const row of last) out.set(row.thread_id, { lastAt: String(row.last_at) });
  const firsts = await db
    .selectFrom('messages as m')
    .selectAll('m')
    .where('m.thread_id', 'in', threadIds)
    .where('m.author', '!=', 'greenlight')
    .where(({ not, exists, selectFrom }) =>
      not(
        exists(
          selectFrom('messages as e')
            .select('e.id')
            .whereRef('e.thread_id', '=', 'm.thread_id')
            .where('e.author', '!=', 'greenlight')
            .whereRef('e.seq', '<', 'm.seq'),
        ),
      ),
    )
    .execute();
  for (const row of firsts) {
    const entry = out.get(row.thread_id);
    if (entry) entry.firstFromPerson = toMessage(row);
  }
  return out;
}

/** The real thread an alias stands for, once its first message made it exist. */
export async function resolveThreadAlias(db: Db, alias: string): Promise<string | undefined> {
  return (await db.selectFrom('thread_aliases').select('thread').where('alias', '=', alias).executeTakeFirst())?.thread;
}

export async function saveThreadAlias(db: Db, alias: string, thread: string, at: string): Promise<void> {
  await db
    .insertInto('thread_aliases')
    .values({ alias, thread, created_at: at })
    .onConflict((oc) => oc.doNothing())
    .execute();
}

/** Every name a thread has: itself and the aliases that became it. */
export async function threadNames(db: Db, thread: string): Promise<string[]> {
  const rows = await db.selectFrom('thread_aliases').select('alias').where('thread', '=', thread).execute();
  return [thread, ...rows.map((r) => r.alias)];
}

import { sql, type Transaction } from 'kysely';
import type { SendLog } from '../domain/channel-memory.ts';
import { isPostgres } from './audit-log.ts';
import type { Db } from './database.ts';
import type { Database } from './tables.ts';

// Teams' per-conversation limits, counted for all replicas together: each call to a conversation
// is a row, checked and recorded under a per-conversation lock (PostgreSQL advisory lock; SQLite
// has one writer), so two replicas never both take the last slot of a window.

async function callTimes(db: Db | Transaction<Database>, conversationId: string, sinceMs: number): Promise<number[]> {
  const rows = await db
    .selectFrom('teams_sends')
    .select('at_ms')
    .where('conversation_id', '=', conversationId)
    .where('at_ms', '>', sinceMs)
    .orderBy('at_ms')
    .execute();
  return rows.map((r) => Number(r.at_ms));
}

export class DatabaseSendLog implements SendLog {
  constructor(private readonly db: Db) {}

  recent(conversationId: string, sinceMs: number): Promise<number[]> {
    return callTimes(this.db, conversationId, sinceMs);
  }

  take(conversationId: string, now: () => number, sinceMs: number, fits: (times: number[]) => number): Promise<number> {
    return this.db.transaction().execute(async (trx) => {
      if (isPostgres(trx)) await sql`select pg_advisory_xact_lock(hashtext(${`teams-send:${conversationId}`}))`.execute(trx);
      const delay = fits(await callTimes(trx, conversationId, sinceMs));
      if (delay > 0) return delay;
      await trx.insertInto('teams_sends').values({ conversation_id: conversationId, at_ms: now() }).execute();
      await trx.deleteFrom('teams_sends').where('conversation_id', '=', conversationId).where('at_ms', '<=', sinceMs).execute();
      return 0;
    });
  }
}

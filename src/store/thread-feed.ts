import { sql } from 'kysely';
import type pg from 'pg';
import { z } from 'zod';
import type { Logger } from '../observability/logger.ts';
import type { Db } from './database.ts';

// Console live updates across replicas: a replica that posts or edits a console message tells
// the others through PostgreSQL's LISTEN/NOTIFY; each re-reads the message and pushes it to the
// browsers watching that thread on it. The notification carries ids only, never a card.

const CHANNEL = 'greenlight_thread';
const notice = z.object({ replica: z.string(), thread: z.string(), message: z.string() });
export type ThreadNotice = z.infer<typeof notice>;

export function publishThreadChange(db: Db, change: ThreadNotice): Promise<unknown> {
  return sql`select pg_notify(${CHANNEL}, ${JSON.stringify(change)})`.execute(db);
}

/**
 * Listens on its own connection (LISTEN needs one held open) and reconnects when it drops.
 * `onChange` hears other replicas' changes only.
 */
export async function listenThreadChanges(
  url: string,
  replica: string,
  onChange: (change: ThreadNotice) => void,
  log: Logger,
): Promise<{ close(): Promise<void> }> {
  let client: pg.Client | undefined;
  let closed = false;
  const { default: driver } = await import('pg');
  const connect = async (): Promise<void> => {
    const c = new driver.Client({ connectionString: url, application_name: 'greenlight-feed' });
    c.on('notification', (msg) => {
      const parsed = notice.safeParse(JSON.parse(msg.payload ?? 'null'));
      if (parsed.success && parsed.data.replica !== replica) onChange(parsed.data);
    });
    c.on('error', (err) => {
      log.warn({ err }, 'thread feed connection lost; reconnecting');
      if (!closed) setTimeout(() => void connect().catch(() => undefined), 1000).unref();
    });
    await c.connect();
    await c.query(`LISTEN ${CHANNEL}`);
    client = c;
  };
  await connect();
  return {
    async close() {
      closed = true;
      await client?.end().catch(() => undefined);
    },
  };
}

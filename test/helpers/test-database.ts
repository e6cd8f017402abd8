import { createHash, randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { sql } from 'kysely';
import pg from 'pg';
import { isPostgres } from '../../src/store/audit-log.ts';
import { type Db, openDatabase } from '../../src/store/database.ts';

// The store the tests run on: SQLite by default; with GREENLIGHT_TEST_PG_URL (an admin URL of a
// running PostgreSQL, as .ci/run starts one) every test app gets a fresh PostgreSQL database of its
// own, dropped when the app closes.

export const TEST_PG_URL = process.env.GREENLIGHT_TEST_PG_URL;

async function admin<T>(work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: TEST_PG_URL });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

/**
 * A PostgreSQL database for one test app, undefined when the tests run on SQLite. Fresh and dropped
 * on close; or, for a test that restarts on the same data dir, the one database of that data dir.
 */
export async function testPostgres(sharedDataDir?: string): Promise<{ url: string; drop(): Promise<void> } | undefined> {
  if (!TEST_PG_URL) return undefined;
  const name = sharedDataDir
    ? `gl_test_dir_${createHash('sha256').update(sharedDataDir).digest('hex').slice(0, 12)}`
    : `gl_test_${randomBytes(6).toString('hex')}`;
  await admin(async (c) => {
    const exists = await c.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if (!exists.rowCount) await c.query(`CREATE DATABASE ${name}`);
  });
  const url = new URL(TEST_PG_URL);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    drop: async () => {
      if (!sharedDataDir) await admin((c) => c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`));
    },
  };
}

/** What an attacker with write access does first: drops the trigger that keeps audit_log append-only. */
export async function dropAuditGuard(db: Db): Promise<void> {
  if (isPostgres(db)) await sql`DROP TRIGGER audit_log_no_change ON audit_log`.execute(db);
  else {
    await sql`DROP TRIGGER audit_log_no_update`.execute(db);
    await sql`DROP TRIGGER audit_log_no_delete`.execute(db);
  }
}

/** What a CLI process needs to reach the store of a data dir the tests run on (SQLite file or PostgreSQL). */
export async function storeEnv(dataDir: string): Promise<Record<string, string>> {
  const postgres = await testPostgres(dataDir);
  return { GREENLIGHT_DATA_DIR: dataDir, ...(postgres ? { DATABASE_URL: postgres.url } : {}) };
}

/** The store of a data dir, opened the way an operator with database access would. */
export async function openTestStore(dataDir: string): Promise<Db> {
  const postgres = await testPostgres(dataDir);
  return openDatabase(postgres?.url ?? join(dataDir, 'greenlight.db'));
}

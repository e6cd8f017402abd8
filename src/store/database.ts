import { chmodSync, existsSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import SQLite from 'better-sqlite3';
import { Kysely, Migrator, SqliteDialect } from 'kysely';
import { GreenlightError } from '../domain/errors.ts';
import { AUDIT_MAC_FUNCTION, rowMac } from './audit-log.ts';
import { migrationProvider } from './migrations.ts';
import type { Database } from './tables.ts';

export type Db = Kysely<Database>;

/**
 * Opens (creating if needed) the SQLite file and brings its schema up to date. With `auditKey`
 * the connection can append to the audit log (the key lives in this process only); without it,
 * the database is for reading and non-audited writes.
 */
export async function openDatabase(file: string, options: { auditKey?: Buffer } = {}): Promise<Db> {
  if (file !== ':memory:') {
    // The data dir holds the database, saved plans and managed state: Greenlight's user only.
    mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
    chmodSync(dirname(file), 0o700);
  }
  const sqlite = new SQLite(file);
  if (file !== ':memory:') for (const f of [file, `${file}-wal`, `${file}-shm`]) if (existsSync(f)) chmodSync(f, 0o600);
  // WAL lets the CLI (`audit verify`) read while the server writes; busy_timeout covers the
  // short write lock a second process may meet.
  sqlite.pragma('journal_mode = WAL');
  if (file !== ':memory:') for (const f of [`${file}-wal`, `${file}-shm`]) if (existsSync(f)) chmodSync(f, 0o600);
  sqlite.pragma('busy_timeout = 5000');
  sqlite.pragma('foreign_keys = ON');
  const { auditKey } = options;
  sqlite.function(AUDIT_MAC_FUNCTION, { deterministic: true }, (prevHash: unknown, canonical: unknown) => {
    if (!auditKey) throw new Error('this connection was opened without the audit key and cannot write the audit log');
    return rowMac(auditKey, String(prevHash), String(canonical));
  });
  const db = new Kysely<Database>({ dialect: new SqliteDialect({ database: sqlite }) });
  const { error, results } = await new Migrator({ db, provider: migrationProvider }).migrateToLatest();
  const failed = results?.find((r) => r.status === 'Error');
  if (error || failed) {
    await db.destroy();
    throw new GreenlightError('internal', `Database migration ${failed?.migrationName ?? ''} failed on ${file}: ${String(error)}`, {
      cause: error,
    });
  }
  return db;
}

import { chmodSync, existsSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import SQLite from 'better-sqlite3';
import {
  CompiledQuery,
  type DatabaseConnection,
  type Driver,
  Kysely,
  Migrator,
  PostgresDialect,
  SqliteDialect,
  type SqliteDialectConfig,
  SqliteDriver,
} from 'kysely';
import { GreenlightError } from '../domain/errors.ts';
import { AUDIT_MAC_FUNCTION, rowMac, usePostgresAuditKey } from './audit-log.ts';
import { migrationProvider } from './migrations.ts';
import { useArtifactKey } from './plan-artifacts.ts';
import type { Database } from './tables.ts';

export type Db = Kysely<Database>;

export const isPostgresUrl = (target: string) => /^postgres(ql)?:\/\//.test(target);

/** Where the store lives: `database.url` (DATABASE_URL) when set, else the SQLite file in the data dir. */
export function databaseTarget(config: { dataDir: string; database: { url?: string | undefined } }): string {
  return config.database.url ?? join(config.dataDir, 'greenlight.db');
}

/**
 * Opens the store — a PostgreSQL URL, or a SQLite file (created if needed) — and brings its schema
 * up to date. With `auditKey` this process can append to the audit log (the key lives in its
 * memory only); without it, the database is for reading and non-audited writes.
 */
export async function openDatabase(target: string, options: { auditKey?: Buffer } = {}): Promise<Db> {
  if (options.auditKey) useArtifactKey(options.auditKey);
  const db = isPostgresUrl(target) ? await openPostgres(target, options) : openSqlite(target, options);
  const { error, results } = await new Migrator({ db, provider: migrationProvider }).migrateToLatest();
  const failed = results?.find((r) => r.status === 'Error');
  if (error || failed) {
    await db.destroy();
    const where = isPostgresUrl(target) ? new URL(target).pathname.slice(1) || 'the PostgreSQL database' : target;
    throw new GreenlightError('internal', `Database migration ${failed?.migrationName ?? ''} failed on ${where}: ${String(error)}`, {
      cause: error,
    });
  }
  return db;
}

async function openPostgres(url: string, options: { auditKey?: Buffer }): Promise<Db> {
  // PostgreSQL cannot call into this process: the audit MAC is computed here, with the key held
  // in memory, and appends are serialised in the database (audit-log.ts).
  if (options.auditKey) usePostgresAuditKey(options.auditKey);
  // Loaded only here: the embedded default (SQLite) and the CLI never pay for the driver.
  const { default: pg } = await import('pg');
  const pool = new pg.Pool({ connectionString: url, max: 10, application_name: 'greenlight' });
  // An idle client that loses its server must not take the process down.
  pool.on('error', () => undefined);
  return new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
}

function openSqlite(file: string, options: { auditKey?: Buffer }): Db {
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
  return new Kysely<Database>({ dialect: new ImmediateSqliteDialect({ database: sqlite }) });
}

/**
 * Transactions that take SQLite's write lock when they begin (`begin immediate`), waiting up to
 * busy_timeout for it. A second process on the same file (`greenlight mcp`, the CLI beside a
 * running bot) then waits its turn instead of failing on a read that turned into a write.
 */
class ImmediateSqliteDriver extends SqliteDriver {
  override async beginTransaction(connection: DatabaseConnection): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw('begin immediate'));
  }
}

class ImmediateSqliteDialect extends SqliteDialect {
  constructor(private readonly settings: SqliteDialectConfig) {
    super(settings);
  }
  override createDriver(): Driver {
    return new ImmediateSqliteDriver(this.settings);
  }
}

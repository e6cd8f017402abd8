import { createHmac } from 'node:crypto';
import { type Kysely, PostgresAdapter, sql, type Transaction } from 'kysely';
import { GreenlightError } from '../domain/errors.ts';
import { canonicalJson, sha256 } from '../domain/hash.ts';
import { secrets } from '../domain/redaction.ts';
import { latestCheckpoint } from './audit-checkpoint.ts';
import type { Db } from './database.ts';
import type { Database } from './tables.ts';

// Append-only audit log, an HMAC chain: each row stores the MAC of the row before it and its own
// MAC over (previous MAC + its fields), keyed with a key the database does not hold (audit-key.ts).
// Whoever can write the database can delete rows but cannot write a row that verifies. Removing
// the newest rows or the whole table is caught against the latest signed checkpoint, written
// outside the database (audit-checkpoint.ts). Approvals and request states are checked against
// the log, so editing those tables is caught too.

export interface AuditEntry {
  actor: string;
  action: string;
  requestId?: string | null;
  revision?: number | null;
  detail?: Record<string, unknown>;
}

export const GENESIS_HASH = '0'.repeat(64);
const HEAD_KEY = 'audit_head';
/** The SQL function that MACs a row with the key given to openDatabase (the key stays in memory). */
export const AUDIT_MAC_FUNCTION = 'gl_audit_mac';

interface HashedFields {
  seq: number;
  at: string;
  actor: string;
  action: string;
  request_id: string | null;
  revision: number | null;
  detail: string;
}

function canonicalRow(row: HashedFields): string {
  // Fixed field order: the MAC must not depend on how an object happened to be built.
  return JSON.stringify([row.seq, row.at, row.actor, row.action, row.request_id, row.revision, row.detail]);
}

/** PostgreSQL runs no code of ours: on it the MAC is computed in this process with this key. */
let postgresAuditKey: Buffer | undefined;
export function usePostgresAuditKey(key: Buffer): void {
  postgresAuditKey = key;
}

export function isPostgres(db: Kysely<Database>): boolean {
  return db.getExecutor().adapter instanceof PostgresAdapter;
}

/**
 * Refuses to start with an audit key the chain was not written with (a replica given its own key
 * would fork the chain into rows nobody can verify): the newest row must verify with this key.
 */
export async function assertAuditKey(db: Db, key: Buffer): Promise<void> {
  const last = await db.selectFrom('audit_log').selectAll().orderBy('seq', 'desc').limit(1).executeTakeFirst();
  if (last && rowMac(key, last.prev_hash, canonicalRow(last)) !== last.hash) {
    throw new GreenlightError(
      'config_invalid',
      `The audit key of this process is not the key the audit log was written with (row ${last.seq} does not verify). Give every replica the same key (GREENLIGHT_AUDIT_KEY or audit.keyFile).`,
    );
  }
}

/** One number for PostgreSQL's transaction-scoped advisory lock that serialises audit appends. */
const AUDIT_APPEND_LOCK = 7_160_531;

export function rowMac(key: Buffer, prevHash: string, canonical: string): string {
  return createHmac('sha256', key).update(prevHash).update('\n').update(canonical).digest('hex');
}

/** Appends one row inside the caller's transaction (so it commits with the state change). */
export async function appendAudit(trx: Transaction<Database> | Db, entry: AuditEntry, at: string): Promise<void> {
  const postgres = isPostgres(trx);
  // Replicas append to one chain: on PostgreSQL the head is locked for the rest of the transaction,
  // so two writers never both extend the same row (SQLite serialises writers by itself).
  if (postgres) await sql`select pg_advisory_xact_lock(${AUDIT_APPEND_LOCK})`.execute(trx);
  const last = await trx.selectFrom('audit_log').select(['seq', 'hash']).orderBy('seq', 'desc').limit(1).executeTakeFirst();
  const fields: HashedFields = {
    seq: (last?.seq ?? 0) + 1,
    at,
    actor: entry.actor,
    action: entry.action,
    request_id: entry.requestId ?? null,
    revision: entry.revision ?? null,
    // The audit log is read by auditors, not engines: no secret goes in.
    detail: JSON.stringify(secrets.value(entry.detail ?? {})),
  };
  const prevHash = last?.hash ?? GENESIS_HASH;
  let hash: string;
  if (postgres) {
    if (!postgresAuditKey) throw new Error('this process opened the database without the audit key and cannot write the audit log');
    hash = rowMac(postgresAuditKey, prevHash, canonicalRow(fields));
  } else {
    const mac = await sql<{ mac: string }>`select ${sql.raw(AUDIT_MAC_FUNCTION)}(${prevHash}, ${canonicalRow(fields)}) as mac`.execute(trx);
    hash = mac.rows[0]?.mac ?? '';
  }
  await trx
    .insertInto('audit_log')
    .values({ ...fields, prev_hash: prevHash, hash })
    .execute();
  const head = `${fields.seq}:${hash}`;
  await trx
    .insertInto('meta')
    .values({ key: HEAD_KEY, value: head })
    .onConflict((oc) => oc.column('key').doUpdateSet({ value: head }))
    .execute();
}

export interface AuditVerification {
  ok: boolean;
  rows: number;
  /** The first row that does not fit the chain, and why. */
  firstBad?: { seq: number; reason: string };
  /** Other tables that disagree with the log (approvals, request states, plan hashes). */
  mismatches?: string[];
  /** The checkpoint the log was checked against, if any. */
  checkpoint?: { seq: number; at: string };
}

type AuditRow = HashedFields & { prev_hash: string; hash: string };

function verifyChain(rows: AuditRow[], key: Buffer): AuditVerification['firstBad'] {
  let prevHash = GENESIS_HASH;
  for (const [index, row] of rows.entries()) {
    const expectedSeq = index + 1;
    if (row.seq !== expectedSeq) return { seq: expectedSeq, reason: `row ${expectedSeq} is missing (next row is ${row.seq})` };
    if (row.prev_hash !== prevHash) return { seq: row.seq, reason: 'prev_hash does not match the row before it' };
    if (rowMac(key, prevHash, canonicalRow(row)) !== row.hash)
      return { seq: row.seq, reason: 'row content does not match its MAC (edited, forged or written without the audit key)' };
    prevHash = row.hash;
  }
  return undefined;
}

const approvalKey = (a: { request_id: string | null; revision: number | null; approver: string; decision: string; plan_hash: string }) =>
  `${a.request_id} r${a.revision} ${a.decision} by ${a.approver} of ${a.plan_hash.slice(0, 12)}`;

/** Approvals, request states and plan hashes must be what the log says they are. */
async function crossCheck(db: Kysely<Database>, rows: AuditRow[]): Promise<string[]> {
  const problems: string[] = [];
  const logged = new Map<string, number>();
  const lastStatus = new Map<string, string>();
  const plannedHash = new Map<string, string>();
  for (const row of rows) {
    const detail = JSON.parse(row.detail) as Record<string, unknown>;
    const id = `${row.request_id} r${row.revision}`;
    if (row.action === 'approval.recorded') {
      const k = approvalKey({ ...row, approver: row.actor, decision: String(detail.decision), plan_hash: String(detail.planHash) });
      logged.set(k, (logged.get(k) ?? 0) + 1);
    } else if (row.action.startsWith('request.')) {
      lastStatus.set(id, row.action.slice('request.'.length));
      if (row.action === 'request.planned') plannedHash.set(id, String(detail.planHash));
    }
  }
  for (const approval of await db.selectFrom('approvals').selectAll().execute()) {
    const k = approvalKey(approval);
    const count = logged.get(k) ?? 0;
    if (count === 0) problems.push(`approval not in the audit log: ${k}`);
    else logged.set(k, count - 1);
  }
  for (const [k, count] of logged) if (count > 0) problems.push(`approval in the audit log but not in the approvals table: ${k}`);
  for (const request of await db.selectFrom('change_requests').selectAll().execute()) {
    const id = `${request.id} r${request.revision}`;
    const status = lastStatus.get(id);
    if (status !== request.status) problems.push(`${id} is ${request.status} but the audit log says ${status ?? 'nothing about it'}`);
    const plan = JSON.parse(request.plan) as Record<string, unknown>;
    const { hash: _hash, ...withoutHash } = plan;
    if (sha256(canonicalJson(withoutHash)) !== request.plan_hash || plannedHash.get(id) !== request.plan_hash)
      problems.push(`${id}: the stored plan is not the plan that was audited (hash ${request.plan_hash.slice(0, 12)})`);
  }
  return problems;
}

/** Where the chain or its anchors break first, if anywhere. */
async function firstBreak(
  db: Db,
  rows: AuditRow[],
  key: Buffer,
  checkpointDir?: string,
): Promise<Pick<AuditVerification, 'firstBad' | 'checkpoint'>> {
  const firstBad = verifyChain(rows, key);
  if (firstBad) return { firstBad };
  const checkpoint = checkpointDir ? latestCheckpoint(checkpointDir, key) : undefined;
  if (checkpoint && 'error' in checkpoint) return { firstBad: { seq: 0, reason: checkpoint.error } };
  const anchor = checkpoint ? { checkpoint: { seq: checkpoint.seq, at: checkpoint.at } } : {};
  if (checkpoint && rows.length < checkpoint.seq) {
    const reason = `the log ends at row ${rows.length} but the checkpoint of ${checkpoint.at} vouches for ${checkpoint.seq} rows: rows were removed`;
    return { ...anchor, firstBad: { seq: rows.length + 1, reason } };
  }
  if (checkpoint && checkpoint.seq > 0 && rows[checkpoint.seq - 1]?.hash !== checkpoint.hash)
    return {
      ...anchor,
      firstBad: { seq: checkpoint.seq, reason: `row ${checkpoint.seq} is not the row the checkpoint of ${checkpoint.at} signed` },
    };
  const head = await db.selectFrom('meta').select('value').where('key', '=', HEAD_KEY).executeTakeFirst();
  const expectedHead = rows.length > 0 ? `${rows.length}:${rows.at(-1)?.hash}` : undefined;
  if (head?.value !== expectedHead) {
    const headSeq = Number(head?.value.split(':')[0] ?? 0);
    const reason = `the log ends at row ${rows.length} but its recorded head is row ${headSeq}: rows were removed`;
    return { ...anchor, firstBad: { seq: Math.min(headSeq, rows.length + 1), reason } };
  }
  return anchor;
}

export async function verifyAudit(db: Db, key: Buffer, checkpointDir?: string): Promise<AuditVerification> {
  const rows = (await db.selectFrom('audit_log').selectAll().orderBy('seq', 'asc').execute()) as AuditRow[];
  const broken = await firstBreak(db, rows, key, checkpointDir);
  const mismatches = await crossCheck(db, rows);
  return {
    ok: !broken.firstBad && mismatches.length === 0,
    rows: rows.length,
    ...broken,
    ...(mismatches.length > 0 ? { mismatches } : {}),
  };
}

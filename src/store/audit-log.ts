import { createHash } from 'node:crypto';
import type { Transaction } from 'kysely';
import type { Db } from './database.ts';
import type { Database } from './tables.ts';

// Append-only audit log with a hash chain: each row stores the hash of the row before it and its
// own hash over (previous hash + its fields). The newest hash is also kept in `meta`, so removing
// the last rows is caught as well as editing or removing one in the middle.

export interface AuditEntry {
  actor: string;
  action: string;
  requestId?: string | null;
  revision?: number | null;
  detail?: Record<string, unknown>;
}

export const GENESIS_HASH = '0'.repeat(64);
const HEAD_KEY = 'audit_head';

interface HashedFields {
  seq: number;
  at: string;
  actor: string;
  action: string;
  request_id: string | null;
  revision: number | null;
  detail: string;
}

function rowHash(prevHash: string, row: HashedFields): string {
  // Fixed field order: the hash must not depend on how an object happened to be built.
  const canonical = JSON.stringify([row.seq, row.at, row.actor, row.action, row.request_id, row.revision, row.detail]);
  return createHash('sha256').update(prevHash).update('\n').update(canonical).digest('hex');
}

/** Appends one row inside the caller's transaction (so it commits with the state change). */
export async function appendAudit(trx: Transaction<Database> | Db, entry: AuditEntry, at: string): Promise<void> {
  const last = await trx.selectFrom('audit_log').select(['seq', 'hash']).orderBy('seq', 'desc').limit(1).executeTakeFirst();
  const fields: HashedFields = {
    seq: (last?.seq ?? 0) + 1,
    at,
    actor: entry.actor,
    action: entry.action,
    request_id: entry.requestId ?? null,
    revision: entry.revision ?? null,
    detail: JSON.stringify(entry.detail ?? {}),
  };
  const prevHash = last?.hash ?? GENESIS_HASH;
  const hash = rowHash(prevHash, fields);
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
}

export async function verifyAudit(db: Db): Promise<AuditVerification> {
  const rows = await db.selectFrom('audit_log').selectAll().orderBy('seq', 'asc').execute();
  let prevHash = GENESIS_HASH;
  let expectedSeq = 1;
  for (const row of rows) {
    if (row.seq !== expectedSeq) {
      return {
        ok: false,
        rows: rows.length,
        firstBad: { seq: expectedSeq, reason: `row ${expectedSeq} is missing (next row is ${row.seq})` },
      };
    }
    if (row.prev_hash !== prevHash) {
      return {
        ok: false,
        rows: rows.length,
        firstBad: { seq: row.seq, reason: 'prev_hash does not match the row before it' },
      };
    }
    if (rowHash(prevHash, row) !== row.hash) {
      return {
        ok: false,
        rows: rows.length,
        firstBad: { seq: row.seq, reason: 'row content does not match its hash (edited)' },
      };
    }
    prevHash = row.hash;
    expectedSeq += 1;
  }
  const head = await db.selectFrom('meta').select('value').where('key', '=', HEAD_KEY).executeTakeFirst();
  const expectedHead = rows.length > 0 ? `${rows.length}:${prevHash}` : undefined;
  if (head?.value !== expectedHead) {
    const headSeq = Number(head?.value.split(':')[0] ?? 0);
    return {
      ok: false,
      rows: rows.length,
      firstBad: {
        seq: Math.min(headSeq, rows.length + 1),
        reason: `the log ends at row ${rows.length} but its recorded head is row ${headSeq}: rows were removed`,
      },
    };
  }
  return { ok: true, rows: rows.length };
}

import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { writeCheckpoint } from '../../src/store/audit-checkpoint.ts';
import { appendAudit, GENESIS_HASH, verifyAudit } from '../../src/store/audit-log.ts';
import { type Db, openDatabase } from '../../src/store/database.ts';
import { insertApproval } from '../../src/store/requests.ts';

// Every tamper scenario an attacker with write access to the database (but not to the audit key
// or the checkpoint directory) can try, each one caught by verifyAudit — what `audit verify` runs.

describe('audit log: a keyed, anchored HMAC chain', () => {
  let dir: string;
  let checkpoints: string;
  let db: Db;
  const key = randomBytes(32);
  const verify = () => verifyAudit(db, key, checkpoints);
  const raw = () => db; // the attacker's own connection has no key; sql below bypasses Greenlight

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'greenlight-audit-'));
    checkpoints = join(dir, 'checkpoints');
    db = await openDatabase(join(dir, 'g.db'), { auditKey: key });
    for (let i = 1; i <= 5; i++) {
      await db
        .transaction()
        .execute((trx) =>
          appendAudit(trx, { actor: `u${i}`, action: 'note', requestId: `cr-${i}`, revision: 1, detail: { i } }, `2026-01-0${i}T00:00:00Z`),
        );
    }
    await writeCheckpoint(db, key, checkpoints, '2026-01-06T00:00:00Z');
  });
  afterEach(async () => {
    await db.destroy();
    rmSync(dir, { recursive: true, force: true });
  });

  it('is intact after appends and names its checkpoint', async () => {
    expect(await verify()).toMatchObject({ ok: true, rows: 5, checkpoint: { seq: 5 } });
  });

  it('blocks UPDATE and DELETE with triggers', async () => {
    await expect(sql`update audit_log set actor = 'x' where seq = 1`.execute(raw())).rejects.toThrow(/append-only/);
    await expect(sql`delete from audit_log where seq = 1`.execute(raw())).rejects.toThrow(/append-only/);
  });

  it('cannot be written by a connection without the key', async () => {
    const other = await openDatabase(join(dir, 'g.db'));
    await expect(other.transaction().execute((trx) => appendAudit(trx, { actor: 'x', action: 'y' }, 'now'))).rejects.toThrow(/audit key/);
    await other.destroy();
  });

  it('names an edited row', async () => {
    await sql`drop trigger audit_log_no_update`.execute(raw());
    await sql`update audit_log set detail = '{"i":99}' where seq = 3`.execute(raw());
    expect(await verify()).toMatchObject({ ok: false, firstBad: { seq: 3 } });
  });

  it('names a removed middle row', async () => {
    await sql`drop trigger audit_log_no_delete`.execute(raw());
    await sql`delete from audit_log where seq = 2`.execute(raw());
    const result = await verify();
    expect(result).toMatchObject({ ok: false, firstBad: { seq: 2 } });
    expect(result.firstBad?.reason).toContain('missing');
  });

  it('catches a chain recomputed without the key (plain SHA-256, as before)', async () => {
    await sql`drop trigger audit_log_no_update`.execute(raw());
    const rows = await db.selectFrom('audit_log').selectAll().orderBy('seq').execute();
    let prev = GENESIS_HASH;
    for (const row of rows) {
      const detail = row.seq === 2 ? '{"i":"rewritten"}' : row.detail;
      const canonical = JSON.stringify([row.seq, row.at, row.actor, row.action, row.request_id, row.revision, detail]);
      const hash = createHash('sha256').update(prev).update('\n').update(canonical).digest('hex');
      await sql`update audit_log set detail = ${detail}, prev_hash = ${prev}, hash = ${hash} where seq = ${row.seq}`.execute(raw());
      prev = hash;
    }
    await sql`update meta set value = ${`${rows.length}:${prev}`} where key = 'audit_head'`.execute(raw());
    expect(await verify()).toMatchObject({ ok: false, firstBad: { seq: 1 } });
  });

  it('catches a forged row appended at the end, head rewritten to match', async () => {
    const last = await db.selectFrom('audit_log').selectAll().orderBy('seq', 'desc').limit(1).executeTakeFirstOrThrow();
    const forgedKey = randomBytes(32);
    const forger = await openDatabase(join(dir, 'g.db'), { auditKey: forgedKey });
    await forger.transaction().execute((trx) => appendAudit(trx, { actor: 'console:mallory', action: 'request.approved' }, 'now'));
    await forger.destroy();
    const result = await verify();
    expect(result).toMatchObject({ ok: false, firstBad: { seq: last.seq + 1 } });
  });

  it('catches the newest rows removed with the head rewritten, against the checkpoint', async () => {
    await sql`drop trigger audit_log_no_delete`.execute(raw());
    const row3 = await db.selectFrom('audit_log').selectAll().where('seq', '=', 3).executeTakeFirstOrThrow();
    await sql`delete from audit_log where seq >= 4`.execute(raw());
    await sql`update meta set value = ${`3:${row3.hash}`} where key = 'audit_head'`.execute(raw());
    const result = await verify();
    expect(result.ok).toBe(false);
    expect(result.firstBad?.reason).toContain('checkpoint');
    expect(result.firstBad?.reason).toContain('rows were removed');
  });

  it('catches a wiped table and head', async () => {
    await sql`drop trigger audit_log_no_delete`.execute(raw());
    await sql`delete from audit_log`.execute(raw());
    await sql`delete from meta where key = 'audit_head'`.execute(raw());
    const result = await verify();
    expect(result).toMatchObject({ ok: false, rows: 0 });
    expect(result.firstBad?.reason).toContain('vouches for 5 rows');
  });

  it('catches a forged or edited checkpoint', async () => {
    const file = join(checkpoints, readdirSync(checkpoints)[0] ?? '');
    const body = JSON.parse(readFileSync(file, 'utf8'));
    writeFileSync(file, JSON.stringify({ ...body, seq: 2 }));
    expect((await verify()).firstBad?.reason).toContain('bad signature');
  });

  it('catches an approval inserted behind Greenlight, and one deleted', async () => {
    await insertApproval(db, {
      requestId: 'cr-1',
      revision: 1,
      approver: 'slack:T1:UBOB',
      decision: 'approve',
      planHash: 'a'.repeat(64),
      at: 'now',
    });
    expect(await verifyAudit(db, key)).toMatchObject({ ok: true });
    await sql`insert into approvals (request_id, revision, approver, decision, plan_hash, at) values ('cr-1', 1, 'console:mallory', 'approve', ${'a'.repeat(64)}, 'now')`.execute(
      raw(),
    );
    const forged = await verifyAudit(db, key);
    expect(forged.ok).toBe(false);
    expect(forged.mismatches?.join('\n')).toContain('approval not in the audit log: cr-1 r1 approve by console:mallory');
    await sql`delete from approvals`.execute(raw());
    const deleted = await verifyAudit(db, key);
    expect(deleted.mismatches?.join('\n')).toContain('in the audit log but not in the approvals table: cr-1 r1 approve by slack:T1:UBOB');
  });
});

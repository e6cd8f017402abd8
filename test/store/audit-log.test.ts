import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { appendAudit, verifyAudit } from '../../src/store/audit-log.ts';
import { type Db, openDatabase } from '../../src/store/database.ts';

describe('audit log hash chain', () => {
  let dir: string;
  let db: Db;
  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'greenlight-audit-'));
    db = await openDatabase(join(dir, 'g.db'));
    for (let i = 1; i <= 5; i++) {
      await db
        .transaction()
        .execute((trx) =>
          appendAudit(
            trx,
            { actor: `u${i}`, action: 'request.planned', requestId: `cr-${i}`, revision: 1, detail: { i } },
            `2026-01-0${i}T00:00:00Z`,
          ),
        );
    }
  });
  afterEach(async () => {
    await db.destroy();
    rmSync(dir, { recursive: true, force: true });
  });

  it('is intact after appends', async () => {
    expect(await verifyAudit(db)).toEqual({ ok: true, rows: 5 });
  });

  it('blocks UPDATE and DELETE with triggers', async () => {
    await expect(sql`update audit_log set actor = 'x' where seq = 1`.execute(db)).rejects.toThrow(/append-only/);
    await expect(sql`delete from audit_log where seq = 1`.execute(db)).rejects.toThrow(/append-only/);
  });

  it('names an edited row', async () => {
    await sql`drop trigger audit_log_no_update`.execute(db);
    await sql`update audit_log set detail = '{"i":99}' where seq = 3`.execute(db);
    expect(await verifyAudit(db)).toMatchObject({ ok: false, firstBad: { seq: 3 } });
  });

  it('names a removed middle row', async () => {
    await sql`drop trigger audit_log_no_delete`.execute(db);
    await sql`delete from audit_log where seq = 2`.execute(db);
    const result = await verifyAudit(db);
    expect(result).toMatchObject({ ok: false, firstBad: { seq: 2 } });
    expect(result.firstBad?.reason).toContain('missing');
  });

  it('notices rows removed from the end', async () => {
    await sql`drop trigger audit_log_no_delete`.execute(db);
    await sql`delete from audit_log where seq >= 4`.execute(db);
    const result = await verifyAudit(db);
    expect(result.ok).toBe(false);
    expect(result.firstBad?.reason).toContain('removed');
  });

  it('notices a re-hashed forgery that does not chain', async () => {
    await sql`drop trigger audit_log_no_update`.execute(db);
    await sql`update audit_log set prev_hash = ${'f'.repeat(64)} where seq = 4`.execute(db);
    expect(await verifyAudit(db)).toMatchObject({ ok: false, firstBad: { seq: 4 } });
  });
});

import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appendAudit, verifyAudit } from '../../src/store/audit-log.ts';
import { type Db, openDatabase } from '../../src/store/database.ts';
import { TEST_PG_URL, testPostgres } from '../helpers/test-database.ts';

// Several replicas append to one audit chain at once: three separate connection pools on one
// PostgreSQL database stand for three Greenlight processes. The chain must stay single and
// gap-free, every row verifying. (SQLite is one writing process by design; PostgreSQL only.)

describe.skipIf(!TEST_PG_URL)('audit chain under concurrent writers (PostgreSQL)', () => {
  const key = randomBytes(32);
  let replicas: Db[] = [];
  let drop: () => Promise<void> = async () => undefined;

  beforeAll(async () => {
    const pg = await testPostgres();
    if (!pg) return;
    drop = pg.drop;
    replicas = [await openDatabase(pg.url, { auditKey: key })];
    replicas.push(await openDatabase(pg.url), await openDatabase(pg.url));
  });
  afterAll(async () => {
    for (const db of replicas) await db.destroy();
    await drop();
  });

  it('3 replicas × 40 appends at once make one chain of 120 rows, seq 1…120, that verifies', async () => {
    await Promise.all(
      replicas.flatMap((db, r) =>
        Array.from({ length: 40 }, (_, i) =>
          db
            .transaction()
            .execute((trx) => appendAudit(trx, { actor: `replica-${r}`, action: 'note', detail: { i } }, new Date().toISOString())),
        ),
      ),
    );
    const rows = await replicas[0]!.selectFrom('audit_log').select(['seq', 'actor', 'prev_hash', 'hash']).orderBy('seq').execute();
    expect(rows.map((r) => r.seq)).toEqual(Array.from({ length: 120 }, (_, i) => i + 1));
    for (let i = 1; i < rows.length; i++) expect(rows[i]!.prev_hash).toBe(rows[i - 1]!.hash);
    expect(new Set(rows.map((r) => r.actor)).size).toBe(3);
    expect(await verifyAudit(replicas[1]!, key)).toMatchObject({ ok: true, rows: 120 });
  });
});

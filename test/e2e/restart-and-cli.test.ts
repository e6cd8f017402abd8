import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { sql } from 'kysely';
import { afterAll, describe, expect, it } from 'vitest';
import { hasTerraform, startTestApp } from '../helpers/test-app.ts';
import { dropAuditGuard, openTestStore, storeEnv } from '../helpers/test-database.ts';

const run = promisify(execFile);
const CLI = join(process.cwd(), 'bin/greenlight.js');

async function cli(args: string[], env: Record<string, string>): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, [CLI, ...args], {
      env: { ...process.env, ...env },
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

describe.skipIf(!hasTerraform)('restart, queue supersede and the CLI', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'greenlight-restart-'));
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  it('a request awaiting approval survives a restart and can then be approved and applied', async () => {
    const first = await startTestApp({}, { dataDir });
    const { requestId, thread } = await first.chat('alice', 'deploy sandbox/dev');
    await first.close();

    const second = await startTestApp({}, { dataDir });
    try {
      const before = (await second.get(`/api/requests/${requestId}`)).body;
      expect(before.status).toBe('awaiting_approval');
      expect((await second.get(`/api/threads/${thread}`)).body.messages.map((m: any) => m.card.kind)).toEqual(['info', 'plan']);
      expect((await second.act('bob', requestId!, 'approve')).status).toBe(200);
      const done = await second.waitForStatus(requestId!, ['succeeded', 'failed']);
      expect(done.status).toBe('succeeded');
      expect(done.deployment.outputs.replicas).toBe(2);
    } finally {
      await second.close();
    }
  });

  it('a queued request whose fresh plan differs is not applied: it becomes a new revision to approve', async () => {
    const t = await startTestApp({}, { dataDir });
    try {
      const a = await t.chat('alice', 'set sandbox/dev replicas=3 apply_seconds=2');
      const b = await t.chat('alice', 'set sandbox/dev replicas=4');
      expect((await t.act('bob', a.requestId!, 'approve')).status).toBe(200);
      await t.waitForStatus(a.requestId!, ['applying']);
      expect((await t.act('bob', b.requestId!, 'approve')).status).toBe(200);
      expect((await t.waitForStatus(a.requestId!, ['succeeded', 'failed'])).status).toBe('succeeded');
      const latest = await t.waitForStatus(b.requestId!, ['awaiting_approval']);
      expect(latest.revision).toBe(2);
      // The new revision plans only what is left to do after A: one more replica.
      const created = latest.plan.changes.filter((c: any) => c.operation === 'create').map((c: any) => c.address);
      expect(created).toEqual(['terraform_data.app[3]']);
      // The new revision is stored before its card is posted: wait for the card, then read the thread.
      await t.waitForMessage(b.thread, (m) => m.card.kind === 'plan' && m.card.revision === 2);
      const cards = (await t.get(`/api/threads/${b.thread}`)).body.messages.filter((m: any) => m.card.kind === 'plan');
      expect(cards.map((m: any) => m.card.status)).toEqual(['superseded', 'awaiting approval']);
    } finally {
      await t.close();
    }
  });

  it('`greenlight resources` lists what was applied, per environment; bad --env is refused', async () => {
    const env = { ...(await storeEnv(dataDir)), LOG_LEVEL: 'silent' };
    const all = await cli(['resources'], env);
    expect(all.code).toBe(0);
    expect(all.stdout).toMatch(/^dev: 1 stack\(s\), \$0\.00 a month/m);
    expect(all.stdout).toMatch(
      / {2}sandbox\/dev {2}\((deploy_stack|update_stack_config), \$0\.00\/month, applied .* by console:alice, cr-[0-9a-f]{10}\)/,
    );
    expect(all.stdout).toContain('    terraform_data.network  terraform_data');
    expect((await cli(['resources', '--env', 'prod'], env)).stdout.trim()).toBe('Nothing deployed in prod by Greenlight yet.');
    const json = JSON.parse((await cli(['resources', '--json'], env)).stdout);
    expect(json[0]).toMatchObject({ stack: 'sandbox/dev', environment: 'dev', monthlyUsd: 0 });
    const bad = await cli(['resources', '--env', 'qa'], env);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('--env must be dev, staging or prod, not "qa"');
  });

  it('`greenlight audit verify` exits 0 on an intact log and 1 naming the row after a hand edit', async () => {
    const env = { ...(await storeEnv(dataDir)), LOG_LEVEL: 'silent' };
    const ok = await cli(['audit', 'verify'], env);
    expect(ok.code).toBe(0);
    // The app wrote a checkpoint when it stopped; verify checks against the newest.
    expect(ok.stdout).toMatch(/audit log intact: \d+ rows \(checkpoint of .*: \d+ rows\)/);
    const checkpoint = await cli(['audit', 'checkpoint'], env);
    expect(checkpoint.code).toBe(0);
    expect(checkpoint.stdout).toMatch(/audit checkpoint: \d+ rows signed in .*audit-checkpoints/);

    // Someone with write access to the database drops the append-only guard and edits a row.
    const db = await openTestStore(dataDir);
    await dropAuditGuard(db);
    await sql`update audit_log set detail = '{}' where seq = 2`.execute(db);
    const broken = await cli(['audit', 'verify'], env);
    expect(broken.code).toBe(1);
    expect(broken.stderr).toContain('BROKEN at row 2');

    // Wiping the whole log (and its head) is caught against the checkpoint outside the database.
    await sql`DELETE FROM audit_log`.execute(db);
    await sql`DELETE FROM meta WHERE key = 'audit_head'`.execute(db);
    await db.destroy();
    const wiped = await cli(['audit', 'verify'], env);
    expect(wiped.code).toBe(1);
    expect(wiped.stderr).toMatch(/BROKEN at row 1: the log ends at row 0 but the checkpoint of .* vouches for \d+ rows/);
    // Without the key there is nothing to verify with: a configuration error (78) that says so.
    const noKey = await cli(['audit', 'verify'], { ...env, GREENLIGHT_DATA_DIR: mkdtempSync(join(tmpdir(), 'greenlight-nokey-')) });
    expect(noKey.code).toBe(78);
    expect(noKey.stderr).toContain('audit key');
  });

  it('`greenlight --help` lists the commands; a bad config key fails fast naming the key', async () => {
    const help = await cli(['--help'], {});
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('start');
    expect(help.stdout).toContain('audit');
    const badDir = mkdtempSync(join(tmpdir(), 'greenlight-badcfg-'));
    writeFileSync(join(badDir, 'greenlight.yaml'), 'plans:\n  ttlMinutes: -5\nconsole:\n  prot: 80\n');
    const bad = await cli(['start'], { GREENLIGHT_CONFIG: join(badDir, 'greenlight.yaml') });
    rmSync(badDir, { recursive: true, force: true });
    expect(bad.code).toBe(78);
    expect(bad.stderr).toContain('plans.ttlMinutes');
    expect(bad.stderr).toContain('prot');
  });
});

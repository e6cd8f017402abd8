import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Db, openDatabase } from '../../src/store/database.ts';
import { approveOn, type Replica, startReplica } from '../helpers/replicas.ts';
import { hasTerraform, startTestApp, type TestApp } from '../helpers/test-app.ts';
import { TEST_PG_URL, testPostgres } from '../helpers/test-database.ts';
import { until } from '../helpers/until.ts';

// Locks you can see and break, on real Terraform applies. `locks` lists each stack lock with its
// holder, age, lease and queue; `break lock <stack> because <reason>` answers with a confirmation
// card whose button (stack name typed) releases it — for the people config `breakGlass` names.

const fixture = join(process.cwd(), 'test/fixtures/quick-terraform');
const facts = (card: any) =>
  Object.fromEntries(card.blocks.flatMap((b: any) => (b.type === 'facts' ? b.facts : [])).map((f: any) => [f.label, f.value]));
const operate = (card: any, name: string) => card.actions.find((a: any) => a.id === 'operate' && a.value.operation === name);

describe.skipIf(!hasTerraform)('stack locks in one process: a hung apply', () => {
  let t: TestApp;
  let work: string;
  let ledger: string;
  beforeAll(async () => {
    work = mkdtempSync(join(tmpdir(), 'greenlight-locks-'));
    ledger = join(work, 'ledger.txt');
    t = await startTestApp({
      includeExampleStacks: false,
      breakGlass: ['console:bob'],
      approvals: { dev: { approvers: ['console:bob', 'console:carol'] } },
      cluster: { leaseSeconds: 3, pollMs: 200 },
      stacks: { 'slow/dev': { engine: 'terraform', dir: fixture, environment: 'dev', state: 'managed', config: { ledger, sleep: '0' } } },
    });
  });
  afterAll(async () => {
    await t.close();
    rmSync(work, { recursive: true, force: true });
  });

  it('lists the lock, refuses a break by anyone else or without the typed name, breaks it for bob; the next deploy runs', async () => {
    const hung = await t.chat('alice', 'set slow/dev release=hung sleep=120');
    expect((await t.act('bob', hung.requestId!, 'approve')).status).toBe(200);
    await t.waitForStatus(hung.requestId!, ['applying']);
    const queued = await t.chat('alice', 'set slow/dev release=next sleep=0');
    expect((await t.act('bob', queued.requestId!, 'approve')).status).toBe(200);
    await t.waitForStatus(queued.requestId!, ['queued']);

    const listed = await t.chat('carol', 'locks');
    expect(listed.card.title).toBe('Stack locks (1)');
    const row = listed.card.blocks[0].rows[0];
    expect(row[0]).toBe('slow/dev');
    expect(row[1]).toContain(hung.requestId);
    expect(row[4]).toMatch(/^renewed, ends in/);
    expect(row[5]).toBe(queued.requestId);

    const refused = await t.chat('mallory', 'break lock slow/dev because it looks stuck');
    expect(refused.card.blocks[0].code).toBe('permission_denied');
    const noReason = await t.chat('bob', 'break lock slow/dev');
    expect(noReason.card.blocks[0].message).toContain('Say why');

    const ask = await t.chat('bob', 'break lock slow/dev because the apply hangs on a provider call');
    expect(ask.card.title).toBe('Break the lock on slow/dev?');
    expect(facts(ask.card)['Reason given']).toBe('the apply hangs on a provider call');
    const button = operate(ask.card, 'break_lock');
    expect(button.typeToConfirm).toBe('slow/dev');
    const press = (user: string, confirmation?: string) =>
      t.post('/api/actions', { user, action: 'operate', ...button.value, thread: ask.thread, ...(confirmation ? { confirmation } : {}) });
    expect((await press('bob')).body.error.code).toBe('confirmation_required');
    expect((await press('mallory', 'slow/dev')).status).toBe(403);
    const broken = await press('bob', 'slow/dev');
    expect(broken.status).toBe(200);
    expect(broken.body.card.title).toBe('Lock on slow/dev broken');

    // The holder's thread is told, with what it can do next; the queue moves on and applies.
    const failed = await t.waitForStatus(hung.requestId!, ['failed']);
    expect(failed.deployment.errorCode).toBe('interrupted');
    expect(failed.deployment.error).toContain('broken by console:bob');
    const told = await t.waitForMessage(hung.thread, (m) => m.card.kind === 'result' && m.card.actions.length === 2);
    expect(told.card.actions.map((a: any) => a.label)).toEqual(['Plan again', 'Mark resolved']);
    // The stopped apply left its resource tainted in the state, so the queued plan is stale: it is
    // planned again and, its changes no longer the approved ones, waits for a new approval.
    let next = await t.waitForStatus(queued.requestId!, ['succeeded', 'failed', 'awaiting_approval']);
    if (next.status === 'awaiting_approval') {
      expect(next.revision).toBe(2);
      expect((await t.act('bob', queued.requestId!, 'approve')).status).toBe(200);
      next = await t.waitForStatus(queued.requestId!, ['succeeded', 'failed']);
    }
    expect(next.status).toBe('succeeded');
    expect(readFileSync(ledger, 'utf8').trim().split('\n')).toEqual(['next']);
    const audit = await t.app.db.selectFrom('audit_log').select(['actor', 'detail']).where('action', '=', 'lock.broken').execute();
    expect(audit).toHaveLength(1);
    expect(audit[0]?.actor).toBe('console:bob');
    expect(JSON.parse(audit[0]?.detail ?? '{}').reason).toBe('the apply hangs on a provider call');
    expect((await t.chat('carol', 'locks')).card.blocks[0].text).toContain('No stack is locked');

    // Reconcile the interrupted apply: a fresh plan as a new request; then "resolved", once.
    const again = await t.post('/api/actions', { user: 'alice', action: 'operate', ...operate(told.card, 'plan_again').value });
    expect(again.status).toBe(200);
    expect(again.body.card.kind).toBe('plan');
    expect(again.body.card.requestId).not.toBe(hung.requestId);
    const resolve = operate(told.card, 'resolve_interrupted').value;
    expect((await t.post('/api/actions', { user: 'mallory', action: 'operate', ...resolve })).status).toBe(403);
    const resolved = await t.post('/api/actions', { user: 'alice', action: 'operate', ...resolve });
    expect(resolved.body.card.actions).toEqual([]);
    expect(resolved.body.card.context[0]).toMatch(/^Resolved by console:alice at /);
    expect((await t.post('/api/actions', { user: 'alice', action: 'operate', ...resolve })).body.error.code).toBe('already_decided');
  }, 90_000);
});

describe.skipIf(!TEST_PG_URL || !hasTerraform)('stack locks across replicas: a killed process', () => {
  let work: string;
  let replicas: Replica[] = [];
  let db: Db;
  let drop: () => Promise<void> = async () => undefined;
  const call = async (r: Replica, method: string, path: string, body?: unknown) => {
    const res = await fetch(`${r.url}${path}`, {
      method,
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: res.status, body: (await res.json()) as any };
  };
  const say = async (r: Replica, user: string, text: string) => (await call(r, 'POST', '/api/chat', { user, text })).body;

  beforeAll(async () => {
    const pg = await testPostgres();
    if (!pg) return;
    drop = pg.drop;
    work = mkdtempSync(join(tmpdir(), 'greenlight-locks-pg-'));
    const ledger = join(work, 'ledger.txt');
    // A 10-minute lease: without break-glass the stack would wait that long for the reaper.
    const config = {
      includeExampleStacks: false,
      breakGlass: ['console:bob'],
      cluster: { leaseSeconds: 600, pollMs: 200 },
      engines: { crashWaitSeconds: 5 },
      stacks: { 'slow/dev': { engine: 'terraform', dir: fixture, environment: 'dev', state: 'managed', config: { ledger, sleep: 0 } } },
    };
    writeFileSync(join(work, 'greenlight.yaml'), JSON.stringify(config));
    const env = {
      GREENLIGHT_CONFIG: join(work, 'greenlight.yaml'),
      DATABASE_URL: pg.url,
      GREENLIGHT_AUDIT_KEY: randomBytes(32).toString('hex'),
    };
    for (const name of ['a', 'b']) replicas.push(await startReplica(name, { ...env, GREENLIGHT_DATA_DIR: join(work, name) }));
    db = await openDatabase(pg.url);
  }, 120_000);

  afterAll(async () => {
    await Promise.all(replicas.map((r) => r.stop()));
    await db?.destroy();
    await drop();
    if (work) rmSync(work, { recursive: true, force: true });
  });

  it('the lock of a killed replica is listed with its owner, broken by bob with a reason, and the next deploy runs', async () => {
    const [a] = replicas;
    const opened = await say(a!, 'alice', 'set slow/dev release=cut-off sleep=60');
    const requestId = opened.messages[0].requestId as string;
    const shown = (await call(a!, 'GET', `/api/requests/${requestId}`)).body;
    await call(a!, 'POST', '/api/actions', {
      user: 'bob',
      requestId,
      action: 'approve',
      revision: shown.revision,
      planHash: shown.plan.hash,
    });
    const lock = await until(
      () => db.selectFrom('stack_locks').selectAll().where('stack', '=', 'slow/dev').executeTakeFirst(),
      20_000,
      'the lease',
    );
    const holder = replicas.find((r) => lock.owner?.split(':')[1] === String(r.pid))!;
    holder.process.kill('SIGKILL');
    const survivor = replicas.find((r) => r !== holder)!;
    replicas = [survivor];

    const listed = (await say(survivor, 'carol', 'locks')).messages[0].card;
    expect(listed.blocks[0].rows[0][2]).toBe(lock.owner);
    expect(listed.blocks[0].rows[0][4]).toMatch(/^renewed, ends in (9|10)m/);
    expect((await say(survivor, 'mallory', 'break lock slow/dev because the worker was killed')).messages[0].card.blocks[0].code).toBe(
      'permission_denied',
    );
    const ask = await say(survivor, 'bob', 'break lock slow/dev because the worker was killed');
    const button = operate(ask.messages[0].card, 'break_lock');
    const broken = await call(survivor, 'POST', '/api/actions', {
      user: 'bob',
      action: 'operate',
      ...button.value,
      confirmation: 'slow/dev',
      thread: ask.thread,
    });
    expect(broken.status).toBe(200);
    const failed = await until(
      async () => {
        const r = (await call(survivor, 'GET', `/api/requests/${requestId}`)).body;
        return r.status === 'failed' ? r : undefined;
      },
      20_000,
      'the interruption',
    );
    expect(failed.deployment.errorCode).toBe('interrupted');

    const next = await say(survivor, 'alice', 'set slow/dev release=after sleep=0');
    const nextId = next.messages[0].requestId as string;
    await approveOn(survivor, 'bob', nextId);
    const done = await until(
      async () => {
        const r = (await call(survivor, 'GET', `/api/requests/${nextId}`)).body;
        return ['succeeded', 'failed'].includes(r.status) ? r : undefined;
      },
      60_000,
      'the next deploy',
    );
    expect(done.status).toBe('succeeded');
  }, 180_000);
});

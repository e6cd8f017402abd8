import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/load.ts';
import { hasTerraform, startTestApp, type TestApp } from '../helpers/test-app.ts';

// Temporary environments on the real Terraform sandbox, with the app's clock moved forward
// (TestApp.clock) instead of waiting days: the reminder a day before the end, Extend, and the
// destroy plan at the end that, approved, removes the stack.

const HOUR = 3_600_000;
const facts = (card: any) =>
  Object.fromEntries(card.blocks.flatMap((b: any) => (b.type === 'facts' ? b.facts : [])).map((f: any) => [f.label, f.value]));
const operate = (card: any, name: string) => card.actions.find((a: any) => a.id === 'operate' && a.value.operation === name);

describe.skipIf(!hasTerraform)('temporary environments', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({
      lifetimes: { dev: { default: '1d', max: '5d' } },
      approvals: { dev: { approvers: ['console:bob', 'console:carol'] } },
    });
  });
  afterAll(async () => {
    await t.close();
  });

  const messages = async (thread: string) => (await t.get(`/api/threads/${thread}`)).body.messages as any[];

  it('ttl=2d: reminded a day before, extended by its requester, destroyed through approval at the end', async () => {
    const { thread, requestId, card } = await t.chat('alice', 'deploy sandbox/dev ttl=2d');
    expect(facts(card).Lifetime).toMatch(
      /^temporary: destroyed 2 days after the apply \(about \d{4}-\d\d-\d\d \d\d:\d\d UTC\) unless extended$/,
    );
    expect((await t.act('bob', requestId!, 'approve')).status).toBe(200);
    expect((await t.waitForStatus(requestId!, ['succeeded', 'failed'])).status).toBe('succeeded');
    const cost = await t.chat('carol', 'costs dev by=stack');
    expect(cost.card.blocks[0].columns).toContain('Temporary');
    expect(cost.card.blocks[0].rows[0].at(-1)).toMatch(/^sandbox\/dev until \d{4}-/);

    t.clock.offsetMs = 23 * HOUR;
    expect(await t.app.lifetimes.sweep()).toEqual({ reminded: 0, ended: 0 });
    t.clock.offsetMs = 25 * HOUR;
    expect(await t.app.lifetimes.sweep()).toEqual({ reminded: 1, ended: 0 });
    expect(await t.app.lifetimes.sweep()).toEqual({ reminded: 0, ended: 0 }); // once
    const reminder = (await messages(thread)).at(-1).card;
    expect(reminder.title).toMatch(/^sandbox\/dev is destroyed at /);
    expect(reminder.blocks[0].text).toContain('console:alice');
    expect(reminder.actions.map((a: any) => a.label)).toEqual(['Extend by 1 day', 'Destroy now']);

    const extend = operate(reminder, 'extend_ttl').value;
    expect((await t.post('/api/actions', { user: 'mallory', action: 'operate', ...extend })).status).toBe(403);
    const extended = await t.post('/api/actions', { user: 'alice', action: 'operate', ...extend });
    expect(extended.status).toBe(200);
    expect(extended.body.card.title).toBe('sandbox/dev extended');
    const audit = await t.app.db.selectFrom('audit_log').select(['actor', 'detail']).where('action', '=', 'ttl.extended').execute();
    expect(audit.map((a) => a.actor)).toEqual(['console:alice']);
    const { from, to } = JSON.parse(audit[0]?.detail ?? '{}');
    expect(Date.parse(to) - Date.parse(from)).toBe(24 * HOUR);

    // Two days after the apply nothing ends any more; a day before the new end, a new reminder.
    t.clock.offsetMs = 49 * HOUR;
    expect(await t.app.lifetimes.sweep()).toEqual({ reminded: 1, ended: 0 });
    t.clock.offsetMs = 73 * HOUR;
    expect(await t.app.lifetimes.sweep()).toEqual({ reminded: 0, ended: 1 });
    const destroy = (await messages(thread)).filter((m) => m.card.kind === 'plan').at(-1).card;
    expect(destroy.title).toBe('Destroy sandbox/dev — plan r1');
    expect(destroy.context.join(' ')).toContain('The lifetime of sandbox/dev ended at');
    const destroyId = destroy.requestId as string;
    const shown = (await t.get(`/api/requests/${destroyId}`)).body;
    expect(shown.requester).toBe('greenlight');
    expect(shown.status).toBe('awaiting_approval'); // dev here is destroyed only with a person's approval
    expect((await t.act('bob', destroyId, 'approve', { confirmation: 'sandbox/dev' })).status).toBe(200);
    expect((await t.waitForStatus(destroyId, ['succeeded', 'failed'])).status).toBe('succeeded');
    expect((await t.state('sandbox/dev'))?.resources ?? []).toEqual([]);
    expect(await t.app.db.selectFrom('stack_ttls').selectAll().execute()).toEqual([]);
  }, 90_000);

  it('a rejected destroy does not stop the clock: Extend works, the end opens a destroy, a rejected end is not reopened each sweep', async () => {
    const start = t.clock.offsetMs;
    const { requestId } = await t.chat('alice', 'deploy sandbox/dev ttl=2d');
    expect((await t.act('bob', requestId!, 'approve')).status).toBe(200);
    expect((await t.waitForStatus(requestId!, ['succeeded', 'failed'])).status).toBe('succeeded');
    const lifetime = async () => (await t.app.db.selectFrom('stack_ttls').selectAll().executeTakeFirst())!;
    const press = (user: string, operation: string) =>
      t.post('/api/actions', { user, action: 'operate', operation, target: 'sandbox/dev' });

    // Destroy now, then rejected: the environment keeps its lifetime and its buttons.
    expect((await press('alice', 'destroy_now')).status).toBe(200);
    const early = (await lifetime()).destroy_request_id!;
    expect((await press('alice', 'destroy_now')).status).toBe(409); // one open destroy at a time
    expect((await t.act('bob', early, 'reject')).status).toBe(200);
    expect((await press('alice', 'extend_ttl')).status).toBe(200);
    expect((await lifetime()).destroy_request_id).toBeNull();

    // The (extended) end opens a destroy; rejected, the next sweeps leave it to people.
    t.clock.offsetMs = start + 74 * HOUR;
    expect(await t.app.lifetimes.sweep()).toEqual({ reminded: 0, ended: 1 });
    const end = (await lifetime()).destroy_request_id!;
    expect(end).not.toBe(early);
    expect((await t.act('carol', end, 'reject')).status).toBe(200);
    expect(await t.app.lifetimes.sweep()).toEqual({ reminded: 0, ended: 0 });
    expect(await t.app.lifetimes.sweep()).toEqual({ reminded: 0, ended: 0 });
    expect((await press('alice', 'extend_ttl')).status).toBe(200);
    expect(Date.parse((await lifetime()).expires_at)).toBeGreaterThan(Date.now() + t.clock.offsetMs);
  }, 90_000);

  it('a lifetime over the maximum, or on something that creates nothing, is refused with the reason', async () => {
    const long = await t.chat('alice', 'deploy sandbox/dev for 2 weeks');
    expect(long.card.blocks[0].message).toContain('2 weeks is longer than dev allows for a temporary environment (5 days');
    const query = await t.chat('alice', 'status sandbox/dev ttl=2d');
    expect(query.card.blocks[0].message).toContain('A lifetime (ttl=…) is for what a request creates');
    const bad = await t.chat('alice', 'deploy sandbox/dev ttl=soon');
    expect(bad.card.blocks[0].message).toBe('ttl=soon is not a duration: say ttl=36h, ttl=7d or ttl=2w.');
  });
});

describe.skipIf(!hasTerraform)('environments where temporary is the default', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({
      lifetimes: { dev: { default: '3d', max: '5d', temporaryByDefault: true }, prod: { max: '2d', default: '1d' } },
    });
  });
  afterAll(async () => {
    await t.close();
  });
  const planOf = async (requestId: string) => (await t.get(`/api/requests/${requestId}`)).body.plan;

  it('provisioning in dev gets the default lifetime unless it names one; other environments and deploys do not', async () => {
    const plain = await t.chat('alice', 'provision namespace team=web env=dev');
    expect((await planOf(plain.requestId!)).lifetimeMs).toBe(3 * 86_400_000);
    expect(facts(plain.card).Lifetime).toMatch(/^temporary: destroyed 3 days after the apply/);
    expect(plain.card.context.join(' ')).toContain('Temporary by default in dev (lifetimes.dev.temporaryByDefault)');

    const named = await t.chat('alice', 'provision namespace team=api env=dev ttl=1d');
    expect((await planOf(named.requestId!)).lifetimeMs).toBe(86_400_000);
    expect(named.card.context.join(' ')).not.toContain('Temporary by default');

    const staging = await t.chat('alice', 'provision namespace team=web env=staging');
    expect((await planOf(staging.requestId!)).lifetimeMs).toBeUndefined();
    // A deploy changes a stack that exists for its own reasons: not made temporary by default.
    const deploy = await t.chat('alice', 'deploy sandbox/dev');
    expect((await planOf(deploy.requestId!)).lifetimeMs).toBeUndefined();
  });

  it("moved to prod by a follow-up, a lifetime over prod's maximum is refused and the request stays as it was", async () => {
    const { thread, requestId } = await t.chat('alice', 'provision namespace team=web env=dev');
    const moved = await t.chat('alice', 'actually put it in prod', thread);
    expect(moved.card.blocks[0].message).toContain('is temporary for 3 days, longer than prod allows (2 days, lifetimes.prod.max)');
    const now = (await t.get(`/api/requests/${requestId}`)).body;
    expect(now).toMatchObject({ revision: 1, environment: 'dev', status: 'awaiting_approval' });
  });

  it('a default longer than the maximum is refused at load', () => {
    expect(() => parseConfig({ lifetimes: { dev: { default: '10d', max: '5d' } } }, { source: 'test', baseDir: process.cwd() })).toThrow(
      /default must not be longer than max/,
    );
  });
});

describe.skipIf(!hasTerraform)('temporary environments destroyed without approval where config says so', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ lifetimes: { dev: { destroyWithoutApproval: true } } });
  });
  afterAll(async () => {
    await t.close();
  });

  it('an expired dev environment is destroyed by Greenlight itself, and says so', async () => {
    const { requestId } = await t.chat('alice', 'deploy sandbox/dev for 1 day');
    expect((await t.act('bob', requestId!, 'approve')).status).toBe(200);
    await t.waitForStatus(requestId!, ['succeeded']);
    t.clock.offsetMs = 25 * HOUR;
    expect(await t.app.lifetimes.sweep()).toEqual({ reminded: 0, ended: 1 });
    const destroyId = (await t.app.db.selectFrom('stack_ttls').select('destroy_request_id').executeTakeFirst())?.destroy_request_id ?? '';
    expect((await t.waitForStatus(destroyId, ['succeeded', 'failed'])).status).toBe('succeeded');
    const approvals = (await t.get(`/api/requests/${destroyId}`)).body.approvals;
    expect(approvals.map((a: any) => a.approver)).toEqual(['greenlight']);
    expect((await t.state('sandbox/dev'))?.resources ?? []).toEqual([]);
  }, 60_000);

  it('prod is never destroyed without approval: the config says so at load', () => {
    expect(() =>
      parseConfig({ lifetimes: { prod: { destroyWithoutApproval: true } } }, { source: 'test', baseDir: process.cwd() }),
    ).toThrow(/prod is never destroyed without approval/);
  });
});

import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { applyByHand } from '../helpers/by-hand.ts';
import { hasTerraform, startTestApp, type TestApp } from '../helpers/test-app.ts';

// Scheduled drift scans on the real Terraform sandbox: a one-minute schedule (croner) evaluated
// against the app's clock, moved forward by the test. An out-of-band change is made the way people
// make one: `terraform apply` by hand on the stack's state.

const _run = promisify(execFile);
const _SANDBOX = join(process.cwd(), 'examples/sandbox-terraform');
const MINUTE = 60_000;
const operate = (card: any, name: string) => card.actions.find((a: any) => a.id === 'operate' && a.value.operation === name);

describe.skipIf(!hasTerraform)('scheduled drift scans', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({
      driftSchedules: [{ cron: '* * * * *', stacks: ['sandbox/dev'], postTo: 'console' }],
      approvals: { dev: { approvers: ['console:bob', 'console:carol'] } },
    });
  });
  afterAll(async () => t?.close());

  async function applied(text: string) {
    const { requestId } = await t.chat('alice', text);
    expect((await t.act('bob', requestId!, 'approve')).status).toBe(200);
    const done = await t.waitForStatus(requestId!, ['succeeded', 'failed']);
    expect(done.status).toBe('succeeded');
  }
  const threadsNow = async () => (await t.get('/api/threads')).body.threads.map((th: any) => th.id) as string[];
  async function tickAfter(ms: number) {
    t.clock.offsetMs += ms;
    return t.app.driftSchedules.tick();
  }
  const scans = async (result: string) => {
    const text = await (await fetch(`${t.url}/metrics`)).text();
    return Number(new RegExp(`greenlight_drift_scans_total\\{stack="sandbox/dev",result="${result}"\\} (\\d+)`).exec(text)?.[1] ?? 0);
  };

  it('no drift: nothing posted; drift: one card with what differs; Snooze silences it; Revert puts it back', async () => {
    await applied('deploy sandbox/dev');
    // The app's clock at 5 s past a minute, so that "not due yet" is a fact, not a race.
    const base = Date.now();
    t.clock.offsetMs = Math.ceil(base / MINUTE) * MINUTE + 5_000 - base;
    expect(await t.app.driftSchedules.tick()).toEqual({}); // a new schedule starts counting
    const before = await threadsNow();
    expect(await tickAfter(30_000)).toEqual({}); // not due yet
    expect(await tickAfter(40_000)).toEqual({ 'sandbox/dev': 'in_sync' });
    expect(await threadsNow()).toEqual(before);
    expect(await scans('in_sync')).toBe(1);

    await applyByHand(t, { release: 'hotfix-7' });
    expect(await tickAfter(MINUTE)).toEqual({ 'sandbox/dev': 'drifted' });
    const [thread] = (await threadsNow()).filter((id) => !before.includes(id));
    const card = (await t.get(`/api/threads/${thread}`)).body.messages[0].card;
    expect(card.title).toBe('Drift on sandbox/dev');
    expect(card.blocks[0].rows[0]).toEqual(['terraform_data.release', 'changed', expect.stringContaining('input.version: v1 → hotfix-7')]);
    expect(card.actions.map((a: any) => a.label)).toEqual(['Revert', 'Adopt', 'Snooze 1 day', 'Snooze 1 week']);
    expect(await tickAfter(MINUTE)).toEqual({ 'sandbox/dev': 'reported_already' }); // once per finding

    // Adopt: `release` is left at its declared default (v1) in the config; setting it adopts the drift.
    const adopt = await t.post('/api/actions', { user: 'bob', action: 'operate', ...operate(card, 'adopt_drift').value, thread });
    expect(adopt.body.card.title).toBe('Change sandbox/dev — plan r1');
    const adoptPlan = (await t.get(`/api/requests/${adopt.body.card.requestId}`)).body.plan;
    expect(adoptPlan.overrides).toEqual({ release: 'hotfix-7' });
    expect(adoptPlan.changes.filter((c: any) => c.operation !== 'no-op')).toEqual([]);

    const snooze = operate(card, 'snooze_drift').value;
    expect((await t.post('/api/actions', { user: 'mallory', action: 'operate', ...snooze, thread })).status).toBe(403);
    expect((await t.post('/api/actions', { user: 'bob', action: 'operate', ...snooze, thread })).body.card.title).toBe(
      'Drift on sandbox/dev snoozed',
    );
    expect(await tickAfter(MINUTE)).toEqual({ 'sandbox/dev': 'snoozed' });
    expect(await tickAfter(24 * 60 * MINUTE)).toEqual({ 'sandbox/dev': 'reported_already' }); // the snooze ended

    const revert = await t.post('/api/actions', { user: 'carol', action: 'operate', ...operate(card, 'revert_drift').value, thread });
    expect(revert.body.card.title).toBe('Drift on sandbox/dev — remediation plan r1');
    const requestId = revert.body.card.requestId;
    expect((await t.get(`/api/requests/${requestId}`)).body.requester).toBe('console:carol');
    expect((await t.act('bob', requestId, 'approve')).status).toBe(200);
    expect((await t.waitForStatus(requestId, ['succeeded', 'failed'])).status).toBe('succeeded');
    expect(await tickAfter(MINUTE)).toEqual({ 'sandbox/dev': 'in_sync' });
  }, 120_000);

  it('Adopt, where the config can express the drift: a plan that sets it and changes nothing', async () => {
    const before = await threadsNow();
    await applyByHand(t, { replicas: '3' });
    expect(await tickAfter(MINUTE)).toEqual({ 'sandbox/dev': 'drifted' });
    const [thread] = (await threadsNow()).filter((id) => !before.includes(id));
    const card = (await t.get(`/api/threads/${thread}`)).body.messages[0].card;
    const adopt = await t.post('/api/actions', { user: 'bob', action: 'operate', ...operate(card, 'adopt_drift').value, thread });
    expect(adopt.body.card.kind).toBe('plan');
    const requestId = adopt.body.card.requestId;
    const request = (await t.get(`/api/requests/${requestId}`)).body;
    expect(request.capability).toBe('update_stack_config');
    expect(request.plan.overrides).toEqual({ replicas: '3' });
    expect(request.plan.changes.filter((c: any) => c.operation !== 'no-op')).toEqual([]);
    expect((await t.act('carol', requestId, 'approve')).status).toBe(200);
    expect((await t.waitForStatus(requestId, ['succeeded', 'failed'])).status).toBe('succeeded');
    expect(await tickAfter(MINUTE)).toEqual({ 'sandbox/dev': 'in_sync' });
  }, 120_000);

  it('Adopt, where the config cannot express the drift: it says so and opens nothing', async () => {
    const before = await threadsNow();
    // Names built from the environment ("sandbox-staging-net"): no config value holds them.
    await applyByHand(t, { environment: 'staging', replicas: '3' });
    expect(await tickAfter(MINUTE)).toEqual({ 'sandbox/dev': 'drifted' });
    const [thread] = (await threadsNow()).filter((id) => !before.includes(id));
    const card = (await t.get(`/api/threads/${thread}`)).body.messages[0].card;
    const requestsBefore = (await t.app.db.selectFrom('change_requests').select('id').execute()).length;
    const adopt = await t.post('/api/actions', { user: 'bob', action: 'operate', ...operate(card, 'adopt_drift').value, thread });
    expect(adopt.body.card.title).toBe('Cannot adopt the drift on sandbox/dev');
    expect((await t.app.db.selectFrom('change_requests').select('id').execute()).length).toBe(requestsBefore);
  }, 120_000);
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { saveLifetime } from '../../src/store/lifetimes.ts';
import { hasTerraform, startTestApp, type TestApp } from '../helpers/test-app.ts';

// An attacker at the console without sign-in can type any name. Prod asks for verified identities
// (the default), so there a self-declared name may ask for things — the request then meets every
// rule — but decides nothing: no rejection, no change to someone's request, no Extend or Destroy
// now, no Snooze, Revert or Adopt of a drift finding, no break-glass. Every refusal changes nothing.

const HOUR = 3_600_000;

describe.skipIf(!hasTerraform)('a self-declared console name in prod', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({
      breakGlass: ['console:bob', 'slack:T1:UBOB'],
      // Alice's Slack identity and her console name are one person: a typed "alice" must not speak for her.
      people: { alice: ['slack:T1:UALICE', 'console:alice'] },
      lifetimes: { prod: { default: '1d', max: '3d' } },
    });
  });
  afterAll(async () => {
    await t.close();
  });

  const operate = (user: string, operation: string, target: string, extra: Record<string, unknown> = {}) =>
    t.post('/api/actions', { user, action: 'operate', operation, target, ...extra });

  it('may ask, but may not reject, change or withdraw a prod request, even one made under its own name', async () => {
    const { requestId } = await t.chat('alice', 'set sandbox/prod replicas=3');
    expect(requestId).toBeTruthy();
    for (const user of ['alice', 'mallory']) {
      const res = await t.act(user, requestId!, 'reject');
      expect(res.status).toBe(403);
      expect(res.body.error.code).toBe('signin_required');
      expect(res.body.error.message).toContain('self-declared console name');
    }
    const request = (await t.get(`/api/requests/${requestId}`)).body;
    expect(request).toMatchObject({ status: 'awaiting_approval', revision: 1 });
    // Each refusal is audited under the name that tried.
    const refused = await t.app.db
      .selectFrom('audit_log')
      .select(['actor', 'detail'])
      .where('action', '=', 'action.refused')
      .where('request_id', '=', requestId!)
      .execute();
    expect(refused.map((r) => [r.actor, JSON.parse(r.detail).code])).toEqual([
      ['console:alice', 'signin_required'],
      ['console:mallory', 'signin_required'],
    ]);
  });

  it('does not speak for the verified person it is linked to: a follow-up leaves her request as it was', async () => {
    const opened = await t.chat('carol', 'help');
    const thread = { channel: 'console' as const, id: opened.thread };
    const [posted] = await t.app.interactions.say({ user: 'slack:T1:UALICE', text: 'set sandbox/prod replicas=3', thread });
    const requestId = posted!.requestId!;
    await t.chat('alice', 'make it 5 replicas', opened.thread);
    const after = (await t.get(`/api/requests/${requestId}`)).body;
    expect(after).toMatchObject({ revision: 1, requester: 'slack:T1:UALICE', status: 'awaiting_approval' });
    expect(after.plan.params.replicas ?? after.plan.overrides.replicas).toEqual(expect.anything());
    expect(JSON.stringify(after.plan)).not.toContain('"5"');
  });

  it('may not extend or destroy a prod temporary environment, even as its requester', async () => {
    const at = new Date().toISOString();
    const expiresAt = new Date(Date.now() + 10 * HOUR).toISOString();
    await saveLifetime(
      t.app.db,
      {
        stack: 'sandbox/prod',
        environment: 'prod',
        expiresAt,
        requester: 'console:alice',
        requestId: 'cr-0000000001',
        thread: { channel: 'console', id: 'c0ffee00-0000-4000-8000-000000000001' },
      },
      at,
    );
    for (const operation of ['extend_ttl', 'destroy_now']) {
      const res = await operate('alice', operation, 'sandbox/prod');
      expect(res.status, operation).toBe(403);
      expect(res.body.error.code).toBe('signin_required');
    }
    const row = await t.app.db.selectFrom('stack_ttls').selectAll().where('stack', '=', 'sandbox/prod').executeTakeFirstOrThrow();
    expect(row).toMatchObject({ expires_at: expiresAt, destroy_request_id: null });
  });

  it('may not snooze, revert or adopt a prod drift finding, nor break a prod lock', async () => {
    for (const [operation, extra] of [
      ['snooze_drift', { option: '7d' }],
      ['revert_drift', { thread: 'c0ffee00-0000-4000-8000-000000000002' }],
      ['adopt_drift', { thread: 'c0ffee00-0000-4000-8000-000000000002' }],
      ['break_lock', { confirmation: 'sandbox/prod', option: 'stuck' }],
    ] as const) {
      const res = await operate('bob', operation, 'sandbox/prod', extra);
      expect(res.status, operation).toBe(403);
      expect(res.body.error.code, operation).toBe('signin_required');
    }
    expect(await t.app.db.selectFrom('drift_snoozes').selectAll().execute()).toEqual([]);
    const answer = await t.chat('bob', 'break lock sandbox/prod because the apply hangs');
    expect(JSON.stringify(answer.card)).toContain('self-declared console name');
    // In dev, which does not ask for sign-in, the same name may (break-glass there is bob's).
    const dev = await operate('bob', 'snooze_drift', 'sandbox/dev', { option: '1d' });
    expect(dev.status).toBe(200);
  });
});

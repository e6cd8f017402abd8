import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REQUIREMENTS } from '../../src/workflow/requirements.ts';
import { changeFreeze, freeze } from '../fixtures/requirements/change-freeze.ts';
import { hasTerraform, startTestApp, type TestApp } from '../helpers/test-app.ts';

// A new approval requirement is one entry in the list: the fixture's change freeze, added to the
// default list, is asked by the click, the per-user views and the apply (real Terraform sandbox).

describe.skipIf(!hasTerraform)('approval requirements as a list', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({}, { requirements: [...REQUIREMENTS, changeFreeze] });
  });
  afterAll(async () => {
    await t.close();
  });

  it('a freeze hides Approve, refuses the click and is audited; lifted, the same approval applies', async () => {
    freeze.approvals = true;
    const { thread, requestId } = await t.chat('alice', 'deploy sandbox/dev');
    const view = await t.get(`/api/requests/${requestId}/may-approve?user=bob`);
    expect(view.body).toEqual({ allowed: false, reason: 'dev is in a change freeze: nothing is approved or applied until it ends.' });
    const threads = await t.get('/api/threads?user=bob');
    expect(threads.body.threads.find((th: any) => th.id === thread).waitingForMe).toBe(false);
    const refused = await t.act('bob', requestId!, 'approve');
    expect(refused.status).toBe(403);
    expect(refused.body.error.message).toContain('change freeze');
    const audit = await t.app.db
      .selectFrom('audit_log')
      .select('detail')
      .where('request_id', '=', requestId!)
      .where('action', '=', 'action.refused')
      .execute();
    expect(audit.map((a) => a.detail).join(' ')).toContain('change freeze');
    expect((await t.get(`/api/requests/${requestId}`)).body.status).toBe('awaiting_approval');

    freeze.approvals = false;
    expect((await t.get(`/api/requests/${requestId}/may-approve?user=bob`)).body).toEqual({ allowed: true });
    expect((await t.act('bob', requestId!, 'approve')).status).toBe(200);
    expect((await t.waitForStatus(requestId!, ['succeeded', 'failed'])).status).toBe('succeeded');
  });

  it('a freeze that starts after the approval stops the apply itself; nothing is applied', async () => {
    const before = await t.state('sandbox/dev');
    const { requestId } = await t.chat('alice', 'set sandbox/dev replicas=5');
    freeze.applies = true;
    try {
      expect((await t.act('bob', requestId!, 'approve')).status).toBe(200);
      const done = await t.waitForStatus(requestId!, ['succeeded', 'failed']);
      expect(done.status).toBe('failed');
      expect(done.deployment.errorCode).toBe('permission_denied');
      expect(done.deployment.error).toContain('change freeze');
      expect(await t.state('sandbox/dev')).toEqual(before);
    } finally {
      freeze.applies = false;
    }
  });
});

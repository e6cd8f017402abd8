import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadAuditKey } from '../../src/store/audit-key.ts';
import { verifyAudit } from '../../src/store/audit-log.ts';
import { hasTerraform, startTestApp, type TestApp } from '../helpers/test-app.ts';
import { dropAuditGuard } from '../helpers/test-database.ts';

// The change loop over the console's JSON API, against real Terraform applies of the sandbox.

describe.skipIf(!hasTerraform)('console JSON API end to end (real terraform)', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp({
      groups: { platform: ['console:bob', 'console:carol'] },
      // A local console whose operator let self-declared names approve prod (sign-in has its own test).
      approvals: { prod: { approvers: ['group:platform', 'console:alice'], requireSignedIn: false } },
    });
  });
  afterAll(async () => t?.close());

  it('plans, approves and applies sandbox/dev, streaming progress into the thread', async () => {
    const { thread, requestId, card } = await t.chat('alice', 'deploy sandbox/dev');
    expect(card.kind).toBe('plan');
    expect(card.status).toBe('awaiting approval');
    const changes = card.blocks.find((b: any) => b.type === 'changes');
    expect(changes.rows.map((r: any) => r.address)).toEqual(
      expect.arrayContaining([
        'terraform_data.network',
        'terraform_data.database',
        'terraform_data.app[0]',
        'terraform_data.app[1]',
        'terraform_data.gate',
      ]),
    );
    expect(card.actions.map((a: any) => a.id)).toEqual(['approve', 'reject', 'modify']);

    const approved = await t.act('bob', requestId!, 'approve');
    expect(approved.status).toBe(200);
    expect(approved.body.card.actions).toEqual([]);
    expect(approved.body.card.context.join(' ')).toContain('Approved by console:bob');

    const done = await t.waitForStatus(requestId!, ['succeeded', 'failed']);
    expect(done.status).toBe('succeeded');
    expect(done.deployment.outputs).toMatchObject({
      replicas: 2,
      url: 'http://sandbox-dev.local:8080',
      app_names: ['sandbox-dev-app-0', 'sandbox-dev-app-1'],
    });
    expect(done.deployment.events.filter((e: any) => e.type === 'resource_finished')).toHaveLength(6);

    const state = await t.state('sandbox/dev');
    expect(state.resources.map((r: any) => `${r.type}.${r.name}`).sort()).toEqual(
      ['terraform_data.app', 'terraform_data.database', 'terraform_data.gate', 'terraform_data.network', 'terraform_data.release'].sort(),
    );

    // The status is stored first; the result card and the plan card's redraw follow it. Wait for
    // the redraw rather than race it (the PostgreSQL pass once read the thread in between).
    await t.waitForMessage(thread, (m) => m.card.kind === 'plan' && m.card.status === 'applied');
    const messages = (await t.get(`/api/threads/${thread}`)).body.messages;
    expect(messages.map((m: any) => m.card.kind)).toEqual(['info', 'plan', 'progress', 'result']);
    expect(messages[1].card.status).toBe('applied');
    const progressId = messages[2].id;
    // Progress is one message edited in place, coalesced (the console allows one edit per 250 ms).
    const edits = t.app.consolePort.editCounts.get(progressId) ?? 0;
    expect(edits).toBeGreaterThan(1);
    expect(edits).toBeLessThan(done.deployment.events.length + 3);
    // The last progress edit keeps to the interval and may land just after the result card.
    const finalProgress = await t.waitForMessage(
      thread,
      (m) => m.card.kind === 'progress' && m.card.blocks[1].items.every((i: any) => i.status === 'done'),
    );
    expect(finalProgress.id).toBe(progressId);
  });

  it('rejects: nothing is applied', async () => {
    const { requestId } = await t.chat('alice', 'set sandbox/dev replicas=4');
    const res = await t.act('bob', requestId!, 'reject');
    expect(res.status).toBe(200);
    expect(res.body.card.status).toBe('rejected');
    const after = (await t.get(`/api/requests/${requestId}`)).body;
    expect(after.status).toBe('rejected');
    expect(after.deployment).toBeNull();
  });

  it('refuses self-approval on sandbox/prod and an approver outside the list (403, nothing applied)', async () => {
    const { requestId } = await t.chat('alice', 'deploy sandbox/prod');
    const self = await t.act('alice', requestId!, 'approve');
    expect(self.status).toBe(403);
    expect(self.body.error.code).toBe('self_approval');
    const outsider = await t.act('mallory', requestId!, 'approve');
    expect(outsider.status).toBe(403);
    expect(outsider.body.error.code).toBe('permission_denied');
    expect(outsider.body.error.message).toContain('console:mallory is not an approver for prod');
    const after = (await t.get(`/api/requests/${requestId}`)).body;
    expect(after.status).toBe('awaiting_approval');
    expect(after.approvals).toEqual([]);
    expect(after.deployment).toBeNull();
    expect(await t.state('sandbox/prod')).toBeUndefined();
    // A group member may approve.
    expect((await t.act('carol', requestId!, 'approve')).status).toBe(200);
    expect((await t.waitForStatus(requestId!, ['succeeded', 'failed'])).status).toBe('succeeded');
  });

  it('double approve and two approvers at once make exactly one apply', async () => {
    const { requestId } = await t.chat('alice', 'set sandbox/dev replicas=3');
    const results = await Promise.all([
      t.act('bob', requestId!, 'approve'),
      t.act('bob', requestId!, 'approve'),
      t.act('carol', requestId!, 'approve'),
    ]);
    const statuses = results.map((r) => r.status).sort();
    expect(statuses).toEqual([200, 409, 409]);
    const done = await t.waitForStatus(requestId!, ['succeeded', 'failed']);
    expect(done.status).toBe('succeeded');
    const deployments = await t.app.db.selectFrom('deployments').select('id').where('request_id', '=', requestId!).execute();
    const applies = await t.app.db
      .selectFrom('audit_log')
      .select('seq')
      .where('request_id', '=', requestId!)
      .where('action', '=', 'request.applying')
      .execute();
    expect(deployments).toHaveLength(1);
    expect(applies).toHaveLength(1);
    expect(done.deployment.outputs.replicas).toBe(3);
  });

  it('queues a second approved request on the same stack, shows its position, then applies it', async () => {
    const first = await t.chat('alice', 'set sandbox/dev replicas=4 apply_seconds=2');
    const second = await t.chat('alice', 'set sandbox/dev release=v2');
    expect((await t.act('bob', first.requestId!, 'approve')).status).toBe(200);
    await t.waitForStatus(first.requestId!, ['applying']);
    expect((await t.act('bob', second.requestId!, 'approve')).status).toBe(200);
    const queued = await t.waitForStatus(second.requestId!, ['queued']);
    expect(queued.deployment.status).toBe('queued');
    const queuedCard = await t.waitForMessage(second.thread, (m) => m.card.kind === 'progress' && m.card.status === 'queued');
    expect(queuedCard.card.blocks[0].text).toContain('number 1 in the queue');
    expect(queuedCard.card.blocks[0].text).toContain(first.requestId);

    const firstDone = await t.waitForStatus(first.requestId!, ['succeeded', 'failed']);
    const secondDone = await t.waitForStatus(second.requestId!, ['succeeded', 'failed']);
    expect(firstDone.status).toBe('succeeded');
    expect(secondDone.status).toBe('succeeded');
    expect(Date.parse(secondDone.deployment.startedAt)).toBeGreaterThanOrEqual(Date.parse(firstDone.deployment.finishedAt));
    // The second plan went stale when the first changed the state; it was planned again, made
    // the same change, and that fresh plan was applied (audited as plan.refreshed).
    expect(secondDone.deployment.outputs.replicas).toBe(4);
    const refreshed = await t.app.db
      .selectFrom('audit_log')
      .select('seq')
      .where('request_id', '=', second.requestId!)
      .where('action', '=', 'plan.refreshed')
      .execute();
    expect(refreshed).toHaveLength(1);
  });

  it('re-plans an expired plan instead of applying it', async () => {
    const { requestId, thread } = await t.chat('alice', 'set sandbox/dev replicas=5');
    t.clock.offsetMs = 31 * 60_000;
    try {
      const res = await t.act('bob', requestId!, 'approve');
      expect(res.status).toBe(409);
      expect(res.body.error.code).toBe('plan_expired');
      expect(res.body.error.details.revision).toBe(2);
      const latest = (await t.get(`/api/requests/${requestId}`)).body;
      expect(latest.revision).toBe(2);
      expect(latest.status).toBe('awaiting_approval');
      expect(latest.deployment).toBeNull();
      const cards = (await t.get(`/api/threads/${thread}`)).body.messages.filter((m: any) => m.card.kind === 'plan');
      expect(cards.map((m: any) => m.card.status)).toEqual(['expired', 'awaiting approval']);
      // The fresh revision can be approved and applied.
      const second = await t.act('bob', requestId!, 'approve', { revision: 2 });
      expect(second.body.card.status).toBe('approved');
      expect((await t.waitForStatus(requestId!, ['succeeded', 'failed'])).status).toBe('succeeded');
      // A click on the old revision's card is refused.
      const stale = await t.act('bob', requestId!, 'approve', { revision: 1 });
      expect(stale.body.error.code).toBe('superseded');
    } finally {
      t.clock.offsetMs = 0;
    }
  });

  it('a failing apply ends failed with the engine error on the card', async () => {
    const { requestId, thread } = await t.chat('alice', 'set sandbox/dev fail_apply=true');
    expect((await t.act('bob', requestId!, 'approve')).status).toBe(200);
    const done = await t.waitForStatus(requestId!, ['succeeded', 'failed']);
    expect(done.status).toBe('failed');
    expect(done.deployment.error).toContain('health check failed');
    // The result card is posted just after the status is stored: wait for it, not race it.
    const result = await t.waitForMessage(thread, (m) => m.card.kind === 'result');
    expect(result.card.title).toContain('failed');
    expect(result.html).toContain('health check failed');
    expect(result.card.blocks[0].next).toContain('terraform_data.gate');
    // The failed value is not kept as the stack's config.
    const status = await t.chat('alice', 'status sandbox/dev');
    expect(JSON.stringify(status.card)).toContain('fail_apply=false');
  });

  it('answers bad input with a clear message and changes nothing', async () => {
    const before = (await t.get('/api/threads')).body.threads.length;
    const malformed = await fetch(`${t.url}/api/chat`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"user":',
    });
    expect(malformed.status).toBe(400);
    const missing = await t.post('/api/chat', { text: 'deploy sandbox/dev' });
    expect(missing.status).toBe(400);
    expect(missing.body.error.message).toContain('user');
    const badUser = await t.post('/api/chat', { user: '<script>', text: 'hi' });
    expect(badUser.status).toBe(400);
    const badAction = await t.post('/api/actions', {
      user: 'bob',
      requestId: 'cr-0000000000',
      action: 'apply-now',
    });
    expect(badAction.status).toBe(400);
    const unknown = await t.act('bob', 'cr-0000000000', 'approve');
    expect(unknown.status).toBe(404);
    expect((await t.get('/api/threads')).body.threads.length).toBe(before);

    const unknownStack = await t.chat('alice', 'deploy nope/dev');
    expect(unknownStack.card.kind).toBe('error');
    expect(unknownStack.card.blocks[0].code).toBe('unknown_stack');
    const undeclared = await t.chat('alice', 'set sandbox/dev colour=blue');
    expect(undeclared.card.blocks[0].message).toContain('has no variable "colour"');
    const gibberish = await t.chat('alice', 'make me a sandwich');
    expect(gibberish.card.kind).toBe('info');
    expect(gibberish.requestId).toBeNull();
    const badSet = await t.chat('alice', 'set sandbox/dev replicas');
    // The grammar's complaint comes with a form for the values, pre-filled with the stack.
    expect(badSet.card.blocks[0].text).toContain('is not key=value');
    const form = badSet.card.blocks[1];
    expect(form.type).toBe('form');
    expect(form.fields.find((f: any) => f.name === 'stack').value).toBe('sandbox/dev');
    expect((await t.get('/healthz')).status).toBe(200);
  });

  it('keeps an intact audit chain, and `audit verify` finds a row edited by hand', async () => {
    await t.app.runner.idle();
    expect(await verifyAudit(t.app.db, loadAuditKey(t.app.config.audit.keyFile, undefined, { create: false }))).toMatchObject({ ok: true });
    // Someone with write access to the database (SQLite file or PostgreSQL role) edits a row.
    await expect(sql`update audit_log set actor = 'someone' where seq = 3`.execute(t.app.db)).rejects.toThrow(/append-only/);
    await dropAuditGuard(t.app.db);
    await sql`update audit_log set actor = 'console:mallory' where seq = 3`.execute(t.app.db);
    const result = await verifyAudit(t.app.db, loadAuditKey(t.app.config.audit.keyFile, undefined, { create: false }));
    expect(result.ok).toBe(false);
    expect(result.firstBad?.seq).toBe(3);
  });

  it('request states and stored plans must agree with the audit log', async () => {
    await t.app.runner.idle();
    const key = loadAuditKey(t.app.config.audit.keyFile, undefined, { create: false });
    // (The test before left an edited approval row: that is reported too, and is not about this request.)
    const { requestId } = await t.chat('alice', 'set sandbox/prod release=tamper-me');
    // Someone with write access to the database marks it approved, and rewrites what it would apply.
    const db = t.app.db;
    await db.updateTable('change_requests').set({ status: 'approved' }).where('id', '=', requestId!).execute();
    const row = await db.selectFrom('change_requests').select('plan').where('id', '=', requestId!).executeTakeFirstOrThrow();
    const plan = JSON.parse(row.plan);
    plan.config.release = 'mallory';
    await db
      .updateTable('change_requests')
      .set({ plan: JSON.stringify(plan) })
      .where('id', '=', requestId!)
      .execute();
    const result = await verifyAudit(t.app.db, key);
    expect(result.ok).toBe(false);
    const text = result.mismatches?.join('\n') ?? '';
    expect(text).toContain(`${requestId} r1 is approved but the audit log says awaiting_approval`);
    expect(text).toContain(`${requestId} r1: the stored plan is not the plan that was audited`);
    // And the apply refuses a stored plan whose content no longer has its hash.
    await db.updateTable('change_requests').set({ status: 'awaiting_approval' }).where('id', '=', requestId!).execute();
    expect((await t.act('carol', requestId!, 'approve')).status).toBe(200);
    const done = await t.waitForStatus(requestId!, ['succeeded', 'failed']);
    expect(done.status).toBe('failed');
    expect(done.deployment.error).toContain('does not match its hash');
  });
});

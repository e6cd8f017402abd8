import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REVIEW_ONLY } from '../../cards/plan-card.ts';
import { hasTerraform, startTestApp, type TestApp } from '../helpers/test-app.ts';

// Issue 14's card states and routing cases, through the console API with real Terraform (the
// sandbox stacks) and, for provisioning, no Pulumi CLI (as on this machine).

const messagesOf = async (t: TestApp, thread: string) => (await t.get(`/api/threads/${thread}`)).body.messages as any[];
const progressOf = async (t: TestApp, thread: string, requestId: string) =>
  (await messagesOf(t, thread)).find((m) => m.card.kind === 'progress' && m.card.requestId === requestId)?.card;

async function finalProgress(t: TestApp, thread: string, requestId: string, status: string) {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const card = await progressOf(t, thread, requestId);
    if (card?.status === status) return card;
    if (Date.now() > deadline) throw new Error(`progress card of ${requestId} is ${card?.status}, wanted ${status}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe.skipIf(!hasTerraform)('cards that tell the truth (real terraform)', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(() => t.close());

  it('never-deployed drift says so and offers deploy; no request is made', async () => {
    const drift = await t.chat('alice', 'drift sandbox/dev');
    expect(drift.requestId).toBeNull();
    expect(drift.card.title).toBe('sandbox/dev is not deployed');
    expect(drift.card.blocks[0].text).toContain('Say `deploy sandbox/dev`');
  });

  it('a plan creating free resources says so, not "(no change)"', async () => {
    const plan = await t.chat('alice', 'deploy sandbox/dev');
    const cost = plan.card.blocks.find((b: any) => b.type === 'cost');
    expect(cost.summary).toBe('Monthly cost: $0.00 a month (these resources are free)');
    expect(JSON.stringify(plan.card)).not.toContain('no change');
  });

  it('progress ends "succeeded" after a successful apply, and the badge never stays "applying"', async () => {
    const plan = await t.chat('alice', 'deploy sandbox/dev');
    expect((await t.act('bob', plan.requestId!, 'approve')).status).toBe(200);
    await t.waitForStatus(plan.requestId!, ['succeeded']);
    const card = await finalProgress(t, plan.thread, plan.requestId!, 'succeeded');
    expect(card.title).toBe('Applied sandbox/dev');
    expect(card.tone).toBe('success');
  });

  it('progress ends "failed" after a failed apply', async () => {
    const plan = await t.chat('alice', 'set sandbox/dev fail_apply=true');
    expect((await t.act('bob', plan.requestId!, 'approve')).status).toBe(200);
    await t.waitForStatus(plan.requestId!, ['failed']);
    const card = await finalProgress(t, plan.thread, plan.requestId!, 'failed');
    expect(card.title).toBe('Apply failed on sandbox/dev');
  });

  it('progress ends "re-planned" when the stack changed while the request was queued', async () => {
    const first = await t.chat('alice', 'set sandbox/dev replicas=4');
    const second = await t.chat('alice', 'set sandbox/dev replicas=5');
    expect((await t.act('bob', first.requestId!, 'approve')).status).toBe(200);
    expect((await t.act('bob', second.requestId!, 'approve')).status).toBe(200);
    await t.waitForStatus(first.requestId!, ['succeeded']);
    // Terraform's saved plan is stale once the first apply changed the state; the fresh plan
    // differs (4 → 5, not 2 → 5), so the approval does not carry over: revision 2 awaits approval.
    const card = await finalProgress(t, second.thread, second.requestId!, 're-planned');
    const secondNow = await t.waitForStatus(second.requestId!, ['awaiting_approval']);
    expect(secondNow.revision).toBe(2);
    expect(card.title).toBe('Re-planned, not applied: sandbox/dev');
  });

  it('a destroy result says Destroyed, not Applied', async () => {
    const plan = await t.chat('alice', 'destroy sandbox/dev');
    expect((await t.act('bob', plan.requestId!, 'approve', { confirmation: 'sandbox/dev' })).status).toBe(200);
    await t.waitForStatus(plan.requestId!, ['succeeded']);
    const result = await t.waitForMessage(plan.thread, (m) => m.card.kind === 'result' && m.card.requestId === plan.requestId);
    expect(result.card.title).toBe('Destroyed sandbox/dev');
    expect(result.card.blocks[0].text).toMatch(/^Destroyed every resource of sandbox\/dev in /);
    expect(JSON.stringify(result.card)).not.toContain('Applied');
    const progress = await finalProgress(t, plan.thread, plan.requestId!, 'succeeded');
    expect(progress.title).toBe('Destroyed sandbox/dev');
  });
});

describe('cards and routing without an engine or a stack (no Pulumi CLI here)', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({}, { engines: undefined });
  });
  afterAll(() => t.close());

  it('a plan that cannot run here is review-only: said first, no Approve, and a forged Approve is refused', async () => {
    const plan = await t.chat('alice', 'provision databricks team=data env=dev region=eastus');
    expect(plan.requestId).not.toBeNull();
    expect(plan.card.blocks[0]).toEqual({ type: 'text', text: REVIEW_ONLY });
    expect(plan.card.actions.map((a: any) => a.id)).toEqual(['reject', 'modify']);
    const forged = await t.act('bob', plan.requestId!, 'approve');
    expect(forged.body.error.code).toBe('engine_not_found');
    expect(forged.status).toBe(503);
    expect((await t.get(`/api/requests/${plan.requestId}`)).body.status).toBe('awaiting_approval');
  });

  it('"provision redis" is refused by name in chat, never planned as the nearest capability', async () => {
    for (const text of ['provision redis team=data env=dev region=eastus', 'provision kafka team=data env=dev']) {
      const res = await t.chat('alice', text);
      expect(res.requestId, text).toBeNull();
      expect(res.card.blocks[0].message, text).toMatch(/^I cannot provision "(redis|kafka)"\. I can provision: databricks, /);
    }
  });

  it('what the user typed wins; memory fills only what is valid for the capability, and the card says so', async () => {
    await t.chat('carol', 'remember my region is eastus');
    // The README's example: team=web is typed, so no form asks for it.
    const firewall = await t.chat('carol', 'open port 22 to 0.0.0.0/0 in prod team=web');
    expect(firewall.card.kind, JSON.stringify(firewall.card)).toBe('plan');
    expect(firewall.requestId).toMatch(/^cr-/);
    const request = (await t.get(`/api/requests/${firewall.requestId}`)).body;
    expect(request.plan.params).toMatchObject({ team: 'web', port: 22, source: '0.0.0.0/0', environment: 'prod' });
    // An AWS request: a remembered Azure region is not taken, and the form says why.
    const aws = await t.chat('carol', 'open port 443 on aws in dev team=web from 10.0.0.0/8');
    expect(JSON.stringify(aws.card)).toContain('Not taken from your memory, not valid here: region=eastus');
    const typed = await t.chat(
      'carol',
      'open port 443 on aws in dev team=web region=us-west-2 from 10.0.0.0/8 security_group=sg-0123456789abcdef0',
    );
    expect((await t.get(`/api/requests/${typed.requestId}`)).body.plan.params.region).toBe('us-west-2');
  });
});

describe.skipIf(!hasTerraform)('follow-ups that carry context (real terraform)', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(() => t.close());

  it('"make it 4 replicas" in a deploy thread plans that stack; elsewhere "it" is the last request\'s stack', async () => {
    const deploy = await t.chat('alice', 'deploy sandbox/dev');
    const inThread = await t.chat('alice', 'make it 4 replicas', deploy.thread);
    expect(inThread.card.kind).toBe('plan');
    const req = (await t.get(`/api/requests/${inThread.requestId}`)).body;
    expect(req.stack).toBe('sandbox/dev');
    expect(req.plan.params.values).toEqual({ replicas: '4' });
    expect(inThread.card.context.join(' ')).toContain('Stack sandbox/dev: the one this thread is about.');
    const elsewhere = await t.chat('alice', 'make it 5 replicas');
    expect((await t.get(`/api/requests/${elsewhere.requestId}`)).body.stack).toBe('sandbox/dev');
    // No anaphor, no thread: a new request still asks which stack.
    const bare = await t.chat('dave', 'set replicas to 3');
    expect(bare.requestId).toBeNull();
  });

  it('"same as last time but in prod" moves the stack to prod; a stack that does not exist is named', async () => {
    await t.chat('erin', 'deploy sandbox/dev');
    const prod = await t.chat('erin', 'same as last time but in prod');
    expect((await t.get(`/api/requests/${prod.requestId}`)).body.stack).toBe('sandbox/prod');
    await t.chat('erin', 'deploy sandbox/dev');
    const staging = await t.chat('erin', 'same as last time but in staging');
    expect(staging.requestId).toBeNull();
    expect(staging.card.blocks[0].message).toContain('I don\'t know the stack "sandbox/staging"');
  });

  it('unapplied provisioning plans are not listed as stacks; they are named apart', async () => {
    await t.chat('alice', 'provision k8s namespace team=growth env=dev');
    const stacks = await t.chat('alice', 'stacks');
    const rows = stacks.card.blocks[0].rows as string[][];
    expect(rows.some((r) => r[0]?.startsWith('k8s'))).toBe(false);
    expect(stacks.card.context.join(' ')).toMatch(/Planned, never applied \(\d+\): .*growth/);
  });
});

describe('expiry', () => {
  it('a card loses Approve when its plan expires, not a sweep interval later', async () => {
    const t = await startTestApp({ stacks: {} }, { expirySweepMs: 60_000 });
    try {
      const plan = await t.chat('alice', 'provision k8s namespace team=web env=dev');
      const expiresAt = Date.parse((await t.get(`/api/requests/${plan.requestId}`)).body.plan.expiresAt);
      // Move the clock so the plan expires 1.5 s from now; the sweep interval is a minute.
      t.clock.offsetMs = expiresAt - Date.now() - 1500;
      const started = Date.now();
      await t.waitForStatus(plan.requestId!, ['expired'], 10_000);
      expect(Date.now() - started).toBeLessThan(5_000);
    } finally {
      await t.close();
    }
  });
});

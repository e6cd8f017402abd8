import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createToken } from '../../src/store/api-tokens.ts';
import {
  blockActionPayload,
  eventBody,
  type FakeSlack,
  interactionBody,
  slackHeaders,
  slashCommandBody,
  startFakeSlack,
} from '../fakes/slack-api.ts';
import { hasTerraform, startTestApp, type TestApp } from '../helpers/test-app.ts';
import { until } from '../helpers/until.ts';

// Slack over real HTTP: signed requests to Bolt's receiver at /slack/events, the bot's Web API
// calls going to a local stand-in for slack.com/api that records them. Real Terraform applies.

const SECRET = 'test-signing-secret-0123456789';

describe.skipIf(!hasTerraform)('Slack channel end to end', () => {
  let t: TestApp;
  let slack: FakeSlack;
  let events: string;

  async function send(body: string, contentType: string, headers = slackHeaders(SECRET, body, contentType)) {
    const res = await fetch(events, { method: 'POST', headers, body });
    return { status: res.status, text: await res.text() };
  }
  const command = (text: string, user = 'UALICE') => send(slashCommandBody({ text, user }), 'application/x-www-form-urlencoded');
  const click = (user: string, actionId: string, value: string, inputs?: Record<string, Record<string, string>>) =>
    send(
      interactionBody(blockActionPayload({ user, actionId, value, ...(inputs ? { inputs } : {}) })),
      'application/x-www-form-urlencoded',
    );
  const planPosts = () => slack.of('chat.postMessage').filter((c) => c.params.blocks?.[0]?.text?.text?.includes('plan r'));
  const buttonValueOf = (call: { params: Record<string, any> }, actionId: string) =>
    call.params.blocks.find((b: any) => b.type === 'actions').elements.find((e: any) => e.action_id === actionId).value as string;

  beforeAll(async () => {
    slack = await startFakeSlack();
    t = await startTestApp({
      slack: { botToken: 'xoxb-test', signingSecret: SECRET, apiUrl: slack.url, port: 0 },
      groups: { sre: ['slack:T1:UALICE', 'slack:T1:UBOB', 'slack:T1:UCAROL'] },
      approvals: { prod: { approvers: ['group:sre'] } },
    });
    events = t.app.slackUrl;
  });
  afterAll(async () => {
    await t?.close();
    await slack?.close();
  });

  it('slash command → plan card as a thread root; non-approver refused; approver approves; progress and result in the thread', async () => {
    const started = Date.now();
    const ack = await command('deploy sandbox/prod');
    expect(ack.status).toBe(200);
    expect(Date.now() - started).toBeLessThan(3000);
    const plan = await until(() => planPosts().at(-1));
    expect(plan.params.channel).toBe('C1');
    expect(plan.params.thread_ts).toBeUndefined();
    expect(plan.params.blocks.length).toBeLessThanOrEqual(50);
    const actions = plan.params.blocks.find((b: any) => b.type === 'actions');
    expect(actions.elements.map((e: any) => e.action_id)).toEqual(['gl_approve', 'gl_reject', 'gl_modify']);
    expect(actions.elements[0]).toMatchObject({ style: 'primary', confirm: { confirm: { text: 'Approve' } } });
    expect(JSON.parse(actions.elements[0].value)).toMatchObject({ v: 1 });
    expect(JSON.stringify(plan.params.blocks)).toContain('terraform_data.network');
    const approve = buttonValueOf(plan, 'gl_approve');
    const { r: requestId } = JSON.parse(approve);

    // Alice asked, so she cannot approve in prod; Mallory is not an approver.
    expect((await click('UALICE', 'gl_approve', approve)).status).toBe(200);
    const refusal = await until(() => slack.of('chat.postEphemeral').find((c) => c.params.user === 'UALICE'));
    expect(refusal.params.text).toContain("You can't do that");
    expect(refusal.params.text).toContain('cannot approve it in prod');
    await click('UMALLORY', 'gl_approve', approve);
    const notApprover = await until(() => slack.of('chat.postEphemeral').find((c) => c.params.user === 'UMALLORY'));
    expect(notApprover.params.text).toContain('slack:T1:UMALLORY is not an approver for prod');
    expect((await t.get(`/api/requests/${requestId}`)).body.status).toBe('awaiting_approval');

    // Bob approves: buttons replaced by who approved, then the apply runs in the thread.
    await click('UBOB', 'gl_approve', approve);
    const done = await t.waitForStatus(requestId, ['succeeded', 'failed']);
    expect(done.status).toBe('succeeded');
    const planUpdates = slack.of('chat.update').filter((c) => JSON.stringify(c.params.blocks).includes('plan r1'));
    const approved = planUpdates.find((c) => JSON.stringify(c.params.blocks).includes('Approved by slack:T1:UBOB'));
    expect(approved).toBeTruthy();
    expect(approved?.params.blocks.some((b: any) => b.type === 'actions')).toBe(false);
    const threadTs = planUpdates[0]?.params.ts;
    const inThread = slack.of('chat.postMessage').filter((c) => c.params.thread_ts === threadTs);
    const result = await until(() =>
      slack
        .of('chat.postMessage')
        .find((c) => c.params.thread_ts === threadTs && JSON.stringify(c.params.blocks).includes('Applied sandbox/prod')),
    );
    expect(JSON.stringify(result.params.blocks)).toContain('http://sandbox-prod.local:8080');
    expect(inThread.length).toBeGreaterThanOrEqual(1);
    const state = await t.state('sandbox/prod');
    expect(state.resources.length).toBe(5);

    // The progress message is edited in place at most once a second.
    const progress = slack
      .of('chat.postMessage')
      .find((c) => c.params.thread_ts === threadTs && JSON.stringify(c.params.blocks).includes('Applying sandbox/prod'));
    expect(progress).toBeTruthy();
    const edits = slack
      .of('chat.update')
      .filter(
        (c) =>
          JSON.stringify(c.params.blocks).includes('Applying sandbox/prod') || JSON.stringify(c.params.blocks).includes('resources done'),
      );
    expect(edits.length).toBeGreaterThanOrEqual(2);
    for (let i = 1; i < edits.length; i++) expect((edits[i]?.at ?? 0) - (edits[i - 1]?.at ?? 0)).toBeGreaterThanOrEqual(900);
  });

  it('reject, and a double approve makes one apply', async () => {
    await command('set sandbox/dev replicas=3');
    const plan = await until(() =>
      planPosts().find(
        (c) => JSON.stringify(c.params.blocks).includes('Change sandbox/dev') && JSON.stringify(c.params.blocks).includes('replicas=3'),
      ),
    );
    const { r: first } = JSON.parse(buttonValueOf(plan, 'gl_reject'));
    await click('UBOB', 'gl_reject', buttonValueOf(plan, 'gl_reject'));
    expect((await t.waitForStatus(first, ['rejected'])).status).toBe('rejected');

    await command('set sandbox/dev replicas=4');
    const second = await until(() => planPosts().find((c) => JSON.stringify(c.params.blocks).includes('replicas=4')));
    const value = buttonValueOf(second, 'gl_approve');
    await Promise.all([click('UBOB', 'gl_approve', value), click('UBOB', 'gl_approve', value), click('UCAROL', 'gl_approve', value)]);
    const { r } = JSON.parse(value);
    const done = await t.waitForStatus(r, ['succeeded', 'failed']);
    expect(done.status).toBe('succeeded');
    expect(done.deployment.outputs.replicas).toBe(4);
    await until(() => slack.of('chat.postEphemeral').find((c) => c.params.text.includes('already')));
  });

  it('destroy: the card asks for the stack name; Approve counts only with it typed in the input block', async () => {
    await command('destroy sandbox/dev');
    const plan = await until(() => planPosts().find((c) => JSON.stringify(c.params.blocks).includes('Destroy sandbox/dev')));
    const input = plan.params.blocks.find((b: any) => b.type === 'input');
    expect(input).toMatchObject({ block_id: 'gl-type-confirm', element: { type: 'plain_text_input', action_id: 'gl_confirmation' } });
    expect(input.label.text).toBe('Type sandbox/dev to confirm');
    const value = buttonValueOf(plan, 'gl_approve');
    const { r } = JSON.parse(value);
    const told = slack.of('chat.postEphemeral').length;
    await click('UBOB', 'gl_approve', value);
    await until(() =>
      slack
        .of('chat.postEphemeral')
        .slice(told)
        .find((c) => c.params.text.includes('type sandbox/dev')),
    );
    await click('UBOB', 'gl_approve', value, { 'gl-type-confirm': { gl_confirmation: 'sandbox' } });
    await until(() =>
      slack
        .of('chat.postEphemeral')
        .slice(told)
        .find((c) => c.params.text.includes('"sandbox" is not the stack')),
    );
    expect((await t.get(`/api/requests/${r}`)).body.status).toBe('awaiting_approval');
    await click('UBOB', 'gl_approve', value, { 'gl-type-confirm': { gl_confirmation: 'sandbox/dev' } });
    expect((await t.waitForStatus(r, ['succeeded', 'failed'])).status).toBe('succeeded');
  });

  it('Modify opens a modal from the schema; its submission makes a new revision', async () => {
    await command('set sandbox/dev release=v7');
    const plan = await until(() => planPosts().find((c) => JSON.stringify(c.params.blocks).includes('release=v7')));
    const value = buttonValueOf(plan, 'gl_modify');
    await click('UALICE', 'gl_modify', value);
    const open = await until(() => slack.of('views.open').at(-1));
    const view = open.params.view;
    expect(view.callback_id).toBe('gl_modify');
    const valuesBlock = view.blocks.find((b: any) => b.block_id === 'values');
    expect(valuesBlock.element.initial_value).toBe('release=v7');
    const submission = {
      type: 'view_submission',
      team: { id: 'T1', domain: 'acme' },
      user: { id: 'UALICE', username: 'alice', team_id: 'T1' },
      api_app_id: 'A1',
      token: 'legacy',
      trigger_id: '3.4.ghi',
      view: {
        id: 'V1',
        type: 'modal',
        callback_id: 'gl_modify',
        private_metadata: view.private_metadata,
        state: {
          values: {
            stack: { value: { type: 'plain_text_input', value: 'sandbox/dev' } },
            values: { value: { type: 'plain_text_input', value: 'release=v8' } },
          },
        },
      },
    };
    const res = await send(interactionBody(submission), 'application/x-www-form-urlencoded');
    expect(res.status).toBe(200);
    const { r } = JSON.parse(value);
    const revised = await until(() =>
      planPosts().find(
        (c) => JSON.stringify(c.params.blocks).includes('plan r2') && JSON.stringify(c.params.blocks).includes('release=v8'),
      ),
    );
    expect(revised.params.thread_ts).toBeTruthy();
    const request = (await t.get(`/api/requests/${r}`)).body;
    expect(request).toMatchObject({ revision: 2, status: 'awaiting_approval', plan: { params: { values: { release: 'v8' } } } });
  });

  it('a mention plans in its thread; a reply in the thread modifies the request', async () => {
    await send(
      eventBody({
        type: 'app_mention',
        user: 'UDAVE',
        text: '<@UBOT> set sandbox/dev replicas=2',
        ts: '1700000999.000001',
        channel: 'C2',
        event_ts: '1700000999.000001',
      }),
      'application/json',
    );
    const plan = await until(() => planPosts().find((c) => c.params.channel === 'C2'));
    expect(plan.params.thread_ts).toBe('1700000999.000001');
    await send(
      eventBody({
        type: 'message',
        channel_type: 'channel',
        user: 'UDAVE',
        text: 'make it 5 replicas',
        ts: '1700001000.000001',
        thread_ts: '1700000999.000001',
        channel: 'C2',
        event_ts: '1700001000.000001',
      }),
      'application/json',
    );
    const revised = await until(() =>
      planPosts().find((c) => c.params.channel === 'C2' && JSON.stringify(c.params.blocks).includes('plan r2')),
    );
    expect(JSON.stringify(revised.params.blocks)).toContain('replicas=5');
  });

  it('a DM is a request too, answered in the DM', async () => {
    await send(
      eventBody({
        type: 'message',
        channel_type: 'im',
        user: 'UERIN',
        text: 'stacks',
        ts: '1700002000.000001',
        channel: 'D9',
        event_ts: '1700002000.000001',
      }),
      'application/json',
    );
    const answer = await until(() => slack.of('chat.postMessage').find((c) => c.params.channel === 'D9'));
    expect(JSON.stringify(answer.params.blocks)).toContain('sandbox/dev');
    // The bot's own messages and edits are not requests.
    await send(
      eventBody({
        type: 'message',
        channel_type: 'im',
        bot_id: 'BBOT',
        text: 'stacks',
        ts: '1700002001.000001',
        channel: 'D9',
        event_ts: '1700002001.000001',
      }),
      'application/json',
    );
    await new Promise((r) => setTimeout(r, 200));
    expect(slack.of('chat.postMessage').filter((c) => c.params.channel === 'D9').length).toBe(1);
  });

  it('App Home shows what waits for the user', async () => {
    await send(eventBody({ type: 'app_home_opened', user: 'UBOB', channel: 'D1', tab: 'home', event_ts: '1.2' }), 'application/json');
    const publish = await until(() => slack.of('views.publish').find((c) => c.params.user_id === 'UBOB'));
    expect(JSON.stringify(publish.params.view)).toContain('Waiting for your approval');
  });

  it('a pipeline requests through /v1 with a token that posts to a Slack channel; people approve it there', async () => {
    const { token } = await createToken(t.app.db, {
      name: 'release-bot',
      scopes: ['read', 'request'],
      createdBy: 'cli:test',
      at: new Date().toISOString(),
      postTo: 'slack:CPLATFORM',
    });
    const res = await fetch(`${t.url}/v1/deploy`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ deployment_id: 'rel-7', stack: 'sandbox/prod', parameters: { replicas: '5' } }),
    });
    expect(res.status).toBe(202);
    const opened = (await res.json()) as any;
    expect(opened.thread.channel).toBe('slack');
    const card = await until(() =>
      slack
        .of('chat.postMessage')
        .find((c) => c.params.channel === 'CPLATFORM' && JSON.stringify(c.params.blocks).includes(opened.request_id)),
    );
    expect(card.params.thread_ts).toBeUndefined();
    expect(JSON.stringify(card.params.blocks)).toContain(
      'api:release-bot (a program, over the HTTP API with API token release-bot; deployment rel-7)',
    );
    // Bob (sre) approves the program's request in Slack; the pipeline sees it applied.
    await click('UBOB', 'gl_approve', buttonValueOf(card, 'gl_approve'));
    const done = await t.waitForStatus(opened.request_id, ['succeeded', 'failed']);
    expect(done.status).toBe('succeeded');
    const status = await fetch(`${t.url}/v1/status/rel-7`, { headers: { authorization: `Bearer ${token}` } });
    expect(((await status.json()) as any).deployment.outputs.replicas).toBe(5);
  });

  it('forged signatures, stale timestamps and malformed payloads: 401 / 400, nothing happens, the process stays up', async () => {
    await t.app.runner.idle(); // earlier applies' last progress edits are done
    const before = slack.calls.length;
    const body = slashCommandBody({ text: 'destroy sandbox/dev' });
    const forged = await send(body, 'application/x-www-form-urlencoded', {
      ...slackHeaders('wrong-secret', body, 'application/x-www-form-urlencoded'),
    });
    expect(forged.status).toBe(401);
    const stale = await send(
      body,
      'application/x-www-form-urlencoded',
      slackHeaders(SECRET, body, 'application/x-www-form-urlencoded', Math.floor(Date.now() / 1000) - 6 * 60),
    );
    expect(stale.status).toBe(401);
    const noHeaders = await fetch(events, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
    expect(noHeaders.status).toBe(401);
    const garbage = 'payload=%7Bnot-json';
    const malformed = await send(garbage, 'application/x-www-form-urlencoded');
    expect(malformed.status).toBe(400);
    const junkButton = await click('UBOB', 'gl_approve', 'not-json');
    expect(junkButton.status).toBe(200);
    await new Promise((r) => setTimeout(r, 300));
    const after = slack.calls.slice(before).map((c) => c.method);
    // Bolt may look its own identity up (auth.test); nothing else may happen.
    expect(after.filter((m) => m !== 'chat.postEphemeral' && m !== 'auth.test')).toEqual([]);
    expect((await t.get('/healthz')).status).toBe(200);
    // The store still answers: nothing was written by the junk, and nothing broke it.
    expect(await t.app.db.selectFrom('change_requests').select('id').where('capability', '=', 'not-json').execute()).toEqual([]);
  });

  it('signed bodies that are not objects → 400 and the process keeps answering; future and replayed signatures → 401', async () => {
    await t.app.runner.idle();
    const before = slack.calls.length;
    const json = 'application/json';
    const form = 'application/x-www-form-urlencoded';
    // Last round a signed `null` killed the process inside Bolt's receiver.
    for (const body of ['null', '[]', '"x"', '{}', '42', 'true', '[{"type":"event_callback"}]']) {
      expect((await send(body, json)).status, body).toBe(400);
    }
    for (const body of ['payload=null', 'payload=%5B%5D', 'payload=%22x%22', 'payload=1', 'payload=a&payload=b', '']) {
      expect((await send(body, form)).status, body).toBe(400);
    }
    // A timestamp in the future is refused like a stale one.
    const cmd = slashCommandBody({ text: 'help' });
    const future = await send(cmd, form, slackHeaders(SECRET, cmd, form, Math.floor(Date.now() / 1000) + 6 * 60));
    expect(future.status).toBe(401);
    // The same signed request twice: the second is a replay.
    const once = slashCommandBody({ text: 'stacks' });
    const headers = slackHeaders(SECRET, once, form);
    expect((await send(once, form, headers)).status).toBe(200);
    expect((await send(once, form, headers)).status).toBe(401);
    // Still serving: a fresh command is answered.
    expect((await command('help')).status).toBe(200);
    await new Promise((r) => setTimeout(r, 300));
    const answered = slack.calls.slice(before).filter((c) => c.method === 'chat.postMessage' || c.method === 'chat.postEphemeral');
    expect(answered.length).toBeGreaterThanOrEqual(1);
    expect((await t.get('/healthz')).status).toBe(200);
  });
});

describe.skipIf(!hasTerraform)('Slack rate limits', () => {
  it('a 429 on chat.update does not stall approvals; the newest card is sent after Retry-After', async () => {
    const slack = await startFakeSlack();
    const t = await startTestApp({ slack: { botToken: 'xoxb-test', signingSecret: SECRET, apiUrl: slack.url, port: 0 } });
    try {
      const post = (body: string) =>
        fetch(t.app.slackUrl, { method: 'POST', headers: slackHeaders(SECRET, body, 'application/x-www-form-urlencoded'), body });
      await post(slashCommandBody({ text: 'set sandbox/dev release=rl1' }));
      const deadline = Date.now() + 20_000;
      const findPlan = () => slack.of('chat.postMessage').find((c) => JSON.stringify(c.params.blocks).includes('release=rl1'));
      while (!findPlan() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 25));
      const plan = findPlan();
      const value = plan?.params.blocks.find((b: any) => b.type === 'actions').elements[0].value;
      slack.rateLimit = { method: 'chat.update', remaining: 2, retryAfter: 1 };
      const started = Date.now();
      await post(interactionBody(blockActionPayload({ user: 'UBOB', actionId: 'gl_approve', value })));
      const { r } = JSON.parse(value);
      // The approval went through at once even though its card edit was refused with 429.
      await t.waitForStatus(r, ['queued', 'applying', 'succeeded']);
      expect(Date.now() - started).toBeLessThan(1000);
      expect(slack.calls.filter((c) => c.method === 'chat.update:429').length).toBeGreaterThanOrEqual(1);
      const done = await t.waitForStatus(r, ['succeeded', 'failed']);
      expect(done.status).toBe('succeeded');
      // After Retry-After the plan card shows its final state.
      const showsApplied = () =>
        slack
          .of('chat.update')
          .some((c) => JSON.stringify(c.params.blocks).includes('plan r1') && JSON.stringify(c.params.blocks).includes('applied'));
      const final = Date.now() + 5000;
      while (!showsApplied() && Date.now() < final) await new Promise((res) => setTimeout(res, 50));
      expect(showsApplied()).toBe(true);
    } finally {
      await t.close();
      await slack.close();
    }
  });
});

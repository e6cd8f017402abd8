import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TEAMS_CONVERSATION_LIMITS } from '../../src/channels/teams/send-limiter.ts';
import {
  type ConnectorCall,
  cardActionActivity,
  type FakeConnector,
  messageActivity,
  startFakeConnector,
  type TeamsUser,
  teamsUser,
} from '../fakes/bot-connector.ts';
import { hasTerraform, startTestApp, type TestApp } from '../helpers/test-app.ts';
import { until } from '../helpers/until.ts';

// Teams over real HTTP: Bot Framework activities POSTed to /api/messages (authentication off, as
// with no MicrosoftAppId), the bot's replies and edits going to a local stand-in for the Bot
// Framework connector (the activities' serviceUrl). Real Terraform applies.

const user = teamsUser;
const ALICE = user('alice');
const BOB = user('bob');
const CAROL = user('carol');
const MALLORY = user('mallory');
const CHANNEL = '19:platform@thread.tacv2';

describe.skipIf(!hasTerraform)('Teams channel end to end', () => {
  let t: TestApp;
  let connector: FakeConnector;
  let endpoint: string;
  let thread = 0;

  async function post(activity: Record<string, unknown>, headers: Record<string, string> = {}) {
    const res = await fetch(endpoint, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: JSON.stringify(activity),
    });
    const text = await res.text();
    return { status: res.status, body: text ? JSON.parse(text) : undefined };
  }
  /** A new channel thread: the user's post mentioning the bot is its root. */
  const newThread = () => `${CHANNEL};messageid=${Date.now()}${++thread}`;
  const say = (from: TeamsUser, text: string, conversationId: string, conversationType: 'personal' | 'channel' = 'channel') =>
    post(messageActivity({ serviceUrl: connector.url, from, text, conversationId, conversationType }));
  const click = (from: TeamsUser, message: ConnectorCall, verb: string, data: Record<string, unknown>, trigger?: 'automatic') =>
    post(
      cardActionActivity({
        serviceUrl: connector.url,
        from,
        conversationId: message.conversationId,
        replyToId: message.messageId,
        verb,
        data,
        ...(trigger ? { trigger } : {}),
      }),
    );
  const cardText = (card: any) => JSON.stringify(card);
  const posts = (conversationId: string) =>
    connector.calls.filter((c) => c.method === 'POST' && c.conversationId === conversationId && c.status < 300);
  const planPost = (conversationId: string, contains = 'plan r1') =>
    until(() => posts(conversationId).find((c) => cardText(connector.cardOf(c)).includes(contains)));
  const verbsOf = (card: any): string[] => (card.actions ?? []).map((a: any) => a.verb);
  /** The data an Action.Execute button of this verb sends: what a client clicking it posts back. */
  const dataOf = (card: any, verb: string): Record<string, unknown> => (card.actions ?? []).find((a: any) => a.verb === verb).data;
  const textOf = (card: any) => cardText(card.body);

  beforeAll(async () => {
    connector = await startFakeConnector();
    t = await startTestApp({
      teams: { enabled: true, port: 0 },
      groups: { sre: ['teams:aad-alice', 'teams:aad-bob', 'teams:aad-carol'] },
      approvals: { prod: { approvers: ['group:sre'] } },
    });
    endpoint = t.app.teamsUrl;
    // Bob has talked to the bot before (so it knows his Teams id for the refresh list).
    expect((await say(BOB, 'help', 'a:personal-bob', 'personal')).status).toBe(200);
    await until(() => posts('a:personal-bob')[0]);
  });
  afterAll(async () => {
    await t?.close();
    await connector?.close();
  });

  it('a mention in a channel gets a plan card; only approvers get the buttons; a non-approver is refused; an approver applies', async () => {
    const conversationId = newThread();
    const started = Date.now();
    const res = await say(ALICE, 'deploy sandbox/prod', conversationId);
    expect(res.status).toBe(200);
    expect(Date.now() - started).toBeLessThan(2000);
    const plan = await planPost(conversationId);
    const shared = connector.cardOf(plan);
    expect(shared).toMatchObject({ type: 'AdaptiveCard', version: '1.5' });
    expect(textOf(shared)).toContain('terraform_data.network');
    // Everyone sees the status; Approve / Reject are only in the approvers' own views.
    expect(verbsOf(shared)).toEqual(['refresh']);
    expect(shared.refresh.action).toMatchObject({ type: 'Action.Execute', verb: 'refresh' });
    expect(shared.refresh.userIds.sort()).toEqual([ALICE.id, BOB.id].sort());
    const data = shared.refresh.action.data;
    const requestId = data.requestId as string;

    // Bob's client refreshes the card by itself: his view has the decisions.
    const bobView = await click(BOB, plan, 'refresh', data, 'automatic');
    expect(bobView.status).toBe(200);
    expect(bobView.body).toMatchObject({ statusCode: 200, type: 'application/vnd.microsoft.card.adaptive' });
    expect(verbsOf(bobView.body.value)).toEqual(['approve', 'reject', 'modify']);
    // Alice asked: no Approve for her in prod, but she may withdraw or modify.
    const aliceView = await click(ALICE, plan, 'refresh', data, 'automatic');
    expect(verbsOf(aliceView.body.value)).toEqual(['reject', 'modify']);
    // Mallory is nobody here: she sees the plan and no decisions.
    const malloryView = await click(MALLORY, plan, 'refresh', data);
    expect(verbsOf(malloryView.body.value)).toEqual([]);

    // A non-approver's Approve (from an old or forwarded card) answers with an error card; nothing applies.
    // Approve sends what Bob's button carries: request, revision and the plan hash he was shown.
    const approveData = dataOf(bobView.body.value, 'approve');
    expect(approveData).toMatchObject({ requestId, revision: 1, planHash: expect.stringMatching(/^[0-9a-f]{64}$/) });
    const refused = await click(MALLORY, plan, 'approve', approveData);
    expect(refused.status).toBe(200);
    expect(textOf(refused.body.value)).toContain("You can't do that");
    expect(textOf(refused.body.value)).toContain('teams:aad-mallory is not an approver for prod');
    const selfApproval = await click(ALICE, plan, 'approve', approveData);
    expect(textOf(selfApproval.body.value)).toContain('cannot approve it in prod');
    expect((await t.get(`/api/requests/${requestId}`)).body.status).toBe('awaiting_approval');

    const editsBefore = connector.calls.length;
    const approved = await click(BOB, plan, 'approve', approveData);
    expect(approved.status).toBe(200);
    expect(textOf(approved.body.value)).toContain('You approved this change.');
    expect(verbsOf(approved.body.value)).toEqual([]);
    const done = await t.waitForStatus(requestId, ['succeeded', 'failed']);
    expect(done.status).toBe('succeeded');
    expect(done.deployment.outputs.url).toContain('prod');

    // Progress edited the plan card's thread in place; the result was posted into the thread.
    const result = await until(() => posts(conversationId).find((c) => textOf(connector.cardOf(c)).includes('Applied')));
    expect(result.activityId ?? result.conversationId).toBeTruthy();
    await until(() =>
      connector.calls.find((c) => c.method === 'PUT' && c.messageId === plan.messageId && cardText(c.body).includes('applied')),
    );
    const edits = connector.calls.slice(editsBefore).filter((c) => c.method === 'PUT' && c.conversationId === conversationId);
    expect(edits.length).toBeGreaterThan(0);
    // Inside Teams' per-conversation limits over any window.
    const times = connector.calls.filter((c) => c.conversationId === conversationId).map((c) => c.at);
    for (const { windowMs, max } of TEAMS_CONVERSATION_LIMITS) {
      for (const start of times) expect(times.filter((x) => x >= start && x < start + windowMs).length).toBeLessThanOrEqual(max);
    }
    // The audit names the Teams identity.
    const audit = (await t.get(`/api/requests/${requestId}`)).body;
    expect(JSON.stringify(audit)).toContain('teams:aad-bob');
  });

  it('an activity delivered twice (Bot Framework redelivers what it thinks was lost) gets one answer', async () => {
    const conversationId = newThread();
    const activity = messageActivity({
      serviceUrl: connector.url,
      from: ALICE,
      text: 'deploy sandbox/dev',
      conversationId,
      conversationType: 'channel',
    });
    expect((await post(activity)).status).toBe(200);
    expect((await post(activity)).status).toBe(200);
    await planPost(conversationId);
    await new Promise((r) => setTimeout(r, 1500));
    expect(posts(conversationId).filter((c) => cardText(connector.cardOf(c)).includes('plan r1'))).toHaveLength(1);
  });

  it('reject by an approver ends the request and updates the card', async () => {
    const conversationId = newThread();
    await say(ALICE, 'set sandbox/prod release=v2', conversationId);
    const plan = await planPost(conversationId);
    const data = connector.cardOf(plan).refresh.action.data;
    const rejected = await click(CAROL, plan, 'reject', data);
    expect(textOf(rejected.body.value)).toContain('You rejected this change.');
    expect((await t.get(`/api/requests/${data.requestId}`)).body.status).toBe('rejected');
    const edit = await until(() =>
      connector.calls.find((c) => c.method === 'PUT' && c.messageId === plan.messageId && cardText(c.body).includes('rejected')),
    );
    expect(connector.cardOf(edit).refresh).toBeUndefined();
  });

  it('destroy: the card has an Input.Text for the stack name; Approve counts only with it in the action data', async () => {
    const conversationId = newThread();
    await say(ALICE, 'destroy sandbox/dev', conversationId);
    const plan = await planPost(conversationId, 'Destroy sandbox/dev');
    const data = connector.cardOf(plan).refresh.action.data;
    const view = (await click(BOB, plan, 'refresh', data, 'automatic')).body.value;
    expect(cardText(view)).toContain('"id":"confirmation"');
    const approveData = dataOf(view, 'approve');
    const bare = await click(BOB, plan, 'approve', approveData);
    expect(textOf(bare.body.value)).toContain('type sandbox/dev in the box');
    const wrong = await click(BOB, plan, 'approve', { ...approveData, confirmation: 'sandbox/prod' });
    expect(textOf(wrong.body.value)).toContain('\\"sandbox/prod\\" is not the stack');
    expect((await t.get(`/api/requests/${data.requestId}`)).body.status).toBe('awaiting_approval');
    const right = await click(BOB, plan, 'approve', { ...approveData, confirmation: 'sandbox/dev' });
    expect(textOf(right.body.value)).toContain('You approved this change.');
    expect((await t.waitForStatus(data.requestId, ['succeeded', 'failed'])).status).toBe('succeeded');
  });

  it('Modify shows inputs from the schema; submitting them posts a new revision and supersedes the old card', async () => {
    const conversationId = newThread();
    await say(ALICE, 'set sandbox/prod release=v7', conversationId);
    const plan = await planPost(conversationId);
    const data = connector.cardOf(plan).refresh.action.data;
    const form = await click(ALICE, plan, 'modify', data);
    const inputs = (form.body.value.body as any[]).filter((e) => e.type.startsWith('Input.'));
    expect(inputs.map((i) => i.id)).toEqual(['stack', 'values']);
    expect(inputs.find((i) => i.id === 'stack').value).toBe('sandbox/prod');
    expect(inputs.find((i) => i.id === 'values').value).toBe('release=v7');
    expect(verbsOf(form.body.value)).toEqual([]);
    const submit = (form.body.value.body as any[]).find((e) => e.type === 'ActionSet').actions.map((a: any) => a.verb);
    expect(submit).toEqual(['modifySubmit', 'refresh']);

    const mallory = await click(MALLORY, plan, 'modify', data);
    expect(textOf(mallory.body.value)).toContain('may not change');

    const submitted = await click(ALICE, plan, 'modifySubmit', { ...data, stack: 'sandbox/prod', values: 'release=v8' });
    expect(textOf(submitted.body.value)).toContain('Planning again');
    const revised = await planPost(conversationId, 'plan r2');
    expect(textOf(connector.cardOf(revised))).toContain('release=v8');
    const request = (await t.get(`/api/requests/${data.requestId}`)).body;
    expect(request).toMatchObject({ revision: 2, status: 'awaiting_approval', plan: { params: { values: { release: 'v8' } } } });
    await until(() =>
      connector.calls.find((c) => c.method === 'PUT' && c.messageId === plan.messageId && cardText(c.body).includes('superseded')),
    );
  });

  it('personal chat needs no mention; a reply continues the request; bad card data answers with a reason', async () => {
    const conversationId = 'a:personal-carol';
    await say(CAROL, 'set sandbox/dev replicas=2', conversationId, 'personal');
    const plan = await planPost(conversationId);
    await say(CAROL, 'make it 5 replicas', conversationId, 'personal');
    const revised = await planPost(conversationId, 'plan r2');
    expect(textOf(connector.cardOf(revised))).toContain('replicas=5');

    const unknown = await click(CAROL, plan, 'launch', { requestId: 'cr-0000000000', revision: 1 });
    expect(unknown.status).toBe(200);
    expect(textOf(unknown.body.value)).toContain('does not know');
    const garbage = await click(CAROL, plan, 'approve', { requestId: "'; drop table x", revision: 'one' });
    expect(textOf(garbage.body.value)).toContain('carries no request');
    const notJson = await fetch(endpoint, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{not json' });
    expect(notJson.status).toBe(400);
    // Still up.
    expect((await say(CAROL, 'help', conversationId, 'personal')).status).toBe(200);
  });

  it('installed in a group chat, the bot introduces itself; a mention there plans', async () => {
    const conversationId = '19:group-chat-1@thread.v2';
    const added = {
      ...messageActivity({ serviceUrl: connector.url, from: ALICE, text: '', conversationId, conversationType: 'groupChat' }),
      type: 'conversationUpdate',
      text: undefined,
      entities: undefined,
      membersAdded: [{ id: '28:greenlight-bot' }],
    };
    expect((await post(added)).status).toBe(200);
    const hello = await until(() => posts(conversationId)[0]);
    expect(textOf(connector.cardOf(hello))).toContain('Greenlight commands');
    await post(
      messageActivity({
        serviceUrl: connector.url,
        from: ALICE,
        text: 'preview sandbox/dev',
        conversationId,
        conversationType: 'groupChat',
      }),
    );
    const preview = await until(() => posts(conversationId).find((c) => textOf(connector.cardOf(c)).includes('preview only')));
    expect(textOf(connector.cardOf(preview))).toContain('terraform_data');
  });

  it('a burst of edits to one card is coalesced: within the limits, and the newest card is the last one sent', async () => {
    const conversationId = newThread();
    await say(ALICE, 'stacks', conversationId);
    const message = await until(() => posts(conversationId)[0]);
    const port = t.app.teams?.port;
    if (!port) throw new Error('teams is not running');
    const started = Date.now();
    const card = (n: number) => ({
      kind: 'progress' as const,
      title: `step ${n}`,
      tone: 'info' as const,
      blocks: [],
      actions: [],
      context: [],
    });
    // 60 edits, one every 20 ms (50 a second); Teams takes at most 7 a second, 8 in two.
    const pending: Promise<void>[] = [];
    for (let n = 1; n <= 60; n++) {
      pending.push(port.update({ channel: 'teams', id: conversationId }, message.messageId, card(n)));
      await new Promise((r) => setTimeout(r, 20));
    }
    await Promise.all(pending);
    await port.flush();
    const edits = connector.calls.filter((c) => c.method === 'PUT' && c.conversationId === conversationId && c.at >= started);
    expect(edits.length).toBeGreaterThanOrEqual(3);
    expect(edits.length).toBeLessThanOrEqual(12);
    expect(textOf(connector.cardOf(edits.at(-1)!))).toContain('step 60');
    const times = connector.calls.filter((c) => c.conversationId === conversationId).map((c) => c.at);
    for (const { windowMs, max } of TEAMS_CONVERSATION_LIMITS) {
      for (const start of times) expect(times.filter((x) => x >= start && x < start + windowMs).length).toBeLessThanOrEqual(max);
    }
  });

  it('throttling (429 with Retry-After) and a 502 are retried; the card still lands', async () => {
    const conversationId = newThread();
    const before = connector.calls.length;
    connector.failNext(conversationId, 1, 429, 1);
    connector.failNext(conversationId, 1, 502);
    await say(ALICE, 'stacks', conversationId);
    const landed = await until(() => posts(conversationId)[0], 30_000);
    const attempts = connector.calls.slice(before).filter((c) => c.conversationId === conversationId);
    expect(attempts.map((c) => c.status)).toEqual([429, 502, 201]);
    expect(landed.at - attempts[0]!.at).toBeGreaterThanOrEqual(1000);
  });
});

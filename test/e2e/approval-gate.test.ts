import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type ConnectorCall,
  cardActionActivity,
  type FakeConnector,
  messageActivity,
  postActivity,
  startFakeConnector,
  type TeamsUser,
  teamsUser,
} from '../fakes/bot-connector.ts';
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

// The three ways around the approval gate found last round, tried again in every channel of one
// running app (console API, Slack over signed HTTP with a Web API stand-in, Teams activities with
// a Bot Framework connector stand-in), with real Terraform applies:
//   1. an approver rewrites someone else's request and approves the new revision himself;
//   2. a thread follow-up moves a dev request into prod and it is judged by dev's rules;
//   5. one person approves twice through two channel identities.
// Bob is one person on all three channels; prod approvers are the sre group. Self-declared
// console names are allowed to approve prod here (requireSignedIn: false) so that the console
// can take part; sign-in itself is tested in the browser.

const SECRET = 'approval-gate-signing-secret';
const T_ALICE = teamsUser('alice');
const T_BOB = teamsUser('bob');
const T_MALLORY = teamsUser('mallory');
const CHANNEL = '19:platform@thread.tacv2';

describe.skipIf(!hasTerraform)('the approval gate holds in every channel', () => {
  let t: TestApp;
  let slack: FakeSlack;
  let connector: FakeConnector;
  let seq = 0;

  const request = async (id: string) => (await t.get(`/api/requests/${id}`)).body;

  // Slack
  const slackSend = async (body: string, contentType: string) =>
    (await fetch(t.app.slackUrl, { method: 'POST', headers: slackHeaders(SECRET, body, contentType), body })).status;
  const form = 'application/x-www-form-urlencoded';
  const slackClick = (user: string, actionId: string, value: string, inputs?: Record<string, Record<string, string>>) =>
    slackSend(interactionBody(blockActionPayload({ user, actionId, value, ...(inputs ? { inputs } : {}) })), form);
  const slackPlans = (contains: string) =>
    slack.of('chat.postMessage').filter((c) => JSON.stringify(c.params.blocks ?? []).includes(contains));
  const slackButton = (call: { params: Record<string, any> }, actionId: string) =>
    call.params.blocks.find((b: any) => b.type === 'actions').elements.find((e: any) => e.action_id === actionId).value as string;
  const ephemeralFor = (user: string, after: number) =>
    slack
      .of('chat.postEphemeral')
      .filter((c) => c.params.user === user)
      .slice(after);

  // Teams
  const teamsPost = (activity: Record<string, unknown>) => postActivity(t.app.teamsUrl, activity);
  const teamsSay = (from: TeamsUser, text: string, conversationId: string) =>
    teamsPost(messageActivity({ serviceUrl: connector.url, from, text, conversationId, conversationType: 'channel' }));
  const teamsClick = (from: TeamsUser, message: ConnectorCall, verb: string, data: Record<string, unknown>) =>
    teamsPost(
      cardActionActivity({
        serviceUrl: connector.url,
        from,
        conversationId: message.conversationId,
        replyToId: message.messageId,
        verb,
        data,
      }),
    );
  const teamsPlan = (conversationId: string, contains: string) =>
    until(() =>
      connector.calls.find(
        (c) => c.method === 'POST' && c.conversationId === conversationId && JSON.stringify(connector.cardOf(c)).includes(contains),
      ),
    );
  /** The data of a button in this user's own view of the card (what their client would send). */
  async function teamsButton(from: TeamsUser, message: ConnectorCall, verb: string) {
    const data = connector.cardOf(message).refresh.action.data;
    const view = (await teamsClick(from, message, 'refresh', data)).value;
    return (view.actions ?? []).find((a: any) => a.verb === verb)?.data as Record<string, unknown> | undefined;
  }
  const teamsText = (answer: any) => JSON.stringify(answer.value.body);

  beforeAll(async () => {
    slack = await startFakeSlack();
    connector = await startFakeConnector();
    t = await startTestApp({
      slack: { botToken: 'xoxb-test', signingSecret: SECRET, apiUrl: slack.url, port: 0 },
      teams: { enabled: true, port: 0 },
      groups: { sre: ['console:alice', 'slack:T1:UBOB', 'slack:T1:UCAROL', 'teams:aad-bob', 'console:bob', 'console:carol'] },
      people: {
        bob: ['console:bob', 'slack:T1:UBOB', 'teams:aad-bob'],
        alice: ['console:alice', 'slack:T1:UALICE', 'teams:aad-alice'],
      },
      approvals: { prod: { approvers: ['group:sre'], requireSignedIn: false } },
    });
  });
  afterAll(async () => {
    await t?.close();
    await slack?.close();
    await connector?.close();
  });

  describe('1. whoever changes a request cannot approve it', () => {
    it("Slack: bob rewrites alice's prod request with Modify; his approval of the new revision is refused; carol's applies it", async () => {
      await slackSend(slashCommandBody({ text: 'set sandbox/prod release=alice-v1', user: 'UALICE' }), form);
      const r1 = await until(() => slackPlans('release=alice-v1').find((c) => JSON.stringify(c.params.blocks).includes('plan r1')));
      const { r: id } = JSON.parse(slackButton(r1, 'gl_approve'));
      await slackClick('UBOB', 'gl_modify', slackButton(r1, 'gl_modify'));
      const view = (await until(() => slack.of('views.open').at(-1))).params.view;
      await slackSend(
        interactionBody({
          type: 'view_submission',
          team: { id: 'T1', domain: 'acme' },
          user: { id: 'UBOB', username: 'bob', team_id: 'T1' },
          api_app_id: 'A1',
          token: 'legacy',
          trigger_id: '3.4.bob',
          view: {
            id: 'V9',
            type: 'modal',
            callback_id: 'gl_modify',
            private_metadata: view.private_metadata,
            state: {
              values: {
                stack: { value: { type: 'plain_text_input', value: 'sandbox/prod' } },
                values: { value: { type: 'plain_text_input', value: 'replicas=4 release=bob-was-here' } },
              },
            },
          },
        }),
        form,
      );
      const r2 = await until(() => slackPlans('bob-was-here').find((c) => JSON.stringify(c.params.blocks).includes('plan r2')));
      expect(JSON.stringify(r2.params.blocks)).toContain('Changed by');
      expect(await request(id)).toMatchObject({ revision: 2, requester: 'slack:T1:UALICE', editors: ['slack:T1:UBOB'] });

      const seen = ephemeralFor('UBOB', 0).length;
      await slackClick('UBOB', 'gl_approve', slackButton(r2, 'gl_approve'));
      const refusal = await until(() => ephemeralFor('UBOB', seen)[0]);
      expect(refusal.params.text).toContain('slack:T1:UBOB changed this revision and cannot approve it');
      // Nor through his other identities.
      const viaConsole = await t.act('bob', id, 'approve');
      expect(viaConsole.status).toBe(403);
      expect(viaConsole.body.error.code).toBe('self_approval');
      expect((await request(id)).status).toBe('awaiting_approval');

      await slackClick('UCAROL', 'gl_approve', slackButton(r2, 'gl_approve'));
      const done = await t.waitForStatus(id, ['succeeded', 'failed']);
      expect(done).toMatchObject({ status: 'succeeded', plan: { config: { release: 'bob-was-here' } } });
    });

    it("Teams: bob rewrites alice's request with Modify; his approval is refused and his view has no Approve", async () => {
      const conversationId = `${CHANNEL};messageid=${Date.now()}${++seq}`;
      await teamsSay(T_ALICE, 'set sandbox/prod release=alice-t1', conversationId);
      const r1 = await teamsPlan(conversationId, 'plan r1');
      const modify = await teamsButton(T_BOB, r1, 'modify');
      expect(modify).toBeTruthy();
      const answer = await teamsClick(T_BOB, r1, 'modifySubmit', { ...modify, stack: 'sandbox/prod', values: 'release=bob-t1' });
      expect(teamsText(answer)).toContain('Planning again');
      const r2 = await teamsPlan(conversationId, 'plan r2');
      const id = connector.cardOf(r2).refresh.action.data.requestId as string;
      expect(await request(id)).toMatchObject({ revision: 2, editors: ['teams:aad-bob'] });
      // Bob's own view of revision 2 offers no Approve; a forged click is refused.
      expect(await teamsButton(T_BOB, r2, 'approve')).toBeUndefined();
      const current = await request(id);
      const forged = await teamsClick(T_BOB, r2, 'approve', { requestId: id, revision: 2, planHash: current.plan.hash });
      expect(teamsText(forged)).toContain('teams:aad-bob changed this revision and cannot approve it');
      expect((await request(id)).status).toBe('awaiting_approval');
      expect((await t.act('carol', id, 'approve')).status).toBe(200);
      expect((await t.waitForStatus(id, ['succeeded', 'failed'])).status).toBe('succeeded');
    });

    it('console: a reply by someone else in the thread never changes the request', async () => {
      const { thread, requestId } = await t.chat('alice', 'set sandbox/prod release=alice-c1');
      await t.chat('bob', 'make it release=bob-c1 instead', thread);
      const after = await request(requestId!);
      expect(after).toMatchObject({ revision: 1, editors: [], plan: { config: { release: 'alice-c1' } } });
      expect((await t.act('alice', requestId!, 'reject')).status).toBe(200);
    });
  });

  describe("2. a revision moved to prod is judged by prod's rules", () => {
    it('console: "actually put it in prod" makes a prod revision; alice cannot self-approve; a non-member is refused', async () => {
      const { thread, requestId } = await t.chat('alice', 'provision namespace team=web env=dev');
      expect((await request(requestId!)).environment).toBe('dev');
      await t.chat('alice', 'actually put it in prod', thread);
      const moved = await request(requestId!);
      expect(moved).toMatchObject({ revision: 2, environment: 'prod', stack: 'k8s-web-prod/prod', plan: { environment: 'prod' } });
      const self = await t.act('alice', requestId!, 'approve');
      expect(self.body.error).toMatchObject({ code: 'self_approval' });
      expect(self.body.error.message).toContain('cannot approve it in prod');
      const outsider = await t.act('mallory', requestId!, 'approve');
      expect(outsider.body.error).toMatchObject({ code: 'permission_denied' });
      expect(outsider.body.error.message).toContain('not an approver for prod');
      expect((await request(requestId!)).status).toBe('awaiting_approval');
      // An sre member passes every rule about people; what stops her is only that this plan was
      // made without an engine (no Pulumi CLI here): review only, nothing applied.
      const member = await t.act('carol', requestId!, 'approve');
      expect(member.body.error).toMatchObject({ code: 'engine_not_found' });
      expect((await request(requestId!)).status).toBe('awaiting_approval');
    });

    it('Slack: the thread reply moves it to prod; alice and a non-member are refused', async () => {
      const ts = `17000${Date.now() % 100000}.000${++seq}`;
      await slackSend(
        eventBody({
          type: 'app_mention',
          user: 'UALICE',
          text: '<@UBOT> provision namespace team=search env=dev',
          ts,
          channel: 'C7',
          event_ts: ts,
        }),
        'application/json',
      );
      const r1 = await until(() => slackPlans('k8s-search-dev').find((c) => c.params.channel === 'C7'));
      // A review-only plan (no Pulumi CLI here) shows no Approve: the clicks below are forged with
      // the value every button of the card carries, as an attacker would.
      const { r: id } = JSON.parse(slackButton(r1, 'gl_reject'));
      const replyTs = `${ts}1`;
      await slackSend(
        eventBody({
          type: 'message',
          channel_type: 'channel',
          user: 'UALICE',
          text: 'actually put it in prod',
          ts: replyTs,
          thread_ts: ts,
          channel: 'C7',
          event_ts: replyTs,
        }),
        'application/json',
      );
      const r2 = await until(() => slackPlans('k8s-search-prod').find((c) => c.params.channel === 'C7'));
      expect(await request(id)).toMatchObject({ revision: 2, environment: 'prod' });
      const before = { alice: ephemeralFor('UALICE', 0).length, mallory: ephemeralFor('UMALLORY', 0).length };
      await slackClick('UALICE', 'gl_approve', slackButton(r2, 'gl_reject'), undefined);
      await slackClick('UMALLORY', 'gl_approve', slackButton(r2, 'gl_reject'));
      expect((await until(() => ephemeralFor('UALICE', before.alice)[0])).params.text).toContain('cannot approve it in prod');
      expect((await until(() => ephemeralFor('UMALLORY', before.mallory)[0])).params.text).toContain('not an approver for prod');
      expect((await request(id)).status).toBe('awaiting_approval');
    });

    it('Teams: the thread reply moves it to prod; alice and a non-member are refused', async () => {
      const conversationId = `${CHANNEL};messageid=${Date.now()}${++seq}`;
      await teamsSay(T_ALICE, 'provision namespace team=fraud env=dev', conversationId);
      await teamsPlan(conversationId, 'k8s-fraud-dev');
      await teamsSay(T_ALICE, 'actually put it in prod', conversationId);
      const r2 = await teamsPlan(conversationId, 'k8s-fraud-prod');
      const id = connector.cardOf(r2).refresh.action.data.requestId as string;
      const current = await request(id);
      expect(current).toMatchObject({ revision: 2, environment: 'prod' });
      const data = { requestId: id, revision: 2, planHash: current.plan.hash };
      expect(teamsText(await teamsClick(T_ALICE, r2, 'approve', data))).toContain('cannot approve it in prod');
      expect(teamsText(await teamsClick(T_MALLORY, r2, 'approve', data))).toContain('not an approver for prod');
      expect((await request(id)).status).toBe('awaiting_approval');
    });
  });

  it('5. one person is one approval, whichever channels they use (prod destroy needs two people)', async () => {
    await slackSend(slashCommandBody({ text: 'destroy sandbox/prod', user: 'UALICE' }), form);
    const plan = await until(() => slackPlans('Destroy sandbox/prod').at(-1));
    const value = slackButton(plan, 'gl_approve');
    const { r: id } = JSON.parse(value);
    await slackClick('UBOB', 'gl_approve', value, { 'gl-type-confirm': { gl_confirmation: 'sandbox/prod' } });
    await until(async () => ((await request(id)).approvals.length === 1 ? true : undefined));

    const viaConsole = await t.act('bob', id, 'approve', { confirmation: 'sandbox/prod' });
    expect(viaConsole.status).toBe(409);
    expect(viaConsole.body.error.code).toBe('already_approved');
    const conversationId = `${CHANNEL};messageid=${Date.now()}${++seq}`;
    await teamsSay(T_BOB, 'help', conversationId);
    const helpPost = await until(() => connector.calls.find((c) => c.method === 'POST' && c.conversationId === conversationId));
    const current = await request(id);
    const viaTeams = await teamsClick(T_BOB, helpPost, 'approve', {
      requestId: id,
      revision: 1,
      planHash: current.plan.hash,
      confirmation: 'sandbox/prod',
    });
    expect(JSON.stringify(viaTeams)).toContain('already approved');
    const still = await request(id);
    expect(still).toMatchObject({ status: 'awaiting_approval', approvals: [{ approver: 'slack:T1:UBOB' }] });

    expect((await t.act('carol', id, 'approve', { confirmation: 'sandbox/prod' })).status).toBe(200);
    expect((await t.waitForStatus(id, ['succeeded', 'failed'])).status).toBe('succeeded');
  });
});

import { afterAll, beforeAll, describe, it } from 'vitest';
import {
  type ConnectorCall,
  cardActionActivity,
  type FakeConnector,
  messageActivity,
  startFakeConnector,
  teamsUser,
} from '../fakes/bot-connector.ts';
import {
  blockActionPayload,
  type FakeSlack,
  interactionBody,
  type SlackCall,
  slackHeaders,
  slashCommandBody,
  startFakeSlack,
} from '../fakes/slack-api.ts';
import { type ChatDriver, lifecycleConfig, lifecycleScenario, type PostedCard } from '../helpers/lifecycle-scenario.ts';
import { hasTerraform, startTestApp, type TestApp } from '../helpers/test-app.ts';
import { until } from '../helpers/until.ts';

// The new cards in Slack and Teams: each is posted through the channel's wire format (the local
// stand-ins for slack.com/api and the Bot Framework connector record it) and its buttons are
// pressed as the platform sends a click. Real Terraform sandbox applies.

const SECRET = 'lifecycle-signing-secret-0123456789';

describe.skipIf(!hasTerraform)('between requests, in Slack', () => {
  let t: TestApp;
  let slack: FakeSlack;
  const id = (user: string) => `U${user.toUpperCase()}`;
  const send = (body: string, contentType: string) =>
    fetch(t.app.slackUrl, { method: 'POST', headers: slackHeaders(SECRET, body, contentType), body }).then((r) => r.text());

  beforeAll(async () => {
    slack = await startFakeSlack();
    t = await startTestApp({
      slack: { botToken: 'xoxb-test', signingSecret: SECRET, apiUrl: slack.url, port: 0 },
      ...lifecycleConfig({ bob: 'slack:T1:UBOB', carol: 'slack:T1:UCAROL' }, 'slack:CDRIFT1'),
    });
  });
  afterAll(async () => {
    await t?.close();
    await slack?.close();
  });

  const driver: ChatDriver = {
    async say(user, text) {
      await send(slashCommandBody({ text, user: id(user) }), 'application/x-www-form-urlencoded');
    },
    async card(...texts) {
      const call = await until(() =>
        slack.calls
          .filter(
            (c) =>
              ['chat.postMessage', 'chat.update'].includes(c.method) &&
              texts.every((x) => JSON.stringify(c.params.blocks ?? '').includes(x)),
          )
          .at(-1),
      );
      const buttons = (call.params.blocks as any[])
        .filter((b) => b.type === 'actions')
        .flatMap((b) => b.elements.map((e: any) => e.text.text));
      return { raw: call, buttons };
    },
    async press(user, card: PostedCard, label, typed) {
      const call = card.raw as SlackCall;
      const button = (call.params.blocks as any[])
        .filter((b) => b.type === 'actions')
        .flatMap((b) => b.elements)
        .find((e: any) => e.text.text === label);
      const payload = blockActionPayload({
        user: id(user),
        actionId: button.action_id,
        value: button.value,
        channel: call.params.channel,
        messageTs: call.params.thread_ts ?? call.params.ts ?? '1',
        ...(typed ? { inputs: { 'gl-type-confirm': { gl_confirmation: typed } } } : {}),
      });
      await send(interactionBody(payload), 'application/x-www-form-urlencoded');
    },
  };

  it('reminder: Extend, Destroy now; locks and break-glass; interrupted apply: Plan again, Mark resolved; drift: Revert, Adopt, Snooze', async () => {
    await lifecycleScenario(t, driver);
  }, 120_000);
});

describe.skipIf(!hasTerraform)('between requests, in Teams', () => {
  let t: TestApp;
  let connector: FakeConnector;
  const CONVERSATION = '19:lifecycle@thread.tacv2;messageid=1700000000001';
  const post = async (activity: Record<string, unknown>) => {
    const res = await fetch(t.app.teamsUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(activity),
    });
    const text = await res.text();
    return text ? JSON.parse(text) : undefined;
  };
  const cardText = (call: ConnectorCall) => JSON.stringify(connector.cardOf(call) ?? '');

  beforeAll(async () => {
    connector = await startFakeConnector();
    t = await startTestApp({
      teams: { enabled: true, port: 0 },
      ...lifecycleConfig({ bob: 'teams:aad-bob', carol: 'teams:aad-carol' }, `teams:${CONVERSATION}`),
    });
  });
  afterAll(async () => {
    await t?.close();
    await connector?.close();
  });

  const click = (user: string, call: ConnectorCall, verb: string, data: Record<string, unknown>) =>
    post(
      cardActionActivity({
        serviceUrl: connector.url,
        from: teamsUser(user),
        conversationId: call.conversationId,
        replyToId: call.messageId,
        verb,
        data,
      }),
    );

  const driver: ChatDriver = {
    async say(user, text) {
      await post(
        messageActivity({
          serviceUrl: connector.url,
          from: teamsUser(user),
          text,
          conversationId: CONVERSATION,
          conversationType: 'channel',
        }),
      );
    },
    async card(...texts) {
      const call = await until(() => connector.calls.filter((c) => c.status < 300 && texts.every((x) => cardText(c).includes(x))).at(-1));
      return { raw: call, buttons: (connector.cardOf(call).actions ?? []).map((a: any) => a.title) };
    },
    async press(user, card, label, typed) {
      const call = card.raw as ConnectorCall;
      let actions: any[] = connector.cardOf(call).actions ?? [];
      // Decision buttons live in each entitled person's own view of a plan card ("Show my options").
      if (!actions.some((a) => a.title === label)) {
        const refresh = actions.find((a) => a.verb === 'refresh');
        actions = (await click(user, call, 'refresh', refresh.data)).value.actions ?? [];
      }
      const action = actions.find((a) => a.title === label);
      await click(user, call, action.verb, { ...action.data, ...(typed ? { confirmation: typed } : {}) });
    },
  };

  it('reminder: Extend, Destroy now; locks and break-glass; interrupted apply: Plan again, Mark resolved; drift: Revert, Adopt, Snooze', async () => {
    await lifecycleScenario(t, driver);
  }, 120_000);
});

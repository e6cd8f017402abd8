import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  cardActionActivity,
  type FakeConnector,
  messageActivity,
  postActivity,
  startFakeConnector,
  teamsUser,
} from '../fakes/bot-connector.ts';
import { blockActionPayload, type FakeSlack, interactionBody, slackHeaders, slashCommandBody, startFakeSlack } from '../fakes/slack-api.ts';
import { hasTerraform, startTestApp, type TestApp } from '../helpers/test-app.ts';
import { until } from '../helpers/until.ts';

// Issue 14's card states as Slack and Teams show them: the stand-ins follow Slack's Web API and
// the Bot Connector's wire format (they stand in for slack.com and Teams). Real Terraform applies.

const SECRET = 'card-states-signing-secret';
const form = 'application/x-www-form-urlencoded';

describe.skipIf(!hasTerraform)('card states in Slack and Teams (real terraform)', () => {
  let t: TestApp;
  let slack: FakeSlack;
  let connector: FakeConnector;

  beforeAll(async () => {
    slack = await startFakeSlack();
    connector = await startFakeConnector();
    t = await startTestApp({
      slack: { botToken: 'xoxb-test', signingSecret: SECRET, apiUrl: slack.url, port: 0 },
      teams: { enabled: true, port: 0 },
      engines: { pulumi: { binary: '/nonexistent/bin/pulumi' } },
    });
  });
  afterAll(async () => {
    await t?.close();
    await slack?.close();
    await connector?.close();
  });

  const slackSend = async (body: string, contentType = form) =>
    (await fetch(t.app.slackUrl, { method: 'POST', headers: slackHeaders(SECRET, body, contentType), body })).status;
  const blocksOf = (c: { params: Record<string, any> }) => JSON.stringify(c.params.blocks ?? []);
  const posted = (contains: string) => slack.of('chat.postMessage').filter((c) => blocksOf(c).includes(contains));
  const updated = (contains: string) => slack.of('chat.update').filter((c) => blocksOf(c).includes(contains));
  const button = (call: { params: Record<string, any> }, actionId: string) =>
    call.params.blocks.find((b: any) => b.type === 'actions')?.elements.find((e: any) => e.action_id === actionId)?.value as
      | string
      | undefined;
  const click = (user: string, actionId: string, value: string, inputs?: Record<string, Record<string, string>>) =>
    slackSend(interactionBody(blockActionPayload({ user, actionId, value, ...(inputs ? { inputs } : {}) })));

  it('Slack: progress ends "succeeded" or "failed", a destroy says Destroyed, never "applying" after the end', async () => {
    await slackSend(slashCommandBody({ text: 'deploy sandbox/dev', user: 'UALICE' }));
    const plan = await until(() => posted('plan r1').find((c) => blocksOf(c).includes('Change sandbox/dev')));
    await click('UBOB', 'gl_approve', button(plan, 'gl_approve') as string);
    const done = await until(() => updated('Applied sandbox/dev').find((c) => blocksOf(c).includes('succeeded')), 40_000);
    const ts = done.params.ts;
    // After the final state, no edit of that message goes back to "applying".
    await new Promise((r) => setTimeout(r, 300));
    expect(
      slack
        .of('chat.update')
        .filter((c) => c.params.ts === ts)
        .at(-1)?.params.blocks,
    ).toEqual(done.params.blocks);

    await slackSend(slashCommandBody({ text: 'set sandbox/dev fail_apply=true', user: 'UALICE' }));
    const failing = await until(() => posted('fail_apply=true').at(-1));
    await click('UBOB', 'gl_approve', button(failing, 'gl_approve') as string);
    await until(() => updated('Apply failed on sandbox/dev').at(-1), 40_000);

    await slackSend(slashCommandBody({ text: 'destroy sandbox/dev', user: 'UALICE' }));
    const destroy = await until(() => posted('Destroy sandbox/dev').at(-1));
    await click('UBOB', 'gl_approve', button(destroy, 'gl_approve') as string, {
      'gl-type-confirm': { gl_confirmation: 'sandbox/dev' },
    });
    await until(() => posted('Destroyed every resource of sandbox/dev').at(-1), 40_000);
    expect(posted('Destroyed every resource').every((c) => !blocksOf(c).includes('Applied to'))).toBe(true);
  });

  it('Slack: never-deployed drift is said so; a plan that cannot run here has no Approve; an expired plan loses it', async () => {
    await slackSend(slashCommandBody({ text: 'drift sandbox/prod', user: 'UALICE' }));
    await until(() => posted('sandbox/prod is not deployed').at(-1));

    await slackSend(slashCommandBody({ text: 'provision databricks team=data env=dev region=eastus', user: 'UALICE' }));
    const review = await until(() => posted('databricks-data/dev').at(-1));
    expect(blocksOf(review)).toContain('Review only');
    expect(button(review, 'gl_approve')).toBeUndefined();
    expect(button(review, 'gl_reject')).toBeDefined();

    await slackSend(slashCommandBody({ text: 'deploy sandbox/prod', user: 'UALICE' }));
    const prod = await until(() => posted('Change sandbox/prod').at(-1));
    expect(button(prod, 'gl_approve')).toBeDefined();
    t.clock.offsetMs = 31 * 60_000;
    await t.app.workflow.expireStale();
    t.clock.offsetMs = 0;
    const expired = await until(() =>
      slack.of('chat.update').find((c) => c.params.ts === prod.params.ts || blocksOf(c).includes('expired')),
    );
    expect(button(expired, 'gl_approve')).toBeUndefined();
  });

  it('Teams: the same states on the Adaptive Card: final progress, destroy wording, review only', async () => {
    const alice = teamsUser('alice');
    const bob = teamsUser('bob');
    const conversationId = `19:states@thread.tacv2;messageid=${Date.now()}`;
    const send = (activity: Record<string, unknown>) => postActivity(t.app.teamsUrl, activity);
    const say = (text: string) =>
      send(messageActivity({ serviceUrl: connector.url, from: alice, text, conversationId, conversationType: 'channel' }));
    const cards = () =>
      connector.calls
        .filter((c) => c.conversationId === conversationId)
        .map((c) => ({ call: c, text: JSON.stringify(connector.cardOf(c) ?? {}) }));

    await say('deploy sandbox/dev');
    const plan = await until(() => cards().find((c) => c.call.method === 'POST' && c.text.includes('Change sandbox/dev')));
    const data = connector.cardOf(plan.call).refresh.action.data;
    const current = (await t.get(`/api/requests/${data.requestId}`)).body;
    await send(
      cardActionActivity({
        serviceUrl: connector.url,
        from: bob,
        conversationId,
        replyToId: plan.call.messageId,
        verb: 'approve',
        data: { requestId: data.requestId, revision: current.revision, planHash: current.plan.hash },
      }),
    );
    await until(() => cards().find((c) => c.call.method === 'PUT' && c.text.includes('Applied sandbox/dev')), 40_000);

    await say('provision databricks team=web env=dev region=eastus');
    const review = await until(() => cards().find((c) => c.text.includes('databricks-web/dev') && c.text.includes('Review only')));
    expect(review.text).not.toContain('"verb":"approve"');
  });
});

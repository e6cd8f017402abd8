import type { App } from '@slack/bolt';
import type { ModalView } from '@slack/types';
import type { GreenlightError } from '../../domain/errors.ts';
import { secrets } from '../../domain/redaction.ts';
import type { ThreadRef } from '../../domain/types.ts';
import type { Logger } from '../../observability/logger.ts';
import type { Interactions } from '../../workflow/index.ts';
import { AfterAck } from '../after-ack.ts';
import { SLACK_ACTION_IDS, SLACK_CONFIRM_INPUT } from './block-kit.ts';
import { homeView } from './home.ts';
import { parseButtonValue, parseFormButton, parseFormMetadata, parseModifyMetadata, slackPrincipal, withoutMentions } from './identity.ts';
import { formModal, modalValues } from './modals.ts';
import { newSlackThread } from './slack-port.ts';

// Slack events → the workflow's inbound API. Every handler acks first (Slack allows 3 s), then
// works. Nothing here decides anything: it translates and tells the user when the workflow refused.

export interface HandlerDeps {
  interactions: Interactions;
  log: Logger;
}

type Client = App['client'];

/** The thread a button's message is in: `<channel>/<thread ts>` (the message's own ts when it is the root). */
function threadOf(body: { channel?: { id: string }; message?: { ts?: string; thread_ts?: string } }): ThreadRef | undefined {
  const ts = body.message?.thread_ts ?? body.message?.ts;
  return body.channel?.id && ts ? { channel: 'slack', id: `${body.channel.id}/${ts}` } : undefined;
}

export function registerHandlers(app: App, deps: HandlerDeps): void {
  const { interactions } = deps;
  const queue = new AfterAck(deps.log.child({ channel: 'slack' }));
  const later = queue.run.bind(queue);
  const ephemeral =
    (client: Client, channel: string | undefined, user: string, prefix = '') =>
    (error: GreenlightError) =>
      channel
        ? client.chat.postEphemeral({ channel, user, text: secrets.text(`${prefix}${error.message} ${error.nextStep}`) })
        : Promise.resolve();

  app.command('/greenlight', async ({ command, ack, client }) => {
    await ack();
    const user = slackPrincipal(command.team_id, command.user_id);
    const text = command.text.trim() || 'help';
    later(
      () => interactions.say({ user, text, thread: newSlackThread(command.channel_id) }),
      ephemeral(client, command.channel_id, command.user_id),
    );
  });

  app.event('app_mention', async ({ event, body, client }) => {
    const user = slackPrincipal((body as { team_id?: string }).team_id, event.user ?? 'unknown');
    const thread = { channel: 'slack' as const, id: `${event.channel}/${event.thread_ts ?? event.ts}` };
    later(
      () => interactions.say({ user, text: withoutMentions(event.text) || 'help', thread }),
      ephemeral(client, event.channel, event.user ?? ''),
    );
  });

  // DMs, and replies in threads the bot started. Mentions are handled above, bots are ignored.
  app.message(async ({ message, body, client }) => {
    if (message.subtype !== undefined || !('user' in message) || !message.user || 'bot_id' in message) return;
    const text = message.text ?? '';
    const user = slackPrincipal((body as { team_id?: string }).team_id, message.user);
    const isDm = message.channel_type === 'im';
    const threadTs = 'thread_ts' in message ? message.thread_ts : undefined;
    if (!isDm && (!threadTs || /<@[A-Z0-9]+/.test(text))) return;
    const thread = { channel: 'slack' as const, id: `${message.channel}/${threadTs ?? message.ts}` };
    if (!isDm && !(await interactions.isOurThread(thread.id))) return;
    later(() => interactions.say({ user, text, thread }), ephemeral(client, message.channel, message.user));
  });

  /** A button press: acked at once, worked on after, a refusal told to the clicker alone. */
  const onButton = (
    id: string | RegExp,
    work: (press: {
      user: string;
      raw: unknown;
      actionId: string;
      typed: string | undefined;
      thread: ThreadRef | undefined;
      open: (view: ModalView) => Promise<unknown>;
    }) => Promise<unknown>,
    prefix = '',
  ) =>
    app.action(id, async ({ ack, body, action, client }) => {
      await ack();
      if (action.type !== 'button' || body.type !== 'block_actions') return;
      const press = {
        user: slackPrincipal(body.team?.id ?? body.user.team_id, body.user.id),
        raw: action.value,
        actionId: 'action_id' in action ? action.action_id : '',
        typed: body.state?.values[SLACK_CONFIRM_INPUT.block_id]?.[SLACK_CONFIRM_INPUT.action_id]?.value ?? undefined,
        thread: threadOf(body),
        open: (view: ModalView) => client.views.open({ trigger_id: body.trigger_id, view }),
      };
      later(() => work(press), ephemeral(client, body.channel?.id, body.user.id, prefix));
    });

  /** A submitted modal: acked at once (closing it), worked on after, a refusal told in a DM. */
  const onModal = (
    callbackId: string,
    prefix: string,
    work: (submitted: { user: string; metadata: string; values: Record<string, string> }) => Promise<unknown>,
  ) =>
    app.view(callbackId, async ({ ack, view, body, client }) => {
      await ack();
      const user = slackPrincipal(body.team?.id ?? body.user.team_id, body.user.id);
      const tell = (error: GreenlightError) =>
        client.chat.postMessage({ channel: body.user.id, text: secrets.text(`${prefix}${error.message} ${error.nextStep}`) });
      later(() => work({ user, metadata: view.private_metadata, values: modalValues(view.state.values as never) }), tell);
    });

  const VERB = {
    [SLACK_ACTION_IDS.approve]: 'approve',
    [SLACK_ACTION_IDS.reject]: 'reject',
    [SLACK_ACTION_IDS.replan]: 'replan',
  } as const satisfies Record<string, 'approve' | 'reject' | 'replan'>;

  onButton(
    new RegExp(`^(${SLACK_ACTION_IDS.approve}|${SLACK_ACTION_IDS.reject}|${SLACK_ACTION_IDS.replan})$`),
    async ({ user, raw, actionId, typed }) => {
      const value = parseButtonValue(raw);
      const action = VERB[actionId as keyof typeof VERB];
      if (!('r' in value) || !action) return;
      await interactions.act({
        user,
        requestId: value.r,
        revision: value.v,
        ...(value.h ? { planHash: value.h } : {}),
        action,
        confirmation: typed,
      });
    },
    "You can't do that: ",
  );

  onButton(new RegExp(`^${SLACK_ACTION_IDS.choose}`), async ({ user, raw }) => {
    const value = parseButtonValue(raw);
    if ('c' in value) await interactions.choose(user, value.c, value.i);
  });

  // Modify: a modal generated from the capability's schema, pre-filled with the plan's values.
  onButton(SLACK_ACTION_IDS.modify, async ({ user, raw, open }) => {
    const value = parseButtonValue(raw);
    if (!('r' in value)) return;
    const form = await interactions.modifyForm(user, value.r, value.v);
    await open(formModal('gl_modify', `Modify ${form.title}`, form.fields, { requestId: form.requestId, revision: form.revision }));
  });

  // A clarification form posted as a message: "Fill in" opens it as a modal.
  onButton(SLACK_ACTION_IDS.form, async ({ raw, open }) => {
    const form = await interactions.clarificationForm(parseFormButton(raw));
    await open(formModal('gl_form', form.title, form.fields, { formId: form.formId }));
  });

  // Buttons that act on a lock, an interrupted apply, a temporary environment, a drift finding.
  onButton(
    new RegExp(`^${SLACK_ACTION_IDS.operate}_`),
    async ({ user, raw, typed, thread }) => {
      const value = parseButtonValue(raw);
      if (!('o' in value)) return;
      await interactions.operate({ user, operation: value.o, target: value.t, option: value.x, confirmation: typed, thread });
    },
    "You can't do that: ",
  );

  onModal('gl_modify', 'Your change was not applied: ', async ({ user, metadata, values }) => {
    const { requestId, revision } = parseModifyMetadata(metadata);
    await interactions.submitModify(user, requestId, revision, values);
  });

  onModal('gl_form', '', async ({ user, metadata, values }) => {
    const { formId } = parseFormMetadata(metadata);
    await interactions.submitForm(user, formId, values);
  });

  app.event('app_home_opened', async ({ event, body, client }) => {
    if (event.tab !== 'home') return;
    const user = slackPrincipal((body as { team_id?: string }).team_id, event.user);
    later(async () => client.views.publish({ user_id: event.user, view: await homeView(interactions, user) }));
  });
}

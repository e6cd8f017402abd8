import type { App } from '@slack/bolt';
import PQueue from 'p-queue';
import { capabilities } from '../../../capabilities/index.ts';
import { toGreenlightError } from '../../domain/errors.ts';
import { secrets } from '../../domain/redaction.ts';
import type { Logger } from '../../observability/logger.ts';
import { findClarification } from '../../store/clarifications.ts';
import type { Db } from '../../store/database.ts';
import { findRequest, latestRequestInThread } from '../../store/requests.ts';
import { threadNames } from '../../store/threads.ts';
import type { ApprovalPolicy } from '../../workflow/approval-policy.ts';
import type { ChangeWorkflow } from '../../workflow/change-workflow.ts';
import type { Conversation, ConversationDeps } from '../../workflow/conversation.ts';
import { modifyRequest } from '../../workflow/follow-up.ts';
import { formFields } from '../../workflow/forms.ts';
import { SLACK_ACTION_IDS, SLACK_CONFIRM_INPUT } from './block-kit.ts';
import { homeView } from './home.ts';
import { parseButtonValue, slackPrincipal, withoutMentions } from './identity.ts';
import { formModal, modalValues } from './modals.ts';
import { newSlackThread } from './slack-port.ts';

// Slack events → the workflow. Every handler acks first (Slack allows 3 s), then works. Nothing
// here decides anything: it translates and tells the user when the workflow refused.

export interface HandlerDeps {
  db: Db;
  conversation: Conversation;
  conversationDeps: ConversationDeps;
  workflow: ChangeWorkflow;
  policy: ApprovalPolicy;
  log: Logger;
}

type Client = App['client'];

/**
 * Work after the ack goes through a small queue: a burst of commands then cannot crowd the event
 * loop and delay the next acks past Slack's 3 seconds. A failure is logged and told to the
 * user, never thrown at Bolt.
 */
function afterAck(log: Logger) {
  const queue = new PQueue({ concurrency: 4 });
  return (work: () => Promise<unknown>, tell?: (message: string) => Promise<unknown>): void => {
    void queue.add(work).catch(async (error) => {
      const coded = toGreenlightError(error);
      if (coded.code === 'internal') log.error({ err: error }, 'slack handler failed');
      if (tell) await tell(`${coded.message} ${coded.nextStep}`).catch((e) => log.warn({ err: e }, 'could not tell the user'));
    });
  };
}

export function registerHandlers(app: App, deps: HandlerDeps): void {
  const { conversation, workflow, log, db } = deps;
  const later = afterAck(log);
  const ephemeral = (client: Client, channel: string | undefined, user: string) => (text: string) =>
    channel ? client.chat.postEphemeral({ channel, user, text: secrets.text(text) }) : Promise.resolve();

  app.command('/greenlight', async ({ command, ack, client }) => {
    await ack();
    const user = slackPrincipal(command.team_id, command.user_id);
    const text = command.text.trim() || 'help';
    later(
      () => conversation.submit({ user, text, thread: newSlackThread(command.channel_id) }),
      ephemeral(client, command.channel_id, command.user_id),
    );
  });

  app.event('app_mention', async ({ event, body, client }) => {
    const user = slackPrincipal((body as { team_id?: string }).team_id, event.user ?? 'unknown');
    const thread = { channel: 'slack' as const, id: `${event.channel}/${event.thread_ts ?? event.ts}` };
    later(
      () => conversation.submit({ user, text: withoutMentions(event.text) || 'help', thread }),
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
    if (!isDm && !(await latestRequestInThread(db, await threadNames(db, thread.id)))) return;
    later(() => conversation.submit({ user, text, thread }), ephemeral(client, message.channel, message.user));
  });

  app.action(
    new RegExp(`^(${SLACK_ACTION_IDS.approve}|${SLACK_ACTION_IDS.reject}|${SLACK_ACTION_IDS.replan})$`),
    async ({ ack, body, action, client }) => {
      await ack();
      if (action.type !== 'button' || body.type !== 'block_actions') return;
      const user = slackPrincipal(body.team?.id ?? body.user.team_id, body.user.id);
      const tell = ephemeral(client, body.channel?.id, body.user.id);
      later(
        async () => {
          const value = parseButtonValue(action.value);
          if (!('r' in value)) return;
          const id = 'action_id' in action ? action.action_id : '';
          const verb = id === SLACK_ACTION_IDS.approve ? 'approve' : id === SLACK_ACTION_IDS.reject ? 'reject' : 'replan';
          const typed = body.state?.values[SLACK_CONFIRM_INPUT.block_id]?.[SLACK_CONFIRM_INPUT.action_id]?.value;
          await workflow.act({
            user,
            requestId: value.r,
            revision: value.v,
            ...(value.h ? { planHash: value.h } : {}),
            action: verb,
            confirmation: typed ?? undefined,
          });
        },
        (message) => tell(`You can't do that: ${message}`),
      );
    },
  );

  app.action(new RegExp(`^${SLACK_ACTION_IDS.choose}`), async ({ ack, body, action, client }) => {
    await ack();
    if (action.type !== 'button' || body.type !== 'block_actions') return;
    const user = slackPrincipal(body.team?.id ?? body.user.team_id, body.user.id);
    later(
      async () => {
        const value = parseButtonValue(action.value);
        if ('c' in value) await conversation.choose(user, value.c, value.i);
      },
      ephemeral(client, body.channel?.id, body.user.id),
    );
  });

  // Modify: a modal generated from the capability's schema, pre-filled with the plan's values.
  app.action(SLACK_ACTION_IDS.modify, async ({ ack, body, action, client }) => {
    await ack();
    if (action.type !== 'button' || body.type !== 'block_actions') return;
    later(
      async () => {
        const value = parseButtonValue(action.value);
        if (!('r' in value)) return;
        const request = await findRequest(db, value.r, value.v);
        const cap = capabilities.find((c) => c.id === request?.capability);
        if (!request || !cap) return;
        const fields = formFields(cap.params, request.plan.params);
        await client.views.open({
          trigger_id: body.trigger_id,
          view: formModal('gl_modify', `Modify ${cap.title}`, fields, { requestId: request.id, revision: request.revision }),
        });
      },
      ephemeral(client, body.channel?.id, body.user.id),
    );
  });

  // A clarification form posted as a message: "Fill in" opens it as a modal.
  app.action(SLACK_ACTION_IDS.form, async ({ ack, body, action, client }) => {
    await ack();
    if (action.type !== 'button' || body.type !== 'block_actions') return;
    later(
      async () => {
        const question = await findClarification(db, String(action.value));
        const cap = capabilities.find((c) => c.id === question?.intent);
        if (!question || !cap) return;
        await client.views.open({
          trigger_id: body.trigger_id,
          view: formModal('gl_form', cap.title, formFields(cap.params, question.params), { formId: question.id }),
        });
      },
      ephemeral(client, body.channel?.id, body.user.id),
    );
  });

  app.view('gl_modify', async ({ ack, view, body, client }) => {
    await ack();
    const user = slackPrincipal(body.team?.id ?? body.user.team_id, body.user.id);
    const meta = JSON.parse(view.private_metadata || '{}') as { requestId?: string; revision?: number };
    later(
      () =>
        modifyRequest(deps.conversationDeps, user, String(meta.requestId), Number(meta.revision), modalValues(view.state.values as never)),
      (message) => client.chat.postMessage({ channel: body.user.id, text: `Your change was not applied: ${message}` }),
    );
  });

  app.view('gl_form', async ({ ack, view, body, client }) => {
    await ack();
    const user = slackPrincipal(body.team?.id ?? body.user.team_id, body.user.id);
    const meta = JSON.parse(view.private_metadata || '{}') as { formId?: string };
    later(
      () => conversation.submitForm(user, String(meta.formId), modalValues(view.state.values as never)),
      (message) => client.chat.postMessage({ channel: body.user.id, text: message }),
    );
  });

  app.event('app_home_opened', async ({ event, body, client }) => {
    if (event.tab !== 'home') return;
    const user = slackPrincipal((body as { team_id?: string }).team_id, event.user);
    later(async () => client.views.publish({ user_id: event.user, view: await homeView(db, deps.policy, user) }));
  });
}

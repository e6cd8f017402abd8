import type { IAdaptiveCard } from '@microsoft/teams.cards';
import {
  ActivityHandler,
  type AdaptiveCardInvokeResponse,
  type AdaptiveCardInvokeValue,
  TurnContext as Turn,
  type TurnContext,
} from 'botbuilder';
import PQueue from 'p-queue';
import { z } from 'zod';
import { capabilities } from '../../../capabilities/index.ts';
import type { Capability } from '../../../capabilities/types.ts';
import { errorCard } from '../../../cards/info-cards.ts';
import { describeIssues, GreenlightError, toGreenlightError } from '../../domain/errors.ts';
import { secrets } from '../../domain/redaction.ts';
import type { ChangeRequest, PrincipalId, ThreadRef } from '../../domain/types.ts';
import type { Logger } from '../../observability/logger.ts';
import type { Db } from '../../store/database.ts';
import { firstDelivery } from '../../store/leases.ts';
import { findRequest } from '../../store/requests.ts';
import { rememberTeamsUser, saveConversationReference } from '../../store/teams-directory.ts';
import type { ChangeWorkflow } from '../../workflow/change-workflow.ts';
import type { Conversation, ConversationDeps } from '../../workflow/conversation.ts';
import { modifyRequest } from '../../workflow/follow-up.ts';
import { formFields, valuesFromForm } from '../../workflow/forms.ts';
import { renderAdaptiveCard, VERBS } from './adaptive-card.ts';
import type { CardViews } from './card-views.ts';
import { teamsPrincipal } from './identity.ts';
import type { TeamsPort } from './teams-port.ts';

// Teams activities → the workflow. Messages are answered at once (HTTP 200) and worked on after,
// through a small queue: Azure Bot Service gives up on a turn after ~15 s and a plan can take
// longer. A card button (Action.Execute → `adaptiveCard/action` invoke) must answer with the
// card the clicker sees next, so quick decisions run inside the invoke; slow ones (a re-plan)
// answer "working on it" and post their result to the thread. Nothing here decides anything.

export interface TeamsBotDeps {
  db: Db;
  conversation: Conversation;
  conversationDeps: ConversationDeps;
  workflow: ChangeWorkflow;
  log: Logger;
  now: () => Date;
}

const requestData = z.object({
  requestId: z.string().regex(/^cr-[0-9a-f]{10}$/),
  revision: z.coerce.number().int().positive(),
  planHash: z
    .string()
    .regex(/^[0-9a-f]{64}$/)
    .optional(),
});
const choiceData = z.object({ clarificationId: z.string().regex(/^cl-[0-9a-f]{10}$/), choice: z.string().min(1) });
const formData = z.object({ formId: z.string().regex(/^cl-[0-9a-f]{10}$/) });
const OWN_KEYS = new Set(['requestId', 'revision', 'planHash', 'clarificationId', 'choice', 'formId']);

const CARD = 'application/vnd.microsoft.card.adaptive';

function cardResponse(card: IAdaptiveCard): AdaptiveCardInvokeResponse {
  // The clicker's own view, answered directly (not through the publisher): masked here.
  return { statusCode: 200, type: CARD, value: secrets.value(card) as unknown as Record<string, unknown> };
}

/** A short acknowledgement ("working on it") as a card. */
function noteCard(title: string, text: string): IAdaptiveCard {
  return renderAdaptiveCard({ kind: 'info', title, tone: 'info', blocks: [{ type: 'text', text }], actions: [], context: [] });
}

function capabilityOf(request: ChangeRequest): Capability {
  const cap = capabilities.find((c) => c.id === request.capability);
  if (!cap) throw new GreenlightError('not_found', `${request.capability} is not a capability.`);
  return cap;
}

/** The form inputs of an Action.Execute: everything in its data that the bot did not put there. */
function inputsOf(data: Record<string, unknown>): Record<string, string> {
  return Object.fromEntries(
    Object.entries(data)
      .filter(([k, v]) => !OWN_KEYS.has(k) && v !== undefined && v !== null)
      .map(([k, v]) => [k, String(v)]),
  );
}

export class TeamsBot extends ActivityHandler {
  private readonly queue = new PQueue({ concurrency: 4 });

  constructor(
    private readonly deps: TeamsBotDeps,
    private readonly views: CardViews,
    private readonly port: TeamsPort,
  ) {
    super();
    this.onTurn(async (ctx, next) => {
      await this.remember(ctx);
      await next();
    });
    this.onMessage(async (ctx, next) => {
      // Bot Framework redelivers an activity it thinks was lost, possibly to another replica: the
      // activity id says whether any replica took it already. One message, one answer.
      if (await this.firstDelivery(ctx)) this.message(ctx);
      await next();
    });
    this.onMembersAdded(async (ctx, next) => {
      // Installed in a chat or team: say what the bot does, once, in that conversation.
      if (ctx.activity.membersAdded?.some((m) => m.id === ctx.activity.recipient.id)) {
        this.later(ctx, teamsPrincipal(ctx.activity.from), 'help');
      }
      await next();
    });
  }

  private firstDelivery(ctx: TurnContext): Promise<boolean> {
    const { id, conversation } = ctx.activity;
    if (!id) return Promise.resolve(true);
    const now = this.deps.now();
    return firstDelivery(
      this.deps.db,
      `teams:${conversation.id}:${id}`,
      now.toISOString(),
      new Date(now.getTime() + 3_600_000).toISOString(),
    );
  }

  /** Every activity refreshes where to post in its conversation and who its sender is. */
  private async remember(ctx: TurnContext): Promise<void> {
    const { activity } = ctx;
    const at = this.deps.now().toISOString();
    const reference = Turn.getConversationReference(activity);
    await saveConversationReference(this.deps.db, activity.conversation.id, reference, at);
    const from = activity.from;
    if (from?.aadObjectId && from.id)
      await rememberTeamsUser(this.deps.db, { aadObjectId: from.aadObjectId, userId: from.id, name: from.name }, at);
  }

  private thread(ctx: TurnContext): ThreadRef {
    return { channel: 'teams', id: ctx.activity.conversation.id };
  }

  private message(ctx: TurnContext): void {
    const text = (Turn.removeRecipientMention(ctx.activity) ?? ctx.activity.text ?? '')
      .replace(/<at>[^<]*<\/at>/g, '')
      .replace(/&nbsp;/g, ' ')
      .trim();
    this.later(ctx, teamsPrincipal(ctx.activity.from), text || 'help');
  }

  private later(ctx: TurnContext, user: PrincipalId, text: string): void {
    const thread = this.thread(ctx);
    void this.queue.add(() => this.deps.conversation.submit({ user, text, thread })).catch((error) => this.tell(thread, error));
  }

  /** Work that failed after the turn was answered: say so in the thread. */
  private async tell(thread: ThreadRef, error: unknown): Promise<void> {
    const coded = toGreenlightError(error);
    if (coded.code === 'internal') this.deps.log.error({ err: error, thread }, 'teams work failed');
    await this.port.post(thread, errorCard(coded)).catch((e) => this.deps.log.warn({ err: e }, 'could not tell the user'));
  }

  protected override async onAdaptiveCardInvoke(ctx: TurnContext, value: AdaptiveCardInvokeValue): Promise<AdaptiveCardInvokeResponse> {
    const user = teamsPrincipal(ctx.activity.from);
    const verb = value.action.verb;
    const data = (value.action.data ?? {}) as Record<string, unknown>;
    try {
      switch (verb) {
        case VERBS.refresh:
          return cardResponse(await this.planView(data, user));
        case VERBS.approve:
        case VERBS.reject:
        case VERBS.replan:
          return cardResponse(await this.decide(verb, data, user));
        case VERBS.modify:
          return cardResponse(await this.modifyForm(data, user));
        case VERBS.modifySubmit:
          return cardResponse(await this.modifySubmit(ctx, data, user));
        case VERBS.choose:
          return cardResponse(this.choose(ctx, data, user));
        case VERBS.form:
          return cardResponse(this.form(ctx, data, user));
        default:
          throw new GreenlightError(
            'bad_request',
            `This card sent "${verb}", which Greenlight does not know; it may be from an older version.`,
          );
      }
    } catch (error) {
      const coded = toGreenlightError(error);
      if (coded.code === 'internal') this.deps.log.error({ err: error, verb }, 'teams card action failed');
      return cardResponse(await this.refusal(data, user, coded));
    }
  }

  /** The ids a card's data carries, checked: it arrives from the network. */
  private parse<T>(schema: z.ZodType<T>, data: Record<string, unknown>): T {
    const parsed = schema.safeParse(data);
    if (!parsed.success)
      throw new GreenlightError('bad_request', 'This button carries no request; it may be from an older version of Greenlight.');
    return parsed.data;
  }

  private async request(data: Record<string, unknown>) {
    const { requestId, revision } = this.parse(requestData, data);
    const request = await findRequest(this.deps.db, requestId, revision);
    if (!request) throw new GreenlightError('not_found', `There is no request ${requestId} revision ${revision}.`);
    return request;
  }

  private async planView(
    data: Record<string, unknown>,
    user: PrincipalId,
    note?: { text: string; error?: boolean },
  ): Promise<IAdaptiveCard> {
    return this.views.personal(await this.request(data), user, note);
  }

  /** "You can't do that": the clicker's view of the plan with the reason on it, or the error card. */
  private async refusal(data: Record<string, unknown>, user: PrincipalId, error: GreenlightError): Promise<IAdaptiveCard> {
    try {
      return await this.planView(data, user, { text: `You can't do that: ${error.message} ${error.nextStep}`, error: true });
    } catch {
      return renderAdaptiveCard(errorCard(error));
    }
  }

  private async decide(action: 'approve' | 'reject' | 'replan', data: Record<string, unknown>, user: PrincipalId): Promise<IAdaptiveCard> {
    const { requestId, revision, planHash } = this.parse(requestData, data);
    const confirmation = typeof data.confirmation === 'string' ? data.confirmation : undefined;
    await this.deps.workflow.act({ user, requestId, revision, ...(planHash ? { planHash } : {}), action, confirmation });
    const done = { approve: 'You approved this change.', reject: 'You rejected this change.', replan: 'Planned again.' }[action];
    // After a re-plan the current revision is a new one; show that.
    const request = action === 'replan' ? await findRequest(this.deps.db, requestId) : await findRequest(this.deps.db, requestId, revision);
    if (!request) throw new GreenlightError('not_found', `There is no request ${requestId}.`);
    return this.views.personal(request, user, { text: done });
  }

  private async modifyForm(data: Record<string, unknown>, user: PrincipalId): Promise<IAdaptiveCard> {
    const request = await this.request(data);
    const cap = capabilityOf(request);
    if (!this.views.may(request, user, 'modify'))
      throw new GreenlightError('permission_denied', `${user} may not change ${request.id}: only its requester or an approver can.`);
    return this.views.modifyForm(request, formFields(cap.params, request.plan.params), cap.title);
  }

  /** A new revision needs a new plan (seconds): answer now, post the new plan card when it is ready. */
  private async modifySubmit(ctx: TurnContext, data: Record<string, unknown>, user: PrincipalId): Promise<IAdaptiveCard> {
    const request = await this.request(data);
    const cap = capabilityOf(request);
    const inputs = inputsOf(data);
    // Values the capability refuses go back to the form at once, with the reason.
    const checked = cap.params.safeParse({ ...request.plan.params, ...valuesFromForm(cap.params, inputs) });
    if (!checked.success) {
      const fields = formFields(cap.params, { ...request.plan.params, ...inputs });
      return this.views.modifyForm(request, fields, cap.title, describeIssues(checked.error.issues, 'form'));
    }
    const thread = this.thread(ctx);
    void this.queue
      .add(async () => {
        const posted = await modifyRequest(this.deps.conversationDeps, user, request.id, request.revision, inputs);
        if (!posted)
          await this.port.post(
            thread,
            errorCard(
              new GreenlightError(
                'bad_request',
                "Nothing changed: the form had the plan's values. Change a value and submit again, or approve the plan as it is.",
              ),
              request.id,
            ),
          );
      })
      .catch((error) => this.tell(thread, error));
    return this.views.personal(request, user, { text: 'Planning again with your values; the new plan will be posted here.' });
  }

  private choose(ctx: TurnContext, data: Record<string, unknown>, user: PrincipalId): IAdaptiveCard {
    const { clarificationId, choice } = this.parse(choiceData, data);
    const thread = this.thread(ctx);
    void this.queue.add(() => this.deps.conversation.choose(user, clarificationId, choice)).catch((error) => this.tell(thread, error));
    return noteCard('Got it', `Working on ${choice.replaceAll('_', ' ')}; the answer will be posted here.`);
  }

  private form(ctx: TurnContext, data: Record<string, unknown>, user: PrincipalId): IAdaptiveCard {
    const { formId } = this.parse(formData, data);
    const thread = this.thread(ctx);
    const values = inputsOf(data);
    void this.queue.add(() => this.deps.conversation.submitForm(user, formId, values)).catch((error) => this.tell(thread, error));
    return noteCard('Thanks', 'Planning with these details; the plan will be posted here.');
  }

  /** Waits for work started after answering (tests and shutdown). */
  async idle(): Promise<void> {
    await this.queue.onIdle();
  }
}

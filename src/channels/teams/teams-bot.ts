import type { IAdaptiveCard } from '@microsoft/teams.cards';
import {
  ActivityHandler,
  type AdaptiveCardInvokeResponse,
  type AdaptiveCardInvokeValue,
  TurnContext as Turn,
  type TurnContext,
} from 'botbuilder';
import { z } from 'zod';
import { noteCard } from '../../../cards/builders.ts';
import { errorCard } from '../../../cards/info-cards.ts';
import { OPERATIONS } from '../../../cards/model.ts';
import type { ChannelMemory } from '../../domain/channel-memory.ts';
import { GreenlightError, toGreenlightError } from '../../domain/errors.ts';
import { clarificationIdSchema, planHashSchema, requestIdSchema, revisionSchema } from '../../domain/ids.ts';
import { secrets } from '../../domain/redaction.ts';
import type { PrincipalId, ThreadRef } from '../../domain/types.ts';
import type { Logger } from '../../observability/logger.ts';
import type { Interactions } from '../../workflow/index.ts';
import { AfterAck } from '../after-ack.ts';
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
  interactions: Interactions;
  memory: ChannelMemory;
  log: Logger;
}

const requestData = z.object({
  requestId: requestIdSchema,
  revision: z.coerce.number().pipe(revisionSchema),
  planHash: planHashSchema.optional(),
});
const choiceData = z.object({ clarificationId: clarificationIdSchema, choice: z.string().min(1) });
const formData = z.object({ formId: clarificationIdSchema });
const operationData = z.object({
  operation: z.enum(OPERATIONS),
  target: z.string().min(1).max(200),
  option: z.string().max(300).optional(),
  confirmation: z.string().max(200).optional(),
});
/** An Action.Execute's data: an object from the network (anything else counts as empty). */
const actionData = z.record(z.string(), z.unknown()).catch({});
const OWN_KEYS = new Set(['requestId', 'revision', 'planHash', 'clarificationId', 'choice', 'formId', 'operation', 'target', 'option']);

const CARD = 'application/vnd.microsoft.card.adaptive';

function cardResponse(card: IAdaptiveCard): AdaptiveCardInvokeResponse {
  // The clicker's own view, answered directly (not through the publisher): masked here.
  return { statusCode: 200, type: CARD, value: secrets.value(card) as unknown as Record<string, unknown> };
}

/** A short acknowledgement ("working on it") as a card. */
const ackCard = (title: string, text: string): IAdaptiveCard => renderAdaptiveCard(noteCard(title, text, { tone: 'info' }));

/** The form inputs of an Action.Execute: everything in its data that the bot did not put there. */
function inputsOf(data: Record<string, unknown>): Record<string, string> {
  return Object.fromEntries(
    Object.entries(data)
      .filter(([k, v]) => !OWN_KEYS.has(k) && v !== undefined && v !== null)
      .map(([k, v]) => [k, String(v)]),
  );
}

export class TeamsBot extends ActivityHandler {
  private readonly queue: AfterAck;

  constructor(
    private readonly deps: TeamsBotDeps,
    private readonly views: CardViews,
    private readonly port: TeamsPort,
  ) {
    super();
    this.queue = new AfterAck(deps.log);
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
    return this.deps.memory.deliveries.first(`teams:${conversation.id}:${id}`, 3_600_000);
  }

  /** Every activity refreshes where to post in its conversation and who its sender is. */
  private async remember(ctx: TurnContext): Promise<void> {
    const { activity } = ctx;
    const { teams } = this.deps.memory;
    await teams.saveReference(activity.conversation.id, Turn.getConversationReference(activity));
    const from = activity.from;
    if (from?.aadObjectId && from.id) await teams.rememberUser({ aadObjectId: from.aadObjectId, userId: from.id, name: from.name });
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
    this.queue.run(() => this.deps.interactions.say({ user, text, thread }), this.tell(thread));
  }

  /** Work that failed after the turn was answered: say so in the thread. */
  private tell(thread: ThreadRef) {
    return (error: GreenlightError) => this.port.post(thread, errorCard(error));
  }

  protected override async onAdaptiveCardInvoke(ctx: TurnContext, value: AdaptiveCardInvokeValue): Promise<AdaptiveCardInvokeResponse> {
    const user = teamsPrincipal(ctx.activity.from);
    const verb = value.action.verb;
    const data = actionData.parse(value.action.data);
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
        case VERBS.operate:
          return cardResponse(await this.operate(ctx, data, user));
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
    return this.deps.interactions.request(requestId, revision);
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
    const { request, done } = await this.deps.interactions.decide({
      user,
      requestId,
      revision,
      ...(planHash ? { planHash } : {}),
      action,
      confirmation,
    });
    return this.views.personal(request, user, { text: done });
  }

  private async modifyForm(data: Record<string, unknown>, user: PrincipalId): Promise<IAdaptiveCard> {
    const { requestId, revision } = this.parse(requestData, data);
    return this.views.modifyForm(await this.deps.interactions.modifyForm(user, requestId, revision));
  }

  /** A new revision needs a new plan (seconds): answer now, post the new plan card when it is ready. */
  private async modifySubmit(ctx: TurnContext, data: Record<string, unknown>, user: PrincipalId): Promise<IAdaptiveCard> {
    const { requestId, revision } = this.parse(requestData, data);
    const inputs = inputsOf(data);
    // Values the capability refuses go back to the form at once, with the reason.
    const refused = await this.deps.interactions.checkModify(requestId, revision, inputs);
    if (refused) return this.views.modifyForm(refused);
    const request = await this.deps.interactions.request(requestId, revision);
    this.queue.run(() => this.deps.interactions.submitModify(user, requestId, revision, inputs), this.tell(this.thread(ctx)));
    return this.views.personal(request, user, { text: 'Planning again with your values; the new plan will be posted here.' });
  }

  private choose(ctx: TurnContext, data: Record<string, unknown>, user: PrincipalId): IAdaptiveCard {
    const { clarificationId, choice } = this.parse(choiceData, data);
    this.queue.run(() => this.deps.interactions.choose(user, clarificationId, choice), this.tell(this.thread(ctx)));
    return ackCard('Got it', `Working on ${choice.replaceAll('_', ' ')}; the answer will be posted here.`);
  }

  private form(ctx: TurnContext, data: Record<string, unknown>, user: PrincipalId): IAdaptiveCard {
    const { formId } = this.parse(formData, data);
    const values = inputsOf(data);
    this.queue.run(() => this.deps.interactions.submitForm(user, formId, values), this.tell(this.thread(ctx)));
    return ackCard('Thanks', 'Planning with these details; the plan will be posted here.');
  }

  /** A lock, an interrupted apply, a temporary environment, a drift finding: the outcome is the clicker's next card. */
  private async operate(ctx: TurnContext, data: Record<string, unknown>, user: PrincipalId): Promise<IAdaptiveCard> {
    const { operation, target, option, confirmation } = this.parse(operationData, data);
    const card = await this.deps.interactions.operate({ user, operation, target, option, confirmation, thread: this.thread(ctx) });
    return renderAdaptiveCard(card);
  }

  /** Waits for work started after answering (tests and shutdown). */
  async idle(): Promise<void> {
    await this.queue.idle();
  }
}

import type { IAdaptiveCard } from '@microsoft/teams.cards';
import {
  CardFactory,
  type CloudAdapter,
  type ConversationParameters,
  type ConversationReference,
  MessageFactory,
  TurnContext,
} from 'botbuilder';
import pRetry from 'p-retry';
import type { Card } from '../../../cards/model.ts';
import type { TeamsDirectory } from '../../domain/channel-memory.ts';
import { GreenlightError } from '../../domain/errors.ts';
import type { PrincipalId, ThreadRef } from '../../domain/types.ts';
import type { Logger } from '../../observability/logger.ts';
import type { ThreadPort } from '../../workflow/index.ts';
import type { CardViews } from './card-views.ts';
import { ConversationLimiter } from './send-limiter.ts';

// Teams' side of the workflow. A thread is a Teams conversation id (a channel thread's id ends
// in `;messageid=<root>`); every post and edit goes out proactively through the conversation
// reference stored when the conversation last spoke to the bot, so it works outside any turn and
// after a restart. Edits of one message are coalesced: while one waits for a slot, a newer card
// replaces it. Throttling (429) and the transient 412 / 502 / 504 are retried with backoff.

const RETRYABLE = new Set([412, 429, 502, 504]);

export interface RetryPolicy {
  retries: number;
  minTimeoutMs: number;
}

function statusOf(error: unknown): number | undefined {
  const e = error as { statusCode?: number; response?: { status?: number } };
  return e?.statusCode ?? e?.response?.status;
}

function retryAfterMs(error: unknown): number {
  const headers = (error as { response?: { headers?: { get?(name: string): string | undefined } } })?.response?.headers;
  const seconds = Number(headers?.get?.('retry-after'));
  return Number.isFinite(seconds) && seconds > 0 ? Math.min(seconds, 60) * 1000 : 0;
}

export function cardActivity(card: IAdaptiveCard) {
  return MessageFactory.attachment(CardFactory.adaptiveCard(card));
}

export class TeamsPort implements ThreadPort {
  readonly channel = 'teams' as const;
  /** 60 operations per 30 s per conversation: a progress edit a second leaves room for posts. */
  readonly minEditIntervalMs = 1000;
  /** Edits waiting for a slot, by message: the newest card replaces the one waiting. */
  private readonly pendingEdits = new Map<string, { card: Card }>();
  private readonly inFlight = new Set<Promise<void>>();

  constructor(
    private readonly adapter: CloudAdapter,
    private readonly appId: string,
    private readonly directory: TeamsDirectory,
    private readonly views: CardViews,
    private readonly log: Logger,
    // Replicas on one PostgreSQL count their calls together; one process counts in memory.
    private readonly limiter = new ConversationLimiter(undefined, undefined, undefined, undefined, directory.sendLog),
    private readonly retry: RetryPolicy = { retries: 4, minTimeoutMs: 500 },
  ) {}

  private async reference(conversationId: string): Promise<Partial<ConversationReference>> {
    const reference = (await this.directory.reference(conversationId)) as Partial<ConversationReference> | undefined;
    if (!reference)
      throw new GreenlightError(
        'not_found',
        `Greenlight has no conversation reference for Teams conversation ${conversationId}: send the bot a message there (or install it again) so it can post.`,
      );
    return reference;
  }

  /** One connector call in a conversation: waits for a slot under Teams' limits, retries what Teams asks to retry. */
  private async call<T>(conversationId: string, work: (ctx: TurnContext) => Promise<T>): Promise<T> {
    const reference = await this.reference(conversationId);
    return pRetry(
      async () => {
        await this.limiter.slot(conversationId);
        let result: T | undefined;
        let failure: unknown;
        // Errors are caught inside the turn: the adapter's turn-error handler must not swallow them.
        await this.adapter.continueConversationAsync(this.appId, reference, async (ctx) => {
          try {
            result = await work(ctx);
          } catch (error) {
            failure = error;
          }
        });
        if (failure !== undefined) throw failure;
        return result as T;
      },
      {
        retries: this.retry.retries,
        minTimeout: this.retry.minTimeoutMs,
        factor: 2,
        randomize: true,
        shouldRetry: ({ error }) => RETRYABLE.has(statusOf(error) ?? 0),
        onFailedAttempt: async ({ error, attemptNumber, retriesLeft }) => {
          const status = statusOf(error);
          if (!RETRYABLE.has(status ?? 0) || retriesLeft === 0) return;
          this.log.warn({ conversationId, status, attemptNumber }, 'teams connector asked to retry');
          const wait = retryAfterMs(error);
          if (wait) await new Promise((resolve) => setTimeout(resolve, wait).unref());
        },
      },
    );
  }

  async post(thread: ThreadRef, card: Card): Promise<string> {
    const activity = cardActivity(await this.views.shared(card));
    const response = await this.call(thread.id, (ctx) => ctx.sendActivity(activity));
    return response?.id ?? '';
  }

  /**
   * A direct message: the bot opens (or reopens) its 1:1 chat with the person — by the Teams id
   * it learnt when they last spoke to it — through the service and tenant of `near`, one of their
   * conversations, and posts the card there. The chat's reference is kept like any other.
   */
  async direct(user: PrincipalId, card: Card, near: ThreadRef): Promise<void> {
    const aadObjectId = user.slice('teams:'.length);
    const userId = (await this.directory.userIds([aadObjectId])).get(aadObjectId);
    if (!userId) throw new GreenlightError('not_found', `Greenlight has not met ${user} in Teams yet, so it cannot message them.`);
    const reference = await this.reference(near.id);
    const tenantId = reference.conversation?.tenantId;
    if (!reference.serviceUrl || !reference.bot)
      throw new GreenlightError('not_found', `Teams conversation ${near.id} has no service to start a chat from.`);
    const parameters: ConversationParameters = {
      isGroup: false,
      bot: reference.bot,
      members: [{ id: userId, name: '' }],
      channelData: tenantId ? { tenant: { id: tenantId } } : {},
      ...(tenantId ? { tenantId } : {}),
    };
    const activity = cardActivity(await this.views.shared(card));
    await this.adapter.createConversationAsync(this.appId, 'msteams', reference.serviceUrl, '', parameters, async (ctx) => {
      await this.directory.saveReference(ctx.activity.conversation.id, TurnContext.getConversationReference(ctx.activity));
      await ctx.sendActivity(activity);
    });
  }

  /**
   * Schedules an edit of a posted card and returns at once: a click's answer must not wait for a
   * rate-limit slot. A newer card for the same message replaces one still waiting to go; a
   * failed edit is logged (the store already holds the truth). `flush()` waits for all of them.
   */
  async update(thread: ThreadRef, messageId: string, card: Card): Promise<void> {
    const waiting = this.pendingEdits.get(messageId);
    if (waiting) {
      waiting.card = card;
      return;
    }
    const entry = { card };
    this.pendingEdits.set(messageId, entry);
    const done: Promise<void> = (async () => {
      // Pick the card only when the edit can go: anything newer that arrived meanwhile goes instead.
      await this.limiter.ready(thread.id);
      this.pendingEdits.delete(messageId);
      const activity = { ...cardActivity(await this.views.shared(entry.card)), id: messageId };
      await this.call(thread.id, (ctx) => ctx.updateActivity(activity));
    })()
      .catch((error) => this.log.warn({ err: error, conversationId: thread.id, messageId }, 'teams card edit failed'))
      .finally(() => this.inFlight.delete(done));
    this.inFlight.add(done);
  }

  /** Resolves when every scheduled edit has been sent (or has failed). */
  async flush(): Promise<void> {
    while (this.inFlight.size > 0) await Promise.all([...this.inFlight]);
  }
}

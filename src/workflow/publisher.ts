import type { Card } from '../../cards/model.ts';
import { planCard } from '../../cards/plan-card.ts';
import { secrets } from '../domain/redaction.ts';
import type { ChangeRequest, ChannelKind, ThreadRef } from '../domain/types.ts';
import type { Logger } from '../observability/logger.ts';
import type { Db } from '../store/database.ts';
import { findRequest, listApprovals } from '../store/requests.ts';
import type { ApprovalPolicy } from './approval-policy.ts';
import type { PostedMessage, ThreadPort } from './ports.ts';

// Sends cards to whichever channel a request came from, and re-renders a request's plan card
// after each change of status. A channel that fails to post is logged, never fatal: the request
// and its audit trail are already in the store.

export class Publisher {
  private readonly ports = new Map<ChannelKind, ThreadPort>();

  constructor(
    private readonly db: Db,
    private readonly policy: ApprovalPolicy,
    private readonly log: Logger,
    private readonly planUrl: (requestId: string) => string | undefined,
  ) {}

  register(port: ThreadPort): void {
    this.ports.set(port.channel, port);
  }

  port(channel: ChannelKind): ThreadPort {
    const port = this.ports.get(channel);
    if (!port) throw new Error(`no channel adapter registered for ${channel}`);
    return port;
  }

  async post(thread: ThreadRef, card: Card, requestId: string | null): Promise<PostedMessage> {
    // Every channel gets the card with its secrets replaced by fingerprints.
    const shown = secrets.value(card);
    const messageId = await this.port(thread.channel).post(thread, shown, requestId);
    return { messageId, card: shown, requestId };
  }

  async update(thread: ThreadRef, messageId: string, card: Card): Promise<void> {
    try {
      await this.port(thread.channel).update(thread, messageId, secrets.value(card));
    } catch (error) {
      this.log.warn({ err: error, thread, messageId }, 'card update failed');
    }
  }

  async renderPlanCard(request: ChangeRequest): Promise<Card> {
    const rule = this.policy.ruleFor(request);
    const planUrl = this.planUrl(request.id);
    return planCard(request, {
      approvals: await listApprovals(this.db, request.id),
      required: rule.required,
      approverText: this.policy.describe(request),
      ...(planUrl ? { planUrl } : {}),
    });
  }

  /** Re-reads the request and edits its plan card in place. Returns the new card. */
  async refreshPlanCard(id: string, revision: number): Promise<Card | undefined> {
    const request = await findRequest(this.db, id, revision);
    if (!request) return undefined;
    const card = await this.renderPlanCard(request);
    if (request.planMessageId) await this.update(request.thread, request.planMessageId, card);
    return card;
  }
}

import type { Card } from '../../cards/model.ts';
import { planCard } from '../../cards/plan-card.ts';
import { isProgram } from '../domain/people.ts';
import { secrets } from '../domain/redaction.ts';
import type { ChangeRequest, ChannelKind, PrincipalId, ThreadRef } from '../domain/types.ts';
import type { Logger } from '../observability/logger.ts';
import type { Db } from '../store/database.ts';
import { findProgramRequest, type ProgramRequest } from '../store/program-requests.ts';
import { findRequest, listApprovals } from '../store/requests.ts';
import type { ApprovalPolicy } from './approval-policy.ts';
import type { PostedMessage, ThreadPort } from './ports.ts';

// Sends cards to whichever channel a request came from, and re-renders a request's plan card
// after each change of status. A channel that fails to post is logged, never fatal: the request
// and its audit trail are already in the store.

/** How a program's request reached Greenlight, as the card says it. */
function originText(origin: ProgramRequest): string {
  const token = origin.principal.slice('api:'.length);
  return origin.via === 'mcp'
    ? `an agent, over MCP with API token ${token}; deployment ${origin.deploymentId}`
    : `a program, over the HTTP API with API token ${token}; deployment ${origin.deploymentId}`;
}

export class Publisher {
  private readonly ports = new Map<ChannelKind, ThreadPort>();
  private readonly watchers: ((request: ChangeRequest) => void)[] = [];

  constructor(
    private readonly db: Db,
    private readonly policy: ApprovalPolicy,
    private readonly log: Logger,
    private readonly planUrl: (requestId: string) => string | undefined,
  ) {}

  register(port: ThreadPort): void {
    this.ports.set(port.channel, port);
  }

  /** Told the request each time its plan card is redrawn after a change (webhooks follow requests this way). */
  watch(listener: (request: ChangeRequest) => void): void {
    this.watchers.push(listener);
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

  /** What a program asked, shown in the thread as its own message where the channel can (the console). */
  async postFrom(thread: ThreadRef, author: string, card: Card): Promise<void> {
    await this.port(thread.channel).postFrom?.(thread, author, secrets.value(card));
  }

  /**
   * A card for one person, privately, on the platform of `near` (one of their threads) when they
   * are a person of that platform and it has direct messages (Slack, Teams; the console shows
   * their threads as unread instead). Best effort: false when not sent, never thrown.
   */
  async direct(user: PrincipalId, card: Card, near: ThreadRef): Promise<boolean> {
    const port = this.ports.get(near.channel);
    if (!port?.direct || !user.startsWith(`${near.channel}:`)) return false;
    try {
      await port.direct(user, secrets.value(card), near);
      return true;
    } catch (error) {
      this.log.warn({ err: error, user, channel: near.channel }, 'direct message failed');
      return false;
    }
  }

  async update(thread: ThreadRef, messageId: string, card: Card): Promise<void> {
    try {
      await this.port(thread.channel).update(thread, messageId, secrets.value(card));
    } catch (error) {
      this.log.warn({ err: error, thread, messageId }, 'card update failed');
    }
  }

  async renderPlanCard(request: ChangeRequest): Promise<Card> {
    const planUrl = this.planUrl(request.id);
    const origin = isProgram(request.requester) ? await findProgramRequest(this.db, request.id) : undefined;
    const approvals = await listApprovals(this.db, request.id);
    const state = this.policy.state(
      request,
      this.policy.counted(
        request,
        approvals.filter((a) => a.revision === request.revision),
      ),
    );
    return planCard(request, {
      ...(origin ? { origin: originText(origin) } : {}),
      approvals,
      required: state.need,
      ...(state.gate
        ? {
            costApproval: `${state.gate.have} of ${state.gate.required} from ${state.gate.approvers.join(', ')}, needed because ${state.gate.reason}`,
          }
        : {}),
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
    for (const watcher of this.watchers) watcher(request);
    return card;
  }
}

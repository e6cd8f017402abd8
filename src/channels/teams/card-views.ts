import type { IAdaptiveCard } from '@microsoft/teams.cards';
import type { Card, CardAction, FormField } from '../../../cards/model.ts';
import type { ChangeRequest, PrincipalId } from '../../domain/types.ts';
import type { Db } from '../../store/database.ts';
import { findRequest } from '../../store/requests.ts';
import { teamsUserIds } from '../../store/teams-directory.ts';
import type { ApprovalPolicy } from '../../workflow/approval-policy.ts';
import type { Publisher } from '../../workflow/publisher.ts';
import { acEscape, execute, formElements, renderAdaptiveCard, VERBS } from './adaptive-card.ts';
import { aadObjectIds } from './identity.ts';

// Who sees what on a plan card. The message everyone sees carries the plan and its status; the
// decision buttons are in each entitled user's own view, which their Teams client fetches by
// itself (refresh.userIds) or on "Show my options". With `*` approvers everyone is entitled, so
// the shared card carries the buttons and the workflow still refuses a self-approval.

const DECISIONS = new Set(['approve', 'reject', 'modify', 'replan']);

export class CardViews {
  constructor(
    private readonly db: Db,
    private readonly policy: ApprovalPolicy,
    private readonly publisher: Publisher,
  ) {}

  private async request(card: Card): Promise<ChangeRequest | undefined> {
    if (!card.requestId || !card.actions.some((a) => DECISIONS.has(a.id))) return undefined;
    return findRequest(this.db, card.requestId, card.revision);
  }

  /**
   * The card's refresh clause: the Teams ids of the requester and the approvers the bot has met
   * (a card may name 60), whose clients then fetch their own view of this request.
   */
  private async refreshFor(request: ChangeRequest) {
    const { principals } = this.policy.approvers(request.environment, request.plan.risk.level);
    const ids = await teamsUserIds(this.db, aadObjectIds([request.requester, ...request.editors, ...principals]));
    return { userIds: [...new Set(ids.values())].slice(0, 60), data: { requestId: request.id, revision: request.revision } };
  }

  /** Whether `user` may press a button of this kind on the request's card. */
  may(request: ChangeRequest, user: PrincipalId, action: CardAction['id']): boolean {
    if (action === 'approve') return this.policy.canApprove(request, user).allowed;
    if (DECISIONS.has(action)) return this.policy.canReject(request, user).allowed;
    return true;
  }

  /** The message as posted to the conversation. */
  async shared(card: Card): Promise<IAdaptiveCard> {
    const request = await this.request(card);
    if (!request) return renderAdaptiveCard(card);
    const refresh = await this.refreshFor(request);
    const { anyone } = this.policy.approvers(request.environment, request.plan.risk.level);
    if (anyone) return renderAdaptiveCard(card, { actions: card.actions.filter((a) => a.id !== 'modify'), refresh });
    return renderAdaptiveCard(card, {
      actions: card.actions.filter((a) => !DECISIONS.has(a.id)),
      extraActions: [execute('Show my options', VERBS.refresh, refresh.data)],
      refresh,
      append: [
        {
          type: 'TextBlock',
          wrap: true,
          isSubtle: true,
          text: 'Approve and Reject appear on this card for its approvers; the requester can Modify it.',
        },
      ],
    });
  }

  /** One user's view of a request's plan card, with a note (a refusal, an acknowledgement) on top. */
  async personal(request: ChangeRequest, user: PrincipalId, note?: { text: string; error?: boolean }): Promise<IAdaptiveCard> {
    const card = await this.publisher.renderPlanCard(request);
    return renderAdaptiveCard(card, {
      actions: card.actions.filter((a) => this.may(request, user, a.id)),
      refresh: await this.refreshFor(request),
      append: note
        ? [{ type: 'TextBlock', wrap: true, text: acEscape(note.text), color: note.error ? 'Attention' : 'Good', weight: 'Bolder' }]
        : [],
    });
  }

  /** The Modify form: the plan's parameters as inputs, pre-filled; `problem` says why the last values were refused. */
  async modifyForm(request: ChangeRequest, fields: FormField[], title: string, problem?: string): Promise<IAdaptiveCard> {
    const card = await this.publisher.renderPlanCard(request);
    const data = { requestId: request.id, revision: request.revision };
    const form: Card = {
      ...card,
      title: `Modify ${title}`,
      blocks: problem ? [{ type: 'error', code: 'bad_request', message: problem, next: 'Correct the values and submit again.' }] : [],
      actions: [],
      context: [`${request.id} revision ${request.revision}`],
    };
    return renderAdaptiveCard(form, {
      append: formElements(fields, execute('Plan with these values', VERBS.modifySubmit, data, 'positive'), [
        { ...execute('Cancel', VERBS.refresh, data), associatedInputs: 'none' },
      ]),
    });
  }
}

import type { IAdaptiveCard } from '@microsoft/teams.cards';
import type { Card } from '../../../cards/model.ts';
import type { TeamsDirectory } from '../../domain/channel-memory.ts';
import type { ChangeRequest, PrincipalId } from '../../domain/types.ts';
import type { Interactions, ModifyForm } from '../../workflow/index.ts';
import { acEscape, execute, formElements, renderAdaptiveCard, VERBS } from './adaptive-card.ts';
import { aadObjectIds } from './identity.ts';

// Who sees what on a plan card. The message everyone sees carries the plan and its status; the
// decision buttons are in each entitled user's own view, which their Teams client fetches by
// itself (refresh.userIds) or on "Show my options". With `*` approvers everyone is entitled, so
// the shared card carries the buttons and the workflow still refuses a self-approval.

const DECISIONS = new Set(['approve', 'reject', 'modify', 'replan']);

export class CardViews {
  constructor(
    private readonly interactions: Interactions,
    private readonly directory: TeamsDirectory,
  ) {}

  private async request(card: Card): Promise<ChangeRequest | undefined> {
    if (!card.requestId || !card.actions.some((a) => DECISIONS.has(a.id))) return undefined;
    return this.interactions.request(card.requestId, card.revision).catch(() => undefined);
  }

  /**
   * The card's refresh clause: the Teams ids of the requester and the approvers the bot has met
   * (a card may name 60), whose clients then fetch their own view of this request.
   */
  private async refreshFor(request: ChangeRequest) {
    const ids = await this.directory.userIds(aadObjectIds(this.interactions.audience(request).principals));
    return { userIds: [...new Set(ids.values())].slice(0, 60), data: { requestId: request.id, revision: request.revision } };
  }

  /** The message as posted to the conversation. */
  async shared(card: Card): Promise<IAdaptiveCard> {
    const request = await this.request(card);
    if (!request) return renderAdaptiveCard(card);
    const refresh = await this.refreshFor(request);
    if (this.interactions.audience(request).anyone)
      return renderAdaptiveCard(card, { actions: card.actions.filter((a) => a.id !== 'modify'), refresh });
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
    const card = await this.interactions.planCard(request);
    return renderAdaptiveCard(card, {
      actions: await this.interactions.offered(request, user, card.actions),
      refresh: await this.refreshFor(request),
      append: note
        ? [{ type: 'TextBlock', wrap: true, text: acEscape(note.text), color: note.error ? 'Attention' : 'Good', weight: 'Bolder' }]
        : [],
    });
  }

  /** The Modify form: the plan's parameters as inputs, pre-filled; `problem` says why the last values were refused. */
  async modifyForm({ requestId, revision, title, fields, problem }: ModifyForm): Promise<IAdaptiveCard> {
    const card = await this.interactions.planCard(await this.interactions.request(requestId, revision));
    const data = { requestId, revision };
    const form: Card = {
      ...card,
      title: `Modify ${title}`,
      blocks: problem ? [{ type: 'error', code: 'bad_request', message: problem, next: 'Correct the values and submit again.' }] : [],
      actions: [],
      context: [`${requestId} revision ${revision}`],
    };
    return renderAdaptiveCard(form, {
      append: formElements(fields, execute('Plan with these values', VERBS.modifySubmit, data, 'positive'), [
        { ...execute('Cancel', VERBS.refresh, data), associatedInputs: 'none' },
      ]),
    });
  }
}

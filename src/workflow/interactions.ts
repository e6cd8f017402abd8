import { capabilities } from '../../capabilities/index.ts';
import type { Capability } from '../../capabilities/types.ts';
import { errorCard } from '../../cards/info-cards.ts';
import type { Card, CardAction, FormField } from '../../cards/model.ts';
import { describeIssues, GreenlightError } from '../domain/errors.ts';
import type { ClarificationId, RequestId } from '../domain/ids.ts';
import type { Approval, ChangeRequest, Deployment, PrincipalId } from '../domain/types.ts';
import { findClarification } from '../store/clarifications.ts';
import { findDeployment } from '../store/deployments.ts';
import { findRequest, latestRequestInThread, listApprovals, listRequests } from '../store/requests.ts';
import { threadNames } from '../store/threads.ts';
import type { ApplyRunner } from './apply-runner.ts';
import type { ChangeWorkflow } from './change-workflow.ts';
import type { Conversation } from './conversation.ts';
import { modifyRequest } from './follow-up.ts';
import { formFields, valuesFromForm } from './forms.ts';
import type { InboundAction, InboundOperation, InboundText } from './inbound.ts';
import { Operations } from './operations/index.ts';
import type { PostedMessage } from './ports.ts';
import { type Requirement, Requirements } from './requirements.ts';
import { type ThreadSummary, threadSummaries } from './thread-summaries.ts';

// The one inbound API every channel calls: what someone said, a button, the Modify form, a
// clarification form, a "did you mean" choice, and "is this thread ours?". A channel verifies the
// sender, parses the platform's payload, calls one of these, and renders what comes back; the
// decisions (who may, what changes, what is planned) are all made here and below.

/** The Modify form for one revision: its fields pre-filled, and why the last values were refused. */
export interface ModifyForm {
  requestId: string;
  revision: number;
  title: string;
  fields: FormField[];
  problem?: string;
}

/** A request as the console's API shows it: the current revision, its approvals, its deployment. */
export interface RequestDetail {
  request: ChangeRequest;
  approvals: Approval[];
  deployment: Deployment | undefined;
}

/** A clarification form posted as a message, to open as a dialog. */
export interface ClarificationForm {
  formId: string;
  title: string;
  fields: FormField[];
}

const DONE: Record<InboundAction['action'], string> = {
  approve: 'You approved this change.',
  reject: 'You rejected this change.',
  replan: 'Planned again.',
};

function capabilityOf(request: ChangeRequest): Capability {
  const cap = capabilities.find((c) => c.id === request.capability);
  if (!cap) throw new GreenlightError('not_found', `${request.capability} is not a capability.`);
  return cap;
}

export class Interactions {
  private readonly requirements: Requirements;

  private readonly operations: Operations;

  constructor(
    private readonly conversation: Conversation,
    private readonly workflow: ChangeWorkflow,
    options: { runner: ApplyRunner; requirements?: readonly Requirement[] | undefined },
  ) {
    this.requirements = new Requirements({ ...conversation.deps, requirements: options.requirements });
    this.operations = new Operations({ ...conversation.deps, runner: options.runner });
  }

  private get deps() {
    return this.conversation.deps;
  }

  /** The logger of one request, made as it enters: every line it logs names who, where and what. */
  private logFor(fields: Record<string, unknown>) {
    return this.deps.log.child(fields);
  }

  /** Something said to the bot: always answered with at least one card in the thread. */
  say(input: InboundText): Promise<PostedMessage[]> {
    const log = input.log ?? this.logFor({ channel: input.thread.channel, thread: input.thread.id, user: input.user });
    return this.conversation.submit({ ...input, log });
  }

  /** Whether a reply in a channel thread is for Greenlight: a request was planned in it. */
  async isOurThread(threadId: string): Promise<boolean> {
    return (await latestRequestInThread(this.deps.db, await threadNames(this.deps.db, threadId))) !== undefined;
  }

  /** A decision button; returns the updated plan card, throws the coded refusal. */
  act(input: InboundAction): Promise<Card> {
    return this.workflow.act(this.withLog(input));
  }

  private withLog(input: InboundAction): InboundAction {
    return { ...input, log: input.log ?? this.logFor({ user: input.user, requestId: input.requestId, action: input.action }) };
  }

  /** A decision button, answered with the request as the clicker should see it next and what happened. */
  async decide(input: InboundAction): Promise<{ request: ChangeRequest; done: string }> {
    await this.workflow.act(this.withLog(input));
    // After a re-plan the current revision is a new one; show that.
    const request = await this.request(input.requestId, input.action === 'replan' ? undefined : input.revision);
    return { request, done: DONE[input.action] };
  }

  /** A button that acts on a lock, an interrupted apply, a temporary environment, a drift finding. */
  operate(input: InboundOperation): Promise<Card> {
    const log = input.log ?? this.logFor({ user: input.user, operation: input.operation, target: input.target });
    return this.operations.run({ ...input, log });
  }

  /** A "did you mean …?" button. */
  choose(user: PrincipalId, clarificationId: ClarificationId, choice: string): Promise<PostedMessage[]> {
    return this.conversation.choose(user, clarificationId, choice);
  }

  /** A revision of a request (the current one without `revision`); not_found otherwise. */
  async request(requestId: string, revision?: number): Promise<ChangeRequest> {
    const request = await findRequest(this.deps.db, requestId, revision);
    if (!request)
      throw new GreenlightError('not_found', `There is no request ${requestId}${revision === undefined ? '' : ` revision ${revision}`}.`);
    return request;
  }

  /** Whether `user` is offered this button on the request's card (the click still decides). */
  async offers(request: ChangeRequest, user: PrincipalId, action: CardAction['id']): Promise<boolean> {
    // A choice is anyone's to make; an operation decides on the click (operations/).
    if (action === 'choose' || action === 'operate') return true;
    return this.requirements.offers(request, user, action);
  }

  /** The card's buttons that `user` is offered. */
  async offered(request: ChangeRequest, user: PrincipalId, actions: readonly CardAction[]): Promise<CardAction[]> {
    const allowed = await Promise.all(actions.map((a) => this.offers(request, user, a.id)));
    return actions.filter((_, i) => allowed[i]);
  }

  /** Everyone who may act on a request's card: its requester, its editors and the approvers named for it. */
  audience(request: ChangeRequest): { anyone: boolean; principals: PrincipalId[] } {
    const { anyone, principals } = this.deps.policy.approversOf(request);
    return { anyone, principals: [...new Set([request.requester, ...request.editors, ...principals])] };
  }

  /** The plan card of a request as it stands. */
  planCard(request: ChangeRequest): Promise<Card> {
    return this.deps.publisher.renderPlanCard(request);
  }

  /** The Modify form: refused unless `user` may change this revision now. */
  async modifyForm(user: PrincipalId, requestId: RequestId, revision: number): Promise<ModifyForm> {
    const request = await this.request(requestId, revision);
    const refused = await this.requirements.refusal(request, user, 'modify', 'click', { revision });
    if (refused) throw new GreenlightError(refused.code, refused.message);
    const cap = capabilityOf(request);
    return { requestId, revision, title: cap.title, fields: formFields(cap.params, request.plan.params) };
  }

  /** Values the capability refuses go back to the form at once, with the reason; undefined when they parse. */
  async checkModify(requestId: RequestId, revision: number, values: Record<string, string>): Promise<ModifyForm | undefined> {
    const request = await this.request(requestId, revision);
    const cap = capabilityOf(request);
    const checked = cap.params.safeParse({ ...request.plan.params, ...valuesFromForm(cap.params, values) });
    if (checked.success) return undefined;
    const fields = formFields(cap.params, { ...request.plan.params, ...values });
    return { requestId, revision, title: cap.title, fields, problem: describeIssues(checked.error.issues, 'form') };
  }

  /** A submitted Modify form: a new revision planned and posted, or a note that nothing changed. */
  async submitModify(user: PrincipalId, requestId: RequestId, revision: number, values: Record<string, string>): Promise<PostedMessage[]> {
    const posted = await modifyRequest(this.deps, user, requestId, revision, values);
    if (posted) return posted;
    const request = await this.request(requestId);
    const nothing = errorCard(
      new GreenlightError(
        'bad_request',
        "Nothing changed: the form had the plan's values. Change a value and submit again, or approve the plan as it is.",
      ),
      request.id,
    );
    return [await this.deps.publisher.post(request.thread, nothing, null)];
  }

  /** A clarification form, to open as a dialog. */
  async clarificationForm(formId: ClarificationId): Promise<ClarificationForm> {
    const question = await findClarification(this.deps.db, formId);
    const cap = capabilities.find((c) => c.id === question?.intent);
    if (!question || !cap) throw new GreenlightError('not_found', `There is no open question ${formId}.`);
    return { formId, title: cap.title, fields: formFields(cap.params, question.params) };
  }

  /** A submitted clarification form: its values complete the original request. */
  submitForm(user: PrincipalId, formId: ClarificationId, values: Record<string, string>): Promise<PostedMessage[]> {
    return this.conversation.submitForm(user, formId, values);
  }

  /** Whether `user` may approve the request now, and why not (the console shows Approve only then). */
  async mayApprove(requestId: string, user: PrincipalId): Promise<{ allowed: boolean; reason?: string }> {
    const request = await findRequest(this.deps.db, requestId);
    if (!request) return { allowed: false, reason: `There is no request ${requestId}.` };
    const refused = await this.requirements.refusal(request, user, 'approve', 'view');
    return refused ? { allowed: false, reason: refused.message } : { allowed: true };
  }

  /** The console's thread list, as `user` sees it. */
  threadSummaries(user: PrincipalId): Promise<ThreadSummary[]> {
    return threadSummaries(this.deps.db, this.deps.policy, user, (request) => this.requirements.offers(request, user, 'approve'));
  }

  /** Requests waiting for `user`'s approval (the newest 200 waiting, those `user` may approve). */
  async waitingFor(user: PrincipalId, limit = 20): Promise<ChangeRequest[]> {
    const waiting = await listRequests(this.deps.db, { statuses: ['awaiting_approval'], limit: 200 });
    const offered = await Promise.all(waiting.map((r) => this.requirements.offers(r, user, 'approve')));
    return waiting.filter((_, i) => offered[i]).slice(0, limit);
  }

  /** `user`'s own recent requests. */
  recentOf(user: PrincipalId, limit = 10): Promise<ChangeRequest[]> {
    return listRequests(this.deps.db, { requester: user, limit });
  }

  /** A request with its approvals and its deployment. */
  async detail(requestId: string): Promise<RequestDetail> {
    const request = await this.request(requestId);
    const approvals = await listApprovals(this.deps.db, requestId);
    const deployment = await findDeployment(this.deps.db, { requestId, revision: request.revision });
    return { request, approvals, deployment };
  }
}

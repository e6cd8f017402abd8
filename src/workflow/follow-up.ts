import { capabilities } from '../../capabilities/index.ts';
import { errorCard } from '../../cards/info-cards.ts';
import { describeIssues, GreenlightError } from '../domain/errors.ts';
import type { ChangeRequest } from '../domain/types.ts';
import { extractParams } from '../router/extract.ts';
import { parseCommand } from '../router/grammar.ts';
import type { IntentId } from '../router/intents.ts';
import type { Params } from '../router/params.ts';
import { capabilityParams } from '../router/router.ts';
import { findRequest, latestRequestInThread } from '../store/requests.ts';
import { threadNames } from '../store/threads.ts';
import { refusedError } from './approval-policy.ts';
import type { ConversationDeps } from './conversation.ts';
import { valuesFromForm } from './forms.ts';
import type { InboundText } from './inbound.ts';
import type { PostedMessage } from './ports.ts';
import { replan } from './revisions.ts';

// A reply in the thread of a plan card that changes its parameters ("make it premium", "use
// westeurope instead", "make it 5 replicas") is a new revision of that request; the old card is
// marked superseded. Anything that reads as a new request is routed as one.

const MODIFY_WORDS = /\b(make it|instead|change it|switch|use|rather|actually|also|but)\b/i;

function modifications(intent: IntentId, text: string, stacks: readonly string[]): Params {
  const found = capabilityParams(intent, extractParams(intent, text, stacks));
  if (intent === 'provision_databricks') {
    const sku = /\b(premium|standard)\b/i.exec(text)?.[1]?.toLowerCase();
    if (sku) found.sku = sku;
  }
  return found;
}

export async function followUp(deps: ConversationDeps, input: InboundText): Promise<PostedMessage[] | null> {
  const open = await latestRequestInThread(deps.db, await threadNames(deps.db, input.thread.id));
  if (!open || !['awaiting_approval', 'expired'].includes(open.status) || !deps.policy.people.same(open.requester, input.user)) return null;
  // A self-declared console name linked to a verified person does not speak for them where the
  // environment asks for verified identities: the message is a new request, not a change of theirs.
  if (input.user !== open.requester && !deps.policy.identityIn(open.plan.environment, input.user).allowed) return null;
  if (parseCommand(input.text).kind === 'command') return null;
  const intent = open.capability as IntentId;
  const stacks = deps.stacks.list().map((s) => s.name);
  const found = modifications(intent, input.text, stacks);
  const current = open.plan.params;
  const changed = Object.entries(found).filter(([k, v]) => JSON.stringify(current[k]) !== JSON.stringify(v));
  if (changed.length === 0) return null;
  const other = deps.router.routeOffline(input.text);
  if (other.intent !== intent && other.confidence >= 0.8 && !MODIFY_WORDS.test(input.text)) return null;
  return applyModification(deps, open, input.user, found, changed);
}

/** Merges changed parameters into a request, checks them and plans it again as a new revision. */
async function applyModification(
  deps: ConversationDeps,
  open: ChangeRequest,
  user: string,
  found: Params,
  changed: [string, unknown][],
): Promise<PostedMessage[] | null> {
  const intent = open.capability as IntentId;
  const current = open.plan.params;
  const merged: Params = { ...current, ...found };
  if (intent === 'update_stack_config')
    merged.values = { ...(current.values as Params | undefined), ...(found.values as Params | undefined) };
  const cap = capabilities.find((c) => c.id === intent);
  if (!cap) return null;
  const parsed = cap.params.safeParse(merged);
  if (!parsed.success) {
    const problems = describeIssues(parsed.error.issues);
    return [
      await deps.publisher.post(
        open.thread,
        errorCard(new GreenlightError('bad_request', `${problems}. The plan in this thread is unchanged.`)),
        null,
      ),
    ];
  }
  const reason = `changed in the thread: ${changed.map(([k, v]) => `${k}=${typeof v === 'object' ? JSON.stringify(v) : String(v)}`).join(', ')}`;
  const next = await replan(
    deps,
    open,
    { from: ['awaiting_approval', 'expired'], to: 'superseded', actor: user, reason },
    { params: parsed.data as Params, editor: user },
  );
  if (!next) return null;
  deps.metrics.requests.inc({ capability: intent, outcome: 'modified' });
  const card = await deps.publisher.renderPlanCard(next);
  return [{ messageId: next.planMessageId ?? '', card, requestId: next.id }];
}

/** The Modify form (Slack modal, Teams card inputs): new values for a request awaiting approval. */
export async function modifyRequest(
  deps: ConversationDeps,
  user: string,
  requestId: string,
  revision: number,
  values: Record<string, string>,
): Promise<PostedMessage[] | null> {
  const open = await findRequest(deps.db, requestId);
  if (!open) throw new GreenlightError('not_found', `There is no request ${requestId}.`);
  if (open.revision !== revision)
    throw new GreenlightError('superseded', `Revision ${revision} of ${requestId} was replaced by revision ${open.revision}.`);
  if (!['awaiting_approval', 'expired'].includes(open.status))
    throw new GreenlightError('already_decided', `${requestId} is ${open.status.replace('_', ' ')}; it can no longer be changed.`);
  const decision = deps.policy.canReject(open, user);
  if (!decision.allowed) throw refusedError(decision, `${user} may not change ${requestId}: only its requester or an approver can.`);
  const cap = capabilities.find((c) => c.id === open.capability);
  if (!cap) throw new GreenlightError('not_found', `${open.capability} is not a capability.`);
  const found = valuesFromForm(cap.params, values);
  // Compare after parsing: a form sends "4" where the plan holds 4.
  const parsed = cap.params.safeParse({ ...open.plan.params, ...found });
  const after = parsed.success ? (parsed.data as Params) : found;
  const changed = Object.entries(after).filter(([k, v]) => JSON.stringify(open.plan.params[k]) !== JSON.stringify(v));
  if (changed.length === 0) return null;
  return applyModification(deps, open, user, parsed.success ? after : found, changed);
}

import { type ErrorCode, GreenlightError } from '../domain/errors.ts';
import { canonicalJson, sha256 } from '../domain/hash.ts';
import type { Approval, ChangeRequest, PrincipalId } from '../domain/types.ts';
import type { Db } from '../store/database.ts';
import { listApprovals } from '../store/requests.ts';
import type { ApprovalPolicy } from './approval-policy.ts';
import { artifactIntact } from './planner.ts';

// Every condition a decision on a request must meet, as a list (Atlantis' apply requirements are
// the model). Each entry names the actions it guards and the moments it is asked at — the click,
// the per-user view that decides which buttons someone sees, and the apply that runs after the
// approvals — and returns nothing or a coded refusal. A new requirement is one entry here.

export type RequirementAction = 'approve' | 'reject' | 'replan' | 'modify' | 'apply';
export type RequirementMoment = 'click' | 'view' | 'apply';

export interface Refusal {
  code: ErrorCode;
  message: string;
}

export interface RequirementInput {
  request: ChangeRequest;
  user: PrincipalId;
  action: RequirementAction;
  moment: RequirementMoment;
  /** What the click named: the revision and plan hash its card showed, and what was typed beside it. */
  named: { revision?: number | undefined; planHash?: string | undefined; confirmation?: string | undefined };
  policy: ApprovalPolicy;
  now: Date;
  /** The approvals recorded for this request (read once, when a requirement asks). */
  approvals(): Promise<Approval[]>;
}

export interface Requirement {
  name: string;
  actions: readonly RequirementAction[];
  moments: readonly RequirementMoment[];
  check(input: RequirementInput): Refusal | undefined | Promise<Refusal | undefined>;
}

const refusal = (code: ErrorCode, message: string): Refusal => ({ code, message });
const DECISIONS = ['approve', 'reject', 'replan', 'modify'] as const;

/** Past its expiry, even if the sweep has not marked it yet. */
export function isExpired(request: ChangeRequest, now: Date): boolean {
  return request.status === 'expired' || (request.status === 'awaiting_approval' && Date.parse(request.plan.expiresAt) <= now.getTime());
}

export const REQUIREMENTS: readonly Requirement[] = [
  {
    name: 'approval names its plan',
    actions: ['approve'],
    moments: ['click'],
    check: ({ request, named }) =>
      named.revision === undefined || named.planHash === undefined
        ? refusal(
            'bad_request',
            `An approval must name the revision and the plan hash it approves (revision ${request.revision}, planHash ${request.plan.hash}); press Approve on the current card.`,
          )
        : undefined,
  },
  {
    name: 'current revision',
    actions: DECISIONS,
    moments: ['click'],
    check: ({ request, named }) =>
      named.revision !== undefined && named.revision !== request.revision
        ? refusal('superseded', `Revision ${named.revision} of ${request.id} was replaced by revision ${request.revision}.`)
        : undefined,
  },
  {
    name: 'plan hash',
    actions: DECISIONS,
    moments: ['click'],
    check: ({ request, named }) =>
      named.planHash !== undefined && named.planHash !== request.plan.hash
        ? refusal(
            'plan_mismatch',
            `The plan you saw (${named.planHash.slice(0, 12)}) is not the current plan (${request.plan.hash.slice(0, 12)}).`,
          )
        : undefined,
  },
  {
    name: 'may decide',
    actions: DECISIONS,
    moments: ['click', 'view'],
    check: ({ request, user, action, policy }) => {
      const decision = action === 'approve' ? policy.canApprove(request, user) : policy.canReject(request, user);
      if (decision.allowed) return undefined;
      // Modify says what it is about: "may not change", not "is not an approver".
      if (action === 'modify' && decision.code === 'permission_denied')
        return refusal('permission_denied', `${user} may not change ${request.id}: only its requester or an approver can.`);
      return refusal(decision.code, decision.reason);
    },
  },
  {
    name: 'an engine made the plan',
    actions: ['approve'],
    moments: ['click'],
    check: ({ request }) =>
      request.plan.madeBy === 'program analysis'
        ? refusal(
            'engine_not_found',
            `${request.id} was planned without an engine (the Pulumi CLI is not installed here): it can be reviewed, not applied. Install the Pulumi CLI and ask again.`,
          )
        : undefined,
  },
  {
    name: 'typed confirmation',
    actions: ['approve'],
    moments: ['click'],
    check: ({ request, named }) => {
      if (request.plan.operation !== 'destroy') return undefined;
      const typed = named.confirmation?.trim();
      if (typed === request.plan.stack) return undefined;
      const { stack } = request.plan;
      return refusal(
        'confirmation_required',
        typed
          ? `"${typed}" is not the stack's name: type ${stack} to confirm the destroy.`
          : `Destroying ${stack} needs its name typed to confirm: type ${stack} in the box, then Approve.`,
      );
    },
  },
  {
    // Not a dead end: the workflow answers this refusal with a fresh plan to review.
    name: 'not expired',
    actions: ['approve'],
    moments: ['click', 'view'],
    check: ({ request, now }) =>
      isExpired(request, now)
        ? refusal('plan_expired', `The plan for ${request.id} expired at ${request.plan.expiresAt} and was not applied.`)
        : undefined,
  },
  {
    name: 'only an expired plan is planned again',
    actions: ['replan'],
    moments: ['click'],
    check: ({ request, now }) =>
      isExpired(request, now)
        ? undefined
        : refusal('already_decided', `${request.id} is ${request.status.replace('_', ' ')}; only an expired plan can be planned again.`),
  },
  {
    name: 'awaiting a decision',
    actions: ['approve', 'reject', 'modify'],
    moments: ['click', 'view'],
    check: ({ request }) =>
      request.status === 'awaiting_approval' || request.status === 'expired'
        ? undefined
        : refusal('already_decided', `${request.id} is already ${request.status.replace('_', ' ')}.`),
  },
  {
    // The click records this inside its transaction (one person, one approval); the view hides the button.
    name: 'not approved by this person yet',
    actions: ['approve'],
    moments: ['view'],
    check: async ({ request, user, policy, approvals }) =>
      (await approvals()).some((a) => a.revision === request.revision && a.decision === 'approve' && policy.people.same(a.approver, user))
        ? refusal('already_approved', 'You already approved this revision.')
        : undefined,
  },
  {
    // The rule the click checked, asked again of what is stored: distinct people, entitled under
    // this revision's own rules, bound to this plan hash.
    name: 'approvals bound to the plan',
    actions: ['apply'],
    moments: ['apply'],
    check: async ({ request, policy, approvals }) => {
      const counted = policy.counted(
        request,
        (await approvals()).filter((a) => a.revision === request.revision),
      );
      const state = policy.state(request, counted);
      if (state.met) return undefined;
      const gate =
        state.gate && state.gate.have < state.gate.required
          ? ` and ${state.gate.have} of ${state.gate.required} from ${state.gate.approvers.join(', ')}`
          : '';
      return refusal(
        'plan_mismatch',
        `Only ${state.have} of ${state.need} approvals${gate} are bound to plan ${request.plan.hash.slice(0, 12)}.`,
      );
    },
  },
  {
    // The database is not trusted blindly: the stored plan must still be the one hashed and approved.
    name: 'plan unchanged since approval',
    actions: ['apply'],
    moments: ['apply'],
    check: ({ request }) => {
      const { hash, ...content } = request.plan;
      return sha256(canonicalJson(content)) === hash
        ? undefined
        : refusal('plan_mismatch', 'The stored plan does not match its hash: it was changed after it was planned.');
    },
  },
  {
    name: 'saved plan intact',
    actions: ['apply'],
    moments: ['apply'],
    check: ({ request }) =>
      request.plan.artifact && !artifactIntact(request.plan)
        ? refusal('plan_mismatch', 'The saved plan file is missing or differs from the one that was approved.')
        : undefined,
  },
];

export interface RequirementDeps {
  db: Db;
  policy: ApprovalPolicy;
  now: () => Date;
  /** The list to ask (tests add one); default REQUIREMENTS. */
  requirements?: readonly Requirement[] | undefined;
}

/** The list, asked by the click, the per-user views and the apply alike. */
export class Requirements {
  private readonly list: readonly Requirement[];

  constructor(private readonly deps: RequirementDeps) {
    this.list = deps.requirements ?? REQUIREMENTS;
  }

  /** The first requirement for this action and moment that refuses, in list order. */
  async refusal(
    request: ChangeRequest,
    user: PrincipalId,
    action: RequirementAction,
    moment: RequirementMoment,
    named: RequirementInput['named'] = {},
  ): Promise<Refusal | undefined> {
    let approvals: Promise<Approval[]> | undefined;
    const input: RequirementInput = {
      request,
      user,
      action,
      moment,
      named,
      policy: this.deps.policy,
      now: this.deps.now(),
      approvals: () => (approvals ??= listApprovals(this.deps.db, request.id)),
    };
    for (const requirement of this.list) {
      if (!requirement.actions.includes(action) || !requirement.moments.includes(moment)) continue;
      const refused = await requirement.check(input);
      if (refused) return refused;
    }
    return undefined;
  }

  /** Whether `user` is offered this action's button on the request's card now. */
  async offers(request: ChangeRequest, user: PrincipalId, action: RequirementAction): Promise<boolean> {
    return (await this.refusal(request, user, action, 'view')) === undefined;
  }

  /** The apply's own check, just before the engine runs: throws the refusal. */
  async assertApplicable(request: ChangeRequest, user: PrincipalId): Promise<void> {
    const refused = await this.refusal(request, user, 'apply', 'apply');
    if (refused) throw new GreenlightError(refused.code, refused.message);
  }
}

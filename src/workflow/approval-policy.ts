import type { ApprovalRule, Config } from '../config/schema.ts';
import { GreenlightError } from '../domain/errors.ts';
import { formatUsd } from '../domain/money.ts';
import { isProgram, isSelfDeclared, People, SYSTEM_PRINCIPAL } from '../domain/people.ts';
import type { Approval, Environment, PlanOperation, PrincipalId, RiskLevel } from '../domain/types.ts';

// Who may approve what. Defaults: anyone may approve; one approval; the requester may approve
// their own change in dev only; prod counts only verified identities. Config (`approvals.<env>`)
// overrides any of them, and `approvals.<env>.byRisk.<level>` tightens them from that risk up.
//
// Every decision is about one revision and reads everything from it: its plan's environment,
// risk and operation (never the environment the request started in), its requester and the
// people who changed it. Whoever changed a revision (Modify, a follow-up, a form) can never
// approve it, whatever `allowSelfApproval` says: self-approval exists so that people can
// self-serve their own requests, not so that an approver can rewrite someone else's.

const DEFAULT_RULES: Record<Environment, ApprovalRule> = {
  dev: { approvers: ['*'], allowSelfApproval: true, required: 1, requireSignedIn: false },
  staging: { approvers: ['*'], allowSelfApproval: false, required: 1, requireSignedIn: false },
  prod: { approvers: ['*'], allowSelfApproval: false, required: 1, requireSignedIn: true },
};

const RISK_ORDER: RiskLevel[] = ['low', 'medium', 'high', 'critical'];

/** What an approval decision reads of a request revision. A ChangeRequest is one. */
export interface ApprovalSubject {
  requester: PrincipalId;
  /** People who changed the request into this revision. */
  editors: readonly PrincipalId[];
  plan: {
    environment: Environment;
    operation: PlanOperation;
    risk: { level: RiskLevel };
    hash: string;
    /** The monthly cost and its change: above `approvals.<env>.byCost`, more approvals are needed. */
    cost?: { monthlyUsd: number | null; deltaUsd: number | null };
  };
}

/** The extra approvals a revision's cost calls for, from whom, and why (with the figures). */
export interface CostGate {
  approvers: string[];
  required: number;
  reason: string;
}

/** Where a revision's approval stands: met when enough people approved, and enough of them from the cost gate's list. */
export interface ApprovalState {
  met: boolean;
  have: number;
  need: number;
  gate?: CostGate & { have: number };
}

export type ApprovalDecision =
  | { allowed: true }
  | { allowed: false; code: 'permission_denied' | 'self_approval' | 'signin_required'; reason: string };

/**
 * The coded error for a refused decision. Not being entitled is said in the caller's words (what
 * it was about); any other refusal (sign-in required, self-approval) keeps its own reason.
 */
export function refusedError(decision: Extract<ApprovalDecision, { allowed: false }>, notEntitled: string): GreenlightError {
  return decision.code === 'permission_denied'
    ? new GreenlightError('permission_denied', notEntitled)
    : new GreenlightError(decision.code, decision.reason);
}

type PolicyConfig = Pick<Config, 'approvals' | 'groups'> & Partial<Pick<Config, 'policies' | 'people' | 'breakGlass' | 'lifetimes'>>;

export class ApprovalPolicy {
  readonly people: People;

  constructor(
    private readonly config: PolicyConfig,
    people?: People,
  ) {
    this.people = people ?? new People({ people: config.people ?? {} });
  }

  rule(environment: Environment, risk: RiskLevel = 'low', operation: PlanOperation = 'apply'): ApprovalRule {
    const { byRisk, byCost: _byCost, ...configured } = this.config.approvals[environment] ?? {};
    let rule: ApprovalRule = { ...DEFAULT_RULES[environment], ...configured };
    for (const level of RISK_ORDER.slice(1, RISK_ORDER.indexOf(risk) + 1)) {
      const stricter = byRisk?.[level as 'medium' | 'high' | 'critical'];
      if (stricter) rule = { ...rule, ...stricter };
    }
    // GL-APR-001: destroying a prod stack needs more than one pair of eyes.
    const destroyApprovals = this.config.policies?.prodDestroyApprovals ?? 1;
    if (operation === 'destroy' && environment === 'prod') rule = { ...rule, required: Math.max(rule.required, destroyApprovals) };
    return rule;
  }

  ruleFor(subject: ApprovalSubject): ApprovalRule {
    return this.rule(subject.plan.environment, subject.plan.risk.level, subject.plan.operation);
  }

  /** True when any identity of `user`'s person is named: the id, `*`, `group:<name>` or `person:<name>`. */
  private listed(user: PrincipalId, entries: string[]): boolean {
    const aliases = this.people.aliases(user);
    const claimed = this.people.groupsClaimedBy(user);
    return entries.some((entry) => {
      if (entry === '*') return true;
      if (entry.startsWith('group:')) {
        const group = entry.slice('group:'.length);
        return aliases.some((a) => (this.config.groups[group] ?? []).includes(a)) || claimed.includes(group);
      }
      return aliases.includes(entry);
    });
  }

  private where(subject: ApprovalSubject): string {
    const { environment, risk } = subject.plan;
    return risk.level === 'low' ? environment : `${environment} at ${risk.level} risk`;
  }

  /**
   * Whether `user` is someone who may decide or act in `environment` at all: a person (never a
   * program), and a verified one where the environment asks for signed-in identities. A
   * self-declared console name can be typed by anyone, so there it decides nothing — not even on
   * a request made under the same name. Asking stays open: a request goes through these rules.
   */
  identityIn(
    environment: Environment | undefined,
    user: PrincipalId,
    signedIn = this.rule(environment ?? 'prod').requireSignedIn,
  ): ApprovalDecision {
    if (isProgram(user))
      return {
        allowed: false,
        code: 'permission_denied',
        reason: `${user} is a program (an API token): only a person decides, in chat or the signed-in console.`,
      };
    if (signedIn && isSelfDeclared(user))
      return {
        allowed: false,
        code: 'signin_required',
        reason: `${user} is a self-declared console name; deciding in ${environment ?? 'an environment Greenlight does not know'} needs a verified identity (Slack, Teams or console sign-in).`,
      };
    return { allowed: true };
  }

  /**
   * Whether `user` may break a stack lock by hand (config `breakGlass`), verified where the stack's
   * environment asks for it (an unknown environment asks for it).
   */
  mayBreakGlass(user: PrincipalId, environment: Environment | undefined): ApprovalDecision {
    const identity = this.identityIn(environment, user);
    if (!identity.allowed) return identity;
    return this.listed(user, this.config.breakGlass ?? [])
      ? { allowed: true }
      : { allowed: false, code: 'permission_denied', reason: `${user} may not break stack locks: config breakGlass names who may.` };
  }

  /** The cost gate this revision trips, if any: `approvals.<env>.byCost`. */
  costGate(subject: ApprovalSubject): CostGate | undefined {
    const { environment, cost } = subject.plan;
    const gate = this.config.approvals[environment]?.byCost;
    if (!gate || !cost) return undefined;
    const usd = (n: number) => formatUsd(n, { cents: false });
    const why: string[] = [];
    if (gate.monthlyAbove !== undefined && cost.monthlyUsd !== null && cost.monthlyUsd > gate.monthlyAbove)
      why.push(`it costs ${usd(cost.monthlyUsd)} a month, over ${usd(gate.monthlyAbove)}`);
    if (gate.increaseAbove !== undefined && cost.deltaUsd !== null && cost.deltaUsd > gate.increaseAbove)
      why.push(`it raises the monthly cost by ${usd(cost.deltaUsd)}, over ${usd(gate.increaseAbove)}`);
    if (why.length === 0) return undefined;
    return { approvers: gate.approvers, required: gate.required, reason: `${why.join(' and ')} (approvals.${environment}.byCost)` };
  }

  /** Whether the approvals that count (`counted`) complete this revision's approval. */
  state(subject: ApprovalSubject, counted: readonly Approval[]): ApprovalState {
    const required = this.ruleFor(subject).required;
    const gate = this.costGate(subject);
    if (!gate) return { met: counted.length >= required, have: counted.length, need: required };
    // The gate's approvals come in addition to the usual ones: more people in all, enough from its list.
    const fromGate = counted.filter((a) => this.listed(a.approver, gate.approvers)).length;
    const need = required + gate.required;
    return { met: counted.length >= need && fromGate >= gate.required, have: counted.length, need, gate: { ...gate, have: fromGate } };
  }

  canApprove(subject: ApprovalSubject, user: PrincipalId): ApprovalDecision {
    const rule = this.ruleFor(subject);
    const where = this.where(subject);
    // Greenlight approves only what it asked for itself, where config lets it: the destroy of a
    // temporary environment whose lifetime ended (`lifetimes.<env>.destroyWithoutApproval`, never
    // prod) — and only as it asked for it: a revision someone changed is theirs to get approved.
    if (user === SYSTEM_PRINCIPAL) {
      const { environment, operation } = subject.plan;
      const allowed =
        subject.requester === SYSTEM_PRINCIPAL &&
        subject.editors.length === 0 &&
        operation === 'destroy' &&
        environment !== 'prod' &&
        this.config.lifetimes?.[environment]?.destroyWithoutApproval === true;
      return allowed
        ? { allowed: true }
        : {
            allowed: false,
            code: 'permission_denied',
            reason: `${user} approves only the destroy of an expired temporary environment, where config allows it.`,
          };
    }
    // Programs and agents request and read; only a person approves, whatever the lists say.
    if (isProgram(user)) {
      const reason = `${user} is a program (an API token): only a person approves, in chat or the signed-in console.`;
      return { allowed: false, code: 'permission_denied', reason };
    }
    const gate = this.costGate(subject);
    if (!this.listed(user, rule.approvers) && !(gate && this.listed(user, gate.approvers))) {
      const reason = `${user} is not an approver for ${where} (approvers: ${this.describe(subject)}).`;
      return { allowed: false, code: 'permission_denied', reason };
    }
    if (rule.requireSignedIn && isSelfDeclared(user)) {
      const reason = `${user} is a self-declared console name; approvals in ${where} need a verified identity (Slack, Teams or console sign-in).`;
      return { allowed: false, code: 'signin_required', reason };
    }
    if (subject.editors.some((editor) => this.people.same(editor, user))) {
      return { allowed: false, code: 'self_approval', reason: `${user} changed this revision and cannot approve it.` };
    }
    if (this.people.same(user, subject.requester) && !rule.allowSelfApproval) {
      return { allowed: false, code: 'self_approval', reason: `${user} requested this change and cannot approve it in ${where}.` };
    }
    return { allowed: true };
  }

  /**
   * Whether `user` may act on something of an environment that is not a request (a temporary
   * environment, a drift finding): its owners, or anyone who may approve there.
   */
  mayActIn(environment: Environment, user: PrincipalId, owners: readonly PrincipalId[] = []): ApprovalDecision {
    const identity = this.identityIn(environment, user);
    if (!identity.allowed) return identity;
    if (owners.some((p) => this.people.same(p, user)) || this.listed(user, this.rule(environment).approvers)) return { allowed: true };
    return { allowed: false, code: 'permission_denied', reason: `${user} is not an approver for ${environment}.` };
  }

  /** Approvers may reject; so may the requester and whoever changed it, to withdraw it. */
  canReject(subject: ApprovalSubject, user: PrincipalId): ApprovalDecision {
    const identity = this.identityIn(subject.plan.environment, user, this.ruleFor(subject).requireSignedIn);
    if (!identity.allowed) return identity;
    const own = [subject.requester, ...subject.editors].some((p) => this.people.same(p, user));
    if (own || this.listed(user, this.ruleFor(subject).approvers)) return { allowed: true };
    return {
      allowed: false,
      code: 'permission_denied',
      reason: `${user} is neither the requester nor an approver for ${subject.plan.environment}.`,
    };
  }

  /**
   * The approvals that count for this revision now: bound to its plan hash, by people still
   * entitled under its own rules, one per person. The click and the apply both ask this.
   */
  counted(subject: ApprovalSubject, approvals: readonly Approval[]): Approval[] {
    const seen = new Set<string>();
    return approvals.filter((a) => {
      if (a.decision !== 'approve' || a.planHash !== subject.plan.hash) return false;
      const person = this.people.personOf(a.approver);
      if (seen.has(person) || !this.canApprove(subject, a.approver).allowed) return false;
      seen.add(person);
      return true;
    });
  }

  /**
   * Everyone named as an approver for this environment and risk, groups expanded; `anyone` when
   * the list holds `*`. Channels use it to show decision buttons only to those who may press them.
   */
  approvers(environment: Environment, risk: RiskLevel = 'low'): { anyone: boolean; principals: PrincipalId[] } {
    const entries = this.rule(environment, risk).approvers;
    return { anyone: entries.includes('*'), principals: this.expand(entries) };
  }

  /** The principals an approver list names, groups and persons expanded (`*` names no one in particular). */
  private expand(entries: readonly string[]): PrincipalId[] {
    const principals = entries.flatMap((entry) => {
      if (entry === '*') return [];
      if (entry.startsWith('group:')) return this.config.groups[entry.slice('group:'.length)] ?? [];
      return this.people.aliases(entry).filter((a) => !a.startsWith('person:'));
    });
    return [...new Set(principals)];
  }

  describe(subject: ApprovalSubject): string {
    const rule = this.ruleFor(subject);
    const who = rule.approvers.includes('*') ? 'anyone' : rule.approvers.join(', ');
    const self = rule.allowSelfApproval ? '' : ' except the requester';
    const count = rule.required > 1 ? ` (${rule.required} distinct approvals needed)` : '';
    const signedIn = rule.requireSignedIn ? ' (signed in)' : '';
    const gate = this.costGate(subject);
    const extra = gate ? `; plus ${gate.required} from ${gate.approvers.join(', ')} because ${gate.reason}` : '';
    return `${who}${signedIn}${self}${count}${extra}`;
  }

  /** Everyone who may approve this revision (its cost gate's approvers too), groups expanded. */
  approversOf(subject: ApprovalSubject): { anyone: boolean; principals: PrincipalId[] } {
    const usual = this.approvers(subject.plan.environment, subject.plan.risk.level);
    const gate = this.costGate(subject);
    if (!gate) return usual;
    return { anyone: usual.anyone, principals: [...new Set([...usual.principals, ...this.expand(gate.approvers)])] };
  }
}

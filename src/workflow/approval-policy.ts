import type { ApprovalRule, Config } from '../config/schema.ts';
import type { Environment, PlanOperation, PrincipalId, RiskLevel } from '../domain/types.ts';

// Who may approve what. Defaults: anyone may approve; one approval; the requester may approve
// their own change in dev only. Config (`approvals.<env>`) overrides any of the three, and
// `approvals.<env>.byRisk.<level>` tightens them for plans at that risk level or above.

const DEFAULT_RULES: Record<Environment, ApprovalRule> = {
  dev: { approvers: ['*'], allowSelfApproval: true, required: 1 },
  staging: { approvers: ['*'], allowSelfApproval: false, required: 1 },
  prod: { approvers: ['*'], allowSelfApproval: false, required: 1 },
};

const RISK_ORDER: RiskLevel[] = ['low', 'medium', 'high', 'critical'];

export type ApprovalDecision = { allowed: true } | { allowed: false; code: 'permission_denied' | 'self_approval'; reason: string };

export class ApprovalPolicy {
  constructor(private readonly config: Pick<Config, 'approvals' | 'groups'> & Partial<Pick<Config, 'policies'>>) {}

  rule(environment: Environment, risk: RiskLevel = 'low', operation: PlanOperation = 'apply'): ApprovalRule {
    const { byRisk, ...configured } = this.config.approvals[environment] ?? {};
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

  /** True when `user` is named by an approver entry: the id itself, `*`, or `group:<name>`. */
  private listed(user: PrincipalId, entries: string[]): boolean {
    return entries.some((entry) => {
      if (entry === '*') return true;
      if (entry.startsWith('group:')) return (this.config.groups[entry.slice('group:'.length)] ?? []).includes(user);
      return entry === user;
    });
  }

  canApprove(environment: Environment, requester: PrincipalId, user: PrincipalId, risk: RiskLevel = 'low'): ApprovalDecision {
    const rule = this.rule(environment, risk);
    const where = risk === 'low' ? environment : `${environment} at ${risk} risk`;
    if (!this.listed(user, rule.approvers)) {
      const reason = `${user} is not an approver for ${where} (approvers: ${this.describe(environment, risk)}).`;
      return { allowed: false, code: 'permission_denied', reason };
    }
    if (user === requester && !rule.allowSelfApproval) {
      return { allowed: false, code: 'self_approval', reason: `${user} requested this change and cannot approve it in ${where}.` };
    }
    return { allowed: true };
  }

  /** Approvers may reject; so may the requester, to withdraw their own request. */
  canReject(environment: Environment, requester: PrincipalId, user: PrincipalId, risk: RiskLevel = 'low'): ApprovalDecision {
    if (user === requester || this.listed(user, this.rule(environment, risk).approvers)) return { allowed: true };
    return {
      allowed: false,
      code: 'permission_denied',
      reason: `${user} is neither the requester nor an approver for ${environment}.`,
    };
  }

  /**
   * Everyone named as an approver for this environment and risk, groups expanded; `anyone` when
   * the list holds `*`. Channels use it to show decision buttons only to those who may press them.
   */
  approvers(environment: Environment, risk: RiskLevel = 'low'): { anyone: boolean; principals: PrincipalId[] } {
    const entries = this.rule(environment, risk).approvers;
    const principals = entries.flatMap((entry) => {
      if (entry === '*') return [];
      if (entry.startsWith('group:')) return this.config.groups[entry.slice('group:'.length)] ?? [];
      return [entry];
    });
    return { anyone: entries.includes('*'), principals: [...new Set(principals)] };
  }

  describe(environment: Environment, risk: RiskLevel = 'low', operation: PlanOperation = 'apply'): string {
    const rule = this.rule(environment, risk, operation);
    const who = rule.approvers.includes('*') ? 'anyone' : rule.approvers.join(', ');
    const self = rule.allowSelfApproval ? '' : ' except the requester';
    const count = rule.required > 1 ? ` (${rule.required} distinct approvals needed)` : '';
    return `${who}${self}${count}`;
  }
}

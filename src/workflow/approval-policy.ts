import type { ApprovalRule, Config } from '../config/schema.ts';
import type { Environment, PrincipalId } from '../domain/types.ts';

// Who may approve what. Defaults: anyone may approve; one approval; the requester may approve
// their own change in dev only. Config (`approvals.<env>`) overrides any of the three.

const DEFAULT_RULES: Record<Environment, ApprovalRule> = {
  dev: { approvers: ['*'], allowSelfApproval: true, required: 1 },
  staging: { approvers: ['*'], allowSelfApproval: false, required: 1 },
  prod: { approvers: ['*'], allowSelfApproval: false, required: 1 },
};

export type ApprovalDecision = { allowed: true } | { allowed: false; code: 'permission_denied' | 'self_approval'; reason: string };

export class ApprovalPolicy {
  constructor(private readonly config: Pick<Config, 'approvals' | 'groups'>) {}

  rule(environment: Environment): ApprovalRule {
    return { ...DEFAULT_RULES[environment], ...this.config.approvals[environment] };
  }

  /** True when `user` is named by an approver entry: the id itself, `*`, or `group:<name>`. */
  private listed(user: PrincipalId, entries: string[]): boolean {
    return entries.some((entry) => {
      if (entry === '*') return true;
      if (entry.startsWith('group:')) return (this.config.groups[entry.slice('group:'.length)] ?? []).includes(user);
      return entry === user;
    });
  }

  canApprove(environment: Environment, requester: PrincipalId, user: PrincipalId): ApprovalDecision {
    const rule = this.rule(environment);
    if (!this.listed(user, rule.approvers)) {
      return {
        allowed: false,
        code: 'permission_denied',
        reason: `${user} is not an approver for ${environment} (approvers: ${this.describe(environment)}).`,
      };
    }
    if (user === requester && !rule.allowSelfApproval) {
      return {
        allowed: false,
        code: 'self_approval',
        reason: `${user} requested this change and cannot approve it in ${environment}.`,
      };
    }
    return { allowed: true };
  }

  /** Approvers may reject; so may the requester, to withdraw their own request. */
  canReject(environment: Environment, requester: PrincipalId, user: PrincipalId): ApprovalDecision {
    if (user === requester || this.listed(user, this.rule(environment).approvers)) return { allowed: true };
    return {
      allowed: false,
      code: 'permission_denied',
      reason: `${user} is neither the requester nor an approver for ${environment}.`,
    };
  }

  describe(environment: Environment): string {
    const rule = this.rule(environment);
    const who = rule.approvers.includes('*') ? 'anyone' : rule.approvers.join(', ');
    const self = rule.allowSelfApproval ? '' : ' except the requester';
    const count = rule.required > 1 ? ` (${rule.required} distinct approvals needed)` : '';
    return `${who}${self}${count}`;
  }
}

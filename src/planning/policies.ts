import type { PolicyFinding } from '../domain/types.ts';
import { liveChanges, type PlanFacts } from './plan-facts.ts';
import type { Policies } from './policy-config.ts';
import { allowedRegionsRule } from './rules/allowed-regions.ts';
import { budgetRule } from './rules/budget.ts';
import { clusterSizeRule } from './rules/cluster-size.ts';
import { internetIngressRule } from './rules/internet-ingress.ts';
import { prodDestroyApprovalsRule } from './rules/prod-destroy-approvals.ts';
import { publicStorageRule } from './rules/public-storage.ts';
import { requiredTagsRule } from './rules/required-tags.ts';
import type { PolicyRule } from './rules/rule.ts';

// Guardrails (seed 002): each rule has an id, a severity and a message that says how to comply.
// A blocking finding removes Approve from the card; a warning raises the risk. Rules read the
// plan's resource changes (engine preview or program analysis), so they hold for any capability
// or stack, not only the ones that were written with them in mind. One rule per file in ./rules/;
// a new rule is its file and one line in this table.

export { type Policies, policiesSchema } from './policy-config.ts';

export const POLICY_RULES = {
  'GL-APR-001': prodDestroyApprovalsRule,
  'GL-COST-001': budgetRule,
  'GL-TAG-001': requiredTagsRule,
  'GL-REG-001': allowedRegionsRule,
  'GL-NET-001': internetIngressRule,
  'GL-STO-001': publicStorageRule,
  'GL-SIZE-001': clusterSizeRule,
} as const satisfies Record<string, PolicyRule>;
export type PolicyRuleId = keyof typeof POLICY_RULES;

/** What the policies read of a plan (the facts risk reads too). */
export type PolicyInput = PlanFacts;

const RULES = Object.entries(POLICY_RULES) as [PolicyRuleId, PolicyRule][];

/** Plan-level rules first, then each live resource through the per-resource rules, in table order. */
export function evaluatePolicies(policies: Policies, facts: PolicyInput): PolicyFinding[] {
  const findings: PolicyFinding[] = [];
  const add = (ruleId: PolicyRuleId, found: { severity: 'block' | 'warn'; message: string } | undefined) => {
    if (!found) return;
    const chosen = policies.severity[ruleId] ?? found.severity;
    if (chosen !== 'off' && !findings.some((f) => f.ruleId === ruleId && f.message === found.message))
      findings.push({ ruleId, severity: chosen, message: found.message });
  };
  for (const [id, rule] of RULES) for (const found of rule.checkPlan?.(facts, policies) ?? []) add(id, found);
  for (const change of liveChanges(facts)) for (const [id, rule] of RULES) add(id, rule.checkChange?.(change, facts, policies));
  return findings;
}

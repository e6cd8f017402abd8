import type { ResourceChange } from '../../domain/types.ts';
import type { PlanFacts } from '../plan-facts.ts';
import type { Policies } from '../policy-config.ts';

// A guardrail: a plan-level check, a per-resource check, or both. Each returns what it finds with
// its default severity; config may turn a rule to warn or off (policies.severity.<id>).

export interface RuleFinding {
  severity: 'block' | 'warn';
  message: string;
}

export interface PolicyRule {
  title: string;
  /** Once per plan. */
  checkPlan?(facts: PlanFacts, policies: Policies): RuleFinding[];
  /** Once per resource the plan creates, updates or replaces. */
  checkChange?(change: ResourceChange, facts: PlanFacts, policies: Policies): RuleFinding | undefined;
}

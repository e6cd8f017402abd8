import type { Cost, Environment, PlanOperation, ResourceChange } from '../domain/types.ts';

// What a plan says about a change, gathered once by the planner and read by the policy rules and
// the risk score alike: where, what operation, which resources change, what it costs, whose it is.

export interface PlanFacts {
  environment: Environment;
  operation: PlanOperation;
  changes: ResourceChange[];
  cost: Cost;
  /** The request's team (its `team` parameter), when it names one. */
  team?: string | undefined;
  /** Monthly spend already running in the environment (and the team's share), other stacks only. */
  spend?: { environment: number; team: number };
  /** True when the stack has no resources yet. */
  firstDeploy?: boolean;
}

/** The changes that leave something in place: created, updated or replaced. */
export function liveChanges(facts: PlanFacts): ResourceChange[] {
  return facts.changes.filter((c) => c.operation === 'create' || c.operation === 'update' || c.operation === 'replace');
}

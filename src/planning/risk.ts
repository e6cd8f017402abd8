import type { Cost, Environment, PlanOperation, ResourceChange, Risk, RiskFactor, RiskLevel } from '../domain/types.ts';

// Risk as a score from named factors; the card lists every factor that added points. Weights are
// deliberately simple and visible so an approver can see why a change is "high".

const ENVIRONMENT_POINTS: Record<Environment, number> = { dev: 0, staging: 15, prod: 35 };

export interface RiskInput {
  environment: Environment;
  operation: PlanOperation;
  changes: ResourceChange[];
  cost: Cost;
  /** True when the stack has no resources yet. */
  firstDeploy: boolean;
}

export function levelFor(score: number): RiskLevel {
  if (score >= 75) return 'critical';
  if (score >= 50) return 'high';
  if (score >= 25) return 'medium';
  return 'low';
}

export function assessRisk(input: RiskInput): Risk {
  const factors: RiskFactor[] = [];
  const add = (id: string, label: string, points: number) => {
    if (points > 0) factors.push({ id, label, points });
  };
  add('environment', `environment is ${input.environment}`, ENVIRONMENT_POINTS[input.environment]);
  if (input.operation === 'destroy') add('destroy', 'destroys the whole stack', 40);
  const count = (op: ResourceChange['operation']) => input.changes.filter((c) => c.operation === op).length;
  const deletes = count('delete');
  const replaces = count('replace');
  add('deletes', `${deletes} resource(s) deleted`, Math.min(deletes * 10, 40));
  add('replacements', `${replaces} resource(s) replaced`, Math.min(replaces * 8, 30));
  const touched = input.changes.filter((c) => c.operation !== 'no-op' && c.operation !== 'read').length;
  if (touched > 25) add('size', `${touched} resources touched`, 15);
  else if (touched > 10) add('size', `${touched} resources touched`, 8);
  if (!input.firstDeploy && touched > 0 && input.operation !== 'destroy') add('existing', 'changes resources that already exist', 5);
  const delta = input.cost.deltaUsd ?? 0;
  if (delta > 5_000) add('cost', `monthly cost rises by $${Math.round(delta)}`, 25);
  else if (delta > 1_000) add('cost', `monthly cost rises by $${Math.round(delta)}`, 12);
  const score = Math.min(
    100,
    factors.reduce((sum, f) => sum + f.points, 0),
  );
  return { level: levelFor(score), score, factors };
}

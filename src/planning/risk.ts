import type { Cost, Environment, PlanOperation, ResourceChange, Risk, RiskFactor, RiskLevel } from '../domain/types.ts';

// Risk as a score from named factors; the card lists every factor that added points. Weights are
// deliberately simple and visible so an approver can see why a change is "high".

const ENVIRONMENT_POINTS: Record<Environment, number> = { dev: 0, staging: 15, prod: 35 };
const IAM_TYPE = /iam|role|(?<!management|network)polic(y|ies)|rbac|permission|serviceaccount|authorization(?!:getClientConfig)/i;
/** Resources whose 0.0.0.0/0 is a destination, not a way in (outbound rules, default routes). */
const OUTBOUND_TYPE = /egress|\/route:|routeTable/i;
const NETWORK_RULE_TYPE = /securitygroup|securityrule|firewall|networksecurity|nsg|ingress|networkacl|networkpolicy/i;

/** Costs that add points (USD a month). */
export const COST_THRESHOLDS = { monthly: [2_000, 10_000], delta: [1_000, 5_000] } as const;

export interface RiskInput {
  environment: Environment;
  operation: PlanOperation;
  changes: ResourceChange[];
  cost: Cost;
  /** True when the stack has no resources yet. */
  firstDeploy: boolean;
  /** Policy warnings on the plan: each raises the risk. */
  warnings?: number;
}

export function levelFor(score: number): RiskLevel {
  if (score >= 75) return 'critical';
  if (score >= 50) return 'high';
  if (score >= 25) return 'medium';
  return 'low';
}

/** Why a resource's inputs expose it to the internet, or null. */
export function publicExposure(inputs: unknown): string | null {
  const text = JSON.stringify(inputs ?? {});
  if (/"(0\.0\.0\.0\/0|::\/0)"/.test(text)) return 'open to 0.0.0.0/0';
  if (/"publicNetworkAccess":"Enabled"/i.test(text)) return 'publicNetworkAccess=Enabled';
  if (/"(allowBlobPublicAccess|publicAccess|public_network_access_enabled|publiclyAccessible)":true/i.test(text))
    return 'public access enabled';
  if (/"(acl)":"public-read(-write)?"/i.test(text)) return 'public-read ACL';
  if (/"(blockPublicAcls|blockPublicPolicy|restrictPublicBuckets|ignorePublicAcls)":false/i.test(text))
    return 'public access block disabled';
  // GCP: a grant to everyone, or a bucket whose public access prevention is off.
  if (/"members?":(\[[^\]]*)?"(allUsers|allAuthenticatedUsers)"/.test(text)) return 'granted to allUsers';
  if (/"publicAccessPrevention":"inherited"/i.test(text)) return 'public access prevention off';
  return null;
}

export function assessRisk(input: RiskInput): Risk {
  const factors: RiskFactor[] = [];
  const add = (id: string, label: string, points: number) => {
    if (points > 0) factors.push({ id, label, points });
  };
  const touched = input.changes.filter((c) => c.operation !== 'no-op' && c.operation !== 'read');
  const count = (op: ResourceChange['operation']) => touched.filter((c) => c.operation === op).length;

  add('environment', `environment is ${input.environment}`, ENVIRONMENT_POINTS[input.environment]);
  // A destroy is always at least high (50 points), whatever else the plan holds.
  if (input.operation === 'destroy') add('destroy', 'destroys the whole stack', 50);
  const deletes = count('delete');
  const replaces = count('replace');
  add('deletes', `${deletes} resource(s) deleted`, Math.min(deletes * 10, 40));
  add('replacements', `${replaces} resource(s) replaced`, Math.min(replaces * 8, 30));

  const exposed = touched
    .filter((c) => c.operation !== 'delete' && !OUTBOUND_TYPE.test(c.type))
    .map((c) => [c, publicExposure(c.inputs)] as const)
    .filter(([, why]) => why);
  if (exposed.length > 0) {
    add('public', `public exposure: ${exposed.map(([c, why]) => `${c.name} (${why})`).join(', ')}`, Math.min(15 * exposed.length, 30));
  }
  const iam = touched.filter((c) => IAM_TYPE.test(c.type));
  add('iam', `${iam.length} IAM / access change(s)`, Math.min(iam.length * 15, 30));
  const network = touched.filter((c) => NETWORK_RULE_TYPE.test(c.type));
  add('network', `${network.length} network rule change(s)`, Math.min(network.length * 10, 20));

  if (touched.length > 25) add('size', `${touched.length} resources touched`, 15);
  else if (touched.length > 10) add('size', `${touched.length} resources touched`, 8);
  const warnings = input.warnings ?? 0;
  add('policy', `${warnings} policy warning(s)`, Math.min(warnings * 10, 20));
  if (!input.firstDeploy && touched.length > 0 && input.operation !== 'destroy') add('existing', 'changes resources that already exist', 5);

  const monthly = input.cost.monthlyUsd ?? 0;
  const delta = input.cost.deltaUsd ?? 0;
  const [monthlyHigh, monthlyVeryHigh] = COST_THRESHOLDS.monthly;
  const [deltaHigh, deltaVeryHigh] = COST_THRESHOLDS.delta;
  if (monthly > monthlyVeryHigh) add('cost', `costs $${Math.round(monthly)} a month (over $${monthlyVeryHigh})`, 20);
  else if (monthly > monthlyHigh) add('cost', `costs $${Math.round(monthly)} a month (over $${monthlyHigh})`, 10);
  if (delta > deltaVeryHigh) add('cost-delta', `monthly cost rises by $${Math.round(delta)} (over $${deltaVeryHigh})`, 25);
  else if (delta > deltaHigh) add('cost-delta', `monthly cost rises by $${Math.round(delta)} (over $${deltaHigh})`, 12);

  const score = Math.min(
    100,
    factors.reduce((sum, f) => sum + f.points, 0),
  );
  return { level: levelFor(score), score, factors };
}

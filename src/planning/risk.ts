import { formatUsd } from '../domain/money.ts';
import type { Environment, ResourceChange, Risk, RiskFactor, RiskLevel } from '../domain/types.ts';
import type { PlanFacts } from './plan-facts.ts';

// Risk as a score from named factors; the card lists every factor that added points. Weights are
// deliberately simple and visible so an approver can see why a change is "high".

// Risk is about what a change does to what exists (issue 15): new, isolated resources weigh
// nothing; deletes and replacements of stateful resources (data loss), in-place changes to what
// serves traffic or holds data, widened permissions on existing identities and new exposure to
// the internet weigh by how much harm they can do, scaled by the environment; rules that restrict
// (default-deny policies, private sources, encryption) never add. Calibrated against the labelled
// scenarios in test/planning/risk-scenarios.ts (written before these weights).

/** Points for any change at all in an environment (a no-op plan scores nothing). */
const ENVIRONMENT_POINTS = { dev: 0, staging: 10, prod: 25 } satisfies Record<Environment, number>;
/** How much more harm the same thing does per environment. */
const ENVIRONMENT_SCALE = { dev: 1, staging: 1.3, prod: 1.6 } satisfies Record<Environment, number>;

const IAM_TYPE = /iam|role|(?<!management|network)polic(y|ies)|rbac|permission|serviceaccount|authorization(?!:getClientConfig)/i;
/** Resources whose 0.0.0.0/0 is a destination, not a way in (outbound rules, default routes). */
const OUTBOUND_TYPE = /egress|\/route:|routeTable/i;
/** Policies and settings that only ever restrict: adding them never adds risk. */
const RESTRICTIVE_TYPE = /networkpolic|encryption|publicaccessblock(?!.*false)|ownershipcontrols|versioning|limitrange|resourcequota/i;
/** Things that hold data: deleting or replacing one loses it. */
const STATEFUL_TYPE =
  /db_instance|rds|database|dbinstance|sql|dynamodb|_table\b|:table|s3_bucket$|s3\/bucket:bucket$|storage\/bucket:bucket$|storageaccount|blobcontainer|persistentvolume|ebs_volume|volume$|disk$|filesystem|efs|elasticache|redis|kafka|opensearch|elasticsearch|databricks:workspace|bigquery|cosmos|keyvault|secret(?!.*version)/i;
/** Things that serve traffic: changing one in place changes what users get. */
const SERVING_TYPE =
  /service(?!account|linkedrole)|listener|loadbalancer|_lb\b|\blb\b|targetgroup|aws_instance|ec2\/instance|virtualmachine|deployment|statefulset|function|gateway|webapp|appservice|containerapp|ingress(?!rule)|cdn|distribution|dns|record/i;
/** Budgets to weigh cost against when none is configured (the defaults of policies.budgets). */
const COST_FALLBACK_BUDGET = { dev: 5_000, staging: 10_000, prod: 50_000 } satisfies Record<Environment, number>;

/** Ports that expose data or a shell when open to the world. */
const SENSITIVE_PORTS = new Set([22, 23, 1433, 2375, 3306, 3389, 5432, 5984, 6379, 9200, 11211, 27017]);

/** The plan's facts (the ones the policies read too), and what the policies concluded. */
export interface RiskInput extends PlanFacts {
  /** Policy warnings on the plan: each raises the risk. */
  warnings?: number;
  /** The environment's monthly budget (policies): cost weighs in proportion to it. */
  budget?: number | undefined;
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
  if (
    /"(blockPublicAcls|blockPublicPolicy|restrictPublicBuckets|ignorePublicAcls|block_public_acls|block_public_policy|restrict_public_buckets|ignore_public_acls)":false/i.test(
      text,
    )
  )
    return 'public access block disabled';
  // GCP: a grant to everyone, or a bucket whose public access prevention is off.
  if (/"members?":(\[[^\]]*)?"(allUsers|allAuthenticatedUsers)"/.test(text)) return 'granted to allUsers';
  if (/"publicAccessPrevention":"inherited"/i.test(text)) return 'public access prevention off';
  return null;
}

/** How a resource is reachable from the internet: by anyone, or only with credentials. */
function exposureOf(c: ResourceChange): { why: string; anonymous: boolean; sensitive: boolean } | null {
  const why = publicExposure(c.inputs);
  if (!why) return null;
  const text = JSON.stringify(c.inputs);
  const ports = [...text.matchAll(/"(?:fromPort|from_port|port|destinationPortRange|toPort|to_port)":"?(\d+)/g)].map((m) => Number(m[1]));
  // Data made public counts as sensitive once there is data: a bucket born public holds none yet.
  const dataExposed =
    c.operation !== 'create' &&
    (/bucket|storage|blob|container/i.test(c.type) || /public access|public-read|allUsers|prevention off/.test(why));
  return {
    why,
    anonymous: why !== 'publicNetworkAccess=Enabled',
    sensitive: dataExposed || ports.some((p) => SENSITIVE_PORTS.has(p)),
  };
}

/** Existing resources, not themselves changed, that depend on something this plan changes or removes. */
export function dependentsOf(changes: readonly ResourceChange[]): string[] {
  const changed = changes.filter((c) => c.operation !== 'create' && c.operation !== 'no-op' && c.operation !== 'read');
  const touched = new Set(changed.map((c) => c.address));
  return [...new Set(changed.flatMap((c) => c.dependents ?? []))].filter((a) => !touched.has(a));
}

/** Risk labels carry whole, ungrouped dollars ("$3000"). */
const whole = { cents: false, grouping: false };

const short = (c: ResourceChange) => (c.address.length > 60 ? c.name : c.address);

export function assessRisk(input: RiskInput): Risk {
  const factors: RiskFactor[] = [];
  const add = (id: string, label: string, points: number) => {
    if (points > 0) factors.push({ id, label, points: Math.round(points) });
  };
  const { environment } = input;
  const scale = ENVIRONMENT_SCALE[environment];
  const touched = input.changes.filter((c) => c.operation !== 'no-op' && c.operation !== 'read');
  if (touched.length === 0) return { level: 'low', score: 0, factors: [], summary: 'Changes nothing.' };
  add('environment', `environment is ${environment}`, ENVIRONMENT_POINTS[environment]);

  // A whole-stack destroy is at least medium anywhere; what it deletes adds the rest.
  if (input.operation === 'destroy') add('destroy', 'destroys the whole stack', 25);
  const removed = touched.filter((c) => c.operation === 'delete' || c.operation === 'replace');
  const stateful = removed.filter((c) => STATEFUL_TYPE.test(c.type));
  const stateless = removed.filter((c) => !STATEFUL_TYPE.test(c.type));
  if (stateful.length > 0)
    add(
      'data-loss',
      `${stateful.map((c) => `${c.operation === 'replace' ? 'replaces' : 'deletes'} ${short(c)}`).join(', ')} (holds data: it is lost)`,
      Math.min(35 * stateful.length, 60) * scale,
    );
  if (stateless.length > 0) add('removes', `deletes or replaces ${stateless.length} resource(s)`, Math.min(8 * stateless.length, 20));

  const updated = touched.filter((c) => c.operation === 'update');
  const serving = updated.filter((c) => SERVING_TYPE.test(c.type) || STATEFUL_TYPE.test(c.type));
  if (serving.length > 0)
    add(
      'in-place',
      `changes in place what serves traffic or holds data: ${serving.map(short).join(', ')}`,
      Math.min(16 * serving.length, 30) * scale,
    );
  const otherUpdates = updated.filter((c) => !serving.includes(c) && !IAM_TYPE.test(c.type) && !RESTRICTIVE_TYPE.test(c.type));
  if (otherUpdates.length > 0)
    add('updates', `changes ${otherUpdates.length} other resource(s) in place`, Math.min(5 * otherUpdates.length, 15));

  // Permissions: widened on identities that exist (created ones belong to new resources).
  const widened = updated.filter((c) => IAM_TYPE.test(c.type));
  if (widened.length > 0)
    add(
      'permissions',
      `changes permissions on existing identities: ${widened.map(short).join(', ')}`,
      Math.min(25 * widened.length, 40) * scale,
    );

  // New exposure to the internet: the worst one counts, by who can reach it and what it opens.
  const exposed = touched
    .filter((c) => c.operation !== 'delete' && !OUTBOUND_TYPE.test(c.type))
    .map((c) => [c, exposureOf(c)] as const)
    .filter((e): e is readonly [ResourceChange, NonNullable<ReturnType<typeof exposureOf>>] => e[1] !== null);
  if (exposed.length > 0) {
    const worst = Math.max(...exposed.map(([, e]) => (!e.anonymous ? 5 : e.sensitive ? 35 : 25)));
    // Opening something that already runs is worse than a new thing born public.
    const onExisting = !input.firstDeploy && exposed.some(([, e]) => e.anonymous);
    add('public', `public exposure: ${exposed.map(([c, e]) => `${c.name} (${e.why})`).join(', ')}`, worst * scale + (onExisting ? 15 : 0));
  }

  // Blast radius: what already exists that this change touches, and what depends on that.
  const existingTouched = touched.filter((c) => c.operation !== 'create').length;
  if (existingTouched > 10) add('blast-radius', `touches ${existingTouched} existing resources`, 10);
  const dependents = dependentsOf(input.changes).length;
  if (dependents >= 3) add('dependents', `${dependents} other existing resource(s) depend on what changes`, dependents >= 10 ? 10 : 5);

  const warnings = input.warnings ?? 0;
  add('policy', `${warnings} policy warning(s)`, Math.min(warnings * 10, 20));

  // Cost in proportion to the environment's budget (fixed thresholds only when none is known).
  const delta = Math.max(input.cost.deltaUsd ?? input.cost.monthlyUsd ?? 0, 0);
  const budget = input.budget && input.budget > 0 ? input.budget : COST_FALLBACK_BUDGET[environment];
  const share = delta / budget;
  const costPoints = share >= 0.5 ? 50 : share >= 0.25 ? 30 : share >= 0.1 ? 20 : share >= 0.02 ? 5 : 0;
  add(
    'cost',
    `raises the monthly cost by ${formatUsd(delta, whole)}: ${Math.round(share * 100)}% of the ${environment} budget (${formatUsd(budget, whole)})`,
    costPoints,
  );

  const score = Math.min(
    100,
    factors.reduce((sum, f) => sum + f.points, 0),
  );
  const level = levelFor(score);
  const top = factors.filter((f) => f.id !== 'environment').sort((a, b) => b.points - a.points)[0];
  const Level = `${level[0]?.toUpperCase()}${level.slice(1)}`;
  const because = top && (top.id === 'public' ? `adds ${top.label}` : top.id === 'policy' ? `has ${top.label}` : top.label);
  const summary = because
    ? `${Level} mainly because it ${because}, in ${environment}.`
    : `${Level}: new resources only, in ${environment}.`;
  return { level, score, factors, summary };
}

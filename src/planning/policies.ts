import { z } from 'zod';
import type { Cost, Environment, PlanOperation, PolicyFinding, ResourceChange } from '../domain/types.ts';

// Guardrails (seed 002): each rule has an id, a severity and a message that says how to comply.
// A blocking finding removes Approve from the card; a warning raises the risk. Rules read the
// plan's resource changes (engine preview or program analysis), so they hold for any capability
// or stack, not only the ones that were written with them in mind.

const severity = z.enum(['block', 'warn', 'off']);
const perEnvironment = z.partialRecord(z.enum(['dev', 'staging', 'prod']), z.number().positive());

export const policiesSchema = z
  .object({
    /** Monthly budget (USD) per environment, and per team and environment. */
    budgets: perEnvironment.default({ dev: 5_000, staging: 10_000, prod: 50_000 }),
    teamBudgets: z.record(z.string(), perEnvironment).default({}),
    /** Tags every taggable resource must carry. */
    requiredTags: z.array(z.string()).default(['team', 'environment', 'owner', 'managed-by']),
    /** Regions resources may be created in (empty: any). */
    allowedRegions: z.array(z.string()).default([]),
    /** Ports that may be opened to the internet in prod. */
    publicPortsInProd: z.array(z.number().int()).default([80, 443]),
    /** Largest cluster (workers) per environment. */
    maxClusterWorkers: perEnvironment.default({ dev: 8, staging: 16, prod: 64 }),
    /** Distinct approvals a destroy in prod needs. */
    prodDestroyApprovals: z.number().int().min(1).default(2),
    /** Per-rule severity override, e.g. { GL-TAG-001: warn }. */
    severity: z.record(z.string(), severity).default({}),
  })
  .strict();
export type Policies = z.infer<typeof policiesSchema>;

export const POLICY_RULES = {
  'GL-COST-001': 'monthly budget per environment and team',
  'GL-TAG-001': 'required tags',
  'GL-REG-001': 'allowed regions',
  'GL-NET-001': 'no ingress from the internet in prod except the allowed ports',
  'GL-STO-001': 'no public storage in prod',
  'GL-SIZE-001': 'largest cluster per environment',
  'GL-APR-001': 'destroy in prod needs more approvals',
} as const;
export type PolicyRuleId = keyof typeof POLICY_RULES;

export interface PolicyInput {
  environment: Environment;
  operation: PlanOperation;
  changes: ResourceChange[];
  cost: Cost;
  /** The request's team (its `team` parameter), when it names one. */
  team?: string | undefined;
  /** Monthly spend already running in the environment (and the team's share), other stacks only. */
  spend: { environment: number; team: number };
}

const usd = (n: number) => `$${n.toLocaleString('en-US', { maximumFractionDigits: 0 })}`;
const OPEN_SOURCES = new Set(['*', '0.0.0.0/0', '::/0', 'internet', 'any']);
const STORAGE_TYPE = /storage|bucket|blob|container|s3/i;
const CLUSTER_TYPE = /cluster|nodepool|node_group|nodegroup/i;

/** Ports a rule's port range (or list) covers; `*` is every port. */
function ports(value: unknown): { all: boolean; list: number[] } {
  const parts = (Array.isArray(value) ? value : [value]).flatMap((v) => String(v ?? '').split(','));
  const list: number[] = [];
  for (const part of parts.map((p) => p.trim()).filter(Boolean)) {
    if (part === '*' || part === '0-65535' || part === '-1') return { all: true, list: [] };
    const [from, to] = part.split('-').map(Number);
    if (from === undefined || Number.isNaN(from)) continue;
    const end = to !== undefined && !Number.isNaN(to) ? to : from;
    if (end - from > 1024) return { all: true, list: [] };
    for (let p = from; p <= end; p++) list.push(p);
  }
  return { all: false, list };
}

/** Where an inbound rule lets traffic in from, in the shapes Azure NSG, AWS SG and k8s use. */
function inboundFromInternet(inputs: Record<string, unknown>): boolean {
  const direction = String(inputs.direction ?? inputs.type ?? 'Inbound').toLowerCase();
  if (!['inbound', 'ingress'].includes(direction)) return false;
  const access = String(inputs.access ?? 'Allow').toLowerCase();
  if (access !== 'allow') return false;
  const sources = [inputs.sourceAddressPrefix, inputs.sourceAddressPrefixes, inputs.cidrBlocks, inputs.cidrIpv4, inputs.ipv6CidrBlocks]
    .flat()
    .filter((s) => s !== undefined && s !== null)
    .map((s) => String(s).toLowerCase());
  return sources.some((s) => OPEN_SOURCES.has(s));
}

function portsOf(inputs: Record<string, unknown>) {
  if (inputs.fromPort !== undefined) return ports(`${inputs.fromPort}-${inputs.toPort ?? inputs.fromPort}`);
  return ports(inputs.destinationPortRange ?? inputs.destinationPortRanges ?? inputs.port ?? '*');
}

function isPublicStorage(inputs: Record<string, unknown>): string | null {
  if (inputs.allowBlobPublicAccess === true) return 'allowBlobPublicAccess is true';
  if (typeof inputs.publicAccess === 'string' && inputs.publicAccess.toLowerCase() !== 'none')
    return `publicAccess is ${inputs.publicAccess}`;
  if (typeof inputs.acl === 'string' && /^public-read/.test(inputs.acl)) return `ACL ${inputs.acl}`;
  for (const key of ['blockPublicAcls', 'blockPublicPolicy', 'ignorePublicAcls', 'restrictPublicBuckets'])
    if (inputs[key] === false) return `${key} is false`;
  if (inputs.publicAccessPrevention === 'inherited' || inputs.uniformBucketLevelAccess === false) return 'public access not prevented';
  return null;
}

function workersOf(inputs: Record<string, unknown>): number | null {
  const autoscale = inputs.autoscale as { maxWorkers?: number } | undefined;
  const candidates = [autoscale?.maxWorkers, inputs.numWorkers, inputs.maxCount, inputs.maxSize, inputs.nodeCount].filter(
    (n): n is number => typeof n === 'number',
  );
  return candidates.length ? Math.max(...candidates) : null;
}

export function evaluatePolicies(policies: Policies, input: PolicyInput): PolicyFinding[] {
  const findings: PolicyFinding[] = [];
  const add = (ruleId: PolicyRuleId, defaultSeverity: 'block' | 'warn', message: string) => {
    const chosen = policies.severity[ruleId] ?? defaultSeverity;
    if (chosen !== 'off' && !findings.some((f) => f.ruleId === ruleId && f.message === message))
      findings.push({ ruleId, severity: chosen, message });
  };
  const { environment } = input;
  const prod = environment === 'prod';
  const live = input.changes.filter((c) => ['create', 'update', 'replace'].includes(c.operation));

  if (input.operation === 'destroy' && prod && policies.prodDestroyApprovals > 1)
    add('GL-APR-001', 'warn', `Destroying a prod stack needs ${policies.prodDestroyApprovals} distinct approvals.`);

  // Budget: what already runs in the environment (other stacks) plus this stack after the change.
  const monthly = input.cost.monthlyUsd;
  if (monthly !== null && input.operation !== 'destroy') {
    const budget = policies.budgets[environment];
    const total = input.spend.environment + monthly;
    if (budget !== undefined && total > budget)
      add(
        'GL-COST-001',
        'block',
        `${environment} would cost ${usd(total)} a month (${usd(input.spend.environment)} running + ${usd(monthly)} for this stack), over its ${usd(budget)} budget by ${usd(total - budget)}. Choose a smaller size or fewer hours, or ask for a budget raise (policies.budgets.${environment}).`,
      );
    const teamBudget = input.team ? policies.teamBudgets[input.team]?.[environment] : undefined;
    const teamTotal = input.spend.team + monthly;
    if (input.team && teamBudget !== undefined && teamTotal > teamBudget)
      add(
        'GL-COST-001',
        'block',
        `Team ${input.team} would spend ${usd(teamTotal)} a month in ${environment}, over its ${usd(teamBudget)} budget by ${usd(teamTotal - teamBudget)}. Make the request smaller or raise policies.teamBudgets.${input.team}.${environment}.`,
      );
  }

  for (const change of live) {
    const inputs = change.inputs;
    // Tags: only resources that take tags (their inputs carry a `tags` map) are held to it.
    const tags = inputs.tags ?? inputs.labels;
    if (tags && typeof tags === 'object' && policies.requiredTags.length) {
      const missing = policies.requiredTags.filter((t) => !(t in (tags as Record<string, unknown>)));
      if (missing.length)
        add(
          'GL-TAG-001',
          'block',
          `${change.address} lacks the tag(s) ${missing.join(', ')}. Add them (every taggable resource carries ${policies.requiredTags.join(', ')}).`,
        );
    }
    const region = inputs.location ?? inputs.region;
    if (
      policies.allowedRegions.length &&
      typeof region === 'string' &&
      !policies.allowedRegions.includes(region.toLowerCase().replace(/\s+/g, ''))
    )
      add(
        'GL-REG-001',
        'block',
        `${change.address} is in ${region}; allowed regions are ${policies.allowedRegions.join(', ')}. Pick one of them.`,
      );
    if (!/egress/i.test(change.type) && inboundFromInternet(inputs)) {
      const open = portsOf(inputs);
      const allowed = new Set(policies.publicPortsInProd);
      const bad = open.all ? ['every port'] : open.list.filter((p) => !allowed.has(p)).map(String);
      if (bad.length)
        add(
          'GL-NET-001',
          prod ? 'block' : 'warn',
          `${change.address} opens ${open.all ? 'every port' : `port ${bad.join(', ')}`} to the whole internet (0.0.0.0/0)${prod ? ' in prod' : ''}; only ${policies.publicPortsInProd.join(' / ')} may be. Narrow the source to your network's CIDR, or put the service behind a load balancer or a bastion.`,
        );
    }
    const publicStorage = STORAGE_TYPE.test(change.type) ? isPublicStorage(inputs) : null;
    if (publicStorage)
      add(
        'GL-STO-001',
        prod ? 'block' : 'warn',
        `${change.address} would be publicly readable (${publicStorage})${prod ? ' in prod' : ''}. Keep public access blocked and share through signed URLs or a CDN with its own identity.`,
      );
    const workers = CLUSTER_TYPE.test(change.type) ? workersOf(inputs) : null;
    const max = policies.maxClusterWorkers[environment];
    if (workers !== null && max !== undefined && workers > max)
      add(
        'GL-SIZE-001',
        'block',
        `${change.address} scales to ${workers} workers; ${environment} allows at most ${max}. Lower max_workers to ${max} or fewer.`,
      );
  }
  return findings;
}

import { describe, expect, it } from 'vitest';
import { provisionEcsService } from '../../capabilities/provision-ecs-service/index.ts';
import { provisionK8sNamespace } from '../../capabilities/provision-k8s-namespace/index.ts';
import { provisionOpenAi } from '../../capabilities/provision-openai/index.ts';
import type { PlanningCapability } from '../../capabilities/types.ts';
import type { ResourceChange } from '../../src/domain/types.ts';
import { estimateCost } from '../../src/planning/cost.ts';
import { evaluatePolicies, policiesSchema } from '../../src/planning/policies.ts';
import { analyseProgram } from '../../src/planning/program-analysis.ts';
import { assessRisk } from '../../src/planning/risk.ts';

// The ECS, Kubernetes namespace and Azure OpenAI programs under pulumi.runtime.setMocks (the
// stand-in for the Pulumi CLI and the clouds): what they register, what it costs, what the
// policies say. Prices are the catalog's; the expected figures are worked out by hand below.

const services = {} as never;
const all = (changes: ResourceChange[], type: string) => changes.filter((c) => c.type === type).map((c) => c.inputs as Record<string, any>);
const one = (changes: ResourceChange[], type: string) => all(changes, type)[0] as Record<string, any>;

async function planOf(cap: PlanningCapability, raw: Record<string, unknown>) {
  const draft = await cap.plan(cap.params.parse(raw), { user: 'console:alice', services });
  if (!draft.program) throw new Error(`${cap.id} must build a program`);
  const changes = await analyseProgram(draft.program);
  const cost = estimateCost(changes, draft.costHints);
  const environment = raw.environment as 'dev' | 'prod';
  const findings = evaluatePolicies(policiesSchema.parse({}), {
    environment,
    operation: 'apply',
    changes,
    cost,
    spend: { environment: 0, team: 0 },
  });
  return { draft, changes, cost, findings };
}

const ecs = { service: 'checkout', team: 'shop', region: 'us-east-1', image: 'public.ecr.aws/nginx/nginx:1.27' };

describe('provision_ecs_service', () => {
  it('dev: VPC with public + private subnets in two zones, one NAT, ALB on :80, tasks private and reachable from the ALB only', async () => {
    const { draft, changes, cost, findings } = await planOf(provisionEcsService, { ...ecs, environment: 'dev' });
    expect(draft.stack).toBe('ecs-checkout/dev');
    expect(changes).toHaveLength(33);
    const subnets = all(changes, 'aws:ec2/subnet:Subnet');
    expect(subnets.map((s) => `${s.availabilityZone} ${s.cidrBlock}`).sort()).toEqual([
      'us-east-1a 10.40.0.0/20',
      'us-east-1a 10.40.128.0/20',
      'us-east-1b 10.40.144.0/20',
      'us-east-1b 10.40.16.0/20',
    ]);
    expect(all(changes, 'aws:ec2/natGateway:NatGateway')).toHaveLength(1);
    const ingress = all(changes, 'aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule');
    expect(ingress.map((r) => [r.fromPort, r.cidrIpv4 ?? 'from the ALB group'])).toEqual([
      [80, '0.0.0.0/0'],
      [8080, 'from the ALB group'],
    ]);
    expect(one(changes, 'aws:ecs/service:Service')).toMatchObject({
      desiredCount: 2,
      launchType: 'FARGATE',
      networkConfiguration: { assignPublicIp: false },
      deploymentCircuitBreaker: { enable: true, rollback: true },
      region: 'us-east-1',
      tags: { team: 'shop', environment: 'dev', owner: 'console:alice', service: 'checkout', 'managed-by': 'greenlight' },
    });
    expect(one(changes, 'aws:ecs/taskDefinition:TaskDefinition')).toMatchObject({
      cpu: '256',
      memory: '512',
      requiresCompatibilities: ['FARGATE'],
    });
    // NAT 32.85 + IP 3.65 + ALB 730 × (0.0225 + 0.008) + Fargate 2 × 730 × (0.25 × 0.04048 + 0.5 × 0.004445)
    expect(cost.monthlyUsd).toBeCloseTo(32.85 + 3.65 + 730 * (0.0225 + 0.008) + 2 * 730 * (0.25 * 0.04048 + 0.5 * 0.004445), 2);
    expect(cost.breakdown.filter((l) => l.monthlyUsd === null)).toEqual([]);
    expect(findings).toEqual([]);
  });

  it('prod: a NAT per zone, deletion protection, 90-day logs; egress to 0.0.0.0/0 is not counted as exposure', async () => {
    const { changes, cost, findings } = await planOf(provisionEcsService, {
      ...ecs,
      environment: 'prod',
      desired_count: 4,
      cpu: 512,
      memory: 1024,
    });
    expect(all(changes, 'aws:ec2/natGateway:NatGateway')).toHaveLength(2);
    expect(one(changes, 'aws:lb/loadBalancer:LoadBalancer')).toMatchObject({ enableDeletionProtection: true, internal: false });
    expect(one(changes, 'aws:cloudwatch/logGroup:LogGroup')).toMatchObject({ retentionInDays: 90 });
    // 2 × (32.85 + 3.65) + 22.265 + 4 × 730 × (0.5 × 0.04048 + 1 × 0.004445)
    expect(cost.monthlyUsd).toBeCloseTo(73 + 22.265 + 72.08, 1);
    expect(findings).toEqual([]);
    const risk = assessRisk({ environment: 'prod', operation: 'apply', changes, cost, firstDeploy: true });
    const publicFactor = risk.factors.find((f) => f.id === 'public');
    expect(publicFactor?.label).toBe('public exposure: checkout-prod-alb-http (open to 0.0.0.0/0)');
  });

  it('refuses a memory size Fargate would refuse, listing the ones that work, and a region that is not AWS', () => {
    const bad = provisionEcsService.params.safeParse({ ...ecs, environment: 'dev', cpu: 256, memory: 4096 });
    expect(bad.error?.issues[0]?.message).toBe('memory for cpu=256 must be one of 512, 1024, 2048 MiB');
    const region = provisionEcsService.params.safeParse({ ...ecs, environment: 'dev', region: 'eastus' });
    expect(region.error?.issues[0]?.message).toContain('region must be an AWS region code');
    const image = provisionEcsService.params.safeParse({ ...ecs, environment: 'dev', image: 'nginx' });
    expect(image.error?.issues[0]?.message).toContain('image is repository:tag');
  });
});

describe('provision_k8s_namespace', () => {
  it('namespace, quota, limit range, the team group bound to edit, default-deny ingress; $0 and every object priced', async () => {
    const { draft, changes, cost, findings } = await planOf(provisionK8sNamespace, { team: 'payments', environment: 'prod' });
    expect(draft.stack).toBe('k8s-payments-prod/prod');
    expect(changes.map((c) => c.type).sort()).toEqual([
      'kubernetes:core/v1:LimitRange',
      'kubernetes:core/v1:Namespace',
      'kubernetes:core/v1:ResourceQuota',
      'kubernetes:networking.k8s.io/v1:NetworkPolicy',
      'kubernetes:networking.k8s.io/v1:NetworkPolicy',
      'kubernetes:rbac.authorization.k8s.io/v1:RoleBinding',
    ]);
    expect(one(changes, 'kubernetes:core/v1:Namespace').metadata).toMatchObject({
      name: 'payments-prod',
      labels: { team: 'payments', environment: 'prod', 'managed-by': 'greenlight' },
    });
    expect(one(changes, 'kubernetes:core/v1:ResourceQuota').spec.hard).toMatchObject({
      'requests.cpu': '16',
      'requests.memory': '32Gi',
      pods: '100',
    });
    expect(one(changes, 'kubernetes:rbac.authorization.k8s.io/v1:RoleBinding')).toMatchObject({
      roleRef: { kind: 'ClusterRole', name: 'edit' },
      subjects: [{ kind: 'Group', name: 'team-payments' }],
    });
    const deny = all(changes, 'kubernetes:networking.k8s.io/v1:NetworkPolicy').find((n) => n.metadata.name === 'default-deny-ingress');
    expect(deny?.spec).toEqual({ podSelector: {}, policyTypes: ['Ingress'] });
    expect(cost.monthlyUsd).toBe(0);
    expect(cost.breakdown.filter((l) => l.monthlyUsd === null)).toEqual([]);
    expect(findings).toEqual([]);
  });

  it('takes a custom size, group and context, and refuses a namespace that is not a DNS label', async () => {
    const { changes } = await planOf(provisionK8sNamespace, {
      team: 'search',
      environment: 'dev',
      namespace: 'search-tools',
      cpu: '500m',
      memory: '2Gi',
      group: 'search-eng',
      context: 'aks-dev',
    });
    expect(one(changes, 'kubernetes:core/v1:ResourceQuota').spec.hard).toMatchObject({ 'requests.cpu': '500m', 'limits.memory': '2Gi' });
    expect(one(changes, 'kubernetes:rbac.authorization.k8s.io/v1:RoleBinding').subjects[0].name).toBe('search-eng');
    const bad = provisionK8sNamespace.params.safeParse({ team: 'search', environment: 'dev', namespace: 'Search_Tools' });
    expect(bad.error?.issues[0]?.message).toContain('namespace is a DNS label');
  });
});

describe('provision_openai', () => {
  it('pay per token: account without local keys + pinned deployment; cost is the stated usage', async () => {
    const { draft, changes, cost } = await planOf(provisionOpenAi, {
      team: 'search',
      environment: 'prod',
      region: 'eastus2',
      model: 'gpt-4o',
      capacity: 50,
      monthly_million_tokens: 400,
    });
    expect(draft.stack).toBe('openai-search/prod');
    expect(one(changes, 'azure-native:cognitiveservices:Account')).toMatchObject({
      kind: 'OpenAI',
      sku: { name: 'S0' },
      properties: { disableLocalAuth: true, customSubDomainName: 'oai-search-prod-gl' },
      tags: { team: 'search', environment: 'prod' },
    });
    expect(one(changes, 'azure-native:cognitiveservices:Deployment')).toMatchObject({
      sku: { name: 'GlobalStandard', capacity: 50 },
      properties: { model: { format: 'OpenAI', name: 'gpt-4o', version: '2024-11-20' } },
    });
    expect(cost.monthlyUsd).toBe(1750); // 300M × $2.50 + 100M × $10
    expect(cost.assumptions.join(' ')).toContain('usage assumed 400M tokens a month, 75 % input / 25 % output');
  });

  it('provisioned: the base is PTUs × hours; fewer than 15 PTUs and unknown models are refused', async () => {
    const { cost } = await planOf(provisionOpenAi, {
      team: 'search',
      environment: 'dev',
      region: 'eastus',
      deployment_type: 'provisioned',
      capacity: 15,
    });
    expect(cost.monthlyUsd).toBe(10_950); // 15 × 730 × $1
    const small = provisionOpenAi.params.safeParse({
      team: 'search',
      environment: 'dev',
      region: 'eastus',
      deployment_type: 'provisioned',
      capacity: 5,
    });
    expect(small.error?.issues[0]?.message).toBe('a provisioned deployment needs at least 15 PTUs (capacity=15)');
    const model = provisionOpenAi.params.safeParse({ team: 'search', environment: 'dev', region: 'eastus', model: 'gpt-9' });
    expect(model.error?.issues[0]?.message).toContain('model must be one of gpt-4o');
  });
});

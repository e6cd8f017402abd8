import { describe, expect, it } from 'vitest';
import type { Cost, ResourceChange } from '../../src/domain/types.ts';
import { evaluatePolicies, policiesSchema } from '../../src/planning/policies.ts';

const policies = policiesSchema.parse({ allowedRegions: ['eastus', 'westeurope'], teamBudgets: { data: { dev: 1_000 } } });
const cost = (monthlyUsd: number | null): Cost => ({ monthlyUsd, deltaUsd: monthlyUsd, breakdown: [], assumptions: [] });
const change = (type: string, inputs: Record<string, unknown>, operation: ResourceChange['operation'] = 'create'): ResourceChange => ({
  address: `${type}.x`,
  type,
  name: 'x',
  operation,
  inputs,
});
const evaluate = (changes: ResourceChange[], o: Partial<Parameters<typeof evaluatePolicies>[1]> = {}) =>
  evaluatePolicies(policies, {
    environment: 'prod',
    operation: 'apply',
    changes,
    cost: cost(10),
    spend: { environment: 0, team: 0 },
    ...o,
  });
const TAGS = { team: 'a', environment: 'prod', owner: 'o', 'managed-by': 'greenlight' };
const nsg = (port: string, source = '0.0.0.0/0') =>
  change('azure-native:network:SecurityRule', {
    direction: 'Inbound',
    access: 'Allow',
    sourceAddressPrefix: source,
    destinationPortRange: port,
  });

describe('policies', () => {
  it('GL-NET-001 blocks port 22 from the internet in prod, allows 443, warns outside prod, ignores a narrow source', () => {
    expect(evaluate([nsg('22')])).toEqual([expect.objectContaining({ ruleId: 'GL-NET-001', severity: 'block' })]);
    expect(evaluate([nsg('22')])[0]?.message).toContain('port 22');
    expect(evaluate([nsg('443')])).toEqual([]);
    expect(evaluate([nsg('*')])[0]?.message).toContain('every port');
    expect(evaluate([nsg('22')], { environment: 'dev' })[0]?.severity).toBe('warn');
    expect(evaluate([nsg('22', '10.0.0.0/8')])).toEqual([]);
    const sg = change('aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule', {
      cidrIpv4: '0.0.0.0/0',
      fromPort: 3389,
      toPort: 3389,
      type: 'ingress',
    });
    expect(evaluate([sg])[0]?.ruleId).toBe('GL-NET-001');
  });

  it('GL-STO-001 blocks public storage in prod', () => {
    expect(evaluate([change('azure-native:storage:StorageAccount', { allowBlobPublicAccess: true, tags: TAGS })])[0]).toMatchObject({
      ruleId: 'GL-STO-001',
      severity: 'block',
    });
    expect(evaluate([change('aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock', { blockPublicAcls: false })])[0]?.ruleId).toBe(
      'GL-STO-001',
    );
    expect(evaluate([change('azure-native:storage:StorageAccount', { allowBlobPublicAccess: false, tags: TAGS })])).toEqual([]);
  });

  it('GL-COST-001 blocks a budget breach with the figures, counting what already runs', () => {
    const [finding] = evaluate([], { environment: 'dev', cost: cost(4_000), spend: { environment: 1_500, team: 0 } });
    expect(finding).toMatchObject({ ruleId: 'GL-COST-001', severity: 'block' });
    expect(finding?.message).toContain('$5,500 a month ($1,500 running + $4,000 for this stack), over its $5,000 budget by $500');
    const team = evaluate([], { environment: 'dev', team: 'data', cost: cost(800), spend: { environment: 0, team: 300 } });
    expect(team[0]?.message).toContain('Team data would spend $1,100 a month in dev, over its $1,000 budget');
    expect(evaluate([], { environment: 'dev', cost: cost(null) })).toEqual([]);
  });

  it('GL-TAG-001, GL-REG-001 and GL-SIZE-001 name what to fix', () => {
    const untagged = evaluate([change('azure-native:resources:ResourceGroup', { location: 'eastus', tags: { team: 'a' } })]);
    expect(untagged[0]).toMatchObject({ ruleId: 'GL-TAG-001' });
    expect(untagged[0]?.message).toContain('environment, owner, managed-by');
    const region = evaluate([change('azure-native:resources:ResourceGroup', { location: 'brazilsouth', tags: TAGS })]);
    expect(region[0]).toMatchObject({ ruleId: 'GL-REG-001', severity: 'block' });
    const big = evaluate([change('databricks:index/cluster:Cluster', { autoscale: { minWorkers: 2, maxWorkers: 100 } })]);
    expect(big[0]).toMatchObject({ ruleId: 'GL-SIZE-001' });
    expect(big[0]?.message).toContain('at most 64');
    // Deleted resources are not held to rules for live ones.
    expect(evaluate([change('azure-native:resources:ResourceGroup', { location: 'brazilsouth' }, 'delete')])).toEqual([]);
  });

  it('GL-APR-001 says a prod destroy needs two approvals; severities can be changed or turned off', () => {
    expect(evaluate([], { operation: 'destroy' })[0]).toMatchObject({ ruleId: 'GL-APR-001', severity: 'warn' });
    const relaxed = policiesSchema.parse({ severity: { 'GL-NET-001': 'warn', 'GL-STO-001': 'off' } });
    const findings = evaluatePolicies(relaxed, {
      environment: 'prod',
      operation: 'apply',
      changes: [nsg('22'), change('azure-native:storage:StorageAccount', { allowBlobPublicAccess: true })],
      cost: cost(1),
      spend: { environment: 0, team: 0 },
    });
    expect(findings.map((f) => [f.ruleId, f.severity])).toEqual([['GL-NET-001', 'warn']]);
  });
});

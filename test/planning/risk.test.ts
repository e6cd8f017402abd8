import { describe, expect, it } from 'vitest';
import type { Cost, ResourceChange } from '../../src/domain/types.ts';
import { assessRisk, levelFor, publicExposure } from '../../src/planning/risk.ts';

const free: Cost = { monthlyUsd: 0, deltaUsd: 0, breakdown: [], assumptions: [] };
const change = (type: string, operation: ResourceChange['operation'], inputs: Record<string, unknown> = {}): ResourceChange => ({
  address: `${type}::x`,
  type,
  name: 'x',
  operation,
  inputs,
});

describe('risk assessment', () => {
  it('a first deploy of plain resources in dev is low with no factors', () => {
    expect(assessRisk({ environment: 'dev', operation: 'apply', changes: [change('t', 'create')], cost: free, firstDeploy: true })).toEqual(
      { level: 'low', score: 0, factors: [] },
    );
  });

  it('names every factor that raised it', () => {
    const risk = assessRisk({
      environment: 'prod',
      operation: 'apply',
      changes: [
        change('aws:ec2/securityGroupRule:SecurityGroupRule', 'create', { cidrBlocks: ['0.0.0.0/0'], fromPort: 22 }),
        change('azure-native:authorization:RoleAssignment', 'create'),
        change('t', 'delete'),
        change('t', 'replace'),
      ],
      cost: { monthlyUsd: 12_000, deltaUsd: 6_000, breakdown: [], assumptions: [] },
      firstDeploy: false,
    });
    expect(risk.factors.map((f) => f.id)).toEqual([
      'environment',
      'deletes',
      'replacements',
      'public',
      'iam',
      'network',
      'existing',
      'cost',
      'cost-delta',
    ]);
    expect(risk.factors.find((f) => f.id === 'public')?.label).toBe('public exposure: x (open to 0.0.0.0/0)');
    expect(risk.level).toBe('critical');
    expect(risk.score).toBe(100);
  });

  it('levels by score', () => {
    expect([0, 24, 25, 49, 50, 74, 75, 100].map(levelFor)).toEqual([
      'low',
      'low',
      'medium',
      'medium',
      'high',
      'high',
      'critical',
      'critical',
    ]);
  });

  it('a destroy in prod is critical: environment + destroy + deletes', () => {
    const risk = assessRisk({
      environment: 'prod',
      operation: 'destroy',
      changes: [change('t', 'delete')],
      cost: free,
      firstDeploy: false,
    });
    expect(risk).toMatchObject({ level: 'critical', score: 95 });
  });

  it('a destroy is at least high, even of an empty stack in dev', () => {
    const risk = assessRisk({ environment: 'dev', operation: 'destroy', changes: [], cost: free, firstDeploy: false });
    expect(risk).toMatchObject({ level: 'high', score: 50 });
  });

  it('recognises the usual ways of being public', () => {
    expect(publicExposure({ publicNetworkAccess: 'Enabled' })).toBe('publicNetworkAccess=Enabled');
    expect(publicExposure({ allowBlobPublicAccess: true })).toBe('public access enabled');
    expect(publicExposure({ acl: 'public-read' })).toBe('public-read ACL');
    expect(publicExposure({ blockPublicAcls: false })).toBe('public access block disabled');
    expect(publicExposure({ cidr: '10.0.0.0/16' })).toBeNull();
  });
});

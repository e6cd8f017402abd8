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
  it('a new isolated resource in dev is low, with no factors and a sentence saying why', () => {
    expect(assessRisk({ environment: 'dev', operation: 'apply', changes: [change('t', 'create')], cost: free, firstDeploy: true })).toEqual(
      {
        level: 'low',
        score: 0,
        factors: [],
        summary: 'Low: new resources only, in dev.',
      },
    );
  });

  it('a destroy of a stateful resource in prod is critical: data loss, named', () => {
    const risk = assessRisk({
      environment: 'prod',
      operation: 'destroy',
      changes: [change('aws_db_instance', 'delete')],
      cost: free,
      firstDeploy: false,
    });
    expect(risk.level).toBe('critical');
    expect(risk.factors.map((f) => f.id)).toEqual(['environment', 'destroy', 'data-loss']);
    expect(risk.summary).toBe('Critical mainly because it deletes aws_db_instance::x (holds data: it is lost), in prod.');
  });

  it('a new public endpoint in prod is at least high; the same in dev is medium', () => {
    const endpoint = [change('aws:ec2/securityGroupRule:SecurityGroupRule', 'create', { cidrBlocks: ['0.0.0.0/0'], fromPort: 443 })];
    const prod = assessRisk({ environment: 'prod', operation: 'apply', changes: endpoint, cost: free, firstDeploy: true });
    expect(['high', 'critical']).toContain(prod.level);
    expect(prod.factors.find((f) => f.id === 'public')?.label).toBe('public exposure: x (open to 0.0.0.0/0)');
    expect(assessRisk({ environment: 'dev', operation: 'apply', changes: endpoint, cost: free, firstDeploy: true }).level).toBe('medium');
  });

  it('a default-deny policy or encryption lowers nothing and raises nothing', () => {
    const base = [change('aws_ecs_service', 'update', { desired_count: 3 }), change('t', 'no-op')];
    for (const restrict of [
      change('kubernetes:networking.k8s.io/v1:NetworkPolicy', 'create', { spec: { podSelector: {}, policyTypes: ['Ingress'] } }),
      change('aws_s3_bucket_server_side_encryption_configuration', 'create'),
    ]) {
      for (const environment of ['dev', 'staging', 'prod'] as const) {
        const without = assessRisk({ environment, operation: 'apply', changes: base, cost: free, firstDeploy: false });
        const withIt = assessRisk({ environment, operation: 'apply', changes: [...base, restrict], cost: free, firstDeploy: false });
        expect(withIt.score, `${restrict.type} in ${environment}`).toBe(without.score);
      }
    }
  });

  it('cost weighs in proportion to the environment budget: the same $3,000 is high in dev, nothing in prod', () => {
    const cost: Cost = { monthlyUsd: 3_000, deltaUsd: 3_000, breakdown: [], assumptions: [] };
    const changes = [change('aws_instance', 'create')];
    expect(assessRisk({ environment: 'dev', operation: 'apply', changes, cost, firstDeploy: true, budget: 5_000 }).level).toBe('high');
    const prod = assessRisk({ environment: 'prod', operation: 'apply', changes, cost, firstDeploy: true, budget: 50_000 });
    expect(prod.factors.find((f) => f.id === 'cost')?.label).toBe('raises the monthly cost by $3000: 6% of the prod budget ($50000)');
  });

  it('what depends on a changed resource widens the blast radius: 3 or more others add points', () => {
    const network = { ...change('t', 'update'), address: 'net', dependents: ['db', 'app0', 'app1', 'gate'] };
    const risk = assessRisk({
      environment: 'dev',
      operation: 'apply',
      changes: [network, change('t', 'no-op')],
      cost: free,
      firstDeploy: false,
    });
    expect(risk.factors.find((f) => f.id === 'dependents')).toEqual({
      id: 'dependents',
      label: '4 other existing resource(s) depend on what changes',
      points: 5,
    });
  });

  it('a plan that changes nothing is low, even in prod', () => {
    expect(
      assessRisk({ environment: 'prod', operation: 'apply', changes: [change('t', 'no-op')], cost: free, firstDeploy: false }),
    ).toMatchObject({
      level: 'low',
      score: 0,
    });
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

  it('recognises the usual ways of being public', () => {
    expect(publicExposure({ publicNetworkAccess: 'Enabled' })).toBe('publicNetworkAccess=Enabled');
    expect(publicExposure({ allowBlobPublicAccess: true })).toBe('public access enabled');
    expect(publicExposure({ acl: 'public-read' })).toBe('public-read ACL');
    expect(publicExposure({ blockPublicAcls: false })).toBe('public access block disabled');
    expect(publicExposure({ cidr: '10.0.0.0/16' })).toBeNull();
  });
});

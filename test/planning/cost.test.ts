import { describe, expect, it } from 'vitest';
import type { ResourceChange } from '../../src/domain/types.ts';
import { estimateCost } from '../../src/planning/cost.ts';

// Figures computed by hand from src/planning/pricing-catalog.json.

function databricks(
  cluster: Record<string, unknown>,
  workspace: Record<string, unknown> = {},
  op: ResourceChange['operation'] = 'create',
): ResourceChange[] {
  return [
    { address: 'rg', type: 'azure-native:resources:ResourceGroup', name: 'rg', operation: 'create', inputs: {} },
    {
      address: 'ws',
      type: 'azure-native:databricks:Workspace',
      name: 'ws',
      operation: 'create',
      inputs: { sku: { name: 'premium' }, location: 'eastus', ...workspace },
    },
    { address: 'cluster', type: 'databricks:index/cluster:Cluster', name: 'cluster', operation: op, inputs: cluster },
  ];
}
const medium = { nodeTypeId: 'Standard_DS4_v2', driverNodeTypeId: 'Standard_DS4_v2', autoscale: { minWorkers: 1, maxWorkers: 4 } };

describe('cost estimator', () => {
  it('default dev Databricks shape: 3.5 nodes × (1.5 DBU × $0.55 + $0.458) × 220 h = $987.91', () => {
    const cost = estimateCost(databricks(medium), { hoursPerMonth: 220 });
    // driver 1 × 1.283 × 220 = 282.26; workers 2.5 × 1.283 × 220 = 705.65
    expect(cost.breakdown.filter((l) => l.address === 'cluster').map((l) => l.monthlyUsd)).toEqual([282.26, 705.65]);
    expect(cost.monthlyUsd).toBe(987.91);
    expect(cost.deltaUsd).toBe(987.91);
    expect(cost.assumptions).toEqual(
      expect.arrayContaining(['cluster runs 220 h a month', 'autoscaling averages 2.5 workers (midpoint of 1–4)']),
    );
  });

  it('lands inside seed 000 range ($784–3,600) for the default shape in dev and prod', () => {
    for (const hours of [220, 730]) {
      const monthly = estimateCost(databricks(medium), { hoursPerMonth: hours }).monthlyUsd ?? 0;
      expect(monthly).toBeGreaterThanOrEqual(784);
      expect(monthly).toBeLessThanOrEqual(3600);
    }
    expect(estimateCost(databricks(medium), { hoursPerMonth: 730 }).monthlyUsd).toBe(3278.07);
  });

  it('GPU nodes: 1 driver + 4 workers of NC8as_T4_v3 (1 DBU) at 730 h = 5 × (0.55 + 0.752) × 730', () => {
    const cost = estimateCost(databricks({ nodeTypeId: 'Standard_NC8as_T4_v3', autoscale: { minWorkers: 4, maxWorkers: 4 } }), {
      hoursPerMonth: 730,
    });
    expect(cost.monthlyUsd).toBe(4752.3);
  });

  it('prices an update as the delta against the current shape', () => {
    const changes = databricks({ ...medium, autoscale: { minWorkers: 1, maxWorkers: 8 } }, {}, 'update');
    changes[0]!.operation = 'no-op';
    changes[1]!.operation = 'no-op';
    changes[2]!.previous = medium;
    const cost = estimateCost(changes, { hoursPerMonth: 220 });
    // after: 5.5 nodes × 1.283 × 220 = 1552.43; before 987.91
    expect(cost.monthlyUsd).toBe(1552.43);
    expect(cost.deltaUsd).toBe(564.52);
  });

  it('a delete brings the delta below zero', () => {
    const changes = databricks(medium, {}, 'delete');
    changes[0]!.operation = 'no-op';
    changes[1]!.operation = 'no-op';
    const cost = estimateCost(changes, { hoursPerMonth: 220 });
    expect(cost.monthlyUsd).toBe(0);
    expect(cost.deltaUsd).toBe(-987.91);
  });

  it('lists unknown types as not priced, never as zero', () => {
    const cost = estimateCost(
      [...databricks(medium), { address: 'x', type: 'aws:dynamodb/table:Table', name: 'x', operation: 'create', inputs: {} }],
      { hoursPerMonth: 220 },
    );
    expect(cost.breakdown.find((l) => l.address === 'x')).toEqual({
      address: 'x',
      monthlyUsd: null,
      note: 'aws:dynamodb/table:Table is not in the pricing catalog',
    });
    expect(cost.assumptions).toContain('1 resource(s) not priced: the total leaves them out');
    expect(estimateCost([{ address: 'x', type: 'unknown:Thing', name: 'x', operation: 'create', inputs: {} }]).monthlyUsd).toBeNull();
  });

  it('uses the default region price and says so for a region the catalog lacks', () => {
    const cost = estimateCost(databricks(medium, { location: 'japaneast' }), { hoursPerMonth: 220 });
    expect(cost.monthlyUsd).toBe(987.91);
    expect(cost.assumptions).toContain('Standard_DS4_v2 in japaneast is not in the catalog: eastus VM price used');
  });

  it('an unknown node type is not priced, with the reason', () => {
    const cost = estimateCost(databricks({ nodeTypeId: 'Standard_M416ms_v2' }));
    expect(cost.breakdown.find((l) => l.address === 'cluster')?.note).toContain('Standard_M416ms_v2 is not in the pricing catalog');
  });
});

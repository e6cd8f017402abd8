import type { ChangeRequest, Plan } from '../../src/domain/types.ts';

/** A change request awaiting approval on sandbox/prod, for card and renderer tests. */
export function sampleRequest(overrides: Partial<ChangeRequest> = {}, plan: Partial<Plan> = {}): ChangeRequest {
  return {
    id: 'cr-0123456789',
    revision: 1,
    status: 'awaiting_approval',
    requester: 'console:alice',
    editors: [],
    capability: 'deploy_stack',
    stack: 'sandbox/prod',
    environment: 'prod',
    text: 'deploy sandbox/prod',
    thread: { channel: 'console', id: 't1' },
    planMessageId: null,
    createdAt: '2026-11-22T00:00:00.000Z',
    updatedAt: '2026-11-22T00:00:00.000Z',
    ...overrides,
    plan: {
      capability: 'deploy_stack',
      params: { stack: 'sandbox/prod' },
      stack: 'sandbox/prod',
      environment: 'prod',
      operation: 'apply',
      config: { replicas: '3' },
      overrides: {},
      changes: [],
      cost: { monthlyUsd: 10, deltaUsd: 10, breakdown: [], assumptions: ['730 hours a month'] },
      risk: { level: 'high', score: 55, factors: [{ id: 'environment', label: 'environment is prod', points: 35 }] },
      findings: [],
      estimatedSeconds: null,
      madeBy: 'engine preview',
      notes: [],
      artifact: null,
      createdAt: '2026-11-22T00:00:00.000Z',
      expiresAt: '2026-11-22T00:30:00.000Z',
      hash: 'c'.repeat(64),
      ...plan,
    },
  };
}

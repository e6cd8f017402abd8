import { describe, expect, it } from 'vitest';
import { ApprovalPolicy } from '../../src/workflow/approval-policy.ts';

describe('approval policy', () => {
  it('defaults: anyone approves; self-approval only in dev; one approval', () => {
    const policy = new ApprovalPolicy({ approvals: {}, groups: {} });
    expect(policy.canApprove('dev', 'a', 'a')).toEqual({ allowed: true });
    expect(policy.canApprove('staging', 'a', 'a')).toMatchObject({ allowed: false, code: 'self_approval' });
    expect(policy.canApprove('prod', 'a', 'a')).toMatchObject({ allowed: false, code: 'self_approval' });
    expect(policy.canApprove('prod', 'a', 'b')).toEqual({ allowed: true });
    expect(policy.rule('prod').required).toBe(1);
    expect(policy.describe('prod')).toBe('anyone except the requester');
  });

  it('config: user ids, groups, self-approval and counts per environment', () => {
    const policy = new ApprovalPolicy({
      groups: { sre: ['slack:T1:U1', 'console:bob'] },
      approvals: {
        prod: { approvers: ['group:sre', 'console:zoe'], required: 2 },
        dev: { allowSelfApproval: false },
      },
    });
    expect(policy.canApprove('prod', 'console:alice', 'console:bob')).toEqual({ allowed: true });
    expect(policy.canApprove('prod', 'console:alice', 'console:zoe')).toEqual({ allowed: true });
    const denied = policy.canApprove('prod', 'console:alice', 'console:eve');
    expect(denied).toMatchObject({ allowed: false, code: 'permission_denied' });
    expect(denied.allowed === false && denied.reason).toContain('group:sre');
    expect(policy.rule('prod')).toMatchObject({ required: 2, allowSelfApproval: false });
    expect(policy.canApprove('dev', 'console:a', 'console:a')).toMatchObject({
      allowed: false,
      code: 'self_approval',
    });
    expect(policy.describe('prod')).toBe('group:sre, console:zoe except the requester (2 distinct approvals needed)');
  });

  it('the requester or an approver may reject; a stranger may not', () => {
    const policy = new ApprovalPolicy({ groups: {}, approvals: { prod: { approvers: ['console:bob'] } } });
    expect(policy.canReject('prod', 'console:alice', 'console:alice')).toEqual({ allowed: true });
    expect(policy.canReject('prod', 'console:alice', 'console:bob')).toEqual({ allowed: true });
    expect(policy.canReject('prod', 'console:alice', 'console:eve')).toMatchObject({ allowed: false });
  });
});

describe('approval policy by risk level', () => {
  const policy = new ApprovalPolicy({
    groups: { leads: ['console:lead'] },
    approvals: { prod: { approvers: ['*'], byRisk: { high: { required: 2 }, critical: { approvers: ['group:leads'] } } } },
  });

  it('tightens from a level up and keeps what lower levels set', () => {
    expect(policy.rule('prod', 'low').required).toBe(1);
    expect(policy.rule('prod', 'medium').required).toBe(1);
    expect(policy.rule('prod', 'high').required).toBe(2);
    expect(policy.rule('prod', 'critical')).toMatchObject({ required: 2, approvers: ['group:leads'] });
    expect(policy.canApprove('prod', 'a', 'b', 'critical')).toMatchObject({ allowed: false, code: 'permission_denied' });
    expect(policy.canApprove('prod', 'a', 'console:lead', 'critical')).toEqual({ allowed: true });
    expect(policy.describe('prod', 'high')).toBe('anyone except the requester (2 distinct approvals needed)');
  });
});

import { describe, expect, it } from 'vitest';
import type { Environment, PlanOperation, RiskLevel } from '../../src/domain/types.ts';
import { ApprovalPolicy, type ApprovalSubject } from '../../src/workflow/approval-policy.ts';

function subject(
  environment: Environment,
  requester: string,
  options: { risk?: RiskLevel; operation?: PlanOperation; editors?: string[]; hash?: string } = {},
): ApprovalSubject {
  return {
    requester,
    editors: options.editors ?? [],
    plan: { environment, operation: options.operation ?? 'apply', risk: { level: options.risk ?? 'low' }, hash: options.hash ?? 'h1' },
  };
}

describe('approval policy', () => {
  it('defaults: anyone approves; self-approval only in dev; one approval; prod needs a verified identity', () => {
    const policy = new ApprovalPolicy({ approvals: {}, groups: {} });
    expect(policy.canApprove(subject('dev', 'a'), 'a')).toEqual({ allowed: true });
    expect(policy.canApprove(subject('staging', 'a'), 'a')).toMatchObject({ allowed: false, code: 'self_approval' });
    expect(policy.canApprove(subject('prod', 'slack:T1:A'), 'slack:T1:A')).toMatchObject({ allowed: false, code: 'self_approval' });
    expect(policy.canApprove(subject('prod', 'slack:T1:A'), 'slack:T1:B')).toEqual({ allowed: true });
    expect(policy.canApprove(subject('prod', 'console:a'), 'console:b')).toMatchObject({ allowed: false, code: 'signin_required' });
    expect(policy.rule('prod').required).toBe(1);
    expect(policy.describe(subject('prod', 'a'))).toBe('anyone (signed in) except the requester');
  });

  it('config: user ids, groups, self-approval and counts per environment', () => {
    const policy = new ApprovalPolicy({
      groups: { sre: ['slack:T1:U1', 'console:bob'] },
      approvals: {
        prod: { approvers: ['group:sre', 'console:zoe'], required: 2, requireSignedIn: false },
        dev: { allowSelfApproval: false },
      },
    });
    const prod = subject('prod', 'console:alice');
    expect(policy.canApprove(prod, 'console:bob')).toEqual({ allowed: true });
    expect(policy.canApprove(prod, 'console:zoe')).toEqual({ allowed: true });
    const denied = policy.canApprove(prod, 'console:eve');
    expect(denied).toMatchObject({ allowed: false, code: 'permission_denied' });
    expect(denied.allowed === false && denied.reason).toContain('group:sre');
    expect(policy.rule('prod')).toMatchObject({ required: 2, allowSelfApproval: false });
    expect(policy.canApprove(subject('dev', 'console:a'), 'console:a')).toMatchObject({ allowed: false, code: 'self_approval' });
    expect(policy.describe(prod)).toBe('group:sre, console:zoe except the requester (2 distinct approvals needed)');
  });

  it('the requester, an editor or an approver may reject; a stranger may not', () => {
    const policy = new ApprovalPolicy({ groups: {}, approvals: { prod: { approvers: ['console:bob'], requireSignedIn: false } } });
    const prod = subject('prod', 'console:alice', { editors: ['console:carol'] });
    expect(policy.canReject(prod, 'console:alice')).toEqual({ allowed: true });
    expect(policy.canReject(prod, 'console:carol')).toEqual({ allowed: true });
    expect(policy.canReject(prod, 'console:bob')).toEqual({ allowed: true });
    expect(policy.canReject(prod, 'console:eve')).toMatchObject({ allowed: false });
  });

  // Anyone can type any console name: where an environment asks for verified identities, such a
  // name decides nothing there — not a rejection or a change of "its own" request, not an
  // operation (extend, snooze, mark resolved…), not break-glass. Asking stays open.
  it('where sign-in is required, a self-declared console name may not reject, act or break glass; a verified one may', () => {
    const policy = new ApprovalPolicy({ groups: {}, approvals: {}, breakGlass: ['console:bob', 'slack:T1:UBOB'] });
    const prod = subject('prod', 'console:alice');
    expect(policy.canReject(prod, 'console:alice')).toMatchObject({ allowed: false, code: 'signin_required' });
    expect(policy.canReject(prod, 'console:bob')).toMatchObject({ allowed: false, code: 'signin_required' });
    expect(policy.canReject(subject('prod', 'slack:T1:UA'), 'slack:T1:UA')).toEqual({ allowed: true });
    expect(policy.mayActIn('prod', 'console:alice', ['console:alice'])).toMatchObject({ allowed: false, code: 'signin_required' });
    expect(policy.mayActIn('prod', 'slack:T1:UB')).toEqual({ allowed: true });
    expect(policy.mayBreakGlass('console:bob', 'prod')).toMatchObject({ allowed: false, code: 'signin_required' });
    expect(policy.mayBreakGlass('console:bob', undefined)).toMatchObject({ allowed: false, code: 'signin_required' });
    expect(policy.mayBreakGlass('slack:T1:UBOB', 'prod')).toEqual({ allowed: true });
    expect(policy.mayBreakGlass('slack:T1:UEVE', 'prod')).toMatchObject({ allowed: false, code: 'permission_denied' });
    // Where the environment does not ask for it (dev by default), the console name acts as before.
    expect(policy.canReject(subject('dev', 'console:alice'), 'console:alice')).toEqual({ allowed: true });
    expect(policy.mayActIn('dev', 'console:carol')).toEqual({ allowed: true });
    expect(policy.mayBreakGlass('console:bob', 'dev')).toEqual({ allowed: true });
    // A stricter risk level can ask for it where the environment does not.
    const strict = new ApprovalPolicy({ groups: {}, approvals: { staging: { byRisk: { high: { requireSignedIn: true } } } } });
    expect(strict.canReject(subject('staging', 'console:a', { risk: 'high' }), 'console:a')).toMatchObject({ code: 'signin_required' });
    expect(strict.canReject(subject('staging', 'console:a'), 'console:a')).toEqual({ allowed: true });
    // Programs never decide, whatever a list says.
    expect(new ApprovalPolicy({ groups: {}, approvals: { dev: { approvers: ['api:ci'] } } }).mayActIn('dev', 'api:ci')).toMatchObject({
      allowed: false,
      code: 'permission_denied',
    });
  });

  it('Greenlight approves only its own unchanged destroy outside prod, where config lets it', () => {
    const lifetime = { default: '1d', max: '7d', destroyWithoutApproval: true, temporaryByDefault: false };
    const policy = new ApprovalPolicy({ groups: {}, approvals: {}, lifetimes: { dev: lifetime } });
    const own = subject('dev', 'greenlight', { operation: 'destroy' });
    expect(policy.canApprove(own, 'greenlight')).toEqual({ allowed: true });
    // Changed by someone (Modify, a follow-up) between its posting and its approval: not Greenlight's to approve.
    expect(
      policy.canApprove(subject('dev', 'greenlight', { operation: 'destroy', editors: ['console:mallory'] }), 'greenlight'),
    ).toMatchObject({
      allowed: false,
    });
    expect(policy.canApprove(subject('dev', 'console:alice', { operation: 'destroy' }), 'greenlight')).toMatchObject({ allowed: false });
    expect(policy.canApprove(subject('dev', 'greenlight'), 'greenlight')).toMatchObject({ allowed: false });
    expect(policy.canApprove(subject('staging', 'greenlight', { operation: 'destroy' }), 'greenlight')).toMatchObject({ allowed: false });
  });

  it('whoever changed a revision can never approve it, even where self-approval is allowed', () => {
    const policy = new ApprovalPolicy({ groups: {}, approvals: {} });
    const dev = subject('dev', 'console:alice', { editors: ['console:bob'] });
    expect(policy.canApprove(dev, 'console:bob')).toMatchObject({ allowed: false, code: 'self_approval' });
    expect(policy.canApprove(dev, 'console:alice')).toEqual({ allowed: true });
    expect(policy.canApprove(dev, 'console:carol')).toEqual({ allowed: true });
  });

  it('people, not channel ids: linked identities are one requester and one approval', () => {
    const policy = new ApprovalPolicy({
      groups: { sre: ['slack:T1:UBOB'] },
      people: { bob: ['console:bob', 'slack:T1:UBOB'], alice: ['slack:T1:UALICE', 'teams:aad-alice'] },
      approvals: { prod: { approvers: ['group:sre', 'slack:T1:UCAROL'], required: 2 } },
    });
    const prod = subject('prod', 'slack:T1:UALICE', { operation: 'destroy', hash: 'h1' });
    // alice on Teams is still the requester; bob on any channel is in sre.
    expect(policy.canApprove(prod, 'teams:aad-alice')).toMatchObject({ allowed: false });
    const approvals = [
      { requestId: 'cr', revision: 1, approver: 'slack:T1:UBOB', planHash: 'h1', decision: 'approve' as const, at: '1' },
      { requestId: 'cr', revision: 1, approver: 'console:bob', planHash: 'h1', decision: 'approve' as const, at: '2' },
    ];
    expect(policy.counted(prod, approvals)).toHaveLength(1);
    const withCarol = [...approvals, { ...approvals[0]!, approver: 'slack:T1:UCAROL', at: '3' }];
    expect(policy.counted(prod, withCarol).map((a) => a.approver)).toEqual(['slack:T1:UBOB', 'slack:T1:UCAROL']);
    // Bound to the hash: an approval of another plan does not count.
    expect(policy.counted({ ...prod, plan: { ...prod.plan, hash: 'h2' } }, withCarol)).toHaveLength(0);
  });

  it('groups claimed by a verified sign-in satisfy group: entries', () => {
    const policy = new ApprovalPolicy({ groups: {}, approvals: { prod: { approvers: ['group:platform'] } } });
    const prod = subject('prod', 'oidc:idp:alice');
    expect(policy.canApprove(prod, 'oidc:idp:bob')).toMatchObject({ allowed: false, code: 'permission_denied' });
    policy.people.rememberGroups('oidc:idp:bob', ['platform']);
    expect(policy.canApprove(prod, 'oidc:idp:bob')).toEqual({ allowed: true });
  });
});

describe('approval policy by risk level', () => {
  const policy = new ApprovalPolicy({
    groups: { leads: ['slack:T:lead'] },
    approvals: { prod: { approvers: ['*'], byRisk: { high: { required: 2 }, critical: { approvers: ['group:leads'] } } } },
  });

  it('tightens from a level up and keeps what lower levels set', () => {
    expect(policy.rule('prod', 'low').required).toBe(1);
    expect(policy.rule('prod', 'medium').required).toBe(1);
    expect(policy.rule('prod', 'high').required).toBe(2);
    expect(policy.rule('prod', 'critical')).toMatchObject({ required: 2, approvers: ['group:leads'] });
    expect(policy.canApprove(subject('prod', 'a', { risk: 'critical' }), 'b')).toMatchObject({ allowed: false, code: 'permission_denied' });
    expect(policy.canApprove(subject('prod', 'a', { risk: 'critical' }), 'slack:T:lead')).toEqual({ allowed: true });
    expect(policy.describe(subject('prod', 'a', { risk: 'high' }))).toBe(
      'anyone (signed in) except the requester (2 distinct approvals needed)',
    );
  });
});

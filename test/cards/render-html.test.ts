import { describe, expect, it } from 'vitest';
import { errorCard } from '../../cards/info-cards.ts';
import { configText, planCard } from '../../cards/plan-card.ts';
import { renderHtml } from '../../cards/render/html.ts';
import { renderText } from '../../cards/render/text.ts';
import { GreenlightError } from '../../src/domain/errors.ts';
import type { ChangeRequest } from '../../src/domain/types.ts';
import { sampleRequest } from '../helpers/sample-request.ts';

function request(overrides: Partial<ChangeRequest> = {}): ChangeRequest {
  return sampleRequest(overrides, {
    changes: [
      {
        address: 'terraform_data.app[0]',
        type: 'terraform_data',
        name: 'app',
        operation: 'create',
        inputs: { input: { name: '<img src=x onerror=alert(1)>' }, id: '(known after apply)' },
      },
      { address: 'terraform_data.old', type: 'terraform_data', name: 'old', operation: 'delete', inputs: {} },
      { address: 'terraform_data.net', type: 'terraform_data', name: 'net', operation: 'no-op', inputs: {} },
    ],
    cost: {
      monthlyUsd: 12.5,
      deltaUsd: 2.5,
      breakdown: [{ address: 'terraform_data.app[0]', monthlyUsd: 12.5 }],
      assumptions: ['730 hours a month'],
    },
    risk: {
      level: 'medium',
      score: 45,
      factors: [
        { id: 'environment', label: 'environment is prod', points: 35 },
        { id: 'deletes', label: '1 resource(s) deleted', points: 10 },
      ],
    },
    findings: [{ ruleId: 'GL-TAG-001', severity: 'warn', message: 'missing tag owner' }],
    artifact: { path: '/x', sha256: 'a'.repeat(64) },
    hash: 'b'.repeat(64),
  });
}

const ctx = { approvals: [], required: 1, approverText: 'anyone except the requester' };

describe('plan card', () => {
  it('renders a whole plan card to HTML (snapshot)', () => {
    expect(renderHtml(planCard(request(), ctx))).toMatchSnapshot();
  });

  it('escapes everything that came from users or engines', () => {
    const html = renderHtml(planCard(request({ requester: '"><script>alert(1)</script>' }), ctx));
    expect(html).not.toContain('<script>');
    expect(html).not.toContain('<img');
    expect(html).toContain('&lt;img src=x onerror=alert(1)&gt;');
  });

  it('offers Approve / Reject only while awaiting approval, and says who decided after', () => {
    expect(planCard(request(), ctx).actions.map((a) => a.id)).toEqual(['approve', 'reject', 'modify']);
    const approved = planCard(request({ status: 'approved' }), {
      ...ctx,
      approvals: [
        {
          requestId: 'cr-0123456789',
          revision: 1,
          approver: 'console:bob',
          decision: 'approve',
          planHash: 'b'.repeat(64),
          at: '2026-11-22T00:01:00Z',
        },
      ],
    });
    expect(approved.actions).toEqual([]);
    expect(approved.context[0]).toBe('Approved by console:bob at 2026-11-22T00:01:00Z');
    expect(planCard(request({ status: 'expired' }), ctx).actions.map((a) => a.id)).toEqual(['replan']);
  });

  it('a blocking policy finding removes Approve', () => {
    const blocked = request();
    blocked.plan.findings = [{ ruleId: 'GL-NET-001', severity: 'block', message: 'no 0.0.0.0/0' }];
    expect(planCard(blocked, ctx).actions.map((a) => a.id)).toEqual(['reject', 'modify']);
  });

  it('masks secret-looking config values', () => {
    expect(configText({ db_password: 'hunter2', api_key: 'k', region: 'eu' })).toMatch(
      /^db_password=••••\(sha256:[0-9a-f]{4}\), api_key=••••\(sha256:[0-9a-f]{4}\), region=eu$/,
    );
    const r = request();
    r.plan.config = { admin_token: 's3cr3t' };
    expect(renderHtml(planCard(r, ctx))).not.toContain('s3cr3t');
  });

  it('says "not estimated" when nothing could be priced', () => {
    const r = request();
    r.plan.cost = { monthlyUsd: null, deltaUsd: null, breakdown: [], assumptions: [] };
    expect(renderText(planCard(r, ctx))).toContain('Monthly cost: not estimated');
  });
});

describe('error card', () => {
  it('carries the code, the message and the next step', () => {
    const text = renderText(errorCard(new GreenlightError('self_approval', 'console:alice requested this change')));
    expect(text).toContain('Error (self_approval): console:alice requested this change');
    expect(text).toContain('Next: Ask another approver');
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FargateEngine } from '../fakes/fargate-engine.ts';
import { startTestApp, type TestApp } from '../helpers/test-app.ts';

// approvals.<env>.byCost: a prod change that raises the monthly cost by more than the threshold
// needs one approval from group:finance on top of the usual ones. Costs come from the real
// estimator and catalog (1 vCPU / 2 GB Fargate tasks at us-east-1 list prices: $36.04 a task a month).

describe('cost as an approval gate', () => {
  let t: TestApp;
  const engine = new FargateEngine();
  beforeAll(async () => {
    t = await startTestApp(
      {
        groups: { finance: ['console:fiona'] },
        approvals: {
          prod: {
            approvers: ['console:bob', 'console:carol'],
            requireSignedIn: false,
            byCost: { increaseAbove: 100, approvers: ['group:finance'] },
          },
        },
      },
      { engines: { terraform: engine } },
    );
    // Two tasks already run in prod ($72.08 a month).
    const { requestId } = await t.chat('alice', 'set sandbox/prod replicas=2');
    expect((await t.act('bob', requestId!, 'approve')).status).toBe(200);
    expect((await t.waitForStatus(requestId!, ['succeeded', 'failed'])).status).toBe('succeeded');
  });
  afterAll(async () => {
    await t.close();
  });

  it('a rise over the threshold is not applied on the usual approvals; it is once finance approves', async () => {
    const { requestId, card } = await t.chat('alice', 'set sandbox/prod replicas=10');
    const facts = card.blocks.flatMap((b: any) => (b.type === 'facts' ? b.facts : []));
    const costApproval = facts.find((f: any) => f.label === 'Cost approval')?.value;
    expect(costApproval).toBe(
      '0 of 1 from group:finance, needed because it raises the monthly cost by $288, over $100 (approvals.prod.byCost)',
    );
    expect(facts.find((f: any) => f.label === 'Approvals')?.value).toBe('0 of 2');
    expect(card.context.join(' ')).toContain('plus 1 from group:finance because it raises the monthly cost by $288');

    expect((await t.act('bob', requestId!, 'approve')).status).toBe(200);
    expect((await t.act('carol', requestId!, 'approve')).status).toBe(200);
    // Two ordinary approvals: enough people, none from finance. Nothing is applied.
    const waiting = await t.get(`/api/requests/${requestId}`);
    expect(waiting.body.status).toBe('awaiting_approval');
    expect(engine.applied.get('sandbox/prod')).toBe(2);
    expect((await t.get(`/api/requests/${requestId}/may-approve?user=fiona`)).body).toEqual({ allowed: true });
    // Someone outside both lists is still refused.
    expect((await t.act('mallory', requestId!, 'approve')).status).toBe(403);

    expect((await t.act('fiona', requestId!, 'approve')).status).toBe(200);
    const done = await t.waitForStatus(requestId!, ['succeeded', 'failed']);
    expect(done.status).toBe('succeeded');
    expect(engine.applied.get('sandbox/prod')).toBe(10);
  });

  it('finance alone is not enough: the gate adds to the usual approvals, it does not replace them', async () => {
    const { requestId } = await t.chat('alice', 'set sandbox/prod replicas=20');
    expect((await t.act('fiona', requestId!, 'approve')).status).toBe(200);
    expect((await t.get(`/api/requests/${requestId}`)).body.status).toBe('awaiting_approval');
    expect((await t.act('bob', requestId!, 'approve')).status).toBe(200);
    expect((await t.waitForStatus(requestId!, ['succeeded', 'failed'])).status).toBe('succeeded');
    expect(engine.applied.get('sandbox/prod')).toBe(20);
  });

  it('a change under the threshold needs only the usual approval', async () => {
    const { requestId, card } = await t.chat('alice', 'set sandbox/prod replicas=21');
    const facts = card.blocks.flatMap((b: any) => (b.type === 'facts' ? b.facts : []));
    expect(facts.find((f: any) => f.label === 'Cost approval')).toBeUndefined();
    expect((await t.act('bob', requestId!, 'approve')).status).toBe(200);
    expect((await t.waitForStatus(requestId!, ['succeeded', 'failed'])).status).toBe('succeeded');
  });
});

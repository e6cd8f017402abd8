import { describe, expect, it } from 'vitest';
import { planCard } from '../../../cards/plan-card.ts';
import { LIMITS, renderBlockKit } from '../../../src/channels/slack/block-kit.ts';
import type { ResourceChange } from '../../../src/domain/types.ts';
import { sampleRequest } from '../../helpers/sample-request.ts';

const request = (changes: ResourceChange[]) =>
  sampleRequest({ revision: 2, requester: 'slack:T1:UALICE', thread: { channel: 'slack', id: 'C1/1.2' } }, { changes });

const ctx = {
  approvals: [],
  required: 2,
  approverText: 'group:sre except the requester (2 distinct approvals needed)',
  planUrl: 'https://greenlight.example.com/api/requests/cr-0123456789',
};
const change = (i: number): ResourceChange => ({
  address: `aws_instance.web[${i}]`,
  type: 'aws_instance',
  name: 'web',
  operation: 'create',
  inputs: { ami: 'ami-123', tag: '<b>&' },
});

describe('Block Kit renderer', () => {
  it('renders a plan card: header, fields, changes, cost, risk, Approve (confirm) / Reject / Modify, context', () => {
    const message = renderBlockKit(planCard(request([change(0), change(1)]), ctx));
    expect(message).toMatchSnapshot();
    const actions = message.blocks.find((b) => b.type === 'actions') as {
      elements: { action_id: string; value: string; style?: string }[];
    };
    expect(actions.elements.map((e) => e.action_id)).toEqual(['gl_approve', 'gl_reject', 'gl_modify']);
    expect(JSON.parse(actions.elements[0]?.value ?? '{}')).toEqual({ r: 'cr-0123456789', v: 2, h: 'c'.repeat(64) });
    expect(JSON.stringify(message.blocks)).toContain('&lt;b&gt;&amp;');
    expect(new Set(message.blocks.map((b) => b.block_id)).size).toBe(message.blocks.length);
  });

  it('stays inside Slack limits with 400 changes, linking to the full plan', () => {
    const message = renderBlockKit(planCard(request(Array.from({ length: 400 }, (_, i) => change(i))), ctx));
    expect(message.blocks.length).toBeLessThanOrEqual(LIMITS.blocks);
    for (const block of message.blocks) {
      const b = block as { text?: { text: string }; fields?: { text: string }[] };
      if (b.text) expect(b.text.text.length).toBeLessThanOrEqual(LIMITS.sectionText);
      for (const f of b.fields ?? []) expect(f.text.length).toBeLessThanOrEqual(LIMITS.fieldText);
    }
    expect(JSON.stringify(message.blocks)).toMatch(
      /…and \d+ more: <https:\/\/greenlight\.example\.com\/api\/requests\/cr-0123456789\|full plan>/,
    );
    expect(message.text.length).toBeLessThanOrEqual(3000);
  });

  it('caps header and button text', () => {
    const card = planCard(request([change(0)]), ctx);
    card.title = 'x'.repeat(500);
    const message = renderBlockKit(card);
    const header = message.blocks[0] as { text: { text: string } };
    expect(header.text.text.length).toBeLessThanOrEqual(LIMITS.header);
  });
});

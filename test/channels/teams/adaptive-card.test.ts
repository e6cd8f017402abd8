import { describe, expect, it } from 'vitest';
import { errorCard, helpCard, tableCard } from '../../../cards/info-cards.ts';
import type { Card } from '../../../cards/model.ts';
import { planCard } from '../../../cards/plan-card.ts';
import { acEscape, MAX_CARD_BYTES, renderAdaptiveCard } from '../../../src/channels/teams/adaptive-card.ts';
import { GreenlightError } from '../../../src/domain/errors.ts';
import type { ResourceChange } from '../../../src/domain/types.ts';
import { sampleRequest } from '../../helpers/sample-request.ts';

// Teams renders Adaptive Cards up to 1.5: every element and action type used must exist in 1.5.
const AC_15_ELEMENTS = new Set([
  'TextBlock',
  'FactSet',
  'Container',
  'ColumnSet',
  'Column',
  'ActionSet',
  'Image',
  'Input.Text',
  'Input.Number',
  'Input.ChoiceSet',
  'Input.Toggle',
  'Table',
]);

const request = (changes: ResourceChange[]) =>
  sampleRequest({ revision: 2, requester: 'teams:aad-alice', thread: { channel: 'teams', id: '19:x@thread.tacv2' } }, { changes });
const ctx = { approvals: [], required: 1, approverText: 'group:sre', planUrl: 'https://greenlight.example.com/api/requests/cr-0123456789' };
const change = (i: number): ResourceChange => ({
  address: `terraform_data.app[${i}]`,
  type: 'terraform_data',
  name: 'app',
  operation: 'create',
  inputs: { name: `app-${i}`, note: '**bold** [link](https://evil.example)' },
});

function walk(node: unknown, visit: (n: Record<string, unknown>) => void): void {
  if (Array.isArray(node)) for (const n of node) walk(n, visit);
  else if (node && typeof node === 'object') {
    visit(node as Record<string, unknown>);
    for (const v of Object.values(node)) walk(v, visit);
  }
}

function types(card: unknown): { elements: string[]; actions: string[] } {
  const elements: string[] = [];
  const actions: string[] = [];
  walk(card, (n) => {
    if (typeof n.type !== 'string' || n.type === 'AdaptiveCard') return;
    (n.type.startsWith('Action.') ? actions : elements).push(n.type);
  });
  return { elements, actions };
}

describe('Adaptive Card renderer', () => {
  const cards: [string, Card][] = [
    ['plan', planCard(request([change(0), change(1)]), ctx)],
    ['help', helpCard([{ usage: 'deploy <stack>', summary: 'plan and apply a stack' }])],
    ['error', errorCard(new GreenlightError('permission_denied', 'not an approver'))],
    ['table', tableCard('info', 'Stacks', ['Stack', 'Engine'], [['sandbox/dev', 'terraform']], 'No stacks.')],
    [
      'form',
      {
        kind: 'info',
        title: 'A few details',
        tone: 'info',
        blocks: [
          {
            type: 'form',
            id: 'cl-0123456789',
            submitLabel: 'Plan it',
            fields: [
              { name: 'team', label: 'Team', kind: 'text', required: true, value: 'data' },
              { name: 'workers', label: 'Workers', kind: 'number', required: false, value: '4' },
              { name: 'size', label: 'Size', kind: 'select', required: true, options: ['small', 'large'] },
              { name: 'gpu', label: 'GPU', kind: 'checkbox', required: false, value: 'true' },
            ],
          },
        ],
        actions: [],
        context: [],
      },
    ],
  ];

  it.each(cards)('renders a %s card as Adaptive Card 1.5 with Universal Actions only', (_name, card) => {
    const rendered = renderAdaptiveCard(card);
    expect(rendered).toMatchObject({ type: 'AdaptiveCard', version: '1.5' });
    const { elements, actions } = types(rendered);
    for (const e of elements) expect(AC_15_ELEMENTS, e).toContain(e);
    for (const a of actions) expect(a).toBe('Action.Execute');
    expect(JSON.stringify(rendered).length).toBeLessThanOrEqual(MAX_CARD_BYTES);
    expect(rendered.fallbackText?.length).toBeGreaterThan(0);
  });

  it('maps plan actions to verbs carrying only the request id and revision', () => {
    const rendered = renderAdaptiveCard(planCard(request([change(0)]), ctx));
    expect(rendered.actions?.map((a) => ('verb' in a ? a.verb : ''))).toEqual(['approve', 'reject', 'modify']);
    expect(rendered.actions?.[0]).toMatchObject({ style: 'positive', data: { requestId: 'cr-0123456789', revision: 2 } });
  });

  it('renders form inputs pre-filled, typed, and submitted by an Action.Execute', () => {
    const rendered = renderAdaptiveCard(cards[4]![1]);
    const inputs: Record<string, unknown>[] = [];
    walk(rendered.body, (n) => {
      if (typeof n.type === 'string' && n.type.startsWith('Input.')) inputs.push(n);
    });
    expect(inputs.map((i) => [i.type, i.id, i.value])).toEqual([
      ['Input.Text', 'team', 'data'],
      ['Input.Number', 'workers', 4],
      ['Input.ChoiceSet', 'size', undefined],
      ['Input.Toggle', 'gpu', 'true'],
    ]);
    expect(JSON.stringify(rendered)).toContain('"verb":"form","data":{"formId":"cl-0123456789"}');
  });

  it('stays under the Teams message size with 600 changes and links the full plan', () => {
    const rendered = renderAdaptiveCard(planCard(request(Array.from({ length: 600 }, (_, i) => change(i))), ctx));
    const json = JSON.stringify(rendered);
    expect(json.length).toBeLessThanOrEqual(MAX_CARD_BYTES);
    expect(json).toContain('more: [full plan](https://greenlight.example.com/api/requests/cr-0123456789)');
    expect(rendered.actions?.length).toBe(3);
  });

  it('sets the refresh list for per-user views, at most 60 users', () => {
    const userIds = Array.from({ length: 75 }, (_, i) => `29:user-${i}`);
    const rendered = renderAdaptiveCard(planCard(request([change(0)]), ctx), {
      refresh: { userIds, data: { requestId: 'cr-0123456789', revision: 2 } },
    });
    expect(rendered.refresh?.userIds).toHaveLength(60);
    expect(rendered.refresh?.action).toMatchObject({ type: 'Action.Execute', verb: 'refresh' });
  });

  it('escapes markdown so values cannot format or link', () => {
    expect(acEscape('**bold** [x](y) snake_case _lead')).toBe('\\*\\*bold\\*\\* \\[x\\](y) snake_case \\_lead');
    const json = JSON.stringify(renderAdaptiveCard(planCard(request([change(0)]), ctx)));
    expect(json).not.toContain('[link](https://evil.example)');
  });

  it('a destroy plan carries an Input.Text for the stack name; other plans do not', () => {
    const destroy = sampleRequest({}, { operation: 'destroy', stack: 'sandbox/prod', changes: [{ ...change(0), operation: 'delete' }] });
    const inputs: Record<string, unknown>[] = [];
    walk(renderAdaptiveCard(planCard(destroy, ctx)), (n) => {
      if (n.type === 'Input.Text') inputs.push(n);
    });
    expect(inputs).toEqual([expect.objectContaining({ id: 'confirmation', label: 'Type sandbox/prod to confirm' })]);
    const apply: Record<string, unknown>[] = [];
    walk(renderAdaptiveCard(planCard(request([change(0)]), ctx)), (n) => {
      if (n.type === 'Input.Text') apply.push(n);
    });
    expect(apply).toEqual([]);
  });
});

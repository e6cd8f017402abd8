import type { DriftItem } from '../src/domain/plan.ts';
import { formatWhen } from './format.ts';
import type { Card } from './model.ts';
import { driftBlocks } from './plan-card.ts';

// What a scheduled drift scan posts when a stack is not as applied: what differs (expected →
// actual) and what to do — Revert (the remediation plan, through approval), Adopt (a config change
// that makes the stack match reality, through approval) or Snooze.

export function driftFoundCard(stack: string, environment: string, drift: DriftItem[], schedule: string): Card {
  const target = stack;
  return {
    kind: 'status',
    title: `Drift on ${stack}`,
    tone: 'warning',
    status: 'drifted',
    blocks: driftBlocks(drift)
      .slice(1)
      .concat([
        {
          type: 'text',
          text: `${drift.length} resource(s) of ${stack} (${environment}) are not as Greenlight applied them. Revert plans them back; Adopt keeps what is there by changing the stack's config, where the config can express it; both post a plan to approve. Snooze silences this stack's scheduled scans for a while.`,
        },
      ]),
    actions: [
      { id: 'operate', label: 'Revert', style: 'primary', value: { operation: 'revert_drift', target } },
      { id: 'operate', label: 'Adopt', style: 'default', value: { operation: 'adopt_drift', target } },
      { id: 'operate', label: 'Snooze 1 day', style: 'default', value: { operation: 'snooze_drift', target, option: '1d' } },
      { id: 'operate', label: 'Snooze 1 week', style: 'default', value: { operation: 'snooze_drift', target, option: '7d' } },
    ],
    context: [`Scheduled scan (${schedule})`],
  };
}

export function driftSnoozedCard(stack: string, by: string, until: string): Card {
  return {
    kind: 'status',
    title: `Drift on ${stack} snoozed`,
    tone: 'neutral',
    blocks: [{ type: 'text', text: `${by} snoozed scheduled drift scans of ${stack} until ${formatWhen(until)}.` }],
    actions: [],
    context: ['Recorded in the audit log as drift.snoozed.'],
  };
}

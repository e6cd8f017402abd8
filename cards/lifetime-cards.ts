import { formatWhen } from './format.ts';
import type { Card } from './model.ts';

// Temporary environments: the reminder a day before the end (Extend, Destroy now) and what an
// extension says. The destroy at the end is an ordinary plan card.

export interface LifetimeView {
  stack: string;
  environment: string;
  expiresAt: string;
  requester: string;
  requestId: string;
}

export function lifetimeReminderCard(l: LifetimeView, extendBy: string, longest: string): Card {
  return {
    kind: 'status',
    title: `${l.stack} is destroyed at ${formatWhen(l.expiresAt)}`,
    tone: 'warning',
    status: 'expires in under 24 h',
    blocks: [
      {
        type: 'text',
        text: `${l.requester}: ${l.stack} is a temporary environment (${l.requestId}). At ${formatWhen(l.expiresAt)} a plan to destroy it is posted here for approval. Extend adds ${extendBy} (${longest} from now at the most); Destroy now posts that plan at once.`,
      },
    ],
    actions: [
      { id: 'operate', label: `Extend by ${extendBy}`, style: 'primary', value: { operation: 'extend_ttl', target: l.stack } },
      { id: 'operate', label: 'Destroy now', style: 'danger', value: { operation: 'destroy_now', target: l.stack } },
    ],
    context: [`Lifetime of ${l.stack} (${l.environment}), asked for by ${l.requester}`],
  };
}

export function lifetimeExtendedCard(stack: string, by: string, from: string, to: string): Card {
  return {
    kind: 'status',
    title: `${stack} extended`,
    tone: 'success',
    blocks: [{ type: 'text', text: `${by} extended ${stack}: it is destroyed at ${formatWhen(to)} (was ${formatWhen(from)}).` }],
    actions: [],
    context: ['Recorded in the audit log as ttl.extended.'],
  };
}

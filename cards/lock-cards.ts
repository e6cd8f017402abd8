import type { StackLock } from '../src/domain/types.ts';
import { formatDuration } from './format.ts';
import type { Card } from './model.ts';

// Stack locks as people see them: who holds each, since when, for which request, and who waits;
// the break-glass confirmation; and what the thread that held a broken lock is told.

/** A lock and the requests queued behind it. */
export interface LockView extends StackLock {
  waiting: string[];
}

const age = (since: string, now: Date) => formatDuration((now.getTime() - Date.parse(since)) / 1000);

function lease(lock: LockView, now: Date): string {
  if (!lock.expiresAt) return 'no lease (single process)';
  const left = (Date.parse(lock.expiresAt) - now.getTime()) / 1000;
  return left >= 0 ? `renewed, ends in ${formatDuration(left)}` : `expired ${formatDuration(-left)} ago`;
}

export function locksCard(locks: LockView[], now: Date): Card {
  return {
    kind: 'status',
    title: locks.length ? `Stack locks (${locks.length})` : 'Stack locks',
    tone: 'neutral',
    blocks: locks.length
      ? [
          {
            type: 'table',
            columns: ['Stack', 'Held for', 'By', 'Age', 'Lease', 'Waiting'],
            rows: locks.map((l) => [
              l.stack,
              l.requestId ? `${l.requestId} (${l.requester ?? 'unknown'}): ${l.text ?? ''}` : l.deploymentId,
              l.owner ?? 'this process',
              age(l.since, now),
              lease(l, now),
              l.waiting.length ? l.waiting.join(', ') : '—',
            ]),
          },
        ]
      : [{ type: 'text', text: 'No stack is locked: nothing is applying and nothing waits.' }],
    actions: [],
    context: [
      'A lock is held while an apply runs; its replica renews the lease, and an expired lease is settled by another replica.',
      'A stuck lock: `break lock <stack> because <reason>` (break-glass people only; typed confirmation, audited).',
    ],
  };
}

export function breakLockCard(lock: LockView, reason: string, now: Date): Card {
  return {
    kind: 'status',
    title: `Break the lock on ${lock.stack}?`,
    tone: 'danger',
    status: 'needs confirmation',
    blocks: [
      {
        type: 'facts',
        facts: [
          { label: 'Held for', value: lock.requestId ? `${lock.requestId} by ${lock.requester ?? 'unknown'}` : lock.deploymentId },
          { label: 'Holder', value: lock.owner ?? 'this process' },
          { label: 'Age', value: age(lock.since, now) },
          { label: 'Lease', value: lease(lock, now) },
          { label: 'Reason given', value: reason },
        ],
      },
      {
        type: 'text',
        text: `Breaking it marks ${lock.requestId ?? lock.deploymentId}'s apply as interrupted (its outcome unknown), tells its thread, and lets the next change on ${lock.stack} run. If the apply is still running somewhere, it stops when it next renews its lease.`,
      },
    ],
    actions: [
      {
        id: 'operate',
        label: 'Break lock',
        style: 'danger',
        value: { operation: 'break_lock', target: lock.stack, option: reason.slice(0, 300) },
        typeToConfirm: lock.stack,
        confirm: {
          title: `Break the lock on ${lock.stack}?`,
          text: `This releases ${lock.stack} now.`,
          confirm: 'Break lock',
          deny: 'Cancel',
        },
      },
    ],
    context: [`Deployment ${lock.deploymentId}`],
  };
}

export function lockReleasedCard(stack: string, by: string, reason: string, heldFor: string | null): Card {
  return {
    kind: 'status',
    title: `Lock on ${stack} broken`,
    tone: 'warning',
    blocks: [
      {
        type: 'text',
        text: `${by} broke the lock on ${stack}${heldFor ? ` held for ${heldFor}` : ''}: "${reason}". The next change on ${stack} can run.`,
      },
    ],
    actions: [],
    context: ['Recorded in the audit log as lock.broken.'],
  };
}

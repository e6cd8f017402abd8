import { nextStepFor } from '../src/domain/errors.ts';
import type { ChangeRequest, Deployment } from '../src/domain/types.ts';
import { formatDuration, formatValue } from './format.ts';
import type { Card, ProgressStatus } from './model.ts';

// Progress and result cards for one apply.

export interface ProgressState {
  resources: Map<string, { status: ProgressStatus; elapsedSeconds: number | null }>;
  startedAt: number;
  log: string[];
  queuePosition?: number;
  blockedBy?: string;
}

export function queuedCard(request: ChangeRequest, position: number, blockedBy: string): Card {
  return {
    kind: 'progress',
    title: `Queued: ${request.stack}`,
    tone: 'info',
    status: 'queued',
    blocks: [
      {
        type: 'text',
        text: `Another change (${blockedBy}) is applying to ${request.stack}. This one is number ${position} in the queue and starts by itself when the stack is free.`,
      },
    ],
    actions: [],
    context: [`Request ${request.id} r${request.revision}`],
    requestId: request.id,
    revision: request.revision,
  };
}

/** How an apply ended, for the last edit of its progress card. */
export type ApplyEnd = 'succeeded' | 'failed' | 'superseded' | 'interrupted';

const ENDED: Record<ApplyEnd, { title: string; tone: Card['tone']; status: string }> = {
  succeeded: { title: 'Applied', tone: 'success', status: 'succeeded' },
  failed: { title: 'Apply failed on', tone: 'danger', status: 'failed' },
  superseded: { title: 'Re-planned, not applied:', tone: 'neutral', status: 're-planned' },
  interrupted: { title: 'Apply interrupted on', tone: 'danger', status: 'interrupted' },
};

/** The live progress of an apply; with `end`, its final state (the badge never stays "applying"). */
export function progressCard(request: ChangeRequest, state: ProgressState, now: number, end?: ApplyEnd): Card {
  const items = [...state.resources.entries()].map(([address, r]) => ({
    address,
    status: r.status,
    elapsedSeconds: r.elapsedSeconds,
  }));
  const done = items.filter((i) => i.status === 'done').length;
  const destroy = request.plan.operation === 'destroy';
  const ended = end && ENDED[end];
  return {
    kind: 'progress',
    title: ended
      ? `${end === 'succeeded' && destroy ? 'Destroyed' : ended.title} ${request.stack}`
      : `${destroy ? 'Destroying' : 'Applying'} ${request.stack}`,
    tone: ended?.tone ?? 'info',
    status: ended?.status ?? (destroy ? 'destroying' : 'applying'),
    blocks: [
      {
        type: 'text',
        text: `${done} of ${items.length} resources done · ${formatDuration((now - state.startedAt) / 1000)} elapsed`,
      },
      { type: 'progress', items, elapsedSeconds: (now - state.startedAt) / 1000, log: state.log.slice(-5) },
    ],
    actions: [],
    context: [`Request ${request.id} r${request.revision}`],
    requestId: request.id,
    revision: request.revision,
  };
}

export function resultCard(request: ChangeRequest, deployment: Deployment): Card {
  const ok = deployment.status === 'succeeded';
  const seconds =
    deployment.startedAt && deployment.finishedAt ? (Date.parse(deployment.finishedAt) - Date.parse(deployment.startedAt)) / 1000 : 0;
  const failedResources = deployment.events.filter((e) => e.type === 'resource_failed').map((e) => e.address ?? '');
  const blocks: Card['blocks'] = [];
  if (ok) {
    blocks.push({
      type: 'text',
      text:
        request.plan.operation === 'destroy'
          ? `Destroyed every resource of ${request.stack} in ${formatDuration(seconds)}.`
          : `Applied to ${request.stack} in ${formatDuration(seconds)}.`,
    });
    blocks.push({
      type: 'outputs',
      outputs: Object.entries(deployment.outputs).map(([name, v]) => ({ name, value: formatValue(v) })),
    });
  } else {
    blocks.push({
      type: 'error',
      code: deployment.errorCode ?? 'engine_failed',
      message: deployment.error ?? 'The apply failed.',
      next:
        failedResources.length > 0
          ? `Failed: ${failedResources.join(', ')}. Fix the cause and request the change again; resources that finished are recorded in the state.`
          : nextStepFor(deployment.errorCode ?? 'engine_failed'),
    });
  }
  // An apply whose outcome is unknown (its process died, its lock was broken) is reconciled by a
  // person: a fresh plan against the real state, or "resolved" once they have checked.
  const interrupted = deployment.errorCode === 'interrupted';
  const target = deployment.id;
  const actions: Card['actions'] =
    interrupted && !deployment.resolved
      ? [
          { id: 'operate', label: 'Plan again', style: 'primary', value: { operation: 'plan_again', target } },
          { id: 'operate', label: 'Mark resolved', style: 'default', value: { operation: 'resolve_interrupted', target } },
        ]
      : [];
  const resolved = deployment.resolved
    ? [
        `Resolved by ${deployment.resolved.by} at ${deployment.resolved.at}${deployment.resolved.note ? `: ${deployment.resolved.note}` : ''}`,
      ]
    : [];
  return {
    kind: 'result',
    title: ok
      ? `${request.plan.operation === 'destroy' ? 'Destroyed' : 'Applied'} ${request.stack}`
      : `${request.plan.operation === 'destroy' ? 'Destroy' : 'Apply'} of ${request.stack} failed`,
    tone: ok ? 'success' : interrupted && deployment.resolved ? 'neutral' : 'danger',
    status: ok ? 'succeeded' : deployment.resolved ? 'resolved' : deployment.status,
    blocks,
    actions,
    context: [...resolved, `Request ${request.id} r${request.revision} · deployment ${deployment.id}`],
    requestId: request.id,
    revision: request.revision,
  };
}

import type { OpType, EngineEvent as PulumiEvent } from '@pulumi/pulumi/automation/index.js';
import type { ResourceChange, ResourceOperation } from '../../domain/types.ts';
import type { EngineEvent } from '../engine.ts';

// Pulumi engine events (the `--event-log` / Automation API format) → Greenlight's normalised
// events and resource changes. The stack resource and default providers are bookkeeping, not
// infrastructure a reviewer needs to see.

const OPERATION: Partial<Record<OpType, ResourceOperation>> = {
  same: 'no-op',
  create: 'create',
  update: 'update',
  delete: 'delete',
  replace: 'replace',
  'create-replacement': 'replace',
  'delete-replaced': 'replace',
  read: 'read',
  'read-replacement': 'read',
  import: 'create',
  'import-replacement': 'replace',
  refresh: 'no-op',
  discard: 'delete',
  'discard-replaced': 'delete',
  'remove-pending-replace': 'delete',
};

export function operationOf(op: OpType): ResourceOperation {
  return OPERATION[op] ?? 'no-op';
}

export function isBookkeeping(type: string): boolean {
  return type === 'pulumi:pulumi:Stack' || type.startsWith('pulumi:providers:');
}

/** `urn:pulumi:stack::project::type::name` → `type::name`, unique within a stack. */
export function addressOf(urn: string): string {
  const parts = urn.split('::');
  return parts.slice(2).join('::') || urn;
}

function nameOf(urn: string): string {
  return urn.split('::').at(-1) ?? urn;
}

/** Collects the planned changes of a preview, one entry per resource (replacement steps merged). */
export class ChangeCollector {
  private readonly changes = new Map<string, ResourceChange>();

  onEvent(event: PulumiEvent): void {
    const meta = event.resourcePreEvent?.metadata;
    if (!meta || isBookkeeping(meta.type)) return;
    const address = addressOf(meta.urn);
    const previous = this.changes.get(address);
    if (previous && previous.operation === 'replace') return;
    const change: ResourceChange = {
      address,
      type: meta.type,
      name: nameOf(meta.urn),
      operation: operationOf(meta.op),
      inputs: (meta.new?.inputs ?? meta.old?.inputs ?? {}) as Record<string, unknown>,
      ...(meta.old && meta.new ? { previous: meta.old.inputs as Record<string, unknown> } : {}),
    };
    this.changes.set(address, meta.op === 'refresh' ? refreshed(change, meta) : change);
  }

  list(): ResourceChange[] {
    return [...this.changes.values()];
  }
}

/**
 * A refresh step is `op: refresh` whatever it found: the resource gone (no new state), changed
 * (`diffs` names the properties, old/new outputs hold recorded and real values), or the same.
 */
function refreshed(change: ResourceChange, meta: NonNullable<PulumiEvent['resourcePreEvent']>['metadata']): ResourceChange {
  const recorded = (meta.old?.outputs ?? meta.old?.inputs ?? {}) as Record<string, unknown>;
  if (!meta.new) return { ...change, operation: 'delete', inputs: recorded, previous: recorded };
  const changed = (meta.diffs?.length ?? 0) > 0 || Object.keys(meta.detailedDiff ?? {}).length > 0;
  const real = (meta.new.outputs ?? meta.new.inputs ?? {}) as Record<string, unknown>;
  return { ...change, operation: changed ? 'update' : 'no-op', inputs: real, previous: recorded };
}

/** Maps one Pulumi event to the normalised stream; null for events the progress card ignores. */
export function normaliseEvent(event: PulumiEvent, startedAt: Map<string, number>): EngineEvent | null {
  const at = new Date(event.timestamp * 1000).toISOString();
  if (event.resourcePreEvent && !event.resourcePreEvent.planning) {
    const meta = event.resourcePreEvent.metadata;
    if (isBookkeeping(meta.type) || meta.op === 'same') return null;
    startedAt.set(meta.urn, event.timestamp);
    return { type: 'resource_started', at, address: addressOf(meta.urn), operation: operationOf(meta.op) };
  }
  if (event.resOutputsEvent && !event.resOutputsEvent.planning) {
    const meta = event.resOutputsEvent.metadata;
    if (isBookkeeping(meta.type) || meta.op === 'same') return null;
    const elapsedSeconds = Math.max(0, event.timestamp - (startedAt.get(meta.urn) ?? event.timestamp));
    return { type: 'resource_finished', at, address: addressOf(meta.urn), operation: operationOf(meta.op), elapsedSeconds };
  }
  if (event.resOpFailedEvent) {
    const meta = event.resOpFailedEvent.metadata;
    return { type: 'resource_failed', at, address: addressOf(meta.urn), operation: operationOf(meta.op), message: `${meta.op} failed` };
  }
  if (event.diagnosticEvent) {
    const d = event.diagnosticEvent;
    const message = d.message.trim();
    if (d.severity === 'error' || d.severity === 'warning') {
      return {
        type: 'diagnostic',
        at,
        severity: d.severity,
        summary: message.split('\n')[0] ?? message,
        detail: message,
        address: d.urn ? addressOf(d.urn) : null,
      };
    }
    return message ? { type: 'log', at, address: d.urn ? addressOf(d.urn) : null, message } : null;
  }
  if (event.summaryEvent) {
    const c = event.summaryEvent.resourceChanges;
    return { type: 'summary', at, added: c.create ?? 0, changed: (c.update ?? 0) + (c.replace ?? 0), removed: c.delete ?? 0 };
  }
  if (event.cancelEvent) return { type: 'log', at, address: null, message: 'update cancelled' };
  return null;
}

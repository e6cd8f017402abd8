import { z } from 'zod';
import type { ResourceOperation } from '../../domain/types.ts';
import type { EngineEvent } from '../engine.ts';

// Terraform's machine-readable UI (`-json`): one object per line. Mapped to the normalised
// EngineEvent; lines of other types (version, planned_change, refresh_*) are dropped.

const resource = z.object({ addr: z.string() });
const hook = z.object({
  resource,
  action: z.string().optional(),
  elapsed_seconds: z.number().optional(),
  output: z.string().optional(),
});
const line = z.object({
  '@level': z.string(),
  '@message': z.string(),
  '@timestamp': z.string(),
  type: z.string(),
  hook: hook.optional(),
  diagnostic: z
    .object({
      severity: z.string(),
      summary: z.string(),
      detail: z.string().default(''),
      address: z.string().optional(),
    })
    .optional(),
  changes: z.object({ add: z.number(), change: z.number(), remove: z.number() }).optional(),
  outputs: z.record(z.string(), z.object({ sensitive: z.boolean(), value: z.unknown().optional() })).optional(),
});

function operation(action: string | undefined): ResourceOperation {
  switch (action) {
    case 'create':
    case 'update':
    case 'delete':
    case 'read':
      return action;
    case 'replace':
      return 'replace';
    default:
      return 'no-op';
  }
}

export function maskOutputs(outputs: Record<string, { sensitive: boolean; value?: unknown }>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(outputs).map(([k, o]) => [k, o.sensitive ? '(sensitive)' : o.value]));
}

/** Parses one `-json` line; returns null for lines that carry nothing the workflow shows. */
export function parseUiLine(raw: string): EngineEvent | null {
  let json: unknown;
  try {
    json = JSON.parse(raw);
  } catch {
    return null; // Terraform prints a few plain lines (e.g. warnings) even in -json mode
  }
  const parsed = line.safeParse(json);
  if (!parsed.success) return null;
  const l = parsed.data;
  const at = l['@timestamp'];
  const address = l.hook?.resource.addr ?? '';
  switch (l.type) {
    case 'apply_start':
      return { type: 'resource_started', at, address, operation: operation(l.hook?.action) };
    case 'apply_progress':
      return { type: 'resource_progress', at, address, elapsedSeconds: l.hook?.elapsed_seconds ?? 0 };
    case 'apply_complete':
      return {
        type: 'resource_finished',
        at,
        address,
        operation: operation(l.hook?.action),
        elapsedSeconds: l.hook?.elapsed_seconds ?? 0,
      };
    case 'apply_errored':
      return {
        type: 'resource_failed',
        at,
        address,
        operation: operation(l.hook?.action),
        message: l['@message'],
      };
    case 'provision_progress':
      return { type: 'log', at, address: address || null, message: l.hook?.output ?? l['@message'] };
    case 'diagnostic': {
      const d = l.diagnostic;
      if (!d) return null;
      return {
        type: 'diagnostic',
        at,
        severity: d.severity === 'error' ? 'error' : 'warning',
        summary: d.summary,
        detail: d.detail,
        address: d.address ?? null,
      };
    }
    case 'change_summary':
      return l.changes ? { type: 'summary', at, added: l.changes.add, changed: l.changes.change, removed: l.changes.remove } : null;
    case 'outputs':
      return l.outputs ? { type: 'outputs', at, outputs: maskOutputs(l.outputs) } : null;
    default:
      return null;
  }
}

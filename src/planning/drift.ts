import type { DriftItem, ResourceChange } from '../domain/plan.ts';

// Drift: resources whose real state is not what Greenlight last applied. Two sources, because
// engines see two kinds: a refresh reads the real resource and compares it with the recorded
// state (changed in the cloud console); a normal plan compares the recorded state with the
// stack's config (changed by someone running the tool by hand, or removed from state).

const MAX_ATTRIBUTES = 8;

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** Leaf attributes that differ between two input trees, as dotted paths. */
export function differingAttributes(expected: unknown, actual: unknown, path = ''): DriftItem['attributes'] {
  if (isRecord(expected) && isRecord(actual)) {
    const keys = [...new Set([...Object.keys(expected), ...Object.keys(actual)])].sort();
    return keys.flatMap((k) => differingAttributes(expected[k], actual[k], path ? `${path}.${k}` : k)).slice(0, MAX_ATTRIBUTES);
  }
  if (JSON.stringify(expected) === JSON.stringify(actual)) return [];
  return [{ path: path || '(value)', expected: expected ?? null, actual: actual ?? null }];
}

/** Refresh-only preview: `previous` is the recorded state, `inputs` what the engine read. */
export function driftFromRefresh(changes: ResourceChange[]): DriftItem[] {
  return changes
    .filter((c) => c.operation !== 'no-op' && c.operation !== 'read')
    .map((c) => ({
      address: c.address,
      type: c.type,
      source: 'refresh' as const,
      kind: c.operation === 'delete' ? ('missing' as const) : ('changed' as const),
      attributes: c.operation === 'delete' ? [] : differingAttributes(c.previous ?? {}, c.inputs),
    }));
}

/**
 * Normal preview with the config last applied: every change it would make is a difference from
 * that config. `previous` is the recorded state (actual), `inputs` the config (expected).
 */
export function driftFromPlan(changes: ResourceChange[]): DriftItem[] {
  return changes
    .filter((c) => c.operation !== 'no-op' && c.operation !== 'read')
    .map((c) => ({
      address: c.address,
      type: c.type,
      source: 'config' as const,
      kind: c.operation === 'create' ? ('missing' as const) : c.operation === 'delete' ? ('extra' as const) : ('changed' as const),
      attributes: c.operation === 'update' || c.operation === 'replace' ? differingAttributes(c.inputs, c.previous ?? {}) : [],
    }));
}

/** Both sources, one entry per resource: what the refresh saw says more than the plan's diff. */
export function mergeDrift(refresh: DriftItem[], plan: DriftItem[]): DriftItem[] {
  const seen = new Set(refresh.map((d) => d.address));
  return [...refresh, ...plan.filter((d) => !seen.has(d.address))];
}

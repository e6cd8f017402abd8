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

/**
 * The drift in a preview's changes. refresh (refresh-only preview): `previous` is the recorded
 * state, `inputs` what the engine read — a delete means the resource is gone. config (normal
 * preview with the config last applied): `inputs` is the config, `previous` the recorded state —
 * a create means it is missing, a delete that it is not in the config.
 */
export function driftOf(changes: ResourceChange[], source: DriftItem['source']): DriftItem[] {
  return changes
    .filter((c) => c.operation !== 'no-op' && c.operation !== 'read')
    .map((c) => {
      const kind: DriftItem['kind'] =
        c.operation === 'delete' ? (source === 'refresh' ? 'missing' : 'extra') : c.operation === 'create' ? 'missing' : 'changed';
      const [expected, actual] = source === 'refresh' ? [c.previous ?? {}, c.inputs] : [c.inputs, c.previous ?? {}];
      return {
        address: c.address,
        type: c.type,
        source,
        kind,
        attributes: kind === 'changed' ? differingAttributes(expected, actual) : [],
      };
    });
}

/** Both sources, one entry per resource: what the refresh saw says more than the plan's diff. */
export function mergeDrift(refresh: DriftItem[], plan: DriftItem[]): DriftItem[] {
  const seen = new Set(refresh.map((d) => d.address));
  return [...refresh, ...plan.filter((d) => !seen.has(d.address))];
}

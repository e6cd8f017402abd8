import { z } from 'zod';
import type { ResourceChange, ResourceOperation } from '../../domain/types.ts';

// `terraform show -json <planfile>`: only the parts Greenlight reads, checked with zod so a
// format change fails loudly instead of producing an empty plan.

const changeSchema = z.object({
  actions: z.array(z.string()),
  before: z.unknown().optional(),
  before_sensitive: z.unknown().optional(),
  after: z.unknown().optional(),
  after_unknown: z.unknown().optional(),
  after_sensitive: z.unknown().optional(),
});

const resourceChangeSchema = z.object({
  address: z.string(),
  type: z.string(),
  name: z.string(),
  mode: z.string().optional(),
  change: changeSchema,
});

export const planJsonSchema = z.object({
  format_version: z.string(),
  resource_changes: z.array(resourceChangeSchema).default([]),
  resource_drift: z.array(resourceChangeSchema).default([]),
  configuration: z
    .object({
      root_module: z
        .object({
          variables: z.record(z.string(), z.object({ default: z.unknown().optional(), sensitive: z.boolean().optional() })).optional(),
        })
        .optional(),
    })
    .optional(),
  /** What exists before the change, with what each resource depends on (root module). */
  prior_state: z
    .object({
      values: z
        .object({
          root_module: z
            .object({ resources: z.array(z.object({ address: z.string(), depends_on: z.array(z.string()).optional() })).default([]) })
            .optional(),
        })
        .optional(),
    })
    .optional(),
  errored: z.boolean().optional(),
});
export type PlanJson = z.infer<typeof planJsonSchema>;

export function operationOf(actions: readonly string[]): ResourceOperation {
  const key = [...actions].sort().join(',');
  switch (key) {
    case 'create':
      return 'create';
    case 'update':
      return 'update';
    case 'delete':
      return 'delete';
    case 'create,delete':
      return 'replace';
    case 'read':
      return 'read';
    default:
      return 'no-op';
  }
}

const SENSITIVE = '(sensitive)';
const UNKNOWN = '(known after apply)';

/** Replaces sensitive leaves and fills unknown ones, following Terraform's parallel trees. */
function maskValue(value: unknown, sensitive: unknown, unknown: unknown): unknown {
  if (sensitive === true) return SENSITIVE;
  if (unknown === true) return UNKNOWN;
  if (Array.isArray(value)) {
    return value.map((v, i) => maskValue(v, (sensitive as unknown[] | undefined)?.[i], (unknown as unknown[] | undefined)?.[i]));
  }
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    const keys = new Set([...Object.keys(value), ...Object.keys((unknown as object | undefined) ?? {})]);
    for (const key of keys) {
      out[key] = maskValue(
        (value as Record<string, unknown>)[key],
        (sensitive as Record<string, unknown> | undefined)?.[key],
        (unknown as Record<string, unknown> | undefined)?.[key],
      );
    }
    return out;
  }
  return value;
}

function toResourceChange(rc: z.infer<typeof resourceChangeSchema>): ResourceChange {
  const after = maskValue(rc.change.after ?? {}, rc.change.after_sensitive, rc.change.after_unknown);
  const before = rc.change.before ? maskValue(rc.change.before, rc.change.before_sensitive, undefined) : null;
  const isRecord = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);
  return {
    address: rc.address,
    type: rc.type,
    name: rc.name,
    operation: operationOf(rc.change.actions),
    inputs: isRecord(after) ? after : {},
    ...(isRecord(before) ? { previous: before } : {}),
  };
}

export function parsePlanJson(text: string): {
  changes: ResourceChange[];
  drift: ResourceChange[];
  variables: string[];
  /** Declared defaults of the root module's variables that are plain values and not sensitive. */
  defaults: Record<string, string>;
} {
  const plan = planJsonSchema.parse(JSON.parse(text));
  // Terraform records dependencies by resource address without the index ("terraform_data.app"
  // for app[0] and app[1]): who depends on a changed resource is whoever names its base address.
  const existing = plan.prior_state?.values?.root_module?.resources ?? [];
  const base = (address: string) => address.replace(/\[[^\]]*\]$/, '');
  const withDependents = (c: ResourceChange): ResourceChange => {
    const dependents = existing.filter((r) => r.address !== c.address && r.depends_on?.includes(base(c.address))).map((r) => r.address);
    return dependents.length ? { ...c, dependents } : c;
  };
  return {
    changes: plan.resource_changes
      .filter((rc) => rc.mode !== 'data')
      .map(toResourceChange)
      .map(withDependents),
    drift: plan.resource_drift.map(toResourceChange),
    variables: Object.keys(plan.configuration?.root_module?.variables ?? {}),
    defaults: Object.fromEntries(
      Object.entries(plan.configuration?.root_module?.variables ?? {})
        .filter(([, v]) => !v.sensitive && ['string', 'number', 'boolean'].includes(typeof v.default))
        .map(([k, v]) => [k, String(v.default)]),
    ),
  };
}

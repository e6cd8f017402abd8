import { z } from 'zod';
import type { FormField } from '../../cards/model.ts';
import { isSecretKey, secrets } from '../domain/redaction.ts';
import { paramNames } from '../router/params.ts';

// A clarification form generated from a capability's zod schema: the same `.describe()` texts,
// enums become selects, booleans checkboxes, numbers number inputs. Pre-filled with what the
// request (or the user's memory) already gave.

interface JsonSchemaProperty {
  type?: string;
  enum?: unknown[];
  anyOf?: JsonSchemaProperty[];
  description?: string;
  default?: unknown;
}

function kindOf(p: JsonSchemaProperty): { kind: FormField['kind']; options?: string[] } {
  const variants = p.anyOf ?? [p];
  if (variants.some((v) => v.type === 'boolean')) return { kind: 'checkbox' };
  const enumerated = variants.find((v) => Array.isArray(v.enum));
  if (enumerated?.enum) return { kind: 'select', options: enumerated.enum.map(String) };
  if (variants.some((v) => v.type === 'integer' || v.type === 'number')) return { kind: 'number' };
  return { kind: 'text' };
}

/** Words a label writes in capitals ("SKU", not "Sku"). */
const ACRONYMS = new Set([
  'sku',
  'gpu',
  'cpu',
  'cidr',
  'tpm',
  'ptu',
  'aws',
  'gcp',
  'id',
  'ip',
  'url',
  'ttl',
  'gb',
  'vpc',
  'alb',
  'ecs',
  'k8s',
]);

const label = (name: string) =>
  name
    .split('_')
    .map((w, i) => (ACRONYMS.has(w) ? w.toUpperCase() : i === 0 ? w.replace(/^\w/, (c) => c.toUpperCase()) : w))
    .join(' ');

/** A key=value map (e.g. stack config values) is asked for as text: "replicas=3 release=v2". */
export function formatValue(value: unknown): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'object') {
    return Object.entries(value as Record<string, unknown>)
      .map(([k, v]) => `${k}=${String(v)}`)
      .join(' ');
  }
  return String(value);
}

export function formFields(schema: z.ZodType, params: Record<string, unknown>): FormField[] {
  const json = z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as {
    properties?: Record<string, JsonSchemaProperty & { type?: string }>;
    required?: string[];
  };
  const required = new Set(json.required ?? []);
  return Object.entries(json.properties ?? {}).map(([name, p]) => {
    const { kind, options } = p.type === 'object' ? { kind: 'text' as const, options: undefined } : kindOf(p);
    // A form is seen by whoever opens it (an approver's Modify): secrets show as fingerprints, and
    // a fingerprint sent back means "unchanged" (valuesFromForm).
    const raw = formatValue(params[name] ?? p.default);
    const value = raw === undefined ? undefined : isSecretKey(name) ? secrets.fingerprint(raw) : secrets.text(raw);
    return {
      name,
      label: label(name),
      kind,
      required: required.has(name),
      ...(options ? { options } : {}),
      ...(value !== undefined ? { value } : {}),
      ...(p.description ? { help: p.type === 'object' ? `${p.description} (key=value …)` : p.description } : {}),
    };
  });
}

/** The parameter names a capability's schema takes. */
/** Form values (strings) back into parameters: empty means "not given", key=value text → a map. */
export function valuesFromForm(schema: z.ZodType, values: Record<string, string>): Record<string, unknown> {
  const json = z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as { properties?: Record<string, { type?: string }> };
  const out: Record<string, unknown> = {};
  // A secret typed into a form (a field named like one, or `db_password=…`) is masked from now on.
  secrets.learnSecretsIn(values);
  for (const [name, raw] of Object.entries(values)) {
    const value = raw.trim();
    if (value === '' || secrets.isFingerprint(value)) continue;
    if (json.properties?.[name]?.type === 'object') {
      out[name] = Object.fromEntries(
        value
          .split(/[\s,]+/)
          .filter((pair) => pair.includes('='))
          .map((pair) => [pair.slice(0, pair.indexOf('=')), pair.slice(pair.indexOf('=') + 1)])
          .filter(([, v]) => !secrets.isFingerprint(v ?? '')),
      );
    } else out[name] = value;
  }
  return out;
}

export { paramNames };

import { z } from 'zod';

// Parameters out of free text, normalised to what capabilities take: environment → dev | staging
// | prod, region → the cloud's code, team → a slug, ports and counts → integers, stack → a
// configured stack. Each extractor is a small rule a reader can check against its examples.

export type Params = Record<string, unknown>;

import type { Environment } from '../domain/environments.ts';
import { wordsToDigits } from '../domain/number-words.ts';
import { type Cloud, lowerWords, regionOf } from './regions.ts';

export { regionOf };

const ENVIRONMENT_WORDS: [RegExp, Environment][] = [
  [/\b(prod|production|prd|live)\b/, 'prod'],
  [/\b(staging|stage|stg|preprod|pre-prod|uat)\b/, 'staging'],
  [/\b(dev|development|develop)\b/, 'dev'],
];

export function environmentOf(text: string): Environment | undefined {
  const t = text.toLowerCase();
  let best: { at: number; env: Environment } | undefined;
  for (const [re, env] of ENVIRONMENT_WORDS) {
    const m = re.exec(t.replace(/\b[a-z0-9][a-z0-9._-]*\/[a-z0-9][a-z0-9._-]*\b/g, ' '));
    if (m && (!best || m.index < best.at)) best = { at: m.index, env };
  }
  return best?.env;
}

export function cloudOf(text: string): Cloud | undefined {
  const t = text.toLowerCase();
  if (/\b(s3|aws|amazon)\b/.test(t)) return 'aws';
  if (/\b(gcs|gcp|google)\b/.test(t)) return 'gcp';
  if (/\b(azure|blob|storage account)\b/.test(t)) return 'azure';
  return undefined;
}

const NOT_A_NAME = new Set([
  'the',
  'a',
  'an',
  'our',
  'my',
  'your',
  'this',
  'that',
  'is',
  'are',
  'and',
  'or',
  'please',
  'new',
  'in',
  'on',
  'at',
  'to',
  'with',
  'for',
  'of',
  'me',
  'us',
  'it',
  'them',
  'some',
  'every',
  'each',
  'testing',
  'prod',
  'production',
  'dev',
  'development',
  'staging',
  'stage',
  'stg',
  'prd',
  'aws',
  'azure',
  'gcp',
  'team',
  'teams',
  'docker',
  'container',
  'ecs',
  'fargate',
  'web',
  'internal',
]);

const slug = (s: string | undefined) => {
  const v = s
    ?.toLowerCase()
    .trim()
    .replace(/\s+/g, '-')
    .replace(/[^a-z0-9-]/g, '');
  return v && /^[a-z][a-z0-9-]{0,30}$/.test(v) && !NOT_A_NAME.has(v) ? v : undefined;
};

export function teamOf(text: string): string | undefined {
  const t = text.toLowerCase();
  const patterns = [
    /\b(?:for|of)\s+(?:the\s+)?([a-z][a-z0-9-]*)\s+team\b/g,
    /\bthe\s+([a-z][a-z0-9-]*)\s+team\b/g,
    /\bteam\s*[=:]?\s*([a-z][a-z0-9-]*)/g,
    /\b([a-z][a-z0-9-]*)\s+team\b/g,
    // Teams in prose: "the ML folks", "our analytics crew", "the search squad", "data-eng's jobs".
    /\b(?:the|our|for)\s+([a-z][a-z0-9-]*)\s+(?:folks|crew|squad|people|guys|group|org)\b/g,
    /\b([a-z][a-z0-9]*-[a-z0-9-]+)'s\b/g,
    /\bfor\s+(data science|data engineering|machine learning)\b/g,
    /\bfor\s+([a-z][a-z0-9-]*)\s+(?:in|,)\s/g,
  ];
  for (const re of patterns) {
    for (const m of t.matchAll(re)) {
      const name = slug(m[1]);
      if (name) return name;
    }
  }
  return undefined;
}

export function serviceOf(text: string): string | undefined {
  const t = text.toLowerCase();
  const patterns = [
    /\b(?:called|named)\s+([a-z][a-z0-9-]*)/,
    /\bthe\s+([a-z][a-z0-9-]*)\s+(?:api|service|app|container|engine|worker)\b/,
    /\bservice\s+(?:for\s+)?(?:the\s+)?([a-z][a-z0-9-]*)/,
    /\bfor\s+(?:the\s+)?([a-z][a-z0-9-]*)\s+(?:in|with|on|,)\b/,
    /\bfor\s+(?:the\s+)?([a-z][a-z0-9-]*)\s*$/,
  ];
  for (const re of patterns) {
    const name = slug(re.exec(t)?.[1]);
    if (name && !['behind', 'load', 'my', 'service'].includes(name)) return name;
  }
  return undefined;
}

const CIDR = /\b(\d{1,3}(?:\.\d{1,3}){3})(\/\d{1,2})?\b/g;

export function sourceOf(text: string): string | undefined {
  const m = /\b(\d{1,3}(?:\.\d{1,3}){3}\/\d{1,2})\b/.exec(text);
  if (m) return m[1];
  if (/\b(anywhere|the internet|everyone|the world|any ip|all ips|public(?:ly)?)\b/i.test(text)) return '0.0.0.0/0';
  return undefined;
}

/** The port a protocol name means when no number is given ("open ssh", "allow postgres"). */
const PROTOCOL_PORTS: Record<string, number> = {
  ssh: 22,
  smtp: 25,
  dns: 53,
  http: 80,
  https: 443,
  tls: 443,
  ldap: 389,
  ldaps: 636,
  mssql: 1433,
  'sql server': 1433,
  mysql: 3306,
  mariadb: 3306,
  rdp: 3389,
  postgres: 5432,
  postgresql: 5432,
  redis: 6379,
  mongo: 27017,
  mongodb: 27017,
  kafka: 9092,
  elasticsearch: 9200,
};

export function portOf(text: string): number | undefined {
  const t = text.toLowerCase().replace(CIDR, ' ');
  const m =
    /\bports?\s*(\d{1,5})\b/.exec(t) ??
    /\b(?:tcp|udp)\s*(?:port\s*)?(\d{1,5})\b/.exec(t) ??
    /\b(\d{1,5})\s*\/\s*(?:tcp|udp)\b/.exec(t) ??
    /\((\d{1,5})\)/.exec(t) ??
    /\b(?:open|allow|unblock|expose|let|permit|whitelist|opened|open up)\s+(?:up\s+)?(\d{1,5})\b/.exec(t) ??
    /\b(\d{2,5})\b/.exec(t);
  const port = m ? Number(m[1]) : Number.NaN;
  if (port >= 1 && port <= 65535) return port;
  const named =
    /\b(sql server|https|http|ssh|smtp|dns|tls|ldaps?|mssql|mysql|mariadb|rdp|postgres(?:ql)?|redis|mongo(?:db)?|kafka|elasticsearch)\b/.exec(
      t,
    )?.[1];
  return named ? PROTOCOL_PORTS[named] : undefined;
}

export function protocolOf(text: string): 'tcp' | 'udp' | undefined {
  const m = /\b(tcp|udp)\b/i.exec(text);
  return m ? (m[1]?.toLowerCase() as 'tcp' | 'udp') : undefined;
}

/** A change request id named in the text (`cr-` and hex). */
export function requestIdOf(text: string): string | undefined {
  return /\bcr-[0-9a-f]{6,}\b/i.exec(text)?.[0]?.toLowerCase();
}

export function sinceOf(text: string): string | undefined {
  const t = text.toLowerCase();
  const words = wordsToDigits(t);
  const days = /\b(?:last|past)\s+(\d+)\s+days?\b/.exec(words);
  if (days) return `${days[1]}d`;
  const weeks = /\b(?:last|past)\s+(\d+)\s+weeks?\b/.exec(words);
  if (weeks) return `${Number(weeks[1]) * 7}d`;
  if (/\b(yesterday|today|last 24 hours|this morning)\b/.test(t)) return '1d';
  if (/\b(last|this|past)\s+week\b/.test(t)) return '7d';
  if (/\b(last|this|past)\s+month\b/.test(t)) return '30d';
  return undefined;
}

export function modelOf(text: string): string | undefined {
  return /\b(gpt-[a-z0-9][a-z0-9.-]*|text-embedding-[a-z0-9-]+|o\d(?:-mini)?)\b/i.exec(text)?.[1]?.toLowerCase();
}

/** The configured stack a text names: `project/env` literally, or a project plus an environment. */
export function stackOf(text: string, stacks: readonly string[]): string | undefined {
  const t = text.toLowerCase();
  for (const m of t.matchAll(/\b([a-z0-9][a-z0-9._-]*\/[a-z0-9][a-z0-9._-]*)\b/g)) if (m[1] && stacks.includes(m[1])) return m[1];
  const projects = [...new Set(stacks.map((s) => s.split('/')[0] ?? ''))].sort((a, b) => b.length - a.length);
  const tokens = new Set(lowerWords(t));
  const project = projects.find((p) => tokens.has(p));
  if (!project) return undefined;
  const environments = stacks.filter((s) => s.startsWith(`${project}/`));
  const env = environmentOf(t.replace(new RegExp(`\\b${project}\\b`, 'g'), ' '));
  if (env && stacks.includes(`${project}/${env}`)) return `${project}/${env}`;
  return environments.length === 1 ? environments[0] : undefined;
}

const NOT_A_STACK_NAME = new Set([
  'the',
  'a',
  'an',
  'this',
  'that',
  'old',
  'new',
  'whole',
  'my',
  'our',
  'your',
  'which',
  'every',
  'each',
  'all',
  'pulumi',
  'terraform',
]);

/** A stack the text names that is not configured: `billing/staging`, "the billing stack in staging", `billing-staging`. */
export function unconfiguredStackOf(text: string): string | undefined {
  const t = text.toLowerCase();
  const literal = /\b([a-z0-9][a-z0-9._-]*\/(?:dev|staging|prod))\b/.exec(t)?.[1];
  if (literal) return literal;
  const suffixed = /\b([a-z][a-z0-9-]*?)-(dev|staging|prod)\b/.exec(t);
  if (suffixed?.[1] && suffixed[2]) return `${suffixed[1]}/${suffixed[2]}`;
  const named = [...t.matchAll(/\b([a-z][a-z0-9-]*)\s+stack\b/g)].map((m) => m[1] ?? '').find((w) => !NOT_A_STACK_NAME.has(w));
  const env = environmentOf(t);
  return named && env ? `${named}/${env}` : undefined;
}

/** Config changes: key=value pairs, "<key> to <value>", "N replicas", "scale … to N". */
export function valuesOf(text: string, scaleKey = 'replicas'): Record<string, string> {
  const t = text.toLowerCase();
  const values: Record<string, string> = {};
  for (const m of t.matchAll(/\b([a-z_][a-z0-9_]*)\s*=\s*([^\s,]+)/g)) if (m[1] && m[2]) values[m[1]] = m[2];
  const setTo = /\b(?:set|change|update)\s+(?:the\s+)?([a-z_][a-z0-9_]*)\s+(?:of\s+\S+\s+|on\s+\S+\s+)?to\s+([^\s,]+)/.exec(t);
  if (setTo?.[1] && setTo[2] && !['sandbox', 'stack', 'it'].includes(setTo[1])) values[setTo[1]] = setTo[2];
  const release = /\brelease\s+(?:to\s+)?(v[0-9][\w.-]*)/.exec(t) ?? /\brelease\s+of\s+\S+\s+to\s+(v[0-9][\w.-]*)/.exec(t);
  if (release?.[1]) values.release = release[1];
  if (!values[scaleKey]) {
    // Counts said in words count too ("scale it to zero", "two replicas").
    const n = wordsToDigits(t);
    const count =
      /\b(\d+)\s+(?:replicas?|instances?|copies|pods|tasks)\b/.exec(n) ??
      /\b(?:replicas?|instances?|pods|tasks)\s+(?:to|at|=|:)\s*(\d+)\b/.exec(n) ??
      /\b(?:scale|scaled|resize|reduce|increase|bump|turn|crank|dial|drop|lower|raise|take|set|make|change|update|adjust)\b.*?\bto\s+(\d+)\b/.exec(
        n,
      );
    if (count?.[1]) values[scaleKey] = count[1];
  }
  return values;
}

export const flagTrue = (text: string, re: RegExp) => (re.test(text.toLowerCase()) ? true : undefined);

/** An output map and a setter that skips what the text did not say: every extract hook starts here. */
export function paramCollector(): { out: Params; set: (key: string, value: unknown) => void } {
  const out: Params = {};
  return {
    out,
    set: (key, value) => {
      if (value !== undefined) out[key] = value;
    },
  };
}

/**
 * The extract hook of the capabilities that act on one stack (preview, deploy, destroy, rollback,
 * drift, status): the stack, configured or not — an unknown one is answered "I don't know the
 * stack … — did you mean …?" rather than with a form — and the environment it implies.
 */
export function stackRequestParams(text: string, stacks: readonly string[]): Params {
  const { out, set } = paramCollector();
  const stack = stackOf(text, stacks) ?? unconfiguredStackOf(text);
  set('stack', stack);
  set('environment', (stack && environmentOf(stack.split('/')[1] ?? '')) || environmentOf(text));
  return out;
}

const namesBySchema = new WeakMap<z.ZodType, string[]>();

/** The top-level parameter names a capability's schema takes (computed once per schema: it runs per message). */
export function paramNames(schema: z.ZodType): string[] {
  let names = namesBySchema.get(schema);
  if (!names) {
    const json = z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as { properties?: Record<string, unknown> };
    names = Object.keys(json.properties ?? {});
    namesBySchema.set(schema, names);
  }
  return names;
}

/**
 * `key=value` pairs typed in free text, under the names the schema takes (`env=` is `environment`
 * where the capability says so). What the user typed always wins over what was read around it.
 */
export function explicitPairs(text: string, names: readonly string[], aliases: Record<string, string> = {}): Params {
  const out: Params = {};
  for (const m of text.matchAll(/(?:^|\s)([a-z_]+)=(\S+)/gi)) {
    const key = aliases[(m[1] ?? '').toLowerCase()] ?? (m[1] ?? '').toLowerCase();
    if (names.includes(key)) out[key] = m[2];
  }
  return out;
}

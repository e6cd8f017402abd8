import { capabilities } from '../../capabilities/index.ts';
import type { CapabilityId } from '../../capabilities/types.ts';

// The fixed command syntax (slash commands use the same): `deploy sandbox/dev`,
// `set sandbox/dev replicas=3`. Parses only; the capability's zod schema validates the values.

export type GrammarResult =
  | { kind: 'command'; capability: CapabilityId; params: Record<string, unknown> }
  | { kind: 'invalid'; capability: CapabilityId; message: string }
  | { kind: 'unknown'; text: string };

const PREFIX = /^\s*(?:\/greenlight|@greenlight|greenlight)\b[:,]?\s*/i;

/** Splits on spaces, keeping `key="a b"` and "quoted words" together. */
export function tokenize(text: string): string[] {
  const tokens: string[] = [];
  const re = /([^\s"']+=)?(?:"([^"]*)"|'([^']*)'|(\S+))/g;
  for (const m of text.matchAll(re)) {
    const value = m[2] ?? m[3] ?? m[4] ?? '';
    tokens.push(`${m[1] ?? ''}${value}`);
  }
  return tokens;
}

const STACK_COMMANDS: Record<string, CapabilityId> = {
  preview: 'preview_stack',
  plan: 'preview_stack',
  deploy: 'deploy_stack',
  apply: 'deploy_stack',
  destroy: 'destroy_stack',
  drift: 'drift_scan',
};

/** Commands with at most one word (a stack, an environment) followed by key=value pairs. */
const OPTIONAL_WORD_COMMANDS: Record<string, { capability: CapabilityId; word: string; example: string }> = {
  history: { capability: 'deployment_history', word: 'stack', example: 'history sandbox/dev since=7d' },
  rollback: { capability: 'rollback_stack', word: 'stack', example: 'rollback sandbox/dev to=cr-0123456789' },
  costs: { capability: 'cost_report', word: 'environment', example: 'costs prod by=team' },
  cost: { capability: 'cost_report', word: 'environment', example: 'cost prod' },
  stacks: { capability: 'list_stacks', word: 'environment', example: 'stacks prod' },
};

/** `provision <name>`: every provisioning capability by its id and its aliases. */
const PROVISIONABLE = new Map(
  capabilities
    .filter((c) => c.kind === 'provision')
    .flatMap((c) => [c.id, ...(c.aliases ?? [])].map((name) => [name.toLowerCase(), c] as const)),
);

function parsePairs(pairs: string[], example: string): Record<string, string> | string {
  const values: Record<string, string> = {};
  for (const pair of pairs) {
    const eq = pair.indexOf('=');
    if (eq <= 0) return `"${pair}" is not key=value. Example: \`${example}\`.`;
    values[pair.slice(0, eq)] = pair.slice(eq + 1);
  }
  return values;
}

function parseProvision(rest: string[]): GrammarResult {
  const [name, ...pairs] = rest;
  const names = [...new Set(capabilities.filter((c) => c.kind === 'provision').map((c) => c.aliases?.[0] ?? c.id))].join(', ');
  if (!name) return { kind: 'invalid', capability: 'help', message: `\`provision\` needs what to build: ${names}.` };
  const cap = PROVISIONABLE.get(name.toLowerCase());
  if (!cap) return { kind: 'invalid', capability: 'help', message: `I cannot provision "${name}". I can provision: ${names}.` };
  const values = parsePairs(pairs, cap.examples[0] ?? cap.usage);
  if (typeof values === 'string') return { kind: 'invalid', capability: cap.id, message: values };
  const params: Record<string, string> = {};
  for (const [key, value] of Object.entries(values)) params[cap.paramAliases?.[key] ?? key] = value;
  return { kind: 'command', capability: cap.id, params };
}

export function parseCommand(input: string): GrammarResult {
  const text = input.replace(PREFIX, '').trim();
  const [head = '', ...rest] = tokenize(text);
  const word = head.toLowerCase();
  if (word === '' || word === 'help' || word === '?') return { kind: 'command', capability: 'help', params: {} };
  if (word === 'list' && rest[0]?.toLowerCase() === 'stacks') return parseOptionalWord('stacks', rest.slice(1));
  if (OPTIONAL_WORD_COMMANDS[word]) return parseOptionalWord(word, rest);
  const stackCapability = STACK_COMMANDS[word];
  if (stackCapability) {
    if (rest.length !== 1)
      return {
        kind: 'invalid',
        capability: stackCapability,
        message: `\`${word}\` takes exactly one stack: \`${word} <stack>\`, e.g. \`${word} sandbox/dev\`.`,
      };
    return { kind: 'command', capability: stackCapability, params: { stack: rest[0] } };
  }
  if (word === 'provision') return parseProvision(rest);
  if (word === 'set') {
    const [stack, ...pairs] = rest;
    if (!stack || pairs.length === 0) {
      return {
        kind: 'invalid',
        capability: 'update_stack_config',
        message: '`set` takes a stack and at least one key=value: `set sandbox/dev replicas=3`.',
      };
    }
    const values = parsePairs(pairs, `set ${stack} replicas=3`);
    if (typeof values === 'string') return { kind: 'invalid', capability: 'update_stack_config', message: values };
    return { kind: 'command', capability: 'update_stack_config', params: { stack, values } };
  }
  if (word === 'status') {
    if (rest.length !== 1)
      return {
        kind: 'invalid',
        capability: 'stack_status',
        message: '`status` takes a stack or a request id: `status sandbox/dev`.',
      };
    return { kind: 'command', capability: 'stack_status', params: { target: rest[0] } };
  }
  return { kind: 'unknown', text };
}

function parseOptionalWord(word: string, rest: string[]): GrammarResult {
  const command = OPTIONAL_WORD_COMMANDS[word];
  if (!command) return { kind: 'unknown', text: word };
  const [first, ...others] = rest;
  const positional = first && !first.includes('=') ? first : undefined;
  const values = parsePairs(positional ? others : rest, command.example);
  if (typeof values === 'string') return { kind: 'invalid', capability: command.capability, message: values };
  const { env, ...pairs } = values;
  const params: Record<string, string> = { ...pairs, ...(env ? { environment: env } : {}) };
  if (positional) params[command.word] = positional;
  return { kind: 'command', capability: command.capability, params };
}

import { existsSync, readFileSync } from 'node:fs';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { parse as parseYaml } from 'yaml';
import type { z } from 'zod';
import { GreenlightError } from '../domain/errors.ts';
import { PROJECT_ROOT } from '../paths.ts';
import { type Config, type ConfigInput, configSchema } from './schema.ts';

/** The example stacks registered when `includeExampleStacks` is true (the default). */
export function exampleStacks(dataDir: string): Config['stacks'] {
  const dir = resolve(PROJECT_ROOT, 'examples/sandbox-terraform');
  const common = { engine: 'terraform' as const, dir, state: 'managed' as const, workspace: undefined, scaleKey: 'replicas', passEnv: [] };
  const pulumiSandbox = {
    name: 'sandbox-pulumi/dev',
    engine: 'pulumi' as const,
    dir: resolve(PROJECT_ROOT, 'examples/sandbox-pulumi'),
    environment: 'dev' as const,
    workspace: 'dev',
    state: 'managed' as const,
    description: 'Pulumi sandbox (dynamic providers only); needs the pulumi CLI',
    config: { replicas: '2', applySeconds: '1' },
    scaleKey: 'replicas',
    passEnv: [],
  };
  return {
    'sandbox/dev': {
      ...common,
      name: 'sandbox/dev',
      environment: 'dev',
      description: `Terraform sandbox (terraform_data + local-exec), state in ${dataDir}`,
      config: { environment: 'dev', replicas: '2', apply_seconds: '2', fail_apply: 'false' },
    },
    'sandbox/prod': {
      ...common,
      name: 'sandbox/prod',
      environment: 'prod',
      description: 'Terraform sandbox, production environment with its own state',
      config: { environment: 'prod', replicas: '3', apply_seconds: '2', fail_apply: 'false' },
    },
    'sandbox-pulumi/dev': pulumiSandbox,
  };
}

/** Environment variables that override file keys. */
function envOverrides(env: NodeJS.ProcessEnv, input: Record<string, unknown>): Record<string, unknown> {
  const out = { ...input };
  const consoleSection = { ...((out.console as Record<string, unknown> | undefined) ?? {}) };
  if (env.PORT !== undefined) {
    const port = Number(env.PORT);
    if (!Number.isInteger(port)) {
      throw new GreenlightError('config_invalid', `PORT must be a whole number, got "${env.PORT}".`);
    }
    consoleSection.port = port;
  }
  if (env.GREENLIGHT_HOST) consoleSection.host = env.GREENLIGHT_HOST;
  if (env.GREENLIGHT_CONSOLE_TOKEN) consoleSection.token = env.GREENLIGHT_CONSOLE_TOKEN;
  if (env.GREENLIGHT_OIDC_CLIENT_SECRET && consoleSection.oidc && typeof consoleSection.oidc === 'object')
    consoleSection.oidc = { ...consoleSection.oidc, clientSecret: env.GREENLIGHT_OIDC_CLIENT_SECRET };
  out.console = consoleSection;
  if (env.GREENLIGHT_DATA_DIR) out.dataDir = env.GREENLIGHT_DATA_DIR;
  if (env.DATABASE_URL) out.database = { ...((out.database as object | undefined) ?? {}), url: env.DATABASE_URL };
  if (env.GREENLIGHT_CLASSIFIER) out.router = { ...((out.router as object | undefined) ?? {}), classifier: env.GREENLIGHT_CLASSIFIER };
  if (env.GREENLIGHT_AUDIT_KEY) out.audit = { ...((out.audit as object | undefined) ?? {}), key: env.GREENLIGHT_AUDIT_KEY };
  if (env.LOG_LEVEL) out.log = { ...((out.log as object | undefined) ?? {}), level: env.LOG_LEVEL };
  const engines = { ...((out.engines as Record<string, object> | undefined) ?? {}) };
  if (env.TERRAFORM_BINARY) engines.terraform = { ...engines.terraform, binary: env.TERRAFORM_BINARY };
  if (env.PULUMI_BINARY) engines.pulumi = { ...engines.pulumi, binary: env.PULUMI_BINARY };
  out.engines = engines;
  const slack = { ...((out.slack as Record<string, unknown> | undefined) ?? {}) };
  if (env.SLACK_BOT_TOKEN) slack.botToken = env.SLACK_BOT_TOKEN;
  if (env.SLACK_SIGNING_SECRET) slack.signingSecret = env.SLACK_SIGNING_SECRET;
  if (env.SLACK_APP_TOKEN) slack.appToken = env.SLACK_APP_TOKEN;
  if (env.SLACK_API_URL) slack.apiUrl = env.SLACK_API_URL.endsWith('/') ? env.SLACK_API_URL : `${env.SLACK_API_URL}/`;
  if (env.SLACK_PORT !== undefined) {
    const port = Number(env.SLACK_PORT);
    if (!Number.isInteger(port)) throw new GreenlightError('config_invalid', `SLACK_PORT must be a whole number, got "${env.SLACK_PORT}".`);
    slack.port = port;
  }
  out.slack = slack;
  const teams = { ...((out.teams as Record<string, unknown> | undefined) ?? {}) };
  if (env.MicrosoftAppId) teams.appId = env.MicrosoftAppId;
  if (env.MicrosoftAppPassword) teams.appPassword = env.MicrosoftAppPassword;
  if (env.MicrosoftAppTenantId) teams.tenantId = env.MicrosoftAppTenantId;
  if (env.MicrosoftAppType) teams.appType = env.MicrosoftAppType;
  if (env.TEAMS_PORT !== undefined) {
    const port = Number(env.TEAMS_PORT);
    if (!Number.isInteger(port)) throw new GreenlightError('config_invalid', `TEAMS_PORT must be a whole number, got "${env.TEAMS_PORT}".`);
    teams.port = port;
  }
  if (env.MicrosoftAppId || env.TEAMS_PORT !== undefined) teams.enabled = true;
  out.teams = teams;
  if (env.OPENAI_API_KEY || env.OPENAI_BASE_URL || env.GREENLIGHT_LLM_MODEL) {
    const router = { ...((out.router as Record<string, unknown> | undefined) ?? {}) };
    const llm = { ...((router.llm as Record<string, unknown> | undefined) ?? {}) };
    if (env.OPENAI_API_KEY) llm.apiKey = env.OPENAI_API_KEY;
    if (env.OPENAI_BASE_URL) llm.baseUrl = env.OPENAI_BASE_URL;
    if (env.GREENLIGHT_LLM_MODEL) llm.model = env.GREENLIGHT_LLM_MODEL;
    out.router = { ...router, llm };
  }
  return out;
}

function describeIssues(source: string, error: z.ZodError): string {
  const lines = error.issues.map((issue) => {
    const key = issue.path.length > 0 ? issue.path.join('.') : '(top level)';
    return `  ${key}: ${issue.message}`;
  });
  return `Invalid configuration in ${source}:\n${lines.join('\n')}\nFix the key(s) above; see README "Configuration" for every key and its default.`;
}

const LOOPBACK = new Set(['127.0.0.1', '::1', 'localhost']);

/** Parses and checks a config object; throws `config_invalid` naming the bad key and the fix. */
export function parseConfig(raw: unknown, options: { source: string; baseDir: string; env?: NodeJS.ProcessEnv }): Config {
  if (raw !== null && raw !== undefined && (typeof raw !== 'object' || Array.isArray(raw))) {
    throw new GreenlightError(
      'config_invalid',
      `${options.source} must hold a YAML mapping of keys, not ${Array.isArray(raw) ? 'a list' : typeof raw}.`,
    );
  }
  const merged = envOverrides(options.env ?? {}, (raw ?? {}) as ConfigInput as Record<string, unknown>);
  const result = configSchema.safeParse(merged);
  if (!result.success) throw new GreenlightError('config_invalid', describeIssues(options.source, result.error));
  const parsed = result.data;
  const dataDir = isAbsolute(parsed.dataDir) ? parsed.dataDir : resolve(options.baseDir, parsed.dataDir);
  if (!LOOPBACK.has(parsed.console.host) && !parsed.console.token) {
    throw new GreenlightError(
      'config_invalid',
      `Invalid configuration in ${options.source}:\n  console.token: required when console.host is ${parsed.console.host} (not loopback).\nSet console.token or GREENLIGHT_CONSOLE_TOKEN, or bind to 127.0.0.1.`,
    );
  }
  if (!LOOPBACK.has(parsed.console.host) && !parsed.console.publicUrl) {
    throw new GreenlightError(
      'config_invalid',
      `Invalid configuration in ${options.source}:\n  console.publicUrl: required when console.host is ${parsed.console.host} (not loopback): requests are accepted only for its host.\nSet console.publicUrl (e.g. https://greenlight.example.com), or bind to 127.0.0.1.`,
    );
  }
  const { slack } = parsed;
  if (slack.botToken && !slack.signingSecret && !slack.appToken) {
    throw new GreenlightError(
      'config_invalid',
      `Invalid configuration in ${options.source}:\n  slack: SLACK_BOT_TOKEN is set but neither SLACK_SIGNING_SECRET (HTTP mode) nor SLACK_APP_TOKEN (Socket Mode).\nSet one of them, or unset SLACK_BOT_TOKEN to run without Slack.`,
    );
  }
  const { teams } = parsed;
  if (teams.appId && !teams.appPassword && teams.appType !== 'UserAssignedMSI') {
    throw new GreenlightError(
      'config_invalid',
      `Invalid configuration in ${options.source}:\n  teams: MicrosoftAppId is set but MicrosoftAppPassword is not.\nSet the bot's client secret, or unset MicrosoftAppId to run Teams without authentication (local testing only).`,
    );
  }
  const stacks: Config['stacks'] = parsed.includeExampleStacks ? exampleStacks(dataDir) : {};
  for (const [name, stack] of Object.entries(parsed.stacks)) {
    stacks[name] = {
      ...stack,
      name,
      dir: isAbsolute(stack.dir) ? stack.dir : resolve(options.baseDir, stack.dir),
    };
  }
  for (const [env, rule] of Object.entries(parsed.approvals)) {
    for (const entry of rule.approvers ?? []) {
      const group = entry.startsWith('group:') ? entry.slice('group:'.length) : null;
      // With console sign-in, groups may come from the IdP's ID token instead of this file.
      if (group !== null && !(group in parsed.groups) && !parsed.console.oidc) {
        throw new GreenlightError(
          'config_invalid',
          `Invalid configuration in ${options.source}:\n  approvals.${env}.approvers: names group "${group}", which is not under groups.\nAdd groups.${group}: [user ids] or remove the entry.`,
        );
      }
    }
  }
  const under = (path: string | undefined, fallback: string) => (path ? resolve(options.baseDir, path) : join(dataDir, fallback));
  const audit = {
    ...parsed.audit,
    keyFile: under(parsed.audit.keyFile, 'audit.key'),
    checkpointDir: under(parsed.audit.checkpointDir, 'audit-checkpoints'),
  };
  return { ...parsed, dataDir, stacks, audit, baseDir: options.baseDir, source: options.source };
}

/** Loads `greenlight.yaml` (or GREENLIGHT_CONFIG) if present, else the embedded default. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env, cwd = process.cwd()): Config {
  const explicit = env.GREENLIGHT_CONFIG;
  const path = resolve(cwd, explicit ?? 'greenlight.yaml');
  if (!existsSync(path)) {
    if (explicit) {
      throw new GreenlightError(
        'config_invalid',
        `GREENLIGHT_CONFIG points at ${path}, which does not exist. Fix the path or unset it to use the embedded default.`,
      );
    }
    return parseConfig({}, { source: 'the embedded default', baseDir: cwd, env });
  }
  let raw: unknown;
  try {
    raw = parseYaml(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new GreenlightError('config_invalid', `${path} is not valid YAML: ${(error as Error).message}`, {
      cause: error,
    });
  }
  return parseConfig(raw, { source: path, baseDir: dirname(path), env });
}

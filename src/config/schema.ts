import { Cron } from 'croner';
import { z } from 'zod';
import { environmentSchema } from '../domain/environments.ts';
import { parseDuration } from '../domain/lifetime.ts';
import { GREENLIGHT_SECRET_VARIABLES } from '../engines/child-env.ts';
import { policiesSchema } from '../planning/policies.ts';

// The whole configuration surface. Every key has a default so that no file at all is a working
// setup (local console, SQLite under ./.greenlight, the example stacks).

const environment = environmentSchema;

/** Names of environment variables an engine may see; Greenlight's own secrets are refused. */
const passEnvSchema = z
  .array(
    z
      .string()
      .regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'an environment variable name')
      .refine((name) => !(GREENLIGHT_SECRET_VARIABLES as readonly string[]).includes(name), {
        message: "is one of Greenlight's own secrets; engines never see those",
      }),
  )
  .default([]);

const stackSchema = z
  .object({
    engine: z.enum(['terraform', 'pulumi']).describe('IaC engine that operates this stack'),
    dir: z.string().min(1).describe('Project directory (Terraform root or Pulumi project), relative to the config file'),
    environment: environment.describe('Environment, decides the approval rules'),
    description: z.string().default(''),
    /** The team that owns it: its budget, its cost report and weekly digest. */
    team: z.string().min(1).optional(),
    workspace: z.string().optional().describe('Terraform workspace / Pulumi stack name inside the project'),
    state: z
      .enum(['managed', 'own'])
      .default('own')
      .describe('managed: Greenlight keeps a local state file under the data dir; own: the project backend is used'),
    config: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()]).transform(String)).default({}),
    passEnv: passEnvSchema.describe("Variables of Greenlight's environment this stack's engine may see, e.g. [AWS_PROFILE]"),
    scaleKey: z
      .string()
      .regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'scaleKey is a config key such as desired_count')
      .default('replicas')
      .describe('The config key "scale <stack> to N" (and replicas=N) sets, e.g. desired_count'),
  })
  .strict();

const approvalRuleSchema = z
  .object({
    approvers: z.array(z.string().min(1)).min(1).describe('user ids, `group:<name>` or `*`'),
    allowSelfApproval: z.boolean(),
    required: z.number().int().min(1).max(10),
    /** Approvals count only from verified identities (Slack, Teams, OIDC sign-in), not local console names. */
    requireSignedIn: z.boolean(),
  })
  .strict();

/**
 * A cost gate: above a monthly cost or a monthly increase (USD), the approval needs `required`
 * more approvals from `approvers` (e.g. `group:finance`), in addition to the usual ones.
 */
const costGateSchema = z
  .object({
    monthlyAbove: z.number().positive().optional(),
    increaseAbove: z.number().positive().optional(),
    approvers: z.array(z.string().min(1)).min(1).describe('user ids, `group:<name>` or `person:<name>`'),
    required: z.number().int().min(1).max(5).default(1),
  })
  .strict()
  .refine((g) => g.monthlyAbove !== undefined || g.increaseAbove !== undefined, 'give monthlyAbove, increaseAbove or both');

const partialApprovalRule = approvalRuleSchema.partial().extend({
  /** Stricter rules from a risk level up, e.g. `high: { required: 2 }`. */
  byRisk: z.partialRecord(z.enum(['medium', 'high', 'critical']), approvalRuleSchema.partial()).optional(),
  byCost: costGateSchema.optional(),
});

function validCron(pattern: string): boolean {
  try {
    new Cron(pattern, { paused: true }).stop();
    return true;
  } catch {
    return false;
  }
}

const duration = z.string().refine((s) => parseDuration(s) !== undefined, 'a duration such as 36h, 7d or 2w');
const lifetimeSchema = z
  .object({
    default: duration.default('7d'),
    max: duration.default('30d'),
    destroyWithoutApproval: z.boolean().default(false),
    temporaryByDefault: z
      .boolean()
      .default(false)
      .describe('Provisioning requests here get the default lifetime unless they name one (ttl=…, "for two weeks")'),
  })
  .strict()
  .refine((l) => (parseDuration(l.default) ?? 0) <= (parseDuration(l.max) ?? 0), 'default must not be longer than max');
export type LifetimeConfig = z.output<typeof lifetimeSchema>;

/** Where programs' requests are posted for approval: a new console thread each, a Slack channel, or a Teams conversation. */
export const postToSchema = z
  .string()
  .regex(/^(console|slack:[A-Z0-9]{5,20}|teams:[^\s]{3,200})$/, 'post-to is console, slack:<channel id> or teams:<conversation id>');

export const configSchema = z
  .object({
    dataDir: z.string().default('./.greenlight'),
    includeExampleStacks: z.boolean().default(true),
    console: z
      .object({
        host: z.string().default('127.0.0.1'),
        port: z.number().int().min(0).max(65535).default(3000),
        token: z.string().min(16, 'use at least 16 characters').optional(),
        publicUrl: z.string().url().optional(),
        /** Sign-in with OpenID Connect; without it the console is the loopback-only local mode (self-declared names). */
        oidc: z
          .object({
            issuer: z.string().url().describe('The IdP issuer URL (Entra ID, Okta, Google, Keycloak …)'),
            clientId: z.string().min(1),
            /** From GREENLIGHT_OIDC_CLIENT_SECRET; keep it out of the file. */
            clientSecret: z.string().min(1).optional(),
            scopes: z.string().default('openid profile email'),
            usernameClaim: z.string().default('email').describe('ID token claim that names the person (oidc:<value>)'),
            groupsClaim: z.string().default('groups').describe('ID token claim listing groups, matched by group:<name> approver entries'),
            sessionHours: z.number().positive().max(720).default(12),
          })
          .strict()
          .optional(),
      })
      .strict()
      .default({ host: '127.0.0.1', port: 3000 }),
    /** The store: SQLite in the data dir unless a PostgreSQL URL is given (DATABASE_URL), for more than one replica. */
    database: z
      .object({
        url: z
          .string()
          .regex(/^postgres(ql)?:\/\/\S+$/, 'database.url is a postgres:// URL (leave it out for SQLite in the data dir)')
          .optional(),
      })
      .strict()
      .default({}),
    /** More than one replica on one PostgreSQL (see README, "Running on more than one machine"). */
    cluster: z
      .object({
        /** A stack lease held by an apply lasts this long unless renewed (every third of it). A dead replica's apply is reported after it. */
        leaseSeconds: z.number().min(1).max(600).default(30),
        /** How often workers look for queued applies (approved on any replica). */
        pollMs: z.number().int().min(50).max(60_000).default(1000),
      })
      .strict()
      .default({ leaseSeconds: 30, pollMs: 1000 }),
    /** Programs and agents (the /v1 API and MCP, behind API tokens). */
    api: z
      .object({
        /** Where their requests go for approval unless the token says otherwise. */
        postTo: postToSchema.default('console'),
        webhookAllow: z
          .array(z.url({ protocol: /^https?$/ }))
          .default([])
          .describe('URL prefixes webhooks may call (e.g. https://ci.example.com/hooks/); empty: any host whose addresses are all public'),
      })
      .strict()
      .default({ postTo: 'console', webhookAllow: [] }),
    plans: z
      .object({
        ttlMinutes: z
          .number()
          .positive()
          .max(24 * 60)
          .default(30),
      })
      .strict()
      .default({ ttlMinutes: 30 }),
    engines: z
      .object({
        terraform: z
          .object({ binary: z.string().default('terraform'), passEnv: passEnvSchema })
          .strict()
          .default({ binary: 'terraform', passEnv: [] }),
        pulumi: z
          .object({
            binary: z.string().default('pulumi'),
            /** Default: PULUMI_BACKEND_URL, else a file:// backend under dataDir/pulumi. */
            backendUrl: z
              .string()
              .regex(/^(file|https?|s3|azblob|gs):\/\//, 'a Pulumi backend URL: file://, https://, s3://, azblob:// or gs://')
              .optional(),
            passEnv: passEnvSchema,
          })
          .strict()
          .default({ binary: 'pulumi', passEnv: [] }),
      })
      .extend({
        /** After a crash, how long a leftover engine process may run on before it is stopped (SIGINT). */
        crashWaitSeconds: z.number().int().min(0).max(3600).default(120),
      })
      .strict()
      .default({ terraform: { binary: 'terraform', passEnv: [] }, pulumi: { binary: 'pulumi', passEnv: [] }, crashWaitSeconds: 120 }),
    slack: z
      .object({
        host: z.string().default('127.0.0.1').describe('Where /slack/events listens (put a TLS proxy or tunnel in front)'),
        port: z.number().int().min(0).max(65535).default(3001),
        /** Secrets come from SLACK_BOT_TOKEN, SLACK_SIGNING_SECRET, SLACK_APP_TOKEN; keep them out of the file. */
        botToken: z.string().startsWith('xoxb-', 'a bot token starts with xoxb-').optional(),
        signingSecret: z.string().min(8).optional(),
        appToken: z.string().startsWith('xapp-', 'an app-level token starts with xapp-').optional(),
        apiUrl: z.string().url().endsWith('/', 'end the Web API base URL with a slash').optional(),
      })
      .strict()
      .default({ host: '127.0.0.1', port: 3001 }),
    teams: z
      .object({
        /** Teams starts when this is true, or when MicrosoftAppId or TEAMS_PORT is set. */
        enabled: z.boolean().default(false),
        host: z.string().default('127.0.0.1').describe('Where /api/messages listens (put a TLS proxy or tunnel in front)'),
        port: z.number().int().min(0).max(65535).default(3978),
        /** From MicrosoftAppId / MicrosoftAppPassword / MicrosoftAppTenantId / MicrosoftAppType; keep secrets out of the file. */
        appId: z.string().optional(),
        appPassword: z.string().optional(),
        tenantId: z.string().optional(),
        appType: z.enum(['MultiTenant', 'SingleTenant', 'UserAssignedMSI']).optional(),
        /** Where the Bot Framework's signing keys are published (sovereign clouds; tests point it at a local server). */
        openIdMetadataUrl: z.string().url().optional(),
      })
      .strict()
      .default({ enabled: false, host: '127.0.0.1', port: 3978 }),
    router: z
      .object({
        /** Below this offline confidence the bot asks "did you mean …?". */
        confidenceThreshold: z.number().min(0).max(1).default(0.4),
        /** The offline classifier: logistic regression over normalised words (default) or the earlier naive Bayes. */
        classifier: z.enum(['logistic', 'bayes']).default('logistic'),
        llm: z
          .object({
            /** Any OpenAI-compatible endpoint; with it (or OPENAI_API_KEY) the LLM router is on. */
            baseUrl: z.string().url().optional(),
            /** From OPENAI_API_KEY; keep it out of the file. */
            apiKey: z.string().min(1).optional(),
            model: z.string().default('gpt-4o-mini'),
            timeoutMs: z.number().int().min(100).max(60_000).default(8000),
            method: z.enum(['jsonSchema', 'functionCalling']).default('jsonSchema'),
          })
          .strict()
          .default({ model: 'gpt-4o-mini', timeoutMs: 8000, method: 'jsonSchema' }),
      })
      .strict()
      .default({ confidenceThreshold: 0.4, classifier: 'logistic', llm: { model: 'gpt-4o-mini', timeoutMs: 8000, method: 'jsonSchema' } }),
    groups: z.record(z.string(), z.array(z.string())).default({}),
    /**
     * Temporary environments per environment: the lifetime Extend adds (`default`), the longest a
     * request may ask for or be extended to (`max`), and whether an expired one is destroyed
     * without a human approval (never in prod).
     */
    lifetimes: z
      .partialRecord(environment, lifetimeSchema)
      .default({})
      .refine((l) => !l.prod?.destroyWithoutApproval, 'lifetimes.prod.destroyWithoutApproval: prod is never destroyed without approval'),
    /**
     * Scheduled drift scans: a cron expression (croner syntax, UTC), the stacks (or every stack of
     * an environment) and where a finding is posted. No drift: nothing is posted.
     */
    driftSchedules: z
      .array(
        z
          .object({
            cron: z.string().refine((c) => validCron(c), 'a cron expression such as "0 * * * *" (minute hour day month weekday)'),
            stacks: z.array(z.string()).optional(),
            environment: environment.optional(),
            postTo: postToSchema.default('console'),
          })
          .strict()
          .refine((s) => (s.stacks === undefined) !== (s.environment === undefined), 'give stacks or environment'),
      )
      .default([]),
    /**
     * A weekly cost digest per team, from the registry of what is deployed: when (cron, UTC;
     * default Mondays 09:00), where (postTo), and a destination per team where it differs.
     */
    costDigest: z
      .object({
        cron: z
          .string()
          .refine((c) => validCron(c), 'a cron expression such as "0 9 * * 1"')
          .default('0 9 * * 1'),
        postTo: postToSchema.default('console'),
        teams: z.record(z.string(), postToSchema).default({}),
      })
      .strict()
      .optional(),
    /** Who may break a stack lock by hand (user ids, `group:<name>`, `person:<name>`); nobody by default. */
    breakGlass: z.array(z.string().min(1)).default([]),
    /** One person's identities on every channel, e.g. `bob: [console:bob, slack:T1:UBOB]`: approvals count people. */
    people: z
      .record(z.string().regex(/^[A-Za-z0-9._-]+$/, 'a person name: letters, digits, . _ -'), z.array(z.string().min(3)).min(1))
      .default({}),
    /** Guardrails (ids GL-…): budgets, tags, regions, ingress, public storage, cluster size. */
    policies: policiesSchema.prefault({}),
    approvals: z.partialRecord(environment, partialApprovalRule).default({}),
    stacks: z
      .record(
        z.string().regex(/^[a-z0-9][a-z0-9._-]*\/[a-z0-9][a-z0-9._-]*$/, 'stack names look like project/env, lower case'),
        stackSchema,
      )
      .default({}),
    redaction: z
      .object({
        /** Environment variables whose values are secrets to mask everywhere (e.g. a database password an engine gets). */
        env: z.array(z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/)).default([]),
      })
      .strict()
      .default({ env: [] }),
    audit: z
      .object({
        /** Where the audit chain's HMAC key is kept (never in the database); default <dataDir>/audit.key. GREENLIGHT_AUDIT_KEY wins. */
        keyFile: z.string().optional(),
        /** Where signed checkpoints of the chain's head are written; default <dataDir>/audit-checkpoints. Point it off this disk. */
        checkpointDir: z.string().optional(),
        /** The server writes a checkpoint this often (and on stop); 0: only `greenlight audit checkpoint`. */
        checkpointMinutes: z.number().min(0).max(1440).default(60),
        /** From GREENLIGHT_AUDIT_KEY only; keep it out of the file. */
        key: z.string().min(1).optional(),
      })
      .strict()
      .default({ checkpointMinutes: 60 }),
    log: z
      .object({
        level: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
      })
      .strict()
      .default({ level: 'info' }),
  })
  .strict();

export type ConfigInput = z.input<typeof configSchema>;
export type StackConfig = z.output<typeof stackSchema>;
export type ApprovalRule = z.output<typeof approvalRuleSchema>;

/** The loaded config: schema output plus absolute paths and the resolved stack list. */
export type Config = Omit<z.output<typeof configSchema>, 'stacks' | 'audit'> & {
  audit: z.output<typeof configSchema>['audit'] & { keyFile: string; checkpointDir: string };
  stacks: Record<string, StackConfig & { name: string }>;
  /** Directory relative paths in the file are resolved against. */
  baseDir: string;
  source: string;
};

import type { FastifyInstance } from 'fastify';
import { buildEngines } from './app-engines.ts';
import { learnConfiguredSecrets } from './app-secrets.ts';
import { ConsolePort } from './channels/console/console-port.ts';
import type { SlackChannel } from './channels/slack/slack-channel.ts';
import type { TeamsChannel } from './channels/teams/teams-channel.ts';
import type { Config } from './config/schema.ts';
import type { EngineKind } from './domain/types.ts';
import type { Engine } from './engines/engine.ts';
import { createLogger, type Logger } from './observability/logger.ts';
import { createMetrics, type Metrics } from './observability/metrics.ts';
import { buildRouter } from './router/build-router.ts';
import type { Router } from './router/router.ts';
import { writeCheckpoint } from './store/audit-checkpoint.ts';
import { loadAuditKey } from './store/audit-key.ts';
import { assertAuditKey, isPostgres } from './store/audit-log.ts';
import { channelMemory } from './store/channel-memory.ts';
import { type Db, databaseTarget, openDatabase } from './store/database.ts';
import { runningSpend } from './store/registry.ts';
import { listenThreadChanges, publishThreadChange } from './store/thread-feed.ts';
import { ApplyRunner } from './workflow/apply-runner.ts';
import { ApprovalPolicy } from './workflow/approval-policy.ts';
import { ChangeWorkflow } from './workflow/change-workflow.ts';
import { Conversation } from './workflow/conversation.ts';
import type { CostDigest } from './workflow/cost-digest.ts';
import type { DriftSchedules } from './workflow/drift-schedules.ts';
import { helpEntries } from './workflow/help.ts';
import { Interactions } from './workflow/interactions.ts';
import type { LifetimeSweeper } from './workflow/lifetimes.ts';
import { Planner } from './workflow/planner.ts';
import { ProgramAccess } from './workflow/program-access.ts';
import { ProgramRequests } from './workflow/program-requests.ts';
import { WebhookNotifier } from './workflow/program-webhooks.ts';
import { Publisher } from './workflow/publisher.ts';
import { StackQueries } from './workflow/query-services.ts';
import type { Requirement } from './workflow/requirements.ts';
import { StackRegistry } from './workflow/stacks.ts';
import { scheduledWork } from './workflow/sweeper.ts';
import { WebhookTargets } from './workflow/webhook-targets.ts';

// Builds the whole app from a config: store, engines, workflow, channels. `start` binds the
// console; `stop` drains and closes everything. Tests build it the same way, on a free port.

export interface AppOptions {
  now?: () => Date;
  logger?: Logger;
  /** How often expired plans are swept (ms); 0 turns the sweeper off (tests drive it). */
  expirySweepMs?: number;
  /** all (default): everything; web: channels and console, applies left to workers; worker: applies only (and /healthz). */
  role?: Role;
  /** The console's URL when this process does not serve it (`greenlight mcp` beside a running server). */
  baseUrl?: string;
  /** Engines to use instead of the built-in ones (benchmarks wrap them to time them). */
  engines?: Partial<Record<EngineKind, Engine>>;
  /** The approval requirements (default REQUIREMENTS; a test adds one to show it is one entry). */
  requirements?: readonly Requirement[];
}

export type Role = 'all' | 'web' | 'worker';

export interface App {
  config: Config;
  db: Db;
  log: Logger;
  metrics: Metrics;
  workflow: ChangeWorkflow;
  conversation: Conversation;
  /** The inbound API every channel calls. */
  interactions: Interactions;
  /** Temporary environments: reminders and the destroy at their end (swept with plan expiry). */
  lifetimes: LifetimeSweeper;
  /** Scheduled drift scans (config driftSchedules): `tick()` runs what is due. */
  driftSchedules: DriftSchedules;
  /** The weekly cost digest per team (config costDigest). */
  costDigest: CostDigest;
  /** Token authentication and audit for programs (the /v1 API and MCP). */
  access: ProgramAccess;
  router: Router;
  runner: ApplyRunner;
  stacks: StackRegistry;
  planner: Planner;
  queries: StackQueries;
  /** Programs and agents as requesters (the /v1 API and MCP). */
  programs: ProgramRequests;
  /** Webhook deliveries to programs; `idle()` waits for those under way. */
  webhooks: { idle(): Promise<void> };
  consolePort: ConsolePort;
  /** The console's server, once `start` has built it. */
  server: FastifyInstance | undefined;
  /** The console's base URL once started. */
  url: string;
  /** The Slack channel, when its tokens are set; `slackUrl` once started. */
  slack: SlackChannel | null;
  slackUrl: string;
  /** The Teams channel, when enabled; `teamsUrl` (its /api/messages) once started. */
  teams: TeamsChannel | null;
  teamsUrl: string;
  start(): Promise<string>;
  stop(): Promise<void>;
}

export async function createApp(config: Config, options: AppOptions = {}): Promise<App> {
  const now = options.now ?? (() => new Date());
  const log = options.logger ?? createLogger(config.log.level);
  const metrics = createMetrics();
  const auditKey = loadAuditKey(config.audit.keyFile, config.audit.key, { create: true });
  const db = await openDatabase(databaseTarget(config), { auditKey });
  await assertAuditKey(db, auditKey).catch(async (error: unknown) => {
    await db.destroy();
    throw error;
  });
  await learnConfiguredSecrets(config, db, auditKey, process.env);
  const checkpoint = () =>
    writeCheckpoint(db, auditKey, config.audit.checkpointDir, now().toISOString()).catch((err: unknown) =>
      log.warn({ err }, 'audit checkpoint failed'),
    );
  // On PostgreSQL other replicas may share the store: leases, not process memory, tell who applies.
  const shared = isPostgres(db);
  const engines = buildEngines(config, options.engines, log, shared);
  const stacks = new StackRegistry(config, db, engines);
  const policy = new ApprovalPolicy(config);
  const planner = new Planner({
    stacks,
    dataDir: config.dataDir,
    ttlMs: config.plans.ttlMinutes * 60_000,
    now,
    onPreview: (stack, engineMs) => metrics.planDuration.observe({ stack }, engineMs / 1000),
    policies: config.policies,
    spend: (environment, team, stack) => runningSpend(db, environment, team, stack),
    onFinding: (finding) => metrics.policyViolations.inc({ rule: finding.ruleId, severity: finding.severity }),
  });
  let baseUrl = config.console.publicUrl ?? options.baseUrl ?? '';
  const planUrl = (id: string) => (baseUrl ? `${baseUrl}/plans/${id}` : undefined);
  const publisher = new Publisher(db, policy, log, planUrl);
  const memory = channelMemory(db, now);
  const consolePort = new ConsolePort(memory.console);
  publisher.register(consolePort);
  const queries = new StackQueries(db, stacks, planner, helpEntries, config.policies, policy.people);
  const engineWaitMs = config.engines.crashWaitSeconds * 1000;
  const role = options.role ?? 'all';
  const runner = new ApplyRunner({
    db,
    lifetimes: config.lifetimes,
    planner,
    publisher,
    queries,
    now,
    stacks,
    policy,
    log,
    metrics,
    engineWaitMs,
    leaseMs: config.cluster.leaseSeconds * 1000,
    runsApplies: role !== 'web',
    shared,
    requirements: options.requirements,
  });
  const workflow = new ChangeWorkflow({
    db,
    planner,
    publisher,
    now,
    stacks,
    policy,
    runner,
    queries,
    log,
    metrics,
    requirements: options.requirements,
    lifetimes: config.lifetimes,
  });
  const webhookTargets = new WebhookTargets(config.api.webhookAllow);
  const programs = new ProgramRequests({
    db,
    workflow,
    stacks,
    policy,
    publisher,
    now,
    log,
    defaultPostTo: config.api.postTo,
    webhookTargets,
    planUrl,
  });
  const webhooks = new WebhookNotifier(db, log, now, webhookTargets);
  publisher.watch(webhooks.changed);
  const router = buildRouter(config, stacks, log);
  const conversation = new Conversation({
    db,
    planner,
    publisher,
    queries,
    now,
    router,
    workflow,
    stacks,
    policy,
    log,
    metrics,
    confidenceThreshold: config.router.confidenceThreshold,
    lifetimes: config.lifetimes,
  });
  const { lifetimes, driftSchedules, costDigest, sweeper } = scheduledWork({ ...conversation.deps, runner }, config, shared);
  const interactions = new Interactions(conversation, workflow, { runner, requirements: options.requirements });
  const access = new ProgramAccess(db, now);
  // Chat SDKs load only when their channel is on (botbuilder alone adds ~200 ms to a start).
  const slack = config.slack.botToken
    ? (await import('./channels/slack/slack-channel.ts')).createSlackChannel(
        {
          botToken: config.slack.botToken,
          signingSecret: config.slack.signingSecret,
          appToken: config.slack.appToken,
          host: config.slack.host,
          port: config.slack.port,
          apiUrl: config.slack.apiUrl,
        },
        { interactions, memory, log },
      )
    : null;
  if (slack) publisher.register(slack.port);
  const teams = config.teams.enabled
    ? (await import('./channels/teams/teams-channel.ts')).createTeamsChannel(config.teams, { interactions, memory, log })
    : null;
  if (teams) publisher.register(teams.port);
  // The console's HTTP server (fastify, sign-in) is loaded by `start` only: `greenlight plan`
  // and `eval` build the app without serving it.
  const buildServer = async () =>
    (await import('./channels/console/server.ts')).buildConsoleServer(config, {
      interactions,
      messages: memory.console,
      ping: memory.ping,
      access,
      port: consolePort,
      log,
      metrics,
      people: policy.people,
      programs,
      queries,
      now,
      cookieSecret: auditKey,
      baseUrl: () => baseUrl,
    });
  let feed: { close(): Promise<void> } | undefined;
  let checkpoints: NodeJS.Timeout | undefined;

  const app: App = {
    config,
    db,
    log,
    metrics,
    workflow,
    conversation,
    interactions,
    lifetimes,
    driftSchedules,
    costDigest,
    access,
    router,
    runner,
    stacks,
    planner,
    queries,
    programs,
    webhooks,
    consolePort,
    server: undefined,
    url: '',
    slack,
    slackUrl: '',
    teams,
    teamsUrl: '',
    async start() {
      await runner.recover();
      if (shared) runner.startWorking(config.cluster.pollMs);
      if (role === 'worker') {
        // A worker serves only its health and metrics; people reach the web replicas.
        const { buildHealthServer } = await import('./channels/console/server.ts');
        app.server = buildHealthServer(memory.ping, metrics);
        app.url = (await app.server.listen({ host: config.console.host, port: config.console.port })).replace('[::1]', 'localhost');
        log.info({ url: app.url, replica: runner.replica }, 'worker ready');
        return app.url;
      }
      if (shared) {
        // Browsers on this replica see what the others post, and theirs what this one posts.
        consolePort.onChange = (thread, message) =>
          void publishThreadChange(db, { replica: runner.replica, thread, message }).catch((err) =>
            log.warn({ err }, 'thread notify failed'),
          );
        feed = await listenThreadChanges(
          databaseTarget(config),
          runner.replica,
          (change) => void consolePort.replay(change.thread, change.message).catch((err) => log.warn({ err }, 'thread replay failed')),
          log,
        );
      }
      // A server trains its classifier before the first message rather than during it.
      void router.classifier;
      const server = await buildServer();
      app.server = server;
      const address = await server.listen({ host: config.console.host, port: config.console.port });
      const url = address.replace('[::1]', 'localhost');
      app.url = url;
      if (!config.console.publicUrl) baseUrl = url;
      sweeper.start(options.expirySweepMs ?? 60_000);
      if (config.audit.checkpointMinutes > 0) {
        checkpoints = setInterval(() => void checkpoint(), config.audit.checkpointMinutes * 60_000);
        checkpoints.unref();
      }
      log.info({ url, dataDir: config.dataDir, stacks: stacks.list().map((s) => s.name) }, 'console listening');
      if (slack) {
        app.slackUrl = await slack.start();
        log.info({ slack: app.slackUrl }, 'slack listening');
      }
      if (teams) {
        app.teamsUrl = await teams.start();
        log.info({ teams: app.teamsUrl }, 'teams listening');
      }
      return url;
    },
    async stop() {
      await sweeper.stop();
      if (checkpoints) clearInterval(checkpoints);
      await runner.shutdown();
      await webhooks.idle();
      await slack?.stop();
      await teams?.stop();
      await app.server?.close();
      await feed?.close();
      // The last word on a clean stop: a signed head, so rows removed later are noticed.
      if (checkpoints) await checkpoint();
      await db.destroy();
    },
  };
  return app;
}

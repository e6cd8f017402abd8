import { Command } from 'commander';
import { ENVIRONMENTS } from './domain/environments.ts';
import { GreenlightError } from './domain/errors.ts';

// The `greenlight` CLI. This is the one place that writes to the console directly. Each command
// loads what it needs when it runs, so `greenlight --help` does not load the bot, the engines or
// the chat SDKs.

function fail(error: unknown): never {
  if (error instanceof GreenlightError) {
    console.error(`greenlight: ${error.message}`);
    if (error.code !== 'config_invalid') console.error(`Next: ${error.nextStep}`);
  } else {
    console.error(`greenlight: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
  }
  process.exit(error instanceof GreenlightError && error.code === 'config_invalid' ? 78 : 1);
}

const program = new Command()
  .name('greenlight')
  .description('Chat-ops for infrastructure changes: plan card, approval, Terraform / Pulumi apply in the thread.')
  .showHelpAfterError();

program
  .command('start', { isDefault: true })
  .description('Start the bot: the local web console (and any configured chat channels)')
  .option(
    '--role <role>',
    'all (default), web (channels and console; applies left to workers) or worker (applies only); env GREENLIGHT_ROLE',
  )
  .action(async (opts: { role?: string }) => {
    // Everything the bot and its engines write (state, plans, logs of a local-exec) is private.
    process.umask(0o077);
    const role = opts.role ?? process.env.GREENLIGHT_ROLE ?? 'all';
    if (role !== 'all' && role !== 'web' && role !== 'worker')
      fail(new GreenlightError('bad_request', `--role is all, web or worker, not "${role}".`));
    const [{ createApp }, { loadConfig }] = await Promise.all([import('./app.ts'), import('./config/load.ts')]);
    const app = await createApp(loadConfig(), { role });
    const url = await app.start();
    if (app.slackUrl) console.log(`Slack events: ${app.slackUrl}`);
    if (app.teamsUrl) console.log(`Teams messages: ${app.teamsUrl}`);
    console.log(role === 'worker' ? `Greenlight worker: health on ${url}` : `Greenlight console: ${url}  (data in ${app.config.dataDir})`);
    const stop = async (signal: string) => {
      app.log.info({ signal }, 'shutting down');
      await app.stop();
      process.exit(0);
    };
    process.once('SIGINT', () => void stop('SIGINT'));
    process.once('SIGTERM', () => void stop('SIGTERM'));
    // One bad request must never take the bot down for everyone: a failure that escaped every
    // handler is logged and the process keeps serving.
    process.on('uncaughtException', (err) => app.log.error({ err }, 'uncaught exception; still serving'));
    process.on('unhandledRejection', (err) => app.log.error({ err }, 'unhandled rejection; still serving'));
  });

program
  .command('plan')
  .description('Print the plan a request would get (changes, cost, risk), without a server and without storing anything')
  .argument('<request>', 'the request, e.g. "provision databricks team=data env=dev region=eastus" or "preview sandbox/dev"')
  .option('--user <user>', 'who asks (used for tags and approvals)')
  .option('--json', 'print the plan as JSON')
  .action(async (request: string, opts: { user?: string; json?: boolean }) => {
    const [{ createApp }, { loadConfig }, { planCommand }, { secrets }] = await Promise.all([
      import('./app.ts'),
      import('./config/load.ts'),
      import('./cli-plan.ts'),
      import('./domain/redaction.ts'),
    ]);
    const config = loadConfig({ ...process.env, LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn' });
    const app = await createApp(config, { expirySweepMs: 0 });
    secrets.learnSecretsIn(request);
    const result = await planCommand(app, request, opts.user);
    await app.stop();
    // A terminal is a place people see: the plan's secrets print as fingerprints.
    console.log(opts.json ? JSON.stringify(secrets.value(result.json), null, 2) : secrets.text(result.text));
    process.exitCode = result.exitCode;
  });

program
  .command('eval')
  .description('Measure the router on a labelled JSONL corpus ({"text","intent","params"} per line)')
  .argument('<file>', 'e.g. intents/dev-corpus.jsonl')
  .option('--json', 'end with one JSON line of the figures')
  .option('--details', 'print every line: expected → predicted intent and the normalised parameters (stacks from GREENLIGHT_CONFIG)')
  .action(async (file: string, opts: { json?: boolean; details?: boolean }) => {
    const [{ createApp }, { loadConfig }, { evaluate, formatResult, readCorpus }] = await Promise.all([
      import('./app.ts'),
      import('./config/load.ts'),
      import('./cli-eval.ts'),
    ]);
    const config = loadConfig({ ...process.env, LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn' });
    const app = await createApp(config, { expirySweepMs: 0 });
    try {
      const lines = readCorpus(file);
      const results = [await evaluate(app.router, lines, 'offline')];
      if (app.router.usesLlm) results.push(await evaluate(app.router, lines, 'llm'));
      for (const r of results) {
        if (opts.details) console.log(r.details.join('\n'));
        console.log(formatResult(r));
      }
      if (opts.json) {
        const [offline, llm] = results.map(({ misses: _m, details: _d, router: _r, ...figures }) => figures);
        console.log(JSON.stringify(llm ? { ...offline, llm } : offline));
      }
    } finally {
      await app.stop();
    }
  });

async function auditTools() {
  const [{ loadConfig }, { loadAuditKey }, { databaseTarget, openDatabase }] = await Promise.all([
    import('./config/load.ts'),
    import('./store/audit-key.ts'),
    import('./store/database.ts'),
  ]);
  return { loadConfig, loadAuditKey, openDatabase, databaseTarget };
}

const audit = program.command('audit').description('Audit log tools');
audit
  .command('verify')
  .description(
    'Check the audit log: its HMAC chain, the latest checkpoint, and approvals / request states against it; exits 1 naming what is wrong',
  )
  .action(async () => {
    try {
      const { loadConfig, loadAuditKey, openDatabase, databaseTarget } = await auditTools();
      const { verifyAudit } = await import('./store/audit-log.ts');
      const config = loadConfig();
      const key = loadAuditKey(config.audit.keyFile, config.audit.key, { create: false });
      const db = await openDatabase(databaseTarget(config));
      const result = await verifyAudit(db, key, config.audit.checkpointDir);
      await db.destroy();
      const against = result.checkpoint
        ? ` (checkpoint of ${result.checkpoint.at}: ${result.checkpoint.seq} rows)`
        : ' (no checkpoint yet)';
      if (result.ok) {
        console.log(`audit log intact: ${result.rows} rows${against}`);
        return;
      }
      if (result.firstBad)
        console.error(`audit log BROKEN at row ${result.firstBad.seq}: ${result.firstBad.reason} (${result.rows} rows read)`);
      for (const m of result.mismatches ?? []) console.error(`audit log BROKEN: ${m}`);
      process.exitCode = 1;
    } catch (error) {
      fail(error);
    }
  });

audit
  .command('checkpoint')
  .description('Write a signed checkpoint of the audit log head outside the database (audit.checkpointDir)')
  .action(async () => {
    try {
      const { loadConfig, loadAuditKey, openDatabase, databaseTarget } = await auditTools();
      const { writeCheckpoint } = await import('./store/audit-checkpoint.ts');
      const config = loadConfig();
      const key = loadAuditKey(config.audit.keyFile, config.audit.key, { create: false });
      const db = await openDatabase(databaseTarget(config));
      const written = await writeCheckpoint(db, key, config.audit.checkpointDir, new Date().toISOString());
      await db.destroy();
      console.log(`audit checkpoint: ${written.seq} rows signed in ${written.path}`);
    } catch (error) {
      fail(error);
    }
  });

program
  .command('resources')
  .description('What Greenlight has deployed, per environment: stacks, their resources, monthly cost (from the store)')
  .option('--env <environment>', 'only dev, staging or prod')
  .option('--json', 'print the registry as JSON')
  .action(async (opts: { env?: string; json?: boolean }) => {
    const env = ENVIRONMENTS.find((e) => e === opts.env);
    if (opts.env !== undefined && !env) throw new GreenlightError('bad_request', `--env must be dev, staging or prod, not "${opts.env}".`);
    const [{ loadConfig }, { databaseTarget, openDatabase }, { deployedStacks, registryText }, { secrets }] = await Promise.all([
      import('./config/load.ts'),
      import('./store/database.ts'),
      import('./store/registry.ts'),
      import('./domain/redaction.ts'),
    ]);
    const config = loadConfig();
    const db = await openDatabase(databaseTarget(config));
    const stacks = await deployedStacks(db, env ? { environment: env } : {});
    await db.destroy();
    console.log(opts.json ? JSON.stringify(secrets.value(stacks), null, 2) : secrets.text(registryText(stacks, env)));
  });

const token = program
  .command('token')
  .description('API tokens for programs and agents (the /v1 API and MCP): they request and read, never approve');
token
  .command('create')
  .description('Create a token; it is printed once (only its hash is kept)')
  .requiredOption('--name <name>', 'who uses it, e.g. ci or backstage: requests show as api:<name>')
  .option('--scopes <list>', 'read, plan and/or request, comma-separated', 'read,plan,request')
  .option('--expires <lifetime>', 'e.g. 90d, 12h, 30m (default: never)')
  .option('--webhook <url>', "called (HMAC-signed) on each status change of this token's requests")
  .option(
    '--post-to <place>',
    'where its requests go for approval: console, slack:<channel id> or teams:<conversation id> (default: api.postTo)',
  )
  .action((opts: { name: string; scopes: string; expires?: string; webhook?: string; postTo?: string }) =>
    import('./cli-programs.ts').then(async (cli) => console.log(await cli.createToken(opts))).catch(fail),
  );
token
  .command('list')
  .description('List tokens: name, scopes, created, expiry, last use, revoked')
  .option('--json', 'print as JSON')
  .action((opts: { json?: boolean }) =>
    import('./cli-programs.ts').then(async (cli) => console.log(await cli.listTokens(opts))).catch(fail),
  );
token
  .command('revoke')
  .description('Revoke a token by name or id: its next use is refused (401)')
  .argument('<name-or-id>')
  .action((nameOrId: string) => import('./cli-programs.ts').then(async (cli) => console.log(await cli.revokeToken(nameOrId))).catch(fail));

program
  .command('mcp')
  .description('Serve the MCP tools over stdio for an AI agent; GREENLIGHT_TOKEN (an API token) says who it is and what it may do')
  .action(() => import('./cli-programs.ts').then((cli) => cli.serveMcp()).catch(fail));

program.parseAsync(process.argv).catch(fail);

import { GreenlightError } from './domain/errors.ts';

// `greenlight token …` and `greenlight mcp`: API tokens for programs and agents, and the MCP
// server over stdio. Loaded only when one of these commands runs.

async function tokenTools() {
  const [{ loadConfig }, { loadAuditKey }, { databaseTarget, openDatabase }, tokens, { appendAudit }] = await Promise.all([
    import('./config/load.ts'),
    import('./store/audit-key.ts'),
    import('./store/database.ts'),
    import('./store/api-tokens.ts'),
    import('./store/audit-log.ts'),
  ]);
  const config = loadConfig({ ...process.env, LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn' });
  const auditKey = loadAuditKey(config.audit.keyFile, config.audit.key, { create: true });
  const db = await openDatabase(databaseTarget(config), { auditKey });
  const actor = `cli:${(await import('node:os')).userInfo().username}`;
  const audit = (action: string, detail: Record<string, unknown>) =>
    db.transaction().execute((trx) => appendAudit(trx, { actor, action, detail }, new Date().toISOString()));
  return { db, tokens, audit, actor, config };
}

// Each command returns what the CLI prints (main.ts is the one place that writes to the console).

export async function createToken(opts: {
  name: string;
  scopes: string;
  expires?: string;
  webhook?: string;
  postTo?: string;
}): Promise<string> {
  const { z } = await import('zod');
  const { postToSchema } = await import('./config/schema.ts');
  const { API_SCOPES, tokenName, parseLifetime } = await import('./store/api-tokens.ts');
  const name = tokenName.safeParse(opts.name);
  if (!name.success) throw new GreenlightError('bad_request', `--name: ${name.error.issues[0]?.message}`);
  const scopes = z
    .array(z.enum(API_SCOPES))
    .min(1)
    .safeParse(
      opts.scopes
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean),
    );
  if (!scopes.success)
    throw new GreenlightError('bad_request', `--scopes takes ${API_SCOPES.join(', ')} (comma-separated), not "${opts.scopes}".`);
  const lifetime = opts.expires === undefined ? undefined : parseLifetime(opts.expires);
  if (opts.expires !== undefined && !lifetime)
    throw new GreenlightError('bad_request', `--expires takes a lifetime such as 90d, 12h or 30m, not "${opts.expires}".`);
  if (opts.webhook !== undefined && !z.url({ protocol: /^https?$/ }).safeParse(opts.webhook).success)
    throw new GreenlightError('bad_request', `--webhook must be an http(s) URL, not "${opts.webhook}".`);
  if (opts.postTo !== undefined && !postToSchema.safeParse(opts.postTo).success)
    throw new GreenlightError('bad_request', `--post-to is console, slack:<channel id> or teams:<conversation id>, not "${opts.postTo}".`);
  const { db, tokens, audit, actor, config } = await tokenTools();
  if (opts.webhook !== undefined) {
    const { WebhookTargets } = await import('./workflow/webhook-targets.ts');
    await new WebhookTargets(config.api.webhookAllow).check(opts.webhook).catch(async (error: unknown) => {
      await db.destroy();
      throw error;
    });
  }
  const now = new Date();
  const created = await tokens.createToken(db, {
    name: name.data,
    scopes: scopes.data,
    createdBy: actor,
    at: now.toISOString(),
    expiresAt: lifetime ? new Date(now.getTime() + lifetime).toISOString() : undefined,
    webhookUrl: opts.webhook,
    postTo: opts.postTo,
  });
  await audit('token.created', { name: name.data, id: created.record.id, scopes: scopes.data, expiresAt: created.record.expiresAt });
  await db.destroy();
  return [
    `API token ${name.data} (api:${name.data}; scopes ${scopes.data.join(', ')}; ${created.record.expiresAt ? `expires ${created.record.expiresAt}` : 'no expiry'})`,
    `token:          ${created.token}`,
    `webhook secret: ${created.record.webhookSecret}`,
    'Both are shown this once. Send the token as "Authorization: Bearer <token>"; verify webhooks with the secret (README, "Programs and agents").',
  ].join('\n');
}

export async function listTokens(opts: { json?: boolean }): Promise<string> {
  const { db, tokens } = await tokenTools();
  const all = (await tokens.listTokens(db)).map(({ webhookSecret: _secret, ...t }) => t);
  await db.destroy();
  if (opts.json) return JSON.stringify(all, null, 2);
  if (!all.length) return 'No API tokens yet: greenlight token create --name ci --scopes read,plan,request';
  const lines: string[] = [];
  for (const t of all) {
    const state = t.revokedAt
      ? `revoked ${t.revokedAt}`
      : t.expiresAt && Date.parse(t.expiresAt) <= Date.now()
        ? `expired ${t.expiresAt}`
        : 'active';
    lines.push(
      `${t.name.padEnd(20)} ${t.id}  ${t.scopes.join(',').padEnd(18)} ${state.padEnd(32)} created ${t.createdAt} by ${t.createdBy}; last used ${t.lastUsedAt ?? 'never'}${t.expiresAt && !t.revokedAt ? `; expires ${t.expiresAt}` : ''}`,
    );
  }
  return lines.join('\n');
}

export async function revokeToken(nameOrId: string): Promise<string> {
  const { db, tokens, audit } = await tokenTools();
  const revoked = await tokens.revokeToken(db, nameOrId, new Date().toISOString());
  if (revoked) await audit('token.revoked', { name: revoked.name, id: revoked.id });
  await db.destroy();
  if (!revoked) throw new GreenlightError('not_found', `There is no active token ${nameOrId}: greenlight token list shows them.`);
  return `API token ${revoked.name} (${revoked.id}) revoked.`;
}

export async function serveMcp(): Promise<void> {
  const [{ createApp }, { loadConfig }, { createLogger }, { pino }, { buildMcpServer }, { VERSION }, { StdioServerTransport }] =
    await Promise.all([
      import('./app.ts'),
      import('./config/load.ts'),
      import('./observability/logger.ts'),
      import('pino'),
      import('./channels/http/mcp.ts'),
      import('./channels/http/server-routes.ts'),
      import('@modelcontextprotocol/sdk/server/stdio.js'),
    ]);
  const config = loadConfig({ ...process.env, LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn' });
  // stdout carries the protocol: logs go to stderr.
  const logger = createLogger(config.log.level, pino.destination(2));
  const { host, port } = config.console;
  const app = await createApp(config, {
    expirySweepMs: 0,
    logger,
    baseUrl: `http://${host.includes(':') ? `[${host}]` : host}:${port}`,
  });
  const caller = await app.access.authenticate(`Bearer ${process.env.GREENLIGHT_TOKEN ?? ''}`, 'mcp').catch(async (error: unknown) => {
    await app.stop();
    throw error;
  });
  const server = buildMcpServer(caller, {
    access: app.access,
    programs: app.programs,
    queries: app.queries,
    version: VERSION,
  });
  const transport = new StdioServerTransport();
  // The agent's host ends the session by closing stdin or signalling: close the store cleanly.
  const stop = () => void app.stop().finally(() => process.exit(0));
  process.stdin.once('end', stop);
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
  await server.connect(transport);
  logger.info({ principal: caller.principal, scopes: caller.token.scopes }, 'mcp serving on stdio');
}

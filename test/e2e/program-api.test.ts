import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { Validator } from '@seriousme/openapi-schema-validator';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openApiDocument } from '../../src/channels/http/openapi.ts';
import { apiRoutes, fastifyPath } from '../../src/channels/http/routes.ts';
import { createToken } from '../../src/store/api-tokens.ts';
import { signBody } from '../../src/workflow/program-webhooks.ts';
import { hasTerraform, startTestApp, type TestApp } from '../helpers/test-app.ts';
import { until } from '../helpers/until.ts';

// The /v1 API driven as a pipeline would: real HTTP against the real app, real Terraform applies
// of the sandbox, tokens created in the store as `greenlight token create` does. The webhook
// receiver is a local HTTP server standing in for the pipeline's endpoint.

describe.skipIf(!hasTerraform)('the /v1 API as a pipeline drives it (real terraform)', () => {
  let t: TestApp;
  let receiver: Server;
  const deliveries: { body: string; signature: string | undefined }[] = [];
  const tokens: Record<string, { token: string; webhookSecret: string }> = {};
  /** Every answer the API gave, to check that no secret was ever in one. */
  const answers: string[] = [];

  async function api(method: string, path: string, token: string | undefined, body?: unknown) {
    const res = await fetch(`${t.url}${path}`, {
      method,
      headers: {
        ...(token ? { authorization: `Bearer ${token}` } : {}),
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await res.text();
    answers.push(text);
    return { status: res.status, body: JSON.parse(text) };
  }

  async function auditRows(actor: string) {
    return t.app.db.selectFrom('audit_log').selectAll().where('actor', '=', actor).orderBy('seq').execute();
  }

  beforeAll(async () => {
    receiver = createServer((req, res) => {
      let body = '';
      req.on('data', (c) => {
        body += c;
      });
      req.on('end', () => {
        deliveries.push({ body, signature: req.headers['x-greenlight-signature'] as string | undefined });
        res.end('ok');
      });
    });
    await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
    const hook = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`;
    t = await startTestApp({
      // The receiver is on loopback, which Greenlight calls only when the config allows it.
      api: { webhookAllow: [hook] },
      groups: { platform: ['console:bob'] },
      stacks: {
        'broken/dev': {
          engine: 'terraform',
          dir: join(process.cwd(), 'test/fixtures/broken-terraform'),
          environment: 'dev',
          state: 'managed',
        },
      },
    });
    const at = new Date().toISOString();
    const make = async (name: string, scopes: ('read' | 'plan' | 'request')[], extra: { expiresAt?: string; webhookUrl?: string } = {}) => {
      const created = await createToken(t.app.db, { name, scopes, createdBy: 'cli:test', at, ...extra });
      tokens[name] = { token: created.token, webhookSecret: created.record.webhookSecret };
    };
    await make('ci', ['read', 'plan', 'request'], { webhookUrl: hook });
    await make('reader', ['read']);
    await make('old', ['read', 'plan', 'request']);
    await make('lapsed', ['read'], { expiresAt: new Date(Date.now() - 1000).toISOString() });
    const { revokeToken } = await import('../../src/store/api-tokens.ts');
    await revokeToken(t.app.db, 'old', at);
  });
  afterAll(async () => {
    await t?.close();
    receiver?.close();
  });

  it('generate → deploy (202) → the plan card in a console thread → a person approves → status succeeded with outputs', async () => {
    const ci = tokens.ci!.token;
    const generated = await api('POST', '/v1/generate', ci, { stack: 'sandbox/dev', environment: 'dev', runtime: 'terraform' });
    expect(generated.status).toBe(200);
    expect(generated.body).toMatchObject({
      stack: 'sandbox/dev',
      environment: 'dev',
      runtime: 'terraform',
      operation: 'apply',
      made_by: 'engine preview',
    });
    expect(generated.body.changes.map((c: any) => c.address)).toContain('terraform_data.network');
    expect(generated.body.risk.level).toMatch(/low|medium|high|critical/);
    expect(generated.body.cost.currency).toBe('USD');
    // Nothing stored by a generate.
    expect(await t.app.db.selectFrom('change_requests').select('id').execute()).toEqual([]);

    const deploy = { deployment_id: 'pipe-1', stack: 'sandbox/dev', note: 'release 42 from the pipeline' };
    const first = await api('POST', '/v1/deploy', ci, deploy);
    expect(first.status).toBe(202);
    expect(first.body).toMatchObject({
      deployment_id: 'pipe-1',
      status: 'awaiting_approval',
      requester: 'api:ci',
      via: 'api',
      thread: { channel: 'console' },
    });
    const requestId = first.body.request_id as string;
    expect(first.body.card_url).toBe(`${t.url}/plans/${requestId}`);
    // A retry with the same deployment id is the same request, and no second card.
    const again = await api('POST', '/v1/deploy', ci, deploy);
    expect(again.status).toBe(202);
    expect(again.body.request_id).toBe(requestId);
    expect(await t.app.db.selectFrom('change_requests').select('id').execute()).toHaveLength(1);

    // In the console: the program's words, then the plan card saying who asked and how.
    const messages = (await t.get(`/api/threads/${first.body.thread.id}`)).body.messages;
    expect(messages.map((m: any) => [m.author, m.card.kind])).toEqual([
      ['api:ci', 'info'],
      ['greenlight', 'plan'],
    ]);
    expect(messages[0].card.blocks[0].text).toContain('release 42 from the pipeline');
    const requestedBy = messages[1].card.blocks.flatMap((b: any) => b.facts ?? []).find((f: any) => f.label === 'Requested by');
    expect(requestedBy.value).toBe('api:ci (a program, over the HTTP API with API token ci; deployment pipe-1)');
    // It shows in the thread list with its request, waiting for an approver.
    const listed = (await t.get('/api/threads?user=bob')).body.threads.find((th: any) => th.id === first.body.thread.id);
    expect(listed).toMatchObject({ request: { id: requestId, requester: 'api:ci' }, waitingForMe: true });

    // No route approves; a person does, in the console.
    expect((await api('POST', '/v1/approve', ci, { request_id: requestId })).status).toBe(404);
    const approved = await t.act('bob', requestId, 'approve');
    expect(approved.status).toBe(200);
    // While it runs, the same deployment id is a conflict, not a second apply.
    const running = await api('POST', '/v1/deploy', ci, deploy);
    expect(running.status).toBe(409);
    expect(running.body.error.code).toBe('deployment_running');

    const done = await until(async () => {
      const s = await api('GET', '/v1/status/pipe-1', ci);
      return ['succeeded', 'failed'].includes(s.body.status) ? s.body : undefined;
    }, 60_000);
    expect(done.status).toBe('succeeded');
    expect(done.deployment.outputs).toMatchObject({ url: 'http://sandbox-dev.local:8080' });
    expect(done.deployment.events.some((e: any) => e.type === 'resource_finished')).toBe(true);
    expect(done.approvals).toEqual([expect.objectContaining({ approver: 'console:bob', decision: 'approve', counted: true })]);
    // By request id too.
    expect((await api('GET', `/v1/status/${requestId}`, ci)).body.deployment_id).toBe('pipe-1');

    // The pipeline heard each change without polling, signed with its webhook secret.
    await until(async () => (deliveries.some((d) => JSON.parse(d.body).status === 'succeeded') ? true : undefined), 10_000);
    for (const d of deliveries) expect(d.signature).toBe(signBody(tokens.ci!.webhookSecret, d.body));
    const statuses = deliveries
      .map((d) => JSON.parse(d.body))
      .filter((e) => e.request_id === requestId)
      .map((e) => e.status);
    expect(statuses).toContain('approved');
    expect(statuses.at(-1)).toBe('succeeded');

    // Every use of the token is in the audit log under its principal.
    const uses = (await auditRows('api:ci')).filter((r) => r.action === 'api.call');
    expect(uses.length).toBeGreaterThanOrEqual(7);
    expect(uses.map((r) => JSON.parse(r.detail).what)).toEqual(
      expect.arrayContaining(['POST /v1/generate', 'POST /v1/deploy', 'GET /v1/status/{id}']),
    );
  });

  it('drift scan: one stack, or every stack of an environment; nothing stored', async () => {
    const ci = tokens.ci!.token;
    const requestsBefore = await t.app.db.selectFrom('change_requests').select('id').execute();
    const one = await api('POST', '/v1/drift-scan', ci, { stack: 'sandbox/dev' });
    expect(one.status).toBe(200);
    expect(one.body.stacks).toEqual([{ stack: 'sandbox/dev', environment: 'dev', status: 'in_sync', drift: [] }]);
    const env = await api('POST', '/v1/drift-scan', ci, { environment: 'dev' });
    const byStack = Object.fromEntries(env.body.stacks.map((s: any) => [s.stack, s.status]));
    // Every dev stack is scanned; one that cannot be planned is reported, not fatal.
    expect(byStack).toMatchObject({ 'sandbox/dev': 'in_sync', 'broken/dev': 'failed' });
    expect(Object.keys(byStack).sort()).toEqual(
      t.app.stacks
        .list()
        .filter((s) => s.environment === 'dev')
        .map((s) => s.name)
        .sort(),
    );
    expect((await api('POST', '/v1/drift-scan', ci, { stack: 'sandbox/dev', environment: 'dev' })).status).toBe(400);
    expect((await api('POST', '/v1/drift-scan', tokens.reader!.token, { stack: 'sandbox/dev' })).status).toBe(403);
    expect(await t.app.db.selectFrom('change_requests').select('id').execute()).toEqual(requestsBefore);
  });

  it('a deployment id reused for a different change is a conflict', async () => {
    const ci = tokens.ci!.token;
    const first = await api('POST', '/v1/deploy', ci, { deployment_id: 'pipe-2', stack: 'sandbox/dev', parameters: { replicas: '3' } });
    expect(first.status).toBe(202);
    const other = await api('POST', '/v1/deploy', ci, { deployment_id: 'pipe-2', stack: 'sandbox/dev', parameters: { replicas: '4' } });
    expect(other.status).toBe(409);
    expect(other.body.error).toMatchObject({ code: 'deployment_conflict', details: { request_id: first.body.request_id } });
    // Another token's deployment id, even with the same body, is not a way to adopt its request.
    const { token: other2 } = await createToken(t.app.db, {
      name: 'other',
      scopes: ['request'],
      createdBy: 'cli:test',
      at: new Date().toISOString(),
    });
    const adopted = await api('POST', '/v1/deploy', other2, {
      deployment_id: 'pipe-2',
      stack: 'sandbox/dev',
      parameters: { replicas: '3' },
    });
    expect(adopted.status).toBe(409);
    expect(adopted.body.error.code).toBe('deployment_conflict');
  });

  it('a policy that blocks answers 422 with its GL- rule ids, and nothing is stored', async () => {
    const before = await t.app.db.selectFrom('change_requests').select('id').execute();
    const blocked = await api('POST', '/v1/deploy', tokens.ci!.token, {
      deployment_id: 'pipe-public',
      capability: 'provision_storage',
      environment: 'prod',
      parameters: { team: 'data', region: 'eastus', public: true },
    });
    expect(blocked.status).toBe(422);
    expect(blocked.body.error.code).toBe('policy_blocked');
    expect(blocked.body.error.details.rules).toContain('GL-STO-001');
    expect(blocked.body.error.details.rules.every((r: string) => /^GL-[A-Z]+-\d{3}$/.test(r))).toBe(true);
    expect(await t.app.db.selectFrom('change_requests').select('id').execute()).toEqual(before);
    expect((await api('GET', '/v1/status/pipe-public', tokens.ci!.token)).status).toBe(404);
  });

  it('bad input is a clear 400 / 422 naming the field, and changes nothing', async () => {
    const ci = tokens.ci!.token;
    const malformed = await fetch(`${t.url}/v1/deploy`, {
      method: 'POST',
      headers: { authorization: `Bearer ${ci}`, 'content-type': 'application/json' },
      body: '{"deployment_id":',
    });
    expect(malformed.status).toBe(400);
    const unknownField = await api('POST', '/v1/generate', ci, { stack: 'sandbox/dev', template: 'x' });
    expect(unknownField.status).toBe(400);
    expect(unknownField.body.error.message).toContain('template');
    const badParams = await api('POST', '/v1/generate', ci, {
      capability: 'provision_storage',
      parameters: { team: 'data', environment: 'dev', region: 'mars-1' },
    });
    expect(badParams.status).toBe(422);
    expect(badParams.body.error.message).toContain('parameters.region');
    const wrongEnv = await api('POST', '/v1/generate', ci, { stack: 'sandbox/dev', environment: 'prod' });
    expect(wrongEnv.status).toBe(422);
    expect(wrongEnv.body.error.message).toBe('environment is prod, but sandbox/dev is a dev stack.');
    const readOnly = await api('POST', '/v1/deploy', ci, { deployment_id: 'q-1', capability: 'cost_report' });
    expect(readOnly.status).toBe(400);
    expect((await api('GET', '/v1/status/nope', ci)).status).toBe(404);
    // A webhook outside api.webhookAllow (the cloud's metadata service): refused before any plan.
    const inner = await api('POST', '/v1/deploy', ci, {
      deployment_id: 'q-2',
      stack: 'sandbox/dev',
      webhook_url: 'http://169.254.169.254/latest/meta-data/',
    });
    expect(inner.status).toBe(400);
    expect(inner.body.error.message).toContain('is not under an allowed prefix (api.webhookAllow:');
    const sinceStart = await t.app.db.selectFrom('program_requests').select('deployment_id').execute();
    expect(sinceStart.map((r) => r.deployment_id)).not.toContain('q-1');
    expect(sinceStart.map((r) => r.deployment_id)).not.toContain('q-2');
  });

  it('an engine failure answers 502 with a logs reference that shows the engine output', async () => {
    const failed = await api('POST', '/v1/generate', tokens.ci!.token, { stack: 'broken/dev' });
    expect(failed.status).toBe(502);
    expect(failed.body.error.code).toBe('engine_failed');
    const ref = failed.body.error.details.logs_ref as string;
    expect(ref).toMatch(/^lg-[0-9a-f]{10}$/);
    const logs = await api('GET', `/v1/logs/${ref}`, tokens.reader!.token);
    expect(logs.status).toBe(200);
    expect(logs.body).toMatchObject({ ref, stack: 'broken/dev' });
    expect(logs.body.text).toMatch(/not_declared|undeclared/i);
  });

  it('an apply that fails: status failed, its error with a logs_ref that shows the engine output', async () => {
    const ci = tokens.ci!.token;
    const opened = await api('POST', '/v1/deploy', ci, {
      deployment_id: 'pipe-fail',
      stack: 'sandbox/dev',
      parameters: { fail_apply: 'true' },
    });
    expect(opened.status).toBe(202);
    expect((await t.act('bob', opened.body.request_id, 'approve')).status).toBe(200);
    const failed = await until(async () => {
      const s = await api('GET', '/v1/status/pipe-fail', ci);
      return ['succeeded', 'failed'].includes(s.body.status) ? s.body : undefined;
    }, 60_000);
    expect(failed.status).toBe('failed');
    expect(failed.deployment.error).toMatchObject({ code: 'engine_failed', logs_ref: failed.deployment.id });
    const logs = await api('GET', `/v1/logs/${failed.deployment.error.logs_ref}`, ci);
    expect(logs.status).toBe(200);
    expect(logs.body.text).toContain('health check failed');
  });

  it('tokens: wrong scope 403, revoked or expired 401, each use audited; no secret in any answer', async () => {
    const deny = await api('POST', '/v1/deploy', tokens.reader!.token, { deployment_id: 'r-1', stack: 'sandbox/dev' });
    expect(deny.status).toBe(403);
    expect(deny.body.error.message).toContain('needs "request"');
    expect((await api('GET', '/v1/status/pipe-1', tokens.reader!.token)).status).toBe(200);
    const revoked = await api('GET', '/v1/status/pipe-1', tokens.old!.token);
    expect(revoked.status).toBe(401);
    expect(revoked.body.error.message).toContain('revoked');
    const expired = await api('GET', '/v1/status/pipe-1', tokens.lapsed!.token);
    expect(expired.status).toBe(401);
    expect(expired.body.error.message).toContain('expired');
    const none = await api('GET', '/v1/status/pipe-1', undefined);
    expect(none.status).toBe(401);
    expect(none.body.error).toMatchObject({
      message: 'Send an API token in the Authorization header (Bearer glt_…).',
      next: expect.stringContaining('greenlight token create'),
    });
    // A well-formed token with a wrong secret is not valid, and does not say whose it is.
    const forged = `${tokens.ci!.token.slice(0, 17)}${'A'.repeat(43)}`;
    const guess = await api('GET', '/v1/status/pipe-1', forged);
    expect(guess.status).toBe(401);
    expect(guess.body.error.message).toBe('This API token is not valid.');

    expect((await auditRows('api:reader')).map((r) => JSON.parse(r.detail).outcome)).toEqual(
      expect.arrayContaining(['permission_denied', 200]),
    );
    expect((await auditRows('api:old')).map((r) => JSON.parse(r.detail).outcome)).toEqual(['unauthenticated']);
    expect((await auditRows('api:lapsed')).map((r) => JSON.parse(r.detail).outcome)).toEqual(['unauthenticated']);
    // Tokens and webhook secrets never appear in an answer (nor in the stored rows of the token table).
    // The secret is the 43 characters after `glt_<12 hex>_` (base64url: it may itself hold a '_').
    const secretOf = (token: string) => token.slice('glt_'.length + 12 + 1);
    const all = answers.join('\n');
    for (const { token, webhookSecret } of Object.values(tokens)) {
      expect(secretOf(token)).toHaveLength(43);
      expect(all).not.toContain(secretOf(token));
      expect(all).not.toContain(webhookSecret);
    }
    const stored = JSON.stringify(await t.app.db.selectFrom('api_tokens').select(['secret_hash', 'name']).execute());
    for (const { token } of Object.values(tokens)) expect(stored).not.toContain(secretOf(token));
  });

  it('/openapi.json is a valid OpenAPI 3.1 document that matches the routes served', async () => {
    const res = await fetch(`${t.url}/openapi.json`);
    expect(res.status).toBe(200);
    const doc = (await res.json()) as any;
    const validator = new Validator();
    const result = await validator.validate(doc);
    expect(result.errors ?? []).toEqual([]);
    expect(result.valid).toBe(true);
    expect(validator.version).toBe('3.1');
    const routes = apiRoutes({ access: t.app.access, programs: t.app.programs });
    const documented = Object.entries(doc.paths).flatMap(([path, ops]: [string, any]) =>
      Object.keys(ops).map((m) => `${m.toUpperCase()} ${path}`),
    );
    expect(documented.sort()).toEqual(routes.map((r) => `${r.method} ${r.path}`).sort());
    for (const r of routes) expect(t.app.server!.hasRoute({ method: r.method, url: fastifyPath(r.path) })).toBe(true);
    // Every planning capability's parameters are described for clients.
    expect(Object.keys(doc.components.schemas)).toEqual(
      expect.arrayContaining(['parameters.provision_storage', 'parameters.deploy_stack']),
    );
    // The same document whatever builds it: the served one is the table's.
    expect(doc).toEqual(openApiDocument(routes, doc.info.version, t.url));
  });
});

import { randomBytes } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { Writable } from 'node:stream';
import SQLite from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type App, createApp } from '../../src/app.ts';
import { parseConfig } from '../../src/config/load.ts';
import { createLogger } from '../../src/observability/logger.ts';
import { blockActionPayload, type FakeSlack, interactionBody, slackHeaders, slashCommandBody, startFakeSlack } from '../fakes/slack-api.ts';
import { hasTerraform } from '../helpers/test-app.ts';

// The secret matrix: every secret Greenlight holds or meets × every place a person or a file can
// see it. Secrets: Greenlight's own (Slack bot token and signing secret, Teams password, console
// token, OpenAI key, audit key), a password in greenlight.yaml, a token and a password typed in
// chat, a Terraform sensitive output. Places: every console API answer and SSE event, every Slack
// Web API call (channel messages, ephemerals, modals), the log, every database table except the
// two the engine needs (stored plan, stack config), and every file under the data dir except the
// engine's own state and pending plan files (both 0600). Expected leaks: zero.

const SLACK_SECRET = `slack-signing-${randomBytes(8).toString('hex')}`;
const SECRETS = {
  slackBotToken: `xoxb-1111-2222-${randomBytes(8).toString('hex')}`,
  slackSigningSecret: SLACK_SECRET,
  teamsPassword: `teams-Pw~${randomBytes(6).toString('hex')}`,
  consoleToken: `console-token-${randomBytes(10).toString('hex')}`,
  openAiKey: `sk-proj-${randomBytes(18).toString('base64url')}`,
  auditKey: randomBytes(32).toString('base64'),
  yamlPassword: `yaml-Pa55-${randomBytes(5).toString('hex')}`,
  chatToken: `chat-tok-${randomBytes(6).toString('hex')}`,
  chatGithubToken: `ghp_${randomBytes(27).toString('base64url').replace(/[-_]/g, 'x').slice(0, 36)}`,
  chatPassword: `chat-Pw-${randomBytes(5).toString('hex')}`,
};

describe.skipIf(!hasTerraform)('secret matrix: no secret reaches a place a person or a file can see', () => {
  let app: App;
  let slack: FakeSlack;
  let dataDir: string;
  const logLines: string[] = [];
  const answers: string[] = [];
  const sse: string[] = [];
  const sseStop = new AbortController();

  async function api(method: string, path: string, body?: unknown): Promise<any> {
    const res = await fetch(`${app.url}${path}`, {
      method,
      headers: { authorization: `Bearer ${SECRETS.consoleToken}`, ...(body ? { 'content-type': 'application/json' } : {}) },
      body: body ? JSON.stringify(body) : undefined,
    });
    const text = await res.text();
    answers.push(text);
    return JSON.parse(text);
  }
  const chat = (user: string, text: string, thread?: string) => api('POST', '/api/chat', { user, text, ...(thread ? { thread } : {}) });
  async function waitFor(id: string, statuses: string[]): Promise<any> {
    const deadline = Date.now() + 30_000;
    for (;;) {
      const r = await api('GET', `/api/requests/${id}`);
      if (statuses.includes(r.status)) return r;
      if (Date.now() > deadline) throw new Error(`${id} stayed ${r.status}`);
      await new Promise((res) => setTimeout(res, 100));
    }
  }
  const slackSend = (body: string, type = 'application/x-www-form-urlencoded') =>
    fetch(app.slackUrl, { method: 'POST', headers: slackHeaders(SLACK_SECRET, body, type), body });

  beforeAll(async () => {
    slack = await startFakeSlack();
    dataDir = mkdtempSync(join(tmpdir(), 'greenlight-secrets-'));
    const config = parseConfig(
      {
        dataDir,
        includeExampleStacks: false,
        console: { host: '127.0.0.1', port: 0, token: SECRETS.consoleToken },
        slack: { botToken: SECRETS.slackBotToken, signingSecret: SECRETS.slackSigningSecret, apiUrl: slack.url, port: 0 },
        teams: { appPassword: SECRETS.teamsPassword },
        // The model endpoint refuses connections: the offline router answers; the key is never shown.
        router: { llm: { apiKey: SECRETS.openAiKey, baseUrl: 'http://127.0.0.1:9/v1', timeoutMs: 200 } },
        audit: { key: SECRETS.auditKey },
        stacks: {
          'vault/dev': {
            engine: 'terraform',
            dir: resolve('test/fixtures/secrets-terraform'),
            environment: 'dev',
            state: 'managed',
            config: { db_password: SECRETS.yamlPassword, release: 'v1' },
          },
        },
      },
      { source: 'test', baseDir: process.cwd() },
    );
    const sink = new Writable({
      write(chunk, _enc, done) {
        logLines.push(String(chunk));
        done();
      },
    });
    app = await createApp(config, { logger: createLogger('debug', sink), expirySweepMs: 0 });
    await app.start();
  });
  afterAll(async () => {
    sseStop.abort();
    await app?.stop();
    await slack?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('a whole working session leaves zero leaks in 10 secrets × every place', async () => {
    // alice sets a token and a release in chat; bob approves; the apply echoes the token.
    const first = await chat('alice', `set vault/dev api_token=${SECRETS.chatToken} release=v2`);
    expect(first.messages, JSON.stringify(first)).toBeDefined();
    const thread = first.thread as string;
    const sseRes = await fetch(`${app.url}/api/threads/${thread}/events`, {
      headers: { authorization: `Bearer ${SECRETS.consoleToken}` },
      signal: sseStop.signal,
    });
    const reader = sseRes.body!.getReader();
    void (async () => {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        sse.push(Buffer.from(value).toString('utf8'));
      }
    })().catch(() => undefined);
    const id = first.messages[0].requestId as string;
    const current = await api('GET', `/api/requests/${id}`);
    await api('POST', '/api/actions', {
      user: 'bob',
      requestId: id,
      action: 'approve',
      revision: current.revision,
      planHash: current.plan.hash,
    });
    const applied = await waitFor(id, ['succeeded', 'failed']);
    expect(applied.status).toBe('succeeded');
    expect(applied.deployment.outputs.connection).toBe('(sensitive)');

    // A GitHub token pasted as a value, and a password under a secret key, in a second request.
    const second = await chat('alice', `set vault/dev release=${SECRETS.chatGithubToken} db_password=${SECRETS.chatPassword}`);
    const secondId = second.messages[0].requestId as string;
    expect(secondId).toMatch(/^cr-/);

    // Other people look around: status, history, stacks; alice asks what the bot remembers.
    for (const text of ['status vault/dev', 'history', 'stacks', `status ${id}`]) await chat('carol', text);
    await chat('alice', 'what do you remember about me?');
    await api('GET', '/api/threads');
    await api('GET', `/api/threads/${thread}`);
    await api('GET', `/api/requests/${secondId}`);
    // The same in a shared Slack channel, and an approver opening the Modify form of the pending one.
    for (const text of ['status vault/dev', 'history']) await slackSend(slashCommandBody({ text, user: 'UCAROL' }));
    const pending = await api('GET', `/api/requests/${secondId}`);
    await slackSend(
      interactionBody(
        blockActionPayload({ user: 'UBOB', actionId: 'gl_modify', value: JSON.stringify({ r: secondId, v: pending.revision }) }),
      ),
    );
    const deadline = Date.now() + 10_000;
    while (slack.of('views.open').length === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    expect(slack.of('views.open').length).toBe(1);
    await api('POST', '/api/actions', { user: 'alice', requestId: secondId, action: 'reject' });
    await app.runner.idle();
    await new Promise((r) => setTimeout(r, 300));

    // Places.
    const places: Record<string, string> = {
      'console API answers': answers.join('\n'),
      'console SSE events': sse.join(''),
      // What the Web API calls carry to people; `token` is the bot authenticating itself to Slack.
      'Slack Web API calls': JSON.stringify(slack.calls.map((c) => ({ ...c, params: { ...c.params, token: undefined } }))),
      log: logLines.join(''),
    };
    const db = new SQLite(join(dataDir, 'greenlight.db'), { readonly: true });
    const tables = (db.prepare("select name from sqlite_master where type = 'table'").all() as { name: string }[]).map((t) => t.name);
    for (const table of tables) {
      const rows = db.prepare(`select * from "${table}"`).all() as Record<string, unknown>[];
      // The engine needs these two: the stored plan (to apply exactly it) and the stack's config.
      const seen = rows.map((r) => {
        if (table === 'change_requests') return { ...r, plan: undefined };
        if (table === 'stack_config') return { ...r, config: undefined };
        return r;
      });
      places[`table ${table}`] = JSON.stringify(seen);
    }
    db.close();
    const engineOwn = (path: string) =>
      path.startsWith('stacks/') || path.startsWith('plans/') || path.startsWith('greenlight.db') || path === 'audit.key';
    const walk = (dir: string): string[] =>
      readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? walk(join(dir, e.name)) : [join(dir, e.name)]));
    for (const file of walk(dataDir)) {
      const rel = relative(dataDir, file);
      if (rel.startsWith('plans/')) expect(statSync(file).mode & 0o777, rel).toBe(0o600);
      if (!engineOwn(rel)) places[`file ${rel}`] = readFileSync(file, 'utf8');
    }

    const leaks: string[] = [];
    let checked = 0;
    for (const [secretName, value] of Object.entries(SECRETS))
      for (const [place, content] of Object.entries(places)) {
        checked += 1;
        if (content.includes(value)) leaks.push(`${secretName} in ${place}`);
      }
    console.info(
      `secret matrix: ${Object.keys(SECRETS).length} secrets × ${Object.keys(places).length} places = ${checked} checks, ${leaks.length} leaks`,
    );
    expect(leaks).toEqual([]);
    // The places were really exercised: the apply echoed the token, Slack got answers, the log has lines.
    expect(places['Slack Web API calls']).toContain('vault/dev');
    expect(places.log?.length).toBeGreaterThan(1000);
    expect(places['console API answers']).toContain('token_echo');
    expect(places['console API answers']).toMatch(/••••\(sha256:[0-9a-f]{4}\)/);
  });
});

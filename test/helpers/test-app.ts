import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { pino } from 'pino';
import { type App, type AppOptions, createApp } from '../../src/app.ts';
import { parseConfig } from '../../src/config/load.ts';
import type { ConfigInput } from '../../src/config/schema.ts';
import { testPostgres } from './test-database.ts';

// Builds the real app on a temporary data dir and a free loopback port. `clock` lets a test move
// time forward (plan expiry) without sleeping.

export interface TestApp {
  app: App;
  url: string;
  dataDir: string;
  /** What a CLI process (`greenlight …`) needs in its environment to work on this app's store. */
  cliEnv: Record<string, string>;
  clock: { offsetMs: number };
  post(path: string, body: unknown): Promise<{ status: number; body: any }>;
  get(path: string): Promise<{ status: number; body: any }>;
  chat(user: string, text: string, thread?: string): Promise<{ thread: string; requestId: string | null; card: any }>;
  act(
    user: string,
    requestId: string,
    action: 'approve' | 'reject' | 'replan',
    extra?: Record<string, unknown>,
  ): Promise<{ status: number; body: any }>;
  waitForStatus(requestId: string, statuses: string[], timeoutMs?: number): Promise<any>;
  waitForMessage(thread: string, match: (message: any) => boolean, timeoutMs?: number): Promise<any>;
  /** The Terraform state of a managed stack, wherever it is kept (a local file, or the pg backend's table); undefined if none. */
  state(stack: string): Promise<any>;
  close(): Promise<void>;
}

export async function startTestApp(
  input: ConfigInput = {},
  options: { dataDir?: string; engines?: AppOptions['engines']; expirySweepMs?: number; requirements?: AppOptions['requirements'] } = {},
): Promise<TestApp> {
  const dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), 'greenlight-test-'));
  // A test that names its database (a restart on the same store) keeps it; otherwise a fresh one.
  const postgres = input.database?.url ? undefined : await testPostgres(options.dataDir);
  const config = parseConfig(
    {
      ...input,
      ...(postgres ? { database: { url: postgres.url } } : {}),
      dataDir,
      console: { host: '127.0.0.1', port: 0, ...(input.console ?? {}) },
      log: { level: 'silent' },
    },
    { source: 'test', baseDir: process.cwd() },
  );
  // Fast applies in tests: each sandbox provisioner sleeps 1 s unless a test says otherwise.
  for (const stack of Object.values(config.stacks)) if (stack.config.apply_seconds) stack.config.apply_seconds = '1';
  const clock = { offsetMs: 0 };
  const app = await createApp(config, {
    now: () => new Date(Date.now() + clock.offsetMs),
    logger: pino({ level: 'silent' }),
    expirySweepMs: options.expirySweepMs ?? 0,
    ...(options.engines ? { engines: options.engines } : {}),
    ...(options.requirements ? { requirements: options.requirements } : {}),
  });
  const url = await app.start();

  async function request(method: string, path: string, body?: unknown) {
    const res = await fetch(`${url}${path}`, {
      method,
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
      body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
    });
    const text = await res.text();
    let parsed: unknown = text;
    try {
      parsed = JSON.parse(text);
    } catch {}
    return { status: res.status, body: parsed as any };
  }

  const t: TestApp = {
    app,
    url,
    dataDir,
    cliEnv: { GREENLIGHT_DATA_DIR: dataDir, ...(postgres ? { DATABASE_URL: postgres.url } : {}) },
    clock,
    post: (path, body) => request('POST', path, body),
    get: (path) => request('GET', path),
    async chat(user, text, thread) {
      const res = await request('POST', '/api/chat', { user, text, ...(thread ? { thread } : {}) });
      if (res.status !== 200) throw new Error(`chat failed: ${res.status} ${JSON.stringify(res.body)}`);
      const first = res.body.messages[0];
      return { thread: res.body.thread, requestId: first?.requestId ?? null, card: first?.card };
    },
    async act(user, requestId, action, extra = {}) {
      // Like the page: an Approve carries the revision and plan hash of the card it was pressed on
      // (the current one, unless the test says which).
      const current = action === 'approve' ? (await request('GET', `/api/requests/${requestId}`)).body : undefined;
      const shown = current?.plan ? { revision: current.revision, planHash: current.plan.hash } : {};
      return request('POST', '/api/actions', { user, requestId, action, ...shown, ...extra });
    },
    async waitForStatus(requestId, statuses, timeoutMs = 45_000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const res = await request('GET', `/api/requests/${requestId}`);
        if (statuses.includes(res.body.status)) return res.body;
        if (Date.now() > deadline) throw new Error(`request ${requestId} stayed ${res.body.status}, wanted ${statuses.join('|')}`);
        await new Promise((r) => setTimeout(r, 100));
      }
    },
    async waitForMessage(thread, match, timeoutMs = 20_000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const found = (await request('GET', `/api/threads/${thread}`)).body.messages.find(match);
        if (found) return found;
        if (Date.now() > deadline) throw new Error(`no matching message in thread ${thread}`);
        await new Promise((r) => setTimeout(r, 50));
      }
    },
    async state(stack) {
      if (postgres) {
        const schema = `gl_tfstate_${stack.replace(/[^a-z0-9]+/g, '_')}`;
        const rows = await sql<{ data: string }>`select data from ${sql.table(`${schema}.states`)} where name = 'default'`
          .execute(app.db)
          .catch(() => ({ rows: [] as { data: string }[] }));
        return rows.rows[0] ? JSON.parse(rows.rows[0].data) : undefined;
      }
      const file = join(dataDir, 'stacks', stack.replace(/\//g, '-'), 'terraform.tfstate');
      return existsSync(file) ? JSON.parse(readFileSync(file, 'utf8')) : undefined;
    },
    async close() {
      await app.stop();
      if (!options.dataDir) rmSync(dataDir, { recursive: true, force: true });
      await postgres?.drop();
    },
  };
  return t;
}

/** Terraform is on these machines; where it is missing, the tests that need it say so and skip. */
export const hasTerraform = (() => {
  try {
    execFileSync('terraform', ['version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
})();

import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chownSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { pino } from 'pino';
import { createApp } from '../src/app.ts';
import { parseConfig } from '../src/config/load.ts';
import { TerraformEngine } from '../src/engines/terraform/terraform-engine.ts';
import { type Replica, startReplica } from '../test/helpers/replicas.ts';
import { percentile } from './stats.ts';
import { TimedEngine } from './timed-engine.ts';

// More than one machine, measured: request → plan card own time (minus terraform's) on
// PostgreSQL against SQLite, and approvals → applies throughput with one replica and with three
// (real processes) on quick Terraform stacks, counted from the applies' own ledger.

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

/** A throwaway PostgreSQL from Debian's binaries (as .ci/run starts one); undefined when there are none. */
export async function throwawayPostgres(): Promise<{ url: string; stop(): void } | undefined> {
  if (process.env.GREENLIGHT_TEST_PG_URL) return { url: process.env.GREENLIGHT_TEST_PG_URL, stop: () => undefined };
  const versions = existsSync('/usr/lib/postgresql') ? readdirSync('/usr/lib/postgresql').sort((a, b) => Number(b) - Number(a)) : [];
  if (!versions[0]) return undefined;
  const bin = `/usr/lib/postgresql/${versions[0]}/bin`;
  const dir = mkdtempSync(join(tmpdir(), 'greenlight-bench-pg-'));
  const root = process.getuid?.() === 0;
  if (root)
    chownSync(dir, Number(execFileSync('id', ['-u', 'postgres']).toString()), Number(execFileSync('id', ['-g', 'postgres']).toString()));
  const as = (cmd: string, args: string[]) =>
    execFileSync(root ? 'runuser' : cmd, root ? ['-u', 'postgres', '--', cmd, ...args] : args, { stdio: 'ignore' });
  const port = await freePort();
  as(`${bin}/initdb`, ['-D', `${dir}/data`, '-U', 'postgres', '--auth=trust', '-E', 'UTF8']);
  as(`${bin}/pg_ctl`, [
    '-D',
    `${dir}/data`,
    '-l',
    `${dir}/log`,
    '-w',
    '-o',
    `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c max_connections=300`,
    'start',
  ]);
  return {
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    stop() {
      as(`${bin}/pg_ctl`, ['-D', `${dir}/data`, '-m', 'immediate', 'stop']);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

async function freshDatabase(adminUrl: string): Promise<string> {
  const name = `gl_bench_${randomBytes(5).toString('hex')}`;
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  await client.query(`CREATE DATABASE ${name}`);
  await client.end();
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return url.toString();
}

/** request → plan card over HTTP, and Greenlight's own share of it (minus terraform plan + show). */
async function planCardOwnTime(databaseUrl: string | undefined, n: number): Promise<{ p50: number; p99: number }> {
  const dataDir = mkdtempSync(join(tmpdir(), 'greenlight-bench-store-'));
  const config = parseConfig(
    {
      dataDir,
      console: { host: '127.0.0.1', port: 0 },
      log: { level: 'silent' },
      ...(databaseUrl ? { database: { url: databaseUrl } } : {}),
    },
    { source: 'bench', baseDir: process.cwd() },
  );
  const engine = new TimedEngine(new TerraformEngine('terraform'));
  const app = await createApp(config, { logger: pino({ level: 'silent' }), engines: { terraform: engine }, expirySweepMs: 0 });
  const url = await app.start();
  const chat = async (text: string) => {
    const res = await fetch(`${url}/api/chat`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ user: 'alice', text }),
    });
    if (!res.ok) throw new Error(`chat: ${res.status}`);
  };
  await chat('deploy sandbox/dev'); // warm-up: terraform init
  engine.previews.length = 0;
  const own: number[] = [];
  for (let i = 0; i < n; i++) {
    const started = performance.now();
    await chat(`set sandbox/dev replicas=${(i % 5) + 1}`);
    own.push(performance.now() - started - (engine.previews[i] ?? 0));
  }
  await app.stop();
  rmSync(dataDir, { recursive: true, force: true });
  return { p50: percentile(own, 50), p99: percentile(own, 99) };
}

/** `requests` requests on as many quick stacks, each approved once, spread over the replicas: applies per second. */
async function throughput(
  adminUrl: string,
  replicaCount: number,
  requests: number,
): Promise<{ seconds: number; perSecond: number; applied: number }> {
  const work = mkdtempSync(join(tmpdir(), 'greenlight-bench-replicas-'));
  const ledger = join(work, 'ledger.txt');
  const stacks = Array.from({ length: requests }, (_, i) => `quick/s${i + 1}`);
  const fixture = join(process.cwd(), 'test/fixtures/quick-terraform');
  writeFileSync(
    join(work, 'greenlight.yaml'),
    JSON.stringify({
      includeExampleStacks: false,
      stacks: Object.fromEntries(
        stacks.map((s) => [s, { engine: 'terraform', dir: fixture, environment: 'dev', state: 'managed', config: { ledger } }]),
      ),
      cluster: { leaseSeconds: 30, pollMs: 200 },
    }),
  );
  const env = {
    GREENLIGHT_CONFIG: join(work, 'greenlight.yaml'),
    DATABASE_URL: await freshDatabase(adminUrl),
    GREENLIGHT_AUDIT_KEY: randomBytes(32).toString('hex'),
    LOG_LEVEL: 'warn',
  };
  const replicas: Replica[] = [];
  try {
    for (let i = 0; i < replicaCount; i++) replicas.push(await startReplica(`r${i}`, { ...env, GREENLIGHT_DATA_DIR: join(work, `r${i}`) }));
    const call = async (r: Replica, path: string, body?: unknown) => {
      const res = await fetch(`${r.url}${path}`, {
        method: body ? 'POST' : 'GET',
        headers: body ? { 'content-type': 'application/json' } : {},
        body: body ? JSON.stringify(body) : undefined,
      });
      // The console API's answers, read for the few fields used here.
      return (await res.json()) as {
        id: string;
        revision: number;
        status: string;
        plan: { hash: string };
        messages: { requestId: string }[];
      };
    };
    const replicaFor = (i: number): Replica => replicas[i % replicas.length] as Replica;
    const opened = [];
    for (const [i, stack] of stacks.entries()) {
      const r = replicaFor(i);
      const reply = await call(r, '/api/chat', { user: 'alice', text: `set ${stack} release=b${i}` });
      const shown = await call(r, `/api/requests/${reply.messages[0]?.requestId}`);
      opened.push({ id: shown.id, revision: shown.revision, hash: shown.plan.hash });
    }
    const started = performance.now();
    await Promise.all(
      opened.map((o, i) =>
        call(replicaFor(i), '/api/actions', {
          user: 'bob',
          requestId: o.id,
          action: 'approve',
          revision: o.revision,
          planHash: o.hash,
        }),
      ),
    );
    for (;;) {
      const lines = existsSync(ledger) ? readFileSync(ledger, 'utf8').trim().split('\n').length : 0;
      const statuses = await Promise.all(opened.map((o) => call(replicaFor(0), `/api/requests/${o.id}`).then((r) => r.status)));
      if (statuses.every((s) => s === 'succeeded' || s === 'failed')) {
        const seconds = (performance.now() - started) / 1000;
        return { seconds, perSecond: lines / seconds, applied: lines };
      }
      await new Promise((r) => setTimeout(r, 100));
    }
  } finally {
    await Promise.all(replicas.map((r) => r.stop()));
    rmSync(work, { recursive: true, force: true });
  }
}

export async function benchReplicas(planRequests: number, applyRequests: number) {
  const postgres = await throwawayPostgres();
  if (!postgres) return undefined;
  try {
    const sqlite = await planCardOwnTime(undefined, planRequests);
    const onPostgres = await planCardOwnTime(await freshDatabase(postgres.url), planRequests);
    const one = await throughput(postgres.url, 1, applyRequests);
    const three = await throughput(postgres.url, 3, applyRequests);
    return { planCard: { sqlite, postgres: onPostgres }, throughput: { one, three } };
  } finally {
    postgres.stop();
  }
}

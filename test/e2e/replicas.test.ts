import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Db, openDatabase } from '../../src/store/database.ts';
import { eventBody, type FakeSlack, slackHeaders, startFakeSlack } from '../fakes/slack-api.ts';
import { approveOn, type Replica, startReplica } from '../helpers/replicas.ts';
import { hasTerraform } from '../helpers/test-app.ts';
import { TEST_PG_URL, testPostgres } from '../helpers/test-database.ts';
import { until } from '../helpers/until.ts';

// Three Greenlight processes on one PostgreSQL, each with its own data dir and port, as replicas
// behind a load balancer run. Applies are real Terraform, with state in PostgreSQL (pg backend);
// they are counted from what Terraform itself leaves (its state, and a ledger file the apply
// writes), never from Greenlight's rows. Slack is the local stand-in for slack.com/api.

const SECRET = 'replica-signing-secret-0123456789';
const STACKS = Array.from({ length: 20 }, (_, i) => `load/s${String(i + 1).padStart(2, '0')}`);
const run = promisify(execFile);

describe.skipIf(!TEST_PG_URL || !hasTerraform)('three replicas on one PostgreSQL (real processes, real terraform)', () => {
  let work: string;
  let ledger: string;
  let env: Record<string, string>;
  let replicas: Replica[] = [];
  let slack: FakeSlack;
  let db: Db;
  let drop: () => Promise<void> = async () => undefined;

  async function call(r: Replica, method: string, path: string, body?: unknown) {
    const res = await fetch(`${r.url}${path}`, {
      method,
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: res.status, body: (await res.json()) as any };
  }

  const stateOf = async (stack: string) => {
    const schema = `gl_tfstate_${stack.replace(/[^a-z0-9]+/g, '_')}`;
    const rows = await sql<{ data: string }>`select data from ${sql.table(`${schema}.states`)} where name = 'default'`.execute(db);
    return rows.rows[0] ? JSON.parse(rows.rows[0].data) : undefined;
  };
  const releaseIn = (state: any) => state?.resources?.find((r: any) => r.name === 'release')?.instances?.[0]?.attributes?.input?.value;

  beforeAll(async () => {
    const pg = await testPostgres();
    if (!pg) return;
    drop = pg.drop;
    work = mkdtempSync(join(tmpdir(), 'greenlight-replicas-'));
    ledger = join(work, 'ledger.txt');
    const fixture = join(process.cwd(), 'test/fixtures/quick-terraform');
    const stacks = Object.fromEntries(
      [...STACKS, 'slow/dev'].map((name) => [
        name,
        { engine: 'terraform', dir: fixture, environment: 'dev', state: 'managed', config: { ledger, sleep: name === 'slow/dev' ? 8 : 0 } },
      ]),
    );
    const config = { includeExampleStacks: false, stacks, cluster: { leaseSeconds: 10, pollMs: 200 }, engines: { crashWaitSeconds: 30 } };
    writeFileSync(join(work, 'greenlight.yaml'), JSON.stringify(config));
    slack = await startFakeSlack();
    env = {
      GREENLIGHT_CONFIG: join(work, 'greenlight.yaml'),
      DATABASE_URL: pg.url,
      // Every replica holds the same audit key: one chain, verifiable by any of them.
      GREENLIGHT_AUDIT_KEY: randomBytes(32).toString('hex'),
      SLACK_BOT_TOKEN: 'xoxb-replicas',
      SLACK_SIGNING_SECRET: SECRET,
      SLACK_API_URL: slack.url,
      SLACK_PORT: '0',
    };
    // One at a time: the first runs the migrations, the others find them done.
    for (const name of ['a', 'b', 'c']) replicas.push(await startReplica(name, { ...env, GREENLIGHT_DATA_DIR: join(work, name) }));
    db = await openDatabase(pg.url);
  }, 180_000);

  afterAll(async () => {
    await Promise.all(replicas.map((r) => r.stop()));
    await db?.destroy();
    await slack?.close();
    await drop();
    if (work) rmSync(work, { recursive: true, force: true });
  });

  it('20 requests × 10 concurrent approvals spread over the three → exactly 20 applies; every replica shows every thread final, live', async () => {
    const requests: { id: string; thread: string; stack: string; release: string }[] = [];
    for (const [i, stack] of STACKS.entries()) {
      const release = `r${String(i + 1).padStart(2, '0')}`;
      const res = await call(replicas[i % 3]!, 'POST', '/api/chat', { user: 'alice', text: `set ${stack} release=${release}` });
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      requests.push({ id: res.body.messages[0].requestId, thread: res.body.thread, stack, release });
    }
    // A browser on replica c watches a thread whose request replica a planned and another applies.
    const watched = requests[0]!;
    const live = new AbortController();
    const seen: string[] = [];
    const sse = fetch(`${replicas[2]!.url}/api/threads/${watched.thread}/events`, { signal: live.signal }).then(async (res) => {
      const decoder = new TextDecoder();
      for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) seen.push(decoder.decode(chunk));
    });
    sse.catch(() => undefined);

    const shown = await Promise.all(requests.map((r) => call(replicas[0]!, 'GET', `/api/requests/${r.id}`)));
    const approvals = await Promise.all(
      requests.flatMap((r, i) =>
        Array.from({ length: 10 }, (_, u) =>
          call(replicas[(i + u) % 3]!, 'POST', '/api/actions', {
            user: `approver${u}`,
            requestId: r.id,
            action: 'approve',
            revision: shown[i]!.body.revision,
            planHash: shown[i]!.body.plan.hash,
          }),
        ),
      ),
    );
    // Per request: one approval decides it, the nine others are told it was decided.
    for (let i = 0; i < requests.length; i++) {
      const statuses = approvals.slice(i * 10, i * 10 + 10).map((a) => a.status);
      expect(
        statuses.filter((s) => s === 200),
        `${requests[i]!.id}: ${statuses}`,
      ).toHaveLength(1);
      expect(statuses.filter((s) => s === 409)).toHaveLength(9);
    }
    await until(
      async () => {
        const all = await Promise.all(requests.map((r, i) => call(replicas[i % 3]!, 'GET', `/api/requests/${r.id}`)));
        return all.every((a) => ['succeeded', 'failed'].includes(a.body.status)) ? all : undefined;
      },
      150_000,
      'all 20 applies',
    );

    const outcomes = await Promise.all(requests.map((r) => call(replicas[0]!, 'GET', `/api/requests/${r.id}`)));
    const unsuccessful = outcomes.filter((o) => o.body.status !== 'succeeded').map((o) => o.body.id as string);
    const story = unsuccessful.length
      ? await db
          .selectFrom('audit_log')
          .select(['seq', 'actor', 'action', 'request_id', 'detail'])
          .where('request_id', 'in', unsuccessful)
          .orderBy('seq')
          .execute()
      : [];
    expect(
      unsuccessful,
      JSON.stringify({ outcomes: outcomes.filter((o) => unsuccessful.includes(o.body.id)).map((o) => o.body.deployment), story }, null, 1),
    ).toEqual([]);
    // Counted from what Terraform left: each release once in the ledger, and in each stack's state.
    const lines = readFileSync(ledger, 'utf8').trim().split('\n').sort();
    expect(lines).toEqual(requests.map((r) => r.release).sort());
    for (const r of requests) expect(releaseIn(await stateOf(r.stack)), r.stack).toBe(r.release);
    // All three replicas took part in applying.
    const appliers = await db.selectFrom('audit_log').select('detail').where('action', '=', 'request.applying').execute();
    expect(new Set(appliers.map((a) => JSON.parse(a.detail).replica)).size).toBeGreaterThanOrEqual(2);

    // Every replica's console shows every thread in its final state. The plan card is redrawn just
    // after the status is stored (by whichever replica applied): wait for that redraw, not a race.
    for (const replica of replicas)
      for (const r of requests) {
        const messages = await until(
          async () => {
            const m = (await call(replica, 'GET', `/api/threads/${r.thread}`)).body.messages as any[];
            return m.find((x) => x.card.kind === 'plan')?.card.status === 'applied' ? m : undefined;
          },
          10_000,
          `${replica.name} ${r.id}: plan card applied`,
        );
        expect(messages.some((m: any) => m.card.kind === 'result')).toBe(true);
      }
    // And the browser on replica c saw the watched thread's apply live, wherever it ran.
    await until(() => (seen.join('').includes('"kind":"result"') ? true : undefined), 10_000, 'live result on replica c');
    live.abort();
  }, 240_000);

  it('a Slack event delivered twice, to two different replicas, makes one plan card', async () => {
    const before = slack.of('chat.postMessage').length;
    const body = eventBody({
      type: 'app_mention',
      user: 'UALICE',
      text: '<@UBOT> set load/s01 release=slack-1',
      channel: 'C1',
      ts: '1700000000.000100',
    });
    const first = await fetch(replicas[0]!.slackUrl!, { method: 'POST', headers: slackHeaders(SECRET, body, 'application/json'), body });
    expect(first.status).toBe(200);
    // Slack retries with a new timestamp (so a new signature) and the same event id.
    const retryHeaders = { ...slackHeaders(SECRET, body, 'application/json', Math.floor(Date.now() / 1000) + 1), 'x-slack-retry-num': '1' };
    const retry = await fetch(replicas[1]!.slackUrl!, { method: 'POST', headers: retryHeaders, body });
    expect(retry.status).toBe(200);
    // A replayed request (same signature) to the third is refused outright.
    const replay = await fetch(replicas[2]!.slackUrl!, { method: 'POST', headers: retryHeaders, body });
    expect(replay.status).toBe(401);
    await until(
      () =>
        slack
          .of('chat.postMessage')
          .slice(before)
          .find((c) => JSON.stringify(c.params.blocks ?? '').includes('plan r1')),
      30_000,
      'the plan card',
    );
    await new Promise((r) => setTimeout(r, 2000));
    const cards = slack
      .of('chat.postMessage')
      .slice(before)
      .filter((c) => JSON.stringify(c.params.blocks ?? '').includes('plan r1'));
    expect(cards).toHaveLength(1);
  }, 60_000);

  it('kill -9 of the replica running an apply: another reports the interruption in the thread; the next deploy succeeds; the chain verifies', async () => {
    const a = replicas[0]!;
    const opened = await call(a, 'POST', '/api/chat', { user: 'alice', text: 'set slow/dev release=cut-off' });
    const requestId = opened.body.messages[0].requestId as string;
    const shown = (await call(a, 'GET', `/api/requests/${requestId}`)).body;
    expect(
      (
        await call(a, 'POST', '/api/actions', {
          user: 'bob',
          requestId,
          action: 'approve',
          revision: shown.revision,
          planHash: shown.plan.hash,
        })
      ).status,
    ).toBe(200);
    // Whichever replica took the stack's lease is the one to kill.
    const lock = await until(
      () => db.selectFrom('stack_locks').selectAll().where('stack', '=', 'slow/dev').executeTakeFirst(),
      20_000,
      'the stack lease',
    );
    const holder = replicas.find((r) => lock.owner?.split(':')[1] === String(r.pid));
    expect(holder, `lease owner ${lock.owner}`).toBeTruthy();
    holder!.process.kill('SIGKILL');
    const killedAt = Date.now();
    const survivor = replicas.find((r) => r !== holder)!;
    const failed = await until(
      async () => {
        const r = await call(survivor, 'GET', `/api/requests/${requestId}`);
        return r.body.status === 'failed' ? r.body : undefined;
      },
      60_000,
      'the interruption',
    );
    expect(failed.deployment.errorCode).toBe('interrupted');
    expect(Date.now() - killedAt).toBeLessThan(45_000); // lease 10 s, then the leftover terraform (8 s sleep) is waited for
    // The result card follows the stored status: wait for it rather than race it.
    const result = await until(
      async () =>
        ((await call(survivor, 'GET', `/api/threads/${opened.body.thread}`)).body.messages as any[]).find((m) => m.card.kind === 'result'),
      10_000,
      'the interruption result card',
    );
    expect(JSON.stringify(result.card)).toContain('was not run again');
    expect(JSON.stringify(result.card)).toContain('status slow/dev');
    expect(await db.selectFrom('stack_locks').select('stack').where('stack', '=', 'slow/dev').execute()).toEqual([]);

    // The next deploy of that stack runs (on a replica still up).
    replicas = replicas.filter((r) => r !== holder);
    const next = await call(survivor, 'POST', '/api/chat', { user: 'alice', text: 'set slow/dev release=after sleep=0' });
    const nextId = next.body.messages[0].requestId as string;
    await approveOn(survivor, 'bob', nextId);
    const done = await until(
      async () => {
        const r = await call(survivor, 'GET', `/api/requests/${nextId}`);
        return ['succeeded', 'failed'].includes(r.body.status) ? r.body : undefined;
      },
      60_000,
      'the next deploy',
    );
    expect(done.status, JSON.stringify(done.deployment?.error)).toBe('succeeded');
    expect(releaseIn(await stateOf('slow/dev'))).toBe('after');

    // `greenlight audit verify` on the shared chain, from a process that is none of the replicas.
    const verify = await run(process.execPath, ['bin/greenlight.js', 'audit', 'verify'], {
      env: { ...process.env, ...env, GREENLIGHT_DATA_DIR: join(work, 'verify'), LOG_LEVEL: 'silent' },
    });
    expect(verify.stdout).toMatch(/audit log intact: \d+ rows/);
    expect(existsSync(ledger)).toBe(true);
  }, 180_000);
});

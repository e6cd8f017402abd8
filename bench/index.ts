import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { pino } from 'pino';
import { createApp } from '../src/app.ts';
import { evaluate, readCorpus } from '../src/cli-eval.ts';
import { parseConfig } from '../src/config/load.ts';
import { TerraformEngine } from '../src/engines/terraform/terraform-engine.ts';
import { loadIntents } from '../src/router/intents.ts';
import { Router } from '../src/router/router.ts';
import { benchCatalogAnalysis, benchProgramAnalysis } from './program-analysis.ts';
import { benchReplicas } from './replicas.ts';
import { startBareBolt } from './slack-ack.ts';
import { benchStartup } from './startup.ts';
import { median, ms, percentile } from './stats.ts';
import { benchTeamsInvoke } from './teams-invoke.ts';
import { TimedEngine } from './timed-engine.ts';

// `npm run bench`: request → plan-card latency over the console API (and Greenlight's own share
// of it, i.e. minus the time inside `terraform plan` + `show`), and the apply overhead ratio
// (approve → succeeded through Greenlight) / (bare `terraform apply` of a saved plan doing the
// same change). Everything runs against the real Terraform sandbox on loopback.

const PLAN_REQUESTS = Number(process.env.BENCH_PLAN_REQUESTS ?? 60);
const APPLY_PAIRS = Number(process.env.BENCH_APPLY_PAIRS ?? 5);

// --- 0a. offline router over the development corpus ------------------------------------------
const corpusRouter = new Router(
  loadIntents(),
  () => ['sandbox/dev', 'sandbox/prod', 'sandbox-pulumi/dev'],
  null,
  pino({ level: 'silent' }),
);
const corpus = readCorpus('intents/dev-corpus.jsonl');
await evaluate(corpusRouter, corpus, 'offline'); // warm-up
const routing = await evaluate(corpusRouter, corpus, 'offline');

// --- 00. the CLI and the process as a user meets them (own processes, compiled build) --------
const startup = await benchStartup(Number(process.env.BENCH_CLI_RUNS ?? 7), Number(process.env.BENCH_OPEN_PLANS ?? 1000));

// --- 0. program analysis (before anything else loads the Azure / Databricks SDKs) ----------
const analysis = await benchProgramAnalysis(Number(process.env.BENCH_ANALYSIS_RUNS ?? 60));
const catalogAnalysis = await benchCatalogAnalysis(Number(process.env.BENCH_CATALOG_RUNS ?? 20));

const dataDir = mkdtempSync(join(tmpdir(), 'greenlight-bench-'));
const SLACK_SECRET = 'bench-signing-secret-0123456789';
// Slack's side (Web API stand-in + load generator) runs in its own process, as Slack would.
const peer = spawn(process.execPath, ['bin/run-ts.js', 'bench/slack-peer.ts'], { stdio: ['pipe', 'pipe', 'inherit'] });
const peerLines = createInterface({ input: peer.stdout as NodeJS.ReadableStream })[Symbol.asyncIterator]();
// biome-ignore lint/suspicious/noExplicitAny: one JSON line from the peer process, read field by field
async function peerSay(line?: string): Promise<any> {
  if (line) peer.stdin?.write(`${line}\n`);
  const next = await peerLines.next();
  return JSON.parse(String(next.value));
}
const fakeSlack = { url: (await peerSay()).apiUrl as string };
const config = parseConfig(
  {
    dataDir,
    console: { host: '127.0.0.1', port: 0 },
    log: { level: 'silent' },
    slack: { botToken: 'xoxb-bench', signingSecret: SLACK_SECRET, apiUrl: fakeSlack.url, port: 0 },
  },
  { source: 'bench', baseDir: process.cwd() },
);
const engine = new TimedEngine(new TerraformEngine('terraform'));
const app = await createApp(config, { logger: pino({ level: 'silent' }), engines: { terraform: engine }, expirySweepMs: 0 });
const url = await app.start();

interface ChatReply {
  thread: string;
  messages: { requestId: string; card: { kind: string; actions?: { value?: { planHash?: string } }[] } }[];
}

async function post(path: string, body: unknown): Promise<ChatReply> {
  const res = await fetch(`${url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  const json = (await res.json()) as ChatReply;
  if (!res.ok) throw new Error(`${path}: ${res.status} ${JSON.stringify(json)}`);
  return json;
}

// --- 1. request → plan card -------------------------------------------------------------------
await post('/api/chat', { user: 'alice', text: 'deploy sandbox/dev' }); // warm-up: terraform init
engine.previews.length = 0;
const totals: number[] = [];
for (let i = 0; i < PLAN_REQUESTS; i++) {
  const started = performance.now();
  const res = await post('/api/chat', { user: 'alice', text: `set sandbox/dev replicas=${(i % 5) + 1}` });
  totals.push(performance.now() - started);
  if (res.messages[0]?.card.kind !== 'plan') throw new Error(`expected a plan card, got ${res.messages[0]?.card.kind}`);
}
const enginePart = engine.previews.slice(0, totals.length);
const own = totals.map((t, i) => t - (enginePart[i] ?? 0));

// --- 2. apply overhead ----------------------------------------------------------------------
const stack = app.stacks.get('sandbox/dev');
const workDir = app.stacks.workDir(stack);
function bare(args: string[], vars: Record<string, string>): number {
  const env: NodeJS.ProcessEnv = { ...process.env, TF_DATA_DIR: join(workDir, '.terraform'), TF_IN_AUTOMATION: '1', TF_INPUT: '0' };
  for (const [k, v] of Object.entries(vars)) env[`TF_VAR_${k}`] = v;
  const started = performance.now();
  const result = spawnSync('terraform', [`-chdir=${stack.dir}`, ...args], { env, encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`terraform ${args[0]} failed: ${result.stderr}`);
  return performance.now() - started;
}
const baseVars = await app.stacks.effectiveConfig(stack);
function barePlanAndApply(replicas: string): number {
  const planFile = join(dataDir, `bare-${replicas}.tfplan`);
  bare(['plan', '-input=false', '-lock=false', `-out=${planFile}`], { ...baseVars, replicas });
  return bare(['apply', '-input=false', '-json', planFile], { ...baseVars, replicas });
}
function waitForResult(thread: string): Promise<void> {
  return new Promise((resolve) => {
    const listener = (message: { card: { kind: string } }) => {
      if (message.card.kind === 'result') {
        app.consolePort.events.off(thread, listener);
        resolve();
      }
    };
    app.consolePort.events.on(thread, listener);
  });
}

barePlanAndApply('2'); // start every pair from replicas=2 with the sandbox applied
const viaGreenlight: number[] = [];
const viaTerraform: number[] = [];
for (let i = 0; i < APPLY_PAIRS; i++) {
  const chat = await post('/api/chat', { user: 'alice', text: 'set sandbox/dev replicas=3' });
  const requestId = chat.messages[0]?.requestId;
  const planHash = chat.messages[0]?.card?.actions?.[0]?.value?.planHash;
  const done = waitForResult(chat.thread);
  const started = performance.now();
  await post('/api/actions', { user: 'bob', requestId, action: 'approve', revision: 1, planHash });
  await done;
  viaGreenlight.push(performance.now() - started);
  const status = (await (await fetch(`${url}/api/requests/${requestId}`)).json()) as { status: string };
  if (status.status !== 'succeeded') throw new Error(`apply via Greenlight ended ${status.status}`);
  barePlanAndApply('2'); // reset, untimed
  viaTerraform.push(barePlanAndApply('3')); // the same change, timed
  barePlanAndApply('2'); // reset, untimed
}
const ratios = viaGreenlight.map((g, i) => g / (viaTerraform[i] as number));

// --- 2b. drift scan vs preview: a scan is a refresh-only plan plus a normal plan --------------
const DRIFT_RUNS = Number(process.env.BENCH_DRIFT_RUNS ?? 10);
const timedChat = async (text: string, kind: string) => {
  const started = performance.now();
  const res = await post('/api/chat', { user: 'alice', text });
  if (res.messages[0]?.card.kind !== kind) throw new Error(`${text}: expected a ${kind} card, got ${res.messages[0]?.card.kind}`);
  return performance.now() - started;
};
// The pairs above left the state at replicas=2 by hand while Greenlight last applied 3: that is
// drift. Put the state back to what Greenlight applied so every scan measures the clean case.
barePlanAndApply((await app.stacks.effectiveConfig(stack)).replicas ?? '3');
const driftMs: number[] = [];
const previewMs: number[] = [];
for (let i = 0; i < DRIFT_RUNS; i++) {
  previewMs.push(await timedChat('preview sandbox/dev', 'preview'));
  driftMs.push(await timedChat('drift sandbox/dev', 'info')); // nothing drifted: the "No drift" answer
}

// --- 3. Slack ack latency: Greenlight vs a bare Bolt app that only acks -----------------------
const SLACK_N = Number(process.env.BENCH_SLACK_COMMANDS ?? 500);
const bareBolt = await startBareBolt(SLACK_SECRET, fakeSlack.url);
const fire = (url: string, n: number, c: number) => peerSay(`fire ${url} ${SLACK_SECRET} ${n} ${c}`);
// A full-size warm-up for each first: the first burst of a process is several times slower.
await fire(bareBolt.url, SLACK_N, 50);
await fire(app.slackUrl, SLACK_N, 50);
const bareAck = await fire(bareBolt.url, SLACK_N, 50);
const slackAck = await fire(app.slackUrl, SLACK_N, 50);
await bareBolt.stop();

await app.stop();
peer.stdin?.write('quit\n');
rmSync(dataDir, { recursive: true, force: true });

// --- 4. Teams: card button → updated card in the invoke response --------------------------------
const teams = await benchTeamsInvoke(Number(process.env.BENCH_TEAMS_REQUESTS ?? 30), 10);

const results = {
  startup,
  offlineRouter: {
    n: routing.n,
    intentAccuracy: routing.intentAccuracy,
    paramAccuracy: routing.paramAccuracy,
    p50Ms: routing.p50Ms,
    p99Ms: routing.p99Ms,
  },
  programAnalysis: analysis,
  catalogAnalysis,
  driftScan: {
    runs: DRIFT_RUNS,
    medianMs: median(driftMs),
    previewMedianMs: median(previewMs),
    ratio: median(driftMs) / median(previewMs),
  },
  planCard: {
    requests: totals.length,
    p50Ms: percentile(totals, 50),
    p99Ms: percentile(totals, 99),
    terraformPlanP50Ms: percentile(enginePart, 50),
    terraformPlanP99Ms: percentile(enginePart, 99),
    ownShareP50Ms: percentile(own, 50),
    ownShareP99Ms: percentile(own, 99),
  },
  slackAck: { greenlight: slackAck, bareBolt: bareAck, p99Ratio: slackAck.p99Ms / bareAck.p99Ms },
  teamsInvoke: teams,
  applyOverhead: {
    pairs: ratios.length,
    greenlightMedianMs: median(viaGreenlight),
    bareTerraformMedianMs: median(viaTerraform),
    medianRatio: median(ratios),
  },
};

console.log('the CLI and the process (compiled build, own processes)');
console.log(
  `  greenlight --help                 median ${ms(startup.helpMedianMs)}   (from the sources through tsx ${ms(startup.helpFromSourcesMedianMs)}; target ≤ 300 ms)`,
);
console.log(
  `  greenlight plan "deploy sandbox/dev" median ${ms(startup.planMedianMs)}   terraform plan + show -json median ${ms(startup.bareTerraformMedianMs)}   ratio ${startup.planRatio.toFixed(2)} (target ≤ 1.3)`,
);
console.log(
  `  RSS of greenlight start           idle ${startup.idleRssMb.toFixed(0)} MB (target ≤ 150)   after ${startup.openPlans} open plans ${startup.rssAfterPlansMb.toFixed(0)} MB (target ≤ 200)`,
);
console.log(`offline router on the development corpus (${routing.n} lines, via greenlight eval's evaluate)`);
console.log(`  intent accuracy ${routing.intentAccuracy}, parameter accuracy ${routing.paramAccuracy}   (targets ≥ 0.95, ≥ 0.92)`);
console.log(`  latency p50 ${ms(routing.p50Ms)}   p99 ${ms(routing.p99Ms)}   (target p99 ≤ 5 ms)`);
console.log(`program analysis, provision_databricks (${analysis.runs} warm runs under setMocks)`);
console.log(`  first run (imports the SDKs)  ${ms(analysis.coldMs)}`);
console.log(`  warm                         p50 ${ms(analysis.warmP50Ms)}   p99 ${ms(analysis.warmP99Ms)}   (target p99 < 300 ms)`);
console.log(`  memory                       heap +${analysis.heapDeltaMb} MB, rss +${analysis.rssDeltaMb} MB`);
console.log(`program analysis, the rest of the catalog (${process.env.BENCH_CATALOG_RUNS ?? 20} warm runs each)`);
for (const c of catalogAnalysis)
  console.log(
    `  ${c.capability.padEnd(34)} ${String(c.resources).padStart(2)} resources   first ${ms(c.coldMs)}   warm p50 ${ms(c.warmP50Ms)}   p99 ${ms(c.warmP99Ms)}`,
  );
console.log(`drift scan of sandbox/dev (${DRIFT_RUNS} runs, nothing drifted) vs preview of the same stack`);
console.log(
  `  drift median ${ms(results.driftScan.medianMs)}   preview median ${ms(results.driftScan.previewMedianMs)}   ratio ${results.driftScan.ratio.toFixed(2)} (two terraform plans vs one)`,
);
console.log(`request → plan card (${results.planCard.requests} requests over HTTP, real terraform plan)`);
console.log(`  total              p50 ${ms(results.planCard.p50Ms)}   p99 ${ms(results.planCard.p99Ms)}`);
console.log(`  in terraform plan  p50 ${ms(results.planCard.terraformPlanP50Ms)}   p99 ${ms(results.planCard.terraformPlanP99Ms)}`);
console.log(
  `  Greenlight's own   p50 ${ms(results.planCard.ownShareP50Ms)}   p99 ${ms(results.planCard.ownShareP99Ms)}   (target p99 < 200 ms)`,
);
console.log(`apply overhead (${results.applyOverhead.pairs} pairs, same change: replicas 2 → 3)`);
console.log(`  approve → succeeded via Greenlight  median ${ms(results.applyOverhead.greenlightMedianMs)}`);
console.log(`  bare terraform apply <planfile>     median ${ms(results.applyOverhead.bareTerraformMedianMs)}`);
console.log(`  overhead ratio (median of pairs)    ${results.applyOverhead.medianRatio.toFixed(3)}   (target ≤ 1.10)`);
console.log(`Slack: ${SLACK_N} signed /greenlight help commands at concurrency 50 over loopback`);
console.log(
  `  Greenlight acked ${slackAck.acked}/${slackAck.n}   p50 ${ms(slackAck.p50Ms)}   p99 ${ms(slackAck.p99Ms)}   (target p99 < 100 ms)`,
);
console.log(`  bare Bolt  acked ${bareAck.acked}/${bareAck.n}   p50 ${ms(bareAck.p50Ms)}   p99 ${ms(bareAck.p99Ms)}`);
console.log(`  p99 ratio Greenlight / bare Bolt   ${(slackAck.p99Ms / bareAck.p99Ms).toFixed(2)}   (target ≤ 1.5)`);
console.log('Teams: Action.Execute invoke → updated card in the HTTP response (sequential, loopback)');
for (const [label, s] of [
  ['refresh (per-user view)', teams.refresh],
  ['Approve, vote recorded', teams.approveVote],
  ['Approve, apply queued', teams.approveDecisive],
] as const) {
  console.log(`  ${label.padEnd(25)} n=${String(s.n).padEnd(4)} p50 ${ms(s.p50Ms)}   p99 ${ms(s.p99Ms)}   (target p99 < 200 ms)`);
}
mkdirSync('bench/results', { recursive: true });
writeFileSync('bench/results/latest.json', `${JSON.stringify(results, null, 2)}\n`);
// A script: done once the figures are out (tsx's esbuild service would otherwise keep it alive).
// --- 5. more than one machine: PostgreSQL vs SQLite, one replica vs three ----------------------
const replicas = await benchReplicas(Number(process.env.BENCH_STORE_REQUESTS ?? 40), Number(process.env.BENCH_REPLICA_APPLIES ?? 20));
if (!replicas) console.log('more than one machine: skipped (no PostgreSQL binaries under /usr/lib/postgresql)');
else {
  const { planCard, throughput } = replicas;
  console.log(
    `request → plan card, Greenlight's own share, PostgreSQL vs SQLite (${process.env.BENCH_STORE_REQUESTS ?? 40} requests each)`,
  );
  console.log(`  SQLite      p50 ${ms(planCard.sqlite.p50)}   p99 ${ms(planCard.sqlite.p99)}`);
  console.log(`  PostgreSQL  p50 ${ms(planCard.postgres.p50)}   p99 ${ms(planCard.postgres.p99)}`);
  console.log(
    `  ratio PostgreSQL / SQLite   p50 ${(planCard.postgres.p50 / planCard.sqlite.p50).toFixed(2)}   p99 ${(planCard.postgres.p99 / planCard.sqlite.p99).toFixed(2)}`,
  );
  console.log(
    `approvals → applies on quick stacks (${throughput.one.applied} and ${throughput.three.applied} applies, counted from the applies' ledger)`,
  );
  console.log(`  1 replica   ${throughput.one.seconds.toFixed(1)} s   ${throughput.one.perSecond.toFixed(2)} applies/s`);
  console.log(`  3 replicas  ${throughput.three.seconds.toFixed(1)} s   ${throughput.three.perSecond.toFixed(2)} applies/s`);
  console.log(`  ratio 3 / 1   ${(throughput.three.perSecond / throughput.one.perSecond).toFixed(2)}   (this machine: 2 cores)`);
}

process.exit(0);

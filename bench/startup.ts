import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { median } from './stats.ts';

// The CLI and the process as a user meets them (issue 14): `greenlight --help`, `greenlight plan`
// against the bare terraform commands it wraps, and the resident memory of `npm start` idle and
// after 1,000 open plans. Always the compiled build: it is built first if stale.

const BIN = 'bin/greenlight.js';

function timed(cmd: string, args: string[], env: NodeJS.ProcessEnv = process.env, cwd?: string): number {
  const started = performance.now();
  const r = spawnSync(cmd, args, { env, stdio: 'ignore', ...(cwd ? { cwd } : {}) });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} exited ${r.status}`);
  return performance.now() - started;
}

const rssMb = (pid: number) => Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0) / 1024;

export async function benchStartup(runs: number, openPlans: number) {
  execFileSync('npm', ['run', 'build', '--silent'], { stdio: 'inherit' });
  const help = Array.from({ length: runs }, () => timed(process.execPath, [BIN, '--help']));
  // The sources through tsx, as before the build existed: the baseline of the ratio.
  const helpFromSources = Array.from({ length: runs }, () => timed(process.execPath, ['--import', 'tsx', 'src/main.ts', '--help']));

  const dataDir = mkdtempSync(join(tmpdir(), 'greenlight-bench-cli-'));
  const env = { ...process.env, GREENLIGHT_DATA_DIR: dataDir, LOG_LEVEL: 'silent' };
  const plan = Array.from({ length: runs }, () => timed(process.execPath, [BIN, 'plan', 'deploy sandbox/dev'], env));
  // The same stack, planned by hand: terraform plan -out + show -json in a copy of its folder.
  const work = mkdtempSync(join(tmpdir(), 'greenlight-bench-tf-'));
  cpSync('examples/sandbox-terraform', work, { recursive: true });
  timed('terraform', ['init', '-input=false', '-no-color'], process.env, work);
  const vars = ['-var', 'environment=dev', '-var', 'replicas=2', '-var', 'apply_seconds=2', '-var', 'fail_apply=false'];
  const bare = Array.from({ length: runs }, () => {
    const a = timed('terraform', ['plan', '-input=false', '-no-color', '-lock=false', '-out=b.tfplan', ...vars], process.env, work);
    return a + timed('terraform', ['show', '-json', 'b.tfplan'], process.env, work);
  });
  rmSync(work, { recursive: true, force: true });

  // `npm start` (the bin's start) on a free port: idle, then after many open plans.
  const child = spawn(process.execPath, [BIN, 'start'], { env: { ...env, PORT: '0', GREENLIGHT_DATA_DIR: join(dataDir, 'server') } });
  const url = await new Promise<string>((resolve, reject) => {
    child.stdout.on('data', (chunk: Buffer) => {
      const m = /Greenlight console: (\S+)/.exec(chunk.toString());
      if (m?.[1]) resolve(m[1]);
    });
    child.once('exit', (code) => reject(new Error(`greenlight start exited ${code}`)));
  });
  await new Promise((r) => setTimeout(r, 3000));
  const idleMb = rssMb(child.pid as number);
  // Real terraform plans of the bundled stack, each a request awaiting approval (none applied).
  for (let i = 0; i < openPlans; i++) {
    const res = await fetch(`${url}/api/chat`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ user: `user${i % 50}`, text: `set sandbox/dev replicas=${2 + (i % 40)}` }),
    });
    if (res.status !== 200) throw new Error(`plan ${i}: ${res.status}`);
  }
  await new Promise((r) => setTimeout(r, 2000));
  const afterPlansMb = rssMb(child.pid as number);
  child.kill('SIGTERM');
  await new Promise((r) => child.once('exit', r));
  rmSync(dataDir, { recursive: true, force: true });
  return {
    helpMedianMs: median(help),
    helpFromSourcesMedianMs: median(helpFromSources),
    planMedianMs: median(plan),
    bareTerraformMedianMs: median(bare),
    planRatio: median(plan) / median(bare),
    idleRssMb: idleMb,
    rssAfterPlansMb: afterPlansMb,
    openPlans,
  };
}

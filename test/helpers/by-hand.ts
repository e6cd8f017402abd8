import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { TestApp } from './test-app.ts';

// An out-of-band change, made the way people make one: `terraform apply` by hand on the sandbox
// stack's own state and work dir, outside Greenlight.

const run = promisify(execFile);

/** Someone runs Terraform by hand on the sandbox's state: an out-of-band change. */
export async function applyByHand(t: TestApp, vars: Record<string, string>): Promise<void> {
  const workDir = join(t.dataDir, 'stacks', 'sandbox-dev');
  const env: NodeJS.ProcessEnv = { ...process.env, TF_DATA_DIR: join(workDir, '.terraform'), TF_IN_AUTOMATION: '1', TF_INPUT: '0' };
  for (const [k, v] of Object.entries({ environment: 'dev', replicas: '2', apply_seconds: '1', fail_apply: 'false', ...vars }))
    env[`TF_VAR_${k}`] = v;
  const root = existsSync(join(workDir, 'root')) ? join(workDir, 'root') : join(process.cwd(), 'examples/sandbox-terraform');
  await run('terraform', [`-chdir=${root}`, 'apply', '-auto-approve', '-input=false', '-no-color'], { env });
}

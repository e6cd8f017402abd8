import { chmodSync, cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { TerraformEngine } from '../../../src/engines/terraform/terraform-engine.ts';
import { hasTerraform } from '../../helpers/test-app.ts';

// `terraform init` runs once per work dir, not once per process: a restart or each
// `greenlight plan` reuses the work dir an earlier process set up, and a stack whose modules
// changed since is initialised again when terraform asks for it. A wrapper around the real
// terraform records each command it is given.

const work = mkdtempSync(join(tmpdir(), 'greenlight-init-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe.skipIf(!hasTerraform)('terraform init once per work dir', () => {
  const calls = join(work, 'calls.log');
  const wrapper = join(work, 'terraform-wrapper.sh');
  writeFileSync(wrapper, `#!/bin/sh\necho "$2" >> ${calls}\nexec terraform "$@"\n`);
  chmodSync(wrapper, 0o755);
  const dir = join(work, 'stack');
  cpSync(resolve('examples/sandbox-terraform'), dir, { recursive: true });
  const target = {
    name: 'sandbox/dev',
    dir,
    workDir: join(work, 'wd'),
    stateFile: join(work, 'wd', 'terraform.tfstate'),
    config: { environment: 'dev', replicas: '2', apply_seconds: '0', fail_apply: 'false' },
    passEnv: [],
  };
  const commands = () => readFileSync(calls, 'utf8').trim().split('\n');

  it('a second process plans without init; changed modules get one init and the plan succeeds', async () => {
    await new TerraformEngine(wrapper).preview(target, 'apply', join(work, 'a.plan'));
    expect(commands()).toEqual(['init', 'plan', 'show']);
    // A new engine is what a new process has: nothing in memory.
    await new TerraformEngine(wrapper).preview(target, 'apply', join(work, 'b.plan'));
    expect(commands()).toEqual(['init', 'plan', 'show', 'plan', 'show']);
    // The stack now uses a module the work dir has never installed.
    mkdirSync(join(dir, 'extra'));
    writeFileSync(join(dir, 'extra', 'main.tf'), 'output "ok" { value = true }\n');
    writeFileSync(join(dir, 'extra.tf'), 'module "extra" {\n  source = "./extra"\n}\n');
    const result = await new TerraformEngine(wrapper).preview(target, 'apply', join(work, 'c.plan'));
    expect(result.changes.length).toBeGreaterThan(0);
    expect(commands().slice(5)).toEqual(['plan', 'init', 'plan', 'show']);
  });

  it('a work dir set up against another state file is initialised again', async () => {
    const moved = { ...target, stateFile: join(work, 'wd', 'other.tfstate') };
    writeFileSync(calls, '');
    await new TerraformEngine(wrapper).preview(moved, 'apply', join(work, 'd.plan'));
    expect(commands().filter(Boolean)).toEqual(['init', 'plan', 'show']);
  });
});

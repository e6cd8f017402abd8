import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { PulumiCommand } from '@pulumi/pulumi/automation/index.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GREENLIGHT_SECRET_VARIABLES } from '../../src/engines/child-env.ts';
import { type PulumiCli, withExplicitEnvironment } from '../../src/engines/pulumi/pulumi-engine.ts';
import { TerraformEngine } from '../../src/engines/terraform/terraform-engine.ts';
import { hasTerraform } from '../helpers/test-app.ts';

// Every Greenlight secret is planted in this process's environment; the engines' children (a real
// terraform apply whose local-exec dumps its environment, and the Pulumi Automation API's own
// runner spawning a `pulumi` that dumps its environment) must see none of them, while the
// variables the operator listed in passEnv do get through.

const planted = Object.fromEntries(GREENLIGHT_SECRET_VARIABLES.map((name, i) => [name, `planted-${name}-${i}-5f2a9c`]));
const LISTED = { AWS_PROFILE: 'listed-aws-profile-7d1e' };
const UNLISTED = { SOME_OTHER_VARIABLE: 'unlisted-value-0b3c' };
const work = mkdtempSync(join(tmpdir(), 'greenlight-env-'));

function expectClean(dump: string): void {
  for (const value of Object.values(planted)) expect(dump).not.toContain(value);
  expect(dump).not.toContain(UNLISTED.SOME_OTHER_VARIABLE);
  expect(dump).toContain(`AWS_PROFILE=${LISTED.AWS_PROFILE}`);
  expect(dump).toMatch(/^PATH=/m);
}

describe('engines run with an explicit environment', () => {
  const saved = { ...process.env };
  beforeAll(() => Object.assign(process.env, planted, LISTED, UNLISTED));
  afterAll(() => {
    for (const name of Object.keys({ ...planted, ...LISTED, ...UNLISTED })) delete process.env[name];
    Object.assign(process.env, saved);
    rmSync(work, { recursive: true, force: true });
  });

  it.skipIf(!hasTerraform)('terraform and its local-exec see no Greenlight secret', async () => {
    const out = join(work, 'terraform-env.txt');
    const engine = new TerraformEngine('terraform');
    const target = {
      name: 'env/dev',
      dir: resolve('test/fixtures/env-dump'),
      workDir: join(work, 'tf'),
      stateFile: join(work, 'tf', 'terraform.tfstate'),
      config: { out },
      passEnv: ['AWS_PROFILE'],
    };
    const planFile = join(work, 'env.plan');
    await engine.preview(target, 'apply', planFile);
    await engine.apply(target, planFile, 'apply');
    expectClean(readFileSync(out, 'utf8'));
  });

  it('the Pulumi CLI, spawned by the Automation API runner, sees no Greenlight secret', async () => {
    // Stands in for the pulumi binary (none can be installed here): answers `version` and dumps
    // its environment for anything else. It is spawned by the SDK's own PulumiCommand.
    const root = join(work, 'pulumi');
    mkdirSync(join(root, 'bin'), { recursive: true });
    const out = join(work, 'pulumi-env.txt');
    const script = join(root, 'bin', 'pulumi');
    writeFileSync(script, `#!/bin/sh\nif [ "$1" = version ]; then echo v3.200.0; exit 0; fi\nenv > ${out}\n`);
    chmodSync(script, 0o755);
    const real = (await PulumiCommand.get({ root, skipVersionCheck: true })) as unknown as PulumiCli;
    const cli = withExplicitEnvironment(real, ['AWS_PROFILE']);
    await cli.run(['preview'], work, { PULUMI_BACKEND_URL: `file://${work}` });
    const dump = readFileSync(out, 'utf8');
    expectClean(dump);
    expect(dump).toContain(`PULUMI_BACKEND_URL=file://${work}`);
    // Without the wrapper the same runner passes everything on: the test can tell the difference.
    await real.run(['preview'], work, {});
    expect(readFileSync(out, 'utf8')).toContain(planted.SLACK_BOT_TOKEN);
  });

  it("a config that lists one of Greenlight's own secrets in passEnv is refused", async () => {
    const { parseConfig } = await import('../../src/config/load.ts');
    expect(() => parseConfig({ engines: { terraform: { passEnv: ['SLACK_BOT_TOKEN'] } } }, { source: 'test', baseDir: work })).toThrow(
      /SLACK_BOT_TOKEN|Greenlight's own secrets/,
    );
  });
});

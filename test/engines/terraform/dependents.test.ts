import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { TerraformEngine } from '../../../src/engines/terraform/terraform-engine.ts';
import { dependentsOf } from '../../../src/planning/risk.ts';
import { hasTerraform } from '../../helpers/test-app.ts';

// The blast radius reads what depends on a changed resource from Terraform's own state
// (`prior_state` in `terraform show -json`): a real apply, then a plan that changes the network.

const work = mkdtempSync(join(tmpdir(), 'greenlight-deps-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe.skipIf(!hasTerraform)('dependents from the state', () => {
  it('a change to the network names what depends on it; the untouched gate is the one "other"', async () => {
    const dir = join(work, 'stack');
    cpSync(resolve('examples/sandbox-terraform'), dir, { recursive: true });
    const target = (environment: string) => ({
      name: 'sandbox/dev',
      dir,
      workDir: join(work, 'wd'),
      stateFile: join(work, 'wd', 'terraform.tfstate'),
      config: { environment, replicas: '2', apply_seconds: '0', fail_apply: 'false' },
      passEnv: [],
    });
    const engine = new TerraformEngine('terraform');
    await engine.preview(target('dev'), 'apply', join(work, 'a.plan'));
    await engine.apply(target('dev'), join(work, 'a.plan'), 'apply');
    const { changes } = await engine.preview(target('qa'), 'apply', join(work, 'b.plan'));
    const network = changes.find((c) => c.address === 'terraform_data.network');
    expect(network?.operation).toBe('update');
    expect(network?.dependents?.sort()).toEqual([
      'terraform_data.app[0]',
      'terraform_data.app[1]',
      'terraform_data.database',
      'terraform_data.gate',
    ]);
    // Network, database and both apps change; only the gate depends on them without changing.
    expect(dependentsOf(changes)).toEqual(['terraform_data.gate']);
  });
});

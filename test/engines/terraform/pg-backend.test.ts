import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import type { StackTarget } from '../../../src/engines/engine.ts';
import { TerraformEngine } from '../../../src/engines/terraform/terraform-engine.ts';
import { hasTerraform } from '../../helpers/test-app.ts';
import { TEST_PG_URL } from '../../helpers/test-database.ts';

// Managed state on PostgreSQL (Terraform's pg backend): the database's connection string reaches
// `terraform init` in a 0600 file, never in argv, where any local user could read it from the
// process list. A wrapper in front of the real binary records every command line Greenlight runs.

describe.skipIf(!TEST_PG_URL || !hasTerraform)('the pg backend (real terraform, real PostgreSQL)', () => {
  const work = mkdtempSync(join(tmpdir(), 'greenlight-pgbackend-'));
  afterAll(() => rmSync(work, { recursive: true, force: true }));

  it('gets the connection string from a file, not argv; the file is gone after init; state lands in the schema', async () => {
    const argvLog = join(work, 'argv.log');
    const wrapper = join(work, 'terraform-wrapper.sh');
    writeFileSync(wrapper, `#!/bin/sh\nprintf '%s\\n' "$*" >> '${argvLog}'\nexec terraform "$@"\n`);
    chmodSync(wrapper, 0o755);
    // A key=value connection string whose (ignored, trust auth) password holds what HCL would
    // otherwise read as a template or the end of the string.
    const url = new URL(TEST_PG_URL!);
    const password = `not-a-real-one ${'$'}{x} %{y} "q"`;
    const connStr = `host=${url.hostname} port=${url.port} user=${url.username || 'postgres'} dbname=${url.pathname.slice(1) || 'postgres'} sslmode=disable password='${password}'`;
    const schema = `gl_tfstate_pgtest_${process.pid}`;
    const target: StackTarget = {
      name: 'quick/pgtest',
      passEnv: [],
      dir: resolve('test/fixtures/quick-terraform'),
      workDir: join(work, 'stack'),
      config: { ledger: join(work, 'ledger.txt'), release: 'r1' },
      pgState: { connStr, schema },
    };
    const engine = new TerraformEngine(wrapper);
    const planFile = join(work, 'one.tfplan');
    await engine.preview(target, 'apply', planFile);
    await engine.apply(target, planFile, 'apply');

    const argv = readFileSync(argvLog, 'utf8');
    expect(argv).toContain('init');
    expect(argv).toContain('-backend-config=');
    expect(argv).not.toContain('not-a-real-one');
    expect(argv).not.toContain('password');
    expect(existsSync(join(target.workDir, 'greenlight-backend.tfbackend'))).toBe(false);
    // Terraform's own copy of the backend settings stays in the work dir, which only its user may enter.
    expect(readFileSync(join(target.workDir, '.terraform', 'terraform.tfstate'), 'utf8')).toContain('not-a-real-one');
    expect(statSync(target.workDir).mode & 0o077).toBe(0);

    const client = new pg.Client({ connectionString: TEST_PG_URL });
    await client.connect();
    try {
      const rows = await client.query(`select data from ${schema}.states`);
      expect(JSON.parse(rows.rows[0].data).outputs.release.value).toBe('r1');
      await client.query(`drop schema ${schema} cascade`);
    } finally {
      await client.end();
    }
  });
});

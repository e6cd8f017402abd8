import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { loadConfig, parseConfig } from '../../src/config/load.ts';
import { GreenlightError } from '../../src/domain/errors.ts';

const dirs: string[] = [];
function dirWith(yaml?: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'greenlight-config-'));
  dirs.push(dir);
  if (yaml !== undefined) writeFileSync(join(dir, 'greenlight.yaml'), yaml);
  return dir;
}
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function failure(fn: () => unknown): GreenlightError {
  try {
    fn();
  } catch (error) {
    if (error instanceof GreenlightError) return error;
    throw error;
  }
  throw new Error('expected a config error');
}

describe('config', () => {
  it('with no file: console on 127.0.0.1:3000, data under ./.greenlight, the sandbox stacks', () => {
    const dir = dirWith();
    const config = loadConfig({}, dir);
    expect(config.console).toMatchObject({ host: '127.0.0.1', port: 3000 });
    expect(config.dataDir).toBe(join(dir, '.greenlight'));
    expect(Object.keys(config.stacks)).toEqual(['sandbox/dev', 'sandbox/prod', 'sandbox-pulumi/dev']);
    expect(config.stacks['sandbox/prod']?.environment).toBe('prod');
    expect(config.plans.ttlMinutes).toBe(30);
  });

  it('the deployment example (deploy/greenlight.yaml, as compose.yaml runs it) is a valid config; DATABASE_URL selects PostgreSQL', () => {
    const config = loadConfig({
      GREENLIGHT_CONFIG: join(process.cwd(), 'deploy/greenlight.yaml'),
      GREENLIGHT_CONSOLE_TOKEN: 'a-console-token-of-32-characters',
      DATABASE_URL: 'postgres://greenlight:pw@postgres:5432/greenlight',
    });
    expect(config.console).toMatchObject({ host: '0.0.0.0', publicUrl: 'https://greenlight.example.com' });
    expect(config.database.url).toBe('postgres://greenlight:pw@postgres:5432/greenlight');
    expect(config.cluster).toEqual({ leaseSeconds: 30, pollMs: 1000 });
    expect(() => loadConfig({ DATABASE_URL: 'mysql://x' }, dirWith())).toThrow(/database.url is a postgres:\/\/ URL/);
  });

  it('PORT and GREENLIGHT_DATA_DIR override', () => {
    const config = loadConfig({ PORT: '4000', GREENLIGHT_DATA_DIR: '/tmp/elsewhere' }, dirWith());
    expect(config.console.port).toBe(4000);
    expect(config.dataDir).toBe('/tmp/elsewhere');
  });

  it('reads greenlight.yaml and resolves stack dirs against it', () => {
    const dir = dirWith(
      'stacks:\n  app/dev:\n    engine: terraform\n    dir: infra\n    environment: dev\n    config: { replicas: 2 }\nincludeExampleStacks: false\n',
    );
    const config = loadConfig({}, dir);
    expect(Object.keys(config.stacks)).toEqual(['app/dev']);
    expect(config.stacks['app/dev']).toMatchObject({
      dir: join(dir, 'infra'),
      config: { replicas: '2' },
      state: 'own',
    });
  });

  it('names the bad key and the fix', () => {
    const error = failure(() => loadConfig({}, dirWith('console:\n  port: "eighty"\nplans:\n  ttlMinutes: 0\nunknownKey: 1\n')));
    expect(error.code).toBe('config_invalid');
    expect(error.message).toContain('console.port');
    expect(error.message).toContain('plans.ttlMinutes');
    expect(error.message).toContain('unknownKey');
    expect(error.message).toContain('README "Configuration"');
  });

  it('refuses a console bound beyond loopback without a token or a public URL', () => {
    const error = failure(() => parseConfig({ console: { host: '0.0.0.0' } }, { source: 't', baseDir: '/tmp' }));
    expect(error.message).toContain('console.token');
    const noUrl = failure(() => parseConfig({ console: { host: '0.0.0.0', token: 'x'.repeat(20) } }, { source: 't', baseDir: '/tmp' }));
    expect(noUrl.message).toContain('console.publicUrl: required');
    const publicUrl = 'https://greenlight.example.com';
    expect(
      parseConfig({ console: { host: '0.0.0.0', token: 'x'.repeat(20), publicUrl } }, { source: 't', baseDir: '/tmp' }).console.token,
    ).toHaveLength(20);
  });

  it('refuses an approver group that does not exist', () => {
    const error = failure(() => parseConfig({ approvals: { prod: { approvers: ['group:sre'] } } }, { source: 't', baseDir: '/tmp' }));
    expect(error.message).toContain('groups.sre');
  });

  it('refuses YAML that is not a mapping, and a GREENLIGHT_CONFIG that does not exist', () => {
    expect(failure(() => loadConfig({}, dirWith('- a\n- b\n'))).message).toContain('not a list');
    expect(failure(() => loadConfig({}, dirWith('a: [\n'))).message).toContain('not valid YAML');
    expect(failure(() => loadConfig({ GREENLIGHT_CONFIG: '/nope/greenlight.yaml' })).message).toContain('does not exist');
    expect(failure(() => loadConfig({ PORT: 'abc' }, dirWith())).message).toContain('PORT');
  });
});

import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

// Adapters only translate: no platform SDK outside its channel folder.

const ROOT = join(import.meta.dirname, '..');
function files(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? files(path) : path.endsWith('.ts') ? [path] : [];
  });
}

/** The modules a channel file imports that it may not: the store, capabilities, the router, planning, engines, workflow internals. */
function forbiddenChannelImports(source: string): string[] {
  const specifiers = [...source.matchAll(/(?:from\s+|import\s*\()\s*['"]([^'"]+)['"]/g)].map((m) => m[1] ?? '');
  return specifiers.filter(
    (s) =>
      /(^|\/)(store|capabilities|router|planning|engines)\//.test(s) ||
      (/(^|\/)workflow\//.test(s) && !/(^|\/)workflow\/index\.ts$/.test(s)),
  );
}

describe('module boundaries', () => {
  const guarded = ['cards', 'capabilities', 'src/workflow', 'src/router', 'src/planning', 'src/engines', 'src/store', 'src/domain'];
  it.each(guarded)('%s imports no Slack or Teams SDK', (dir) => {
    for (const file of files(join(ROOT, dir))) {
      expect(readFileSync(file, 'utf8'), file).not.toMatch(/from ['"](@slack\/|botbuilder)/);
    }
  });

  it('capabilities reach Greenlight only through their read port: they never import the workflow', () => {
    for (const file of files(join(ROOT, 'capabilities'))) {
      expect(readFileSync(file, 'utf8'), file).not.toMatch(/from ['"][./]*src\/workflow\//);
    }
  });

  // Adapters only translate: a channel verifies, parses and renders, and reaches Greenlight through
  // the workflow's public API (src/workflow/index.ts), the card model and the domain alone.
  it('channels import no store module, no capability and no workflow internal', () => {
    const channelFiles = files(join(ROOT, 'src/channels'));
    expect(channelFiles.length).toBeGreaterThan(20);
    for (const file of channelFiles) {
      expect(forbiddenChannelImports(readFileSync(file, 'utf8')), file).toEqual([]);
    }
  });

  it('the channel rule catches each kind of forbidden import', () => {
    expect(forbiddenChannelImports("import { findRequest } from '../../store/requests.ts';")).toHaveLength(1);
    expect(forbiddenChannelImports("import type { Db } from '../../store/database.ts';")).toHaveLength(1);
    expect(forbiddenChannelImports("import { capabilities } from '../../../capabilities/index.ts';")).toHaveLength(1);
    expect(forbiddenChannelImports("import { modifyRequest } from '../../workflow/follow-up.ts';")).toHaveLength(1);
    expect(forbiddenChannelImports("import { Router } from '../../router/router.ts';")).toHaveLength(1);
    expect(forbiddenChannelImports("const m = await import('../../store/leases.ts');")).toHaveLength(1);
    expect(forbiddenChannelImports("import type { Interactions } from '../../workflow/index.ts';")).toEqual([]);
    expect(forbiddenChannelImports("import type { Card } from '../../../cards/model.ts';")).toEqual([]);
  });

  it('only the CLI writes to the console', () => {
    for (const file of files(join(ROOT, 'src')).filter((f) => !f.endsWith('main.ts'))) {
      expect(readFileSync(file, 'utf8'), file).not.toMatch(/console\.(log|error|warn|info)\(/);
    }
  });
});

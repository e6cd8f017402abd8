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

  it('only the CLI writes to the console', () => {
    for (const file of files(join(ROOT, 'src')).filter((f) => !f.endsWith('main.ts'))) {
      expect(readFileSync(file, 'utf8'), file).not.toMatch(/console\.(log|error|warn|info)\(/);
    }
  });
});

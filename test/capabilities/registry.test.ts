import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { capabilities } from '../../capabilities/index.ts';
import { parseCommand } from '../../src/router/grammar.ts';

const ROOT = join(import.meta.dirname, '../../capabilities');
const folders = readdirSync(ROOT).filter((f) => statSync(join(ROOT, f)).isDirectory());
const kebab = (id: string) => id.replace(/_/g, '-');

describe('capability registry', () => {
  it('registers every folder, and every registered capability has a folder', () => {
    expect(folders.sort()).toEqual(capabilities.map((c) => kebab(c.id)).sort());
  });

  it.each(folders)('%s has index.ts, schema.ts and README.md', (folder) => {
    for (const file of ['index.ts', 'schema.ts', 'README.md']) expect(existsSync(join(ROOT, folder, file)), `${folder}/${file}`).toBe(true);
  });

  it.each(capabilities.map((c) => [c.id, c] as const))('%s has examples the grammar routes to it, and a usage line', (id, cap) => {
    expect(cap.examples.length).toBeGreaterThan(0);
    expect(cap.usage.length).toBeGreaterThan(0);
    const grammarExamples = cap.examples.filter((e) => parseCommand(e).kind === 'command');
    expect(grammarExamples.length).toBeGreaterThan(0);
    for (const example of grammarExamples) {
      const parsed = parseCommand(example);
      expect(parsed.kind === 'command' && parsed.capability).toBe(id);
      expect(parsed.kind === 'command' && cap.params.safeParse(parsed.params).success).toBe(true);
    }
  });
});

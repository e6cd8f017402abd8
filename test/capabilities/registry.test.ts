import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { capabilities } from '../../capabilities/index.ts';
import { readCorpus } from '../../src/cli-eval.ts';
import { parseCommand } from '../../src/router/grammar.ts';
import { INTENTS_DIR, loadIntents } from '../../src/router/intents.ts';
import { Router } from '../../src/router/router.ts';

const ROOT = join(import.meta.dirname, '../../capabilities');
const folders = readdirSync(ROOT).filter((f) => statSync(join(ROOT, f)).isDirectory());
const kebab = (id: string) => id.replace(/_/g, '-');
const intents = loadIntents();
const corpus = readCorpus(join(INTENTS_DIR, 'dev-corpus.jsonl'));
const router = new Router(intents, () => ['sandbox/dev', 'sandbox/prod', 'sandbox-pulumi/dev'], null, pino({ level: 'silent' }));

describe('capability registry', () => {
  it('registers every folder, and every registered capability has a folder', () => {
    expect(folders.sort()).toEqual(capabilities.map((c) => kebab(c.id)).sort());
  });

  it.each(folders)('%s has index.ts, schema.ts, intent.yaml and README.md', (folder) => {
    for (const file of ['index.ts', 'schema.ts', 'intent.yaml', 'README.md'])
      expect(existsSync(join(ROOT, folder, file)), `${folder}/${file}`).toBe(true);
  });

  it.each(capabilities.map((c) => [c.id, c] as const))(
    '%s owns its language: 20+ intent examples, 15+ corpus lines, examples routed to it',
    (id, cap) => {
      const intent = intents.find((i) => i.id === id);
      expect(intent?.examples.length).toBeGreaterThanOrEqual(20);
      expect(corpus.filter((l) => l.intent === id).length).toBeGreaterThanOrEqual(15);
      // Through the whole router, as a chat message would go.
      for (const example of cap.examples) expect(router.routeOffline(example).intent, example).toBe(id);
    },
  );

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

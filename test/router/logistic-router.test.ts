import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { evaluate, readCorpus } from '../../src/cli-eval.ts';
import { extractParams } from '../../src/router/extract.ts';
import { loadIntents } from '../../src/router/intents.ts';
import { LogisticClassifier } from '../../src/router/logistic.ts';
import { normalise } from '../../src/router/normalise.ts';
import { teamOf, unconfiguredStackOf } from '../../src/router/params.ts';
import { Router } from '../../src/router/router.ts';

const intents = loadIntents();
const stacks = ['sandbox/dev', 'sandbox/prod', 'sandbox-pulumi/dev'];
const TEST = join(import.meta.dirname, '../../intents/test-corpus.jsonl');
const DEV = join(import.meta.dirname, '../../intents/dev-corpus.jsonl');

describe('normalisation', () => {
  it('turns everyday verbs into the verbs the examples use, names into placeholders, chat markup into nothing', () => {
    expect(normalise('<@U024BE7LH> tear down sandbox/dev :wave:')).toEqual(['destroy', 'stackname']);
    expect(normalise('<at>Greenlight</at> nuke the legacy stack in prd')).toEqual([
      'destroy',
      'the',
      'stackname',
      'stack',
      'in',
      'envname',
    ]);
    // Whatever names a stack is a stack name, known or not; a configured project reads as one too.
    expect(normalise('destroy the old billing stack in staging')).toEqual(['destroy', 'the', 'stackname', 'stack', 'in', 'envname']);
    expect(normalise('payments in prod to 4 replicas', ['payments'])).toEqual(['stackname', 'in', 'envname', 'to', 'num', 'replica']);
    expect(normalise('paymentsfoo in prod', ['payments'])).toContain('paymentsfoo');
    // The object between verb and particle.
    expect(normalise('take the dev sandbox down for good')).toEqual(['destroy', 'for', 'good']);
    expect(normalise('roll checkout back one version')).toEqual(['rollback', 'one', 'version']);
    expect(normalise('tear the notify dev stack down', ['notify'])).toEqual(['destroy']);
    // …but taking something down *to* a number scales it.
    expect(normalise('take checkout/prod down to 2')).toEqual(['take', 'stackname', 'down', 'to', 'num']);
    expect(normalise('did anyone hand-edit the vpn stack')).toContain('drift');
    expect(normalise("go back to yesterday's version")).toContain('rollback');
    expect(normalise('pulumi up sandbox-pulumi/dev')).toEqual(['deploy', 'stackname']);
    expect(normalise('open ssh from 10.0.0.0/8 in East US 2')).toEqual(['open', 'protocol', 'from', 'cidr', 'in', 'regionname']);
    expect(normalise('image ghcr.io/acme/web:4 with 3 tasks')).toEqual(['image', 'imageref', 'with', 'num', 'task']);
  });
});

describe('stacks and environments in prose', () => {
  it('names an unconfigured stack, and the environment every stack request implies', () => {
    expect(extractParams('destroy_stack', 'destroy the old billing stack in staging', stacks)).toEqual({
      stack: 'billing/staging',
      environment: 'staging',
    });
    expect(extractParams('deploy_stack', 'ship the api-prod stack', stacks)).toEqual({ stack: 'api/prod', environment: 'prod' });
    expect(extractParams('deploy_stack', 'deploy sandbox/prod', stacks)).toEqual({ stack: 'sandbox/prod', environment: 'prod' });
    expect(extractParams('drift_scan', 'check for drift in prod', stacks)).toEqual({ environment: 'prod' });
    expect(unconfiguredStackOf('tear down the whole stack')).toBeUndefined();
  });

  it('reads teams written in prose', () => {
    for (const [text, team] of [
      ['databricks for the ML folks in dev', 'ml'],
      ['our analytics crew needs databricks', 'analytics'],
      ["a namespace for data-eng's jobs", 'data-eng'],
      ['the search squad wants a namespace', 'search'],
      ['azure openai for data science in dev', 'data-science'],
      ["the fraud team's databricks", 'fraud'],
    ] as const)
      expect(teamOf(text), text).toBe(team);
  });
});

describe('logistic regression classifier', () => {
  const classifier = new LogisticClassifier(intents);

  it('says which words decided, and ranks the runners-up', () => {
    const c = classifier.classify('please open port 8443 for the vpn');
    expect(c.intent).toBe('open_firewall_port');
    expect(c.decidedBy.some((w) => w.startsWith('port'))).toBe(true);
    expect(c.ranking.length).toBe(3);
    expect(c.ranking[0]?.confidence).toBeGreaterThan(c.ranking[1]?.confidence ?? 1);
  });

  it('understands verbs it never saw next to a stack', () => {
    for (const [text, intent] of [
      ['decommission sandbox/dev', 'destroy_stack'],
      ['back out the last change to sandbox/prod', 'rollback_stack'],
      ['ship sandbox/dev', 'deploy_stack'],
    ] as const)
      expect(classifier.classify(text).intent, text).toBe(intent);
  });
});

describe('held-out test corpus (written after the method was frozen; never trained or tuned on)', () => {
  it('has 300+ lines, none of them a training example or a development corpus line', () => {
    const test = readCorpus(TEST);
    expect(test.length).toBeGreaterThanOrEqual(300);
    const seen = new Set([...intents.flatMap((i) => i.examples), ...readCorpus(DEV).map((l) => l.text)].map((t) => t.toLowerCase().trim()));
    expect(test.filter((l) => seen.has(l.text.toLowerCase().trim()))).toEqual([]);
  });

  it('stays above the accuracy measured at freeze (0.894 intent): a regression floor, not a target', async () => {
    const router = new Router(intents, () => stacks, null, pino({ level: 'silent' }));
    const result = await evaluate(router, readCorpus(TEST), 'offline');
    expect(result.intentAccuracy).toBeGreaterThanOrEqual(0.88);
  });
});

// Corpora 2 and 3 were each written after a freeze of the method and measured once before any
// change (README in intents/). Their stacks are names no example uses. The floors are the
// figures at freeze less a margin: they catch regressions, they are not targets.
describe.each([
  ['test-corpus-2', 0.93, 0.9],
  ['test-corpus-3', 0.93, 0.95],
  ['test-corpus-4', 0.91, 0.94],
  ['test-corpus-5', 0.94, 0.96],
  ['test-corpus-6', 0.92, 0.96],
  ['test-corpus-7', 0.93, 0.97],
])('held-out %s', (name, intentFloor, paramFloor) => {
  const file = join(import.meta.dirname, `../../intents/${name}.jsonl`);
  const configured = Object.keys(
    (parseYaml(readFileSync(join(import.meta.dirname, `../../intents/${name}.stacks.yaml`), 'utf8')) as { stacks: object }).stacks,
  );

  it('shares no line with the examples or any other corpus', () => {
    const others = [
      DEV,
      TEST,
      ...['test-corpus-2', 'test-corpus-3', 'test-corpus-4', 'test-corpus-5', 'test-corpus-6', 'test-corpus-7']
        .filter((n) => n !== name)
        .map((n) => join(import.meta.dirname, `../../intents/${n}.jsonl`)),
    ];
    const seen = new Set(
      [...intents.flatMap((i) => i.examples), ...others.flatMap((f) => readCorpus(f).map((l) => l.text))].map((t) =>
        t.toLowerCase().trim(),
      ),
    );
    expect(readCorpus(file).filter((l) => seen.has(l.text.toLowerCase().trim()))).toEqual([]);
  });

  it('routes with its own stacks above the floor', async () => {
    const router = new Router(intents, () => configured, null, pino({ level: 'silent' }));
    const result = await evaluate(router, readCorpus(file), 'offline');
    expect(result.intentAccuracy).toBeGreaterThanOrEqual(intentFloor);
    expect(result.paramAccuracy).toBeGreaterThanOrEqual(paramFloor);
  });
});

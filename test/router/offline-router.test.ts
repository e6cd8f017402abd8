import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { evaluate, readCorpus } from '../../src/cli-eval.ts';
import { IntentClassifier } from '../../src/router/classifier.ts';
import { extractParams } from '../../src/router/extract.ts';
import { INTENT_IDS, loadIntents } from '../../src/router/intents.ts';
import { parseMemoryCommand, wantsLastRequest } from '../../src/router/memory-commands.ts';
import { environmentOf, regionOf, stackOf, teamOf, valuesOf } from '../../src/router/params.ts';
import { Router } from '../../src/router/router.ts';

const stacks = ['sandbox/dev', 'sandbox/prod', 'sandbox-pulumi/dev'];
const intents = loadIntents();
const CORPUS = join(import.meta.dirname, '../../intents/dev-corpus.jsonl');

describe('intent catalog and development corpus', () => {
  it('has one file per intent, each with 20+ examples', () => {
    expect(intents.map((i) => i.id).sort()).toEqual([...INTENT_IDS].sort());
    for (const intent of intents) expect(intent.examples.length, intent.id).toBeGreaterThanOrEqual(20);
  });

  it('the corpus has 300+ labelled lines and shares no line with the training examples', () => {
    const corpus = readCorpus(CORPUS);
    expect(corpus.length).toBeGreaterThanOrEqual(300);
    const training = new Set(intents.flatMap((i) => i.examples.map((e) => e.toLowerCase().trim())));
    const shared = corpus.filter((l) => training.has(l.text.toLowerCase().trim()));
    expect(shared).toEqual([]);
    for (const id of INTENT_IDS) expect(corpus.filter((l) => l.intent === id).length, id).toBeGreaterThanOrEqual(15);
  });

  it('offline on the corpus: intent accuracy ≥ 0.95 and parameter accuracy ≥ 0.92', async () => {
    const router = new Router(intents, () => stacks, null, pino({ level: 'silent' }));
    const result = await evaluate(router, readCorpus(CORPUS), 'offline');
    expect(result.intentAccuracy).toBeGreaterThanOrEqual(0.95);
    expect(result.paramAccuracy).toBeGreaterThanOrEqual(0.92);
  });
});

describe('offline classifier', () => {
  const classifier = new IntentClassifier(intents);
  it('says which words decided', () => {
    const c = classifier.classify('please open port 8443 for the vpn');
    expect(c.intent).toBe('open_firewall_port');
    expect(c.decidedBy).toContain('port');
    expect(c.ranking.length).toBe(3);
    expect(c.ranking[0]?.confidence).toBeGreaterThan(c.ranking[1]?.confidence ?? 1);
  });

  it('text with no known word is general with zero confidence', () => {
    expect(classifier.classify('zxqv blorp')).toMatchObject({ intent: 'general', confidence: 0, decidedBy: [] });
  });
});

describe('parameter normalisation', () => {
  it.each([
    ['in production', 'prod'],
    ['prd please', 'prod'],
    ['to stage', 'staging'],
    ['stg', 'staging'],
    ['in development', 'dev'],
  ])('environment: %s → %s', (text, env) => expect(environmentOf(text)).toBe(env));

  it('regions per cloud', () => {
    expect(regionOf('in East US', 'azure')).toBe('eastus');
    expect(regionOf('West Europe please', 'azure')).toBe('westeurope');
    expect(regionOf('east us 2', 'azure')).toBe('eastus2');
    expect(regionOf('us east 2', 'aws')).toBe('us-east-2');
    expect(regionOf('eu-west-1', 'aws')).toBe('eu-west-1');
    expect(regionOf('europe-west1', 'gcp')).toBe('europe-west1');
    // Places in prose, each cloud's own region for them.
    expect(regionOf('in Oregon', 'aws')).toBe('us-west-2');
    expect(regionOf('Frankfurt, prod', 'aws')).toBe('eu-central-1');
    expect(regionOf('Frankfurt, prod', 'azure')).toBe('germanywestcentral');
    expect(regionOf('N. Virginia', 'aws')).toBe('us-east-1');
    expect(regionOf('in Iowa', 'gcp')).toBe('us-central1');
    expect(regionOf('in Oregon')).toBeUndefined(); // no cloud said: a place is not a region yet
  });

  it('protocols give their port when no number is said; a number always wins', () => {
    for (const [text, port] of [
      ['open ssh from 10.0.0.0/8', 22],
      ['allow https from anywhere', 443],
      ['let rdp in', 3389],
      ['permit postgresql from 10.1.0.0/16', 5432],
      ['open redis', 6379],
      ['allow mysql', 3306],
      ['open http on 8080', 8080],
    ] as const)
      expect(extractParams('open_firewall_port', text, stacks).port, text).toBe(port);
    expect(extractParams('open_firewall_port', 'open https to the world', stacks).source).toBe('0.0.0.0/0');
  });

  it('request ids, versions back, and the environment a stack implies', () => {
    expect(extractParams('stack_status', "where's my request cr-5e6f7a8b9c at", stacks)).toEqual({ request: 'cr-5e6f7a8b9c' });
    expect(extractParams('rollback_stack', 'roll sandbox/dev back to cr-77aa66bb55', stacks)).toMatchObject({
      stack: 'sandbox/dev',
      to: 'cr-77aa66bb55',
    });
    expect(extractParams('rollback_stack', 'take sandbox prod back two versions ago', stacks)).toMatchObject({ to: '2' });
    expect(extractParams('update_stack_config', 'bump sandbox prod to 12 replicas', stacks)).toEqual({
      stack: 'sandbox/prod',
      environment: 'prod',
      values: { replicas: '12' },
    });
    expect(extractParams('deployment_history', 'audit log for sandbox/prod', stacks)).toEqual({
      stack: 'sandbox/prod',
      environment: 'prod',
    });
  });

  it('teams, stacks, config values, ports', () => {
    expect(teamOf('for the Data Science team')).toBe('science');
    expect(teamOf('team=ml-platform')).toBe('ml-platform');
    expect(stackOf('scale the sandbox in production', stacks)).toBe('sandbox/prod');
    expect(stackOf('sandbox-pulumi please', stacks)).toBe('sandbox-pulumi/dev');
    expect(stackOf('checkout in prod', stacks)).toBeUndefined();
    expect(valuesOf('scale checkout in prod to 10')).toEqual({ replicas: '10' });
    expect(valuesOf('set release to v2 and fail_apply=true')).toEqual({ fail_apply: 'true', release: 'v2' });
    // Counts in words, and the everyday verbs of scaling.
    expect(valuesOf('scale checkout dev to zero')).toEqual({ replicas: '0' });
    expect(valuesOf('crank it up to 10')).toEqual({ replicas: '10' });
    expect(valuesOf('take it down to two replicas')).toEqual({ replicas: '2' });
    expect(extractParams('open_firewall_port', 'open port 22 to 0.0.0.0/0 in prod', stacks)).toEqual({
      port: 22,
      source: '0.0.0.0/0',
      environment: 'prod',
    });
    expect(
      extractParams('provision_ecs_service', 'run the payments api on fargate with 3 tasks, image ghcr.io/acme/pay:1.2', stacks),
    ).toMatchObject({
      service: 'payments',
      desired_count: 3,
      image: 'ghcr.io/acme/pay:1.2',
    });
  });

  it('memory phrases', () => {
    expect(parseMemoryCommand('Remember my team is data')).toEqual({ kind: 'remember', key: 'team', value: 'data' });
    expect(parseMemoryCommand('my default environment is production')).toEqual({ kind: 'remember', key: 'environment', value: 'prod' });
    expect(parseMemoryCommand('forget my defaults')).toEqual({ kind: 'forget', everything: false });
    expect(parseMemoryCommand('forget everything')).toEqual({ kind: 'forget', everything: true });
    expect(parseMemoryCommand('What do you remember about me?')).toEqual({ kind: 'show' });
    expect(parseMemoryCommand('deploy sandbox/dev')).toBeNull();
    expect(wantsLastRequest('same as last time but in staging')).toBe(true);
  });
});

describe('greenlight eval', () => {
  it('prints accuracy, misses and latency; with --json its last line is the figures', async () => {
    const { stdout } = await promisify(execFile)(process.execPath, [join(process.cwd(), 'bin/greenlight.js'), 'eval', CORPUS, '--json'], {
      env: {
        ...process.env,
        LOG_LEVEL: 'silent',
        OPENAI_API_KEY: '',
        GREENLIGHT_DATA_DIR: mkdtempSync(join(tmpdir(), 'greenlight-eval-')),
      },
    });
    const lines = stdout.trim().split('\n');
    expect(lines[0]).toMatch(/^offline router on \d+ lines: intent accuracy/);
    const figures = JSON.parse(lines.at(-1) ?? '{}');
    expect(Object.keys(figures)).toEqual(['n', 'intentAccuracy', 'paramAccuracy', 'p50Ms', 'p99Ms']);
    expect(figures.n).toBe(readFileSync(CORPUS, 'utf8').trim().split('\n').length);
  });
});

import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { GreenlightError } from '../../../src/domain/errors.ts';
import type { EngineEvent, StackTarget } from '../../../src/engines/engine.ts';
import { PulumiEngine } from '../../../src/engines/pulumi/pulumi-engine.ts';
import { FakePulumiCli, type FakeResource } from '../../fakes/fake-pulumi-cli.ts';

// The Pulumi engine through the real Automation API, with the CLI replaced by a stand-in that
// speaks the same command line and event-log format (no Pulumi CLI can be installed here).

const work = mkdtempSync(join(tmpdir(), 'greenlight-pulumi-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

function setup(program: (config: Record<string, string>) => FakeResource[]) {
  const cli = new FakePulumiCli((_stack, config) => program(config), 'sandbox');
  const engine = new PulumiEngine({ binary: 'pulumi', backendUrl: `file://${join(work, 'state')}`, dataDir: work, cli });
  const target = (config: Record<string, string> = {}): StackTarget => ({
    name: 'sandbox/dev',
    passEnv: [],
    dir: work,
    workDir: join(work, 'ws'),
    program: { projectName: 'sandbox', stackName: 'dev', run: async () => ({}) },
    config,
  });
  return { cli, engine, target };
}

const resources = (replicas: number, failOn?: string): FakeResource[] => [
  { type: 'pulumi:pulumi:Stack', name: 'sandbox-dev', inputs: {} },
  { type: 'sandbox:index:Network', name: 'net', inputs: { cidr: '10.0.0.0/16' }, outputs: { url: 'http://sandbox.local' } },
  ...Array.from({ length: replicas }, (_, i) => ({
    type: 'sandbox:index:App',
    name: `app-${i}`,
    inputs: { index: i },
    ...(failOn === `app-${i}` ? { failWith: 'app did not become healthy' } : {}),
  })),
];

describe('PulumiEngine over the Automation API', () => {
  it('previews (saving a plan), applies that plan with events in order, reads outputs and history', async () => {
    const { cli, engine, target } = setup((c) => resources(Number(c.replicas ?? 2)));
    const planFile = join(work, 'a.plan.json');
    const preview = await engine.preview(target({ replicas: '2' }), 'apply', planFile);
    expect(preview.changes.map((c) => [c.address, c.operation])).toEqual([
      ['sandbox:index:Network::net', 'create'],
      ['sandbox:index:App::app-0', 'create'],
      ['sandbox:index:App::app-1', 'create'],
    ]);
    const previewCall = cli.calls.find((c) => c[0] === 'preview');
    expect(previewCall).toEqual(expect.arrayContaining(['--save-plan', planFile, '--exec-kind', 'auto.inline']));
    const events: EngineEvent[] = [];
    const result = await engine.apply(target({ replicas: '2' }), planFile, 'apply', { onEvent: (e) => events.push(e) });
    // The saved plan is the one applied.
    expect(cli.calls.find((c) => c[0] === 'up')).toEqual(expect.arrayContaining(['--plan', planFile]));
    expect(events.filter((e) => e.type !== 'log').map((e) => `${e.type}:${'address' in e ? e.address : ''}`)).toEqual([
      'resource_started:sandbox:index:Network::net',
      'resource_finished:sandbox:index:Network::net',
      'resource_started:sandbox:index:App::app-0',
      'resource_finished:sandbox:index:App::app-0',
      'resource_started:sandbox:index:App::app-1',
      'resource_finished:sandbox:index:App::app-1',
      'summary:',
    ]);
    // Pulumi's summary counts the stack resource itself, as the real CLI does.
    expect(result.summary).toEqual({ added: 4, changed: 0, removed: 0 });
    expect(result.outputs).toEqual({ url: 'http://sandbox.local' });
  });

  it('refuses to apply when the program no longer matches the saved plan (plan_stale)', async () => {
    const { engine, target } = setup((c) => resources(Number(c.replicas ?? 1)));
    const planFile = join(work, 'b.plan.json');
    await engine.preview(target({ replicas: '1' }), 'apply', planFile);
    const error = await engine.apply(target({ replicas: '3' }), planFile, 'apply').catch((e: unknown) => e);
    expect((error as GreenlightError).code).toBe('plan_stale');
    expect((error as Error).message).toContain('violates plan');
  });

  it('reports a failed resource with the engine diagnostic', async () => {
    const { engine, target } = setup(() => resources(2, 'app-1'));
    const planFile = join(work, 'c.plan.json');
    await engine.preview(target(), 'apply', planFile);
    const events: EngineEvent[] = [];
    const error = await engine.apply(target(), planFile, 'apply', { onEvent: (e) => events.push(e) }).catch((e: unknown) => e);
    expect((error as GreenlightError).code).toBe('engine_failed');
    expect((error as Error).message).toContain('app did not become healthy');
    expect(events.find((e) => e.type === 'resource_failed')).toMatchObject({ address: 'sandbox:index:App::app-1' });
    expect(events.find((e) => e.type === 'diagnostic')).toMatchObject({ severity: 'error', address: 'sandbox:index:App::app-1' });
  });

  it('cancels an update when the signal aborts', async () => {
    const { cli, engine, target } = setup(() => resources(5));
    cli.stepMs = 150;
    const planFile = join(work, 'd.plan.json');
    await engine.preview(target(), 'apply', planFile);
    const controller = new AbortController();
    const events: EngineEvent[] = [];
    const running = engine.apply(target(), planFile, 'apply', {
      signal: controller.signal,
      onEvent: (e) => {
        events.push(e);
        if (e.type === 'resource_finished') controller.abort();
      },
    });
    const error = await running.catch((e: unknown) => e);
    expect((error as GreenlightError).code).toBe('engine_failed');
    expect((error as Error).message).toContain('canceled');
    expect(events.filter((e) => e.type === 'resource_finished').length).toBeLessThan(6);
    expect(events.some((e) => e.type === 'log' && e.message === 'update cancelled')).toBe(true);
  });

  it('previews and applies a destroy; exports state', async () => {
    const { engine, target } = setup(() => resources(1));
    const planFile = join(work, 'e.plan.json');
    await engine.preview(target(), 'apply', planFile);
    await engine.apply(target(), planFile, 'apply');
    const exported = await engine.exportState(target());
    expect(JSON.parse(exported).deployment.resources).toHaveLength(3);
    const destroy = await engine.preview(target(), 'destroy', join(work, 'e.destroy.json'));
    expect(destroy.changes.every((c) => c.operation === 'delete')).toBe(true);
    expect(JSON.parse(readFileSync(join(work, 'e.destroy.json'), 'utf8')).mode).toBe('destroy');
    await engine.apply(target(), join(work, 'e.destroy.json'), 'destroy');
    expect(JSON.parse(await engine.exportState(target())).deployment.resources).toHaveLength(0);
  });

  it('without a CLI: engine_not_found saying how to install it or point the config at it', async () => {
    const engine = new PulumiEngine({ binary: join(work, 'nowhere/bin/pulumi'), backendUrl: `file://${join(work, 'x')}`, dataDir: work });
    const error = await engine
      .preview({ name: 'x/dev', dir: work, workDir: join(work, 'nx'), config: {}, passEnv: [] }, 'apply', join(work, 'n.json'))
      .catch((e: unknown) => e);
    expect((error as GreenlightError).code).toBe('engine_not_found');
    expect((error as Error).message).toContain('engines.pulumi.binary');
  });
});

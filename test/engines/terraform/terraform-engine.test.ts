import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { GreenlightError } from '../../../src/domain/errors.ts';
import type { EngineEvent, StackTarget } from '../../../src/engines/engine.ts';
import { TerraformEngine } from '../../../src/engines/terraform/terraform-engine.ts';
import { hasTerraform } from '../../helpers/test-app.ts';

// The Terraform engine against the real binary and the offline sandbox root.

describe.skipIf(!hasTerraform)('TerraformEngine (real terraform)', () => {
  const work = mkdtempSync(join(tmpdir(), 'greenlight-tf-'));
  afterAll(() => rmSync(work, { recursive: true, force: true }));
  const engine = new TerraformEngine('terraform');
  const target = (config: Record<string, string> = {}): StackTarget => ({
    name: 'sandbox/test',
    passEnv: [],
    dir: resolve('examples/sandbox-terraform'),
    workDir: join(work, 'stack'),
    stateFile: join(work, 'stack', 'terraform.tfstate'),
    config: { apply_seconds: '0', ...config },
  });

  it('previews, applies exactly the saved plan with streamed events, reads outputs', async () => {
    const planFile = join(work, 'one.tfplan');
    const preview = await engine.preview(target({ replicas: '1' }), 'apply', planFile);
    expect(preview.changes.filter((c) => c.operation === 'create')).toHaveLength(5);
    expect(preview.priorStateSerial).toBe(0); // no state yet
    const events: EngineEvent[] = [];
    const result = await engine.apply(target({ replicas: '1' }), planFile, 'apply', {
      onEvent: (e) => events.push(e),
    });
    expect(result.summary).toEqual({ added: 5, changed: 0, removed: 0 });
    expect(result.outputs.replicas).toBe(1);
    expect(events.map((e) => e.type)).toContain('resource_started');
    expect(await engine.outputs(target())).toMatchObject({ app_names: ['sandbox-dev-app-0'] });
  });

  it('refuses to apply a saved plan that went stale (plan_stale)', async () => {
    const a = join(work, 'a.tfplan');
    const b = join(work, 'b.tfplan');
    await engine.preview(target({ replicas: '2' }), 'apply', a);
    await engine.preview(target({ replicas: '3' }), 'apply', b);
    await engine.apply(target({ replicas: '2' }), a, 'apply');
    const error = await engine.apply(target({ replicas: '3' }), b, 'apply').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(GreenlightError);
    expect((error as GreenlightError).code).toBe('plan_stale');
  });

  it('exports state; a refresh-only plan of untouched resources finds no drift', async () => {
    const state = JSON.parse(await engine.exportState(target()));
    expect(state.resources.length).toBeGreaterThan(0);
    // A saved plan knows the serial of the state it was made against: the serial before its apply.
    const next = await engine.preview(target({ replicas: '4' }), 'apply', join(work, 's.tfplan'));
    expect(state.serial).toBeGreaterThan(0);
    expect(next.priorStateSerial).toBe(state.serial);
    const refresh = await engine.preview(target({ replicas: '2' }), 'refresh-only', join(work, 'r.tfplan'));
    expect(refresh.drift).toEqual([]);
  });

  it('plans a destroy of everything', async () => {
    const preview = await engine.preview(target({ replicas: '2' }), 'destroy', join(work, 'd.tfplan'));
    expect(preview.changes.length).toBeGreaterThan(0);
    expect(preview.changes.every((c) => c.operation === 'delete')).toBe(true);
  });

  it('names undeclared variables and lists the declared ones', async () => {
    const error = await engine.preview(target({ colour: 'blue' }), 'apply', join(work, 'x.tfplan')).catch((e: unknown) => e);
    expect((error as GreenlightError).code).toBe('bad_request');
    expect((error as Error).message).toContain('no variable "colour"');
    expect((error as Error).message).toContain('replicas');
  });

  it('reports a Terraform validation error as engine_failed with its message', async () => {
    const error = await engine.preview(target({ replicas: '99' }), 'apply', join(work, 'v.tfplan')).catch((e: unknown) => e);
    expect((error as GreenlightError).code).toBe('engine_failed');
    expect((error as Error).message).toContain('replicas must be between 0 and 50');
  });

  it('says engine_not_found when the binary is missing', async () => {
    const missing = new TerraformEngine(join(work, 'no-such-terraform'));
    const error = await missing.preview(target(), 'apply', join(work, 'm.tfplan')).catch((e: unknown) => e);
    expect((error as GreenlightError).code).toBe('engine_not_found');
  });

  it('a script standing in for a broken binary fails with its stderr, not a crash', async () => {
    const fake = join(work, 'broken-terraform');
    writeFileSync(fake, '#!/bin/sh\necho "boom: cannot read configuration" >&2\nexit 3\n', { mode: 0o755 });
    const error = await new TerraformEngine(fake).preview(target(), 'apply', join(work, 'f.tfplan')).catch((e: unknown) => e);
    expect((error as GreenlightError).code).toBe('engine_failed');
    expect((error as Error).message).toContain('boom: cannot read configuration');
  });
});

import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { applyByHand } from '../helpers/by-hand.ts';
import { hasTerraform, startTestApp, type TestApp } from '../helpers/test-app.ts';

// Operations on a configured stack, end to end on the Terraform sandbox (real `terraform plan` /
// `apply` on terraform_data): drift after someone applied by hand, rollback after two deploys,
// destroy that needs the stack's name typed. Chat and buttons go through the console API.

const _run = promisify(execFile);
const _SANDBOX = join(process.cwd(), 'examples/sandbox-terraform');

describe.skipIf(!hasTerraform)('stack operations on the Terraform sandbox', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(async () => t?.close());

  async function applied(user: string, text: string): Promise<any> {
    const { requestId } = await t.chat(user, text);
    expect(requestId, text).toBeTruthy();
    expect((await t.act('bob', requestId!, 'approve')).status).toBe(200);
    const done = await t.waitForStatus(requestId!, ['succeeded', 'failed']);
    expect(done.status, JSON.stringify(done.deployment?.error)).toBe('succeeded');
    return done;
  }

  it('drift: nothing drifted → an answer, no request; a hand-made change → listed, and the remediation plan puts it back', async () => {
    await applied('alice', 'deploy sandbox/dev');

    const clean = await t.chat('alice', 'drift sandbox/dev');
    expect(clean.requestId).toBeNull();
    expect(clean.card.title).toBe('No drift on sandbox/dev');

    await applyByHand(t, { environment: 'dev', replicas: '2', apply_seconds: '1', fail_apply: 'false', release: 'hotfix-7' });

    const scan = await t.chat('alice', 'is there any drift on sandbox dev?');
    expect(scan.requestId).toBeTruthy();
    const request = (await t.get(`/api/requests/${scan.requestId}`)).body;
    expect(request.capability).toBe('drift_scan');
    expect(request.plan.drift).toEqual([
      {
        address: 'terraform_data.release',
        type: 'terraform_data',
        source: 'config',
        kind: 'changed',
        attributes: expect.arrayContaining([{ path: 'input.version', expected: 'v1', actual: 'hotfix-7' }]),
      },
    ]);
    expect(scan.card.title).toBe('Drift on sandbox/dev — remediation plan r1');
    const table = scan.card.blocks.find((b: any) => b.type === 'table');
    expect(table.rows[0][0]).toBe('terraform_data.release');
    expect(table.rows[0][2]).toContain('input.version: v1 → hotfix-7');
    const metrics = await (await fetch(`${t.url}/metrics`)).text();
    expect(metrics).toMatch(/infra_drift_events_total\{stack="sandbox\/dev",environment="dev",source="config"\} 1/);

    expect((await t.act('bob', scan.requestId!, 'approve')).status).toBe(200);
    const fixed = await t.waitForStatus(scan.requestId!, ['succeeded', 'failed']);
    expect(fixed.status).toBe('succeeded');
    expect(fixed.deployment.outputs.release).toBe('v1');
    expect((await t.chat('alice', 'drift sandbox/dev')).card.title).toBe('No drift on sandbox/dev');
  });

  it('rollback after two deploys re-applies the earlier config: outputs come back to that version', async () => {
    const v2 = await applied('alice', 'set sandbox/dev release=v2');
    await applied('alice', 'set sandbox/dev release=v3');

    const back = await t.chat('alice', 'rollback sandbox/dev');
    const plan = (await t.get(`/api/requests/${back.requestId}`)).body.plan;
    expect(plan.notes.join(' ')).toContain(`Rollback to ${v2.id} r1`);
    expect(plan.notes.join(' ')).toContain('Terraform re-applies that version’s config');
    expect(plan.config.release).toBe('v2');
    expect(plan.changes.filter((c: any) => c.operation === 'update').map((c: any) => c.address)).toEqual(['terraform_data.release']);
    expect((await t.act('bob', back.requestId!, 'approve')).status).toBe(200);
    const done = await t.waitForStatus(back.requestId!, ['succeeded', 'failed']);
    expect(done.status).toBe('succeeded');
    expect(done.deployment.outputs.release).toBe('v2');

    // The stack's config is now that version's: a plain deploy changes nothing more.
    const status = await t.chat('alice', 'status sandbox/dev');
    expect(JSON.stringify(status.card)).toContain('release=v2');
    expect(JSON.stringify(status.card)).toContain('asked by console:alice, approved by console:bob');

    // Bad targets change nothing and say what exists.
    const tooFar = await t.chat('alice', 'rollback sandbox/dev to=40');
    expect(tooFar.requestId).toBeNull();
    expect(JSON.stringify(tooFar.card)).toMatch(/sandbox\/dev has \d+ applied version\(s\)/);
    const unknown = await t.chat('alice', 'rollback sandbox/dev to=cr-0000000000');
    expect(JSON.stringify(unknown.card)).toContain('cr-0000000000 is not an applied version of sandbox/dev');
  });

  it('history filters by environment; costs and "what is running in dev?" answer from the registry', async () => {
    const prodOnly = await t.chat('alice', 'history env=prod');
    expect(JSON.stringify(prodOnly.card)).toContain('No requests in prod');
    const devHistory = await t.chat('alice', 'history env=dev since=1d');
    expect(devHistory.card.blocks[0].rows.length).toBeGreaterThanOrEqual(5);

    const running = await t.chat('alice', "what's running in dev?");
    expect(running.card.title).toMatch(/^Running in dev: 1 stack\(s\), \$0\.00 a month$/);
    expect(JSON.stringify(running.card)).toContain('sandbox/dev');
    const costs = await t.chat('alice', 'costs dev by=stack');
    expect(costs.card.title).toBe('Monthly cost (dev) by stack: $0.00');
    expect(costs.card.blocks[0].rows).toEqual([['dev', 'sandbox/dev', '1', '$0.00', '—']]);
    // Grouped by environment, the environment is one column, not two.
    const byEnvironment = await t.chat('alice', 'costs by=environment');
    expect(byEnvironment.card.blocks[0].columns).toEqual(['Environment', 'Stacks', 'Monthly', 'Budget']);
    expect(byEnvironment.card.blocks[0].rows[0]).toEqual(['dev', '1', '$0.00', '$5,000.00 (0% used)']);
  });

  it('history user=alice finds console:alice (a bare name matches the person on every channel); user=console:bob finds nothing of hers', async () => {
    const bare = await t.chat('carol', 'history user=alice');
    const rows = bare.card.blocks[0].rows as string[][];
    expect(rows.length).toBeGreaterThan(0);
    expect(rows.every((r) => r[3] === 'console:alice')).toBe(true);
    const prefixed = await t.chat('carol', 'history user=console:alice');
    expect(prefixed.card.blocks[0].rows.length).toBe(rows.length);
    const nobody = await t.chat('carol', 'history user=console:bob');
    expect(JSON.stringify(nobody.card)).toContain('No requests by console:bob');
    // A LIKE wildcard in the name is a character, not a pattern.
    const wildcard = await t.chat('carol', 'history user=%');
    expect(JSON.stringify(wildcard.card)).toContain('No requests by %');
  });

  it('destroy is high risk and needs the stack name typed: a click without it, or with another name, changes nothing', async () => {
    const destroy = await t.chat('alice', 'destroy sandbox/dev');
    const request = (await t.get(`/api/requests/${destroy.requestId}`)).body;
    // A whole-stack destroy of stateless resources in dev: medium, and it says so.
    expect(request.plan.risk.level).toBe('medium');
    expect(request.plan.risk.factors.map((f: any) => f.id)).toContain('destroy');
    const approve = destroy.card.actions.find((a: any) => a.id === 'approve');
    expect(approve.typeToConfirm).toBe('sandbox/dev');

    const bare = await t.act('bob', destroy.requestId!, 'approve');
    expect(bare.status).toBe(422);
    expect(bare.body.error.code).toBe('confirmation_required');
    expect(bare.body.error.message).toContain('type sandbox/dev');
    const wrong = await t.act('bob', destroy.requestId!, 'approve', { confirmation: 'sandbox/prod' });
    expect(wrong.status).toBe(422);
    expect(wrong.body.error.message).toContain('"sandbox/prod" is not the stack\'s name');
    expect((await t.get(`/api/requests/${destroy.requestId}`)).body.status).toBe('awaiting_approval');

    expect((await t.act('bob', destroy.requestId!, 'approve', { confirmation: ' sandbox/dev ' })).status).toBe(200);
    const done = await t.waitForStatus(destroy.requestId!, ['succeeded', 'failed']);
    expect(done.status).toBe('succeeded');
    const running = await t.chat('alice', 'stacks dev');
    expect(running.card.title).toBe('Running in dev: 0 stack(s), $0.00 a month');
  });
});

describe.skipIf(!hasTerraform)('scaling by the stack’s documented key', () => {
  it('"scale checkout to 10" sets desired_count on a stack whose scaleKey says so, and the card says why', async () => {
    const t = await startTestApp({
      includeExampleStacks: false,
      stacks: {
        'checkout/prod': {
          engine: 'terraform',
          dir: join(process.cwd(), 'test/fixtures/checkout-terraform'),
          environment: 'prod',
          state: 'managed',
          scaleKey: 'desired_count',
          config: { desired_count: 2 },
        },
      },
    });
    try {
      const { requestId } = await t.chat('alice', 'scale checkout to 10');
      const request = (await t.get(`/api/requests/${requestId}`)).body;
      expect(request.capability).toBe('update_stack_config');
      expect(request.plan.overrides).toEqual({ desired_count: '10' });
      expect(request.plan.changes.find((c: any) => c.address === 'terraform_data.service').inputs.input.desired_count).toBe(10);
      expect(request.plan.notes.join(' ')).toContain("desired_count is checkout/prod's scale key");
    } finally {
      await t.close();
    }
  });
});

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { provisionDatabricks } from '../../capabilities/provision-databricks/index.ts';
import { provisionDatabricksParams } from '../../capabilities/provision-databricks/schema.ts';
import { PulumiEngine } from '../../src/engines/pulumi/pulumi-engine.ts';
import { analyseProgram } from '../../src/planning/program-analysis.ts';
import { FakePulumiCli, type FakeResource } from '../fakes/fake-pulumi-cli.ts';
import { startTestApp } from '../helpers/test-app.ts';

describe('provision databricks in the console', () => {
  it('on this machine (no Pulumi CLI): a review-only plan card by program analysis; no Approve, a forged one refused, nothing else harmed', async () => {
    const t = await startTestApp({ engines: { pulumi: { binary: '/nonexistent/bin/pulumi' } } });
    try {
      const { requestId, card, thread } = await t.chat('alice', 'provision databricks team=data env=dev region=eastus');
      expect(card.kind).toBe('plan');
      expect(card.blocks.find((b: any) => b.type === 'changes').rows.map((r: any) => r.address)).toEqual([
        'azure-native:resources:ResourceGroup::rg-data-databricks-dev',
        'azure-native:databricks:Workspace::dbw-data-dev',
        'databricks:index/cluster:Cluster::data-dev-shared',
      ]);
      const cost = card.blocks.find((b: any) => b.type === 'cost');
      expect(cost.summary).toBe('Monthly cost: $987.91 a month (+$987.91 vs today)');
      expect(cost.lines.map((l: any) => l.value)).toEqual(['$282.26', '$705.65']);
      expect(cost.assumptions.join(' ')).toContain('cluster runs 220 h a month');
      const risk = card.blocks.find((b: any) => b.type === 'risk');
      // New and isolated; what weighs is its cost against the dev budget (and a credentialed endpoint).
      expect(risk).toMatchObject({
        level: 'medium',
        score: 25,
        reasons: [
          'Medium mainly because it raises the monthly cost by $988: 20% of the dev budget ($5000), in dev.',
          'public exposure: dbw-data-dev (publicNetworkAccess=Enabled) (+5)',
          'raises the monthly cost by $988: 20% of the dev budget ($5000) (+20)',
        ],
      });
      expect(card.context.join('\n')).toContain('made by program analysis');
      expect(card.context.join('\n')).toContain('No engine preview');

      // Review only: the card offers no Approve, and one forged anyway is refused up front.
      expect(card.actions.map((a: any) => a.id)).toEqual(['reject', 'modify']);
      const approve = await t.act('bob', requestId!, 'approve');
      expect(approve.body.error.code).toBe('engine_not_found');
      expect(approve.body.error.message).toContain('Install the Pulumi CLI');
      expect((await t.get(`/api/requests/${requestId}`)).body.status).toBe('awaiting_approval');
      expect((await t.get(`/api/threads/${thread}`)).body.messages.some((m: any) => m.card.kind === 'progress')).toBe(false);
      // The rest of the bot keeps working, Terraform stacks included; the never-applied plan is
      // not listed as a stack.
      const stacks = await t.chat('alice', 'stacks');
      expect(stacks.card.blocks[0].rows.some((r: string[]) => r[0] === 'databricks-data/dev')).toBe(false);
      expect(stacks.card.context.join(' ')).toContain('databricks-data/dev (awaiting approval)');
      const next = await t.chat('alice', 'deploy sandbox/dev');
      expect(next.card.kind).toBe('plan');
    } finally {
      await t.close();
    }
  });

  describe('with a Pulumi CLI (stand-in) the plan is an engine preview and Approve applies it', () => {
    const work = mkdtempSync(join(tmpdir(), 'greenlight-dbx-'));
    afterAll(() => rmSync(work, { recursive: true, force: true }));

    it('plans by engine preview, applies the saved plan, streams progress and shows outputs', async () => {
      // The stand-in registers exactly what the real program registers (program analysis).
      const params = provisionDatabricksParams.parse({ team: 'data', environment: 'dev', region: 'eastus' });
      const draft = await provisionDatabricks.plan(params, { user: 'console:alice', services: {} as never });
      const registered = await analyseProgram(draft.program!);
      const resources: FakeResource[] = registered.map((r) => ({
        type: r.type,
        name: r.name,
        inputs: r.inputs,
        ...(r.type === 'azure-native:databricks:Workspace'
          ? { outputs: { workspaceUrl: 'https://adb-123.4.azuredatabricks.net', workspaceId: '123' } }
          : {}),
        ...(r.type === 'azure-native:resources:ResourceGroup' ? { outputs: { resourceGroup: r.name } } : {}),
      }));
      const cli = new FakePulumiCli(() => resources, 'greenlight-databricks');
      const pulumi = new PulumiEngine({ binary: 'pulumi', backendUrl: `file://${join(work, 'state')}`, dataDir: work, cli });
      const t = await startTestApp({}, { engines: { pulumi } });
      try {
        const { requestId, card, thread } = await t.chat('alice', 'provision databricks team=data env=dev region=eastus');
        expect(card.context.join('\n')).toContain('made by engine preview');
        expect(card.blocks.find((b: any) => b.type === 'cost').summary).toBe('Monthly cost: $987.91 a month (+$987.91 vs today)');
        const request = (await t.get(`/api/requests/${requestId}`)).body;
        expect(request.plan.artifact.path).toMatch(/\.plan$/);
        expect((await t.act('bob', requestId!, 'approve')).status).toBe(200);
        const done = await t.waitForStatus(requestId!, ['succeeded', 'failed']);
        expect(done.status).toBe('succeeded');
        expect(done.deployment.outputs).toMatchObject({
          workspaceUrl: 'https://adb-123.4.azuredatabricks.net',
          resourceGroup: 'rg-data-databricks-dev',
        });
        // The apply used the saved plan file the approval bound to.
        expect(cli.calls.find((c) => c[0] === 'up')).toEqual(expect.arrayContaining(['--plan', request.plan.artifact.path]));
        // Events reached the progress card in order, every resource done.
        const finished = done.deployment.events.filter((e: any) => e.type === 'resource_finished').map((e: any) => e.address);
        expect(finished).toEqual(registered.map((r) => r.address));
        const status = await t.chat('alice', 'status databricks-data/dev');
        expect(status.card.title).toBe('Status of databricks-data/dev');
        expect(JSON.stringify(status.card)).toContain('https://adb-123.4.azuredatabricks.net');
        expect(JSON.stringify(status.card)).toContain('provision_databricks (team=data');
        const progress = await t.waitForMessage(
          thread,
          (m) => m.card.kind === 'progress' && m.card.blocks[1].items.every((i: any) => i.status === 'done'),
        );
        expect(progress.card.blocks[1].items).toHaveLength(3);
        // Approved, so learned: alice's next request fills what it leaves out, and says so.
        const next = await t.chat('alice', 'I need a databricks workspace please');
        expect(next.card.context.join('\n')).toContain('Filled from your memory: team=data, environment=dev, region=eastus');
      } finally {
        await t.close();
      }
    });

    it('rollback of a stack a capability built: the earlier request program is built again and applied', async () => {
      const resourcesFor = async (size: string): Promise<FakeResource[]> => {
        const params = provisionDatabricksParams.parse({ team: 'ml', environment: 'dev', region: 'eastus', size });
        const draft = await provisionDatabricks.plan(params, { user: 'console:alice', services: {} as never });
        return (await analyseProgram(draft.program!)).map((r) => ({ type: r.type, name: r.name, inputs: r.inputs }));
      };
      // The stand-in CLI does not run programs: it is told what the program of each version registers.
      let registered = await resourcesFor('small');
      const cli = new FakePulumiCli(() => registered, 'greenlight-databricks');
      const pulumi = new PulumiEngine({ binary: 'pulumi', backendUrl: `file://${join(work, 'state-rb')}`, dataDir: work, cli });
      const t = await startTestApp({}, { engines: { pulumi } });
      const applied = async (text: string) => {
        const { requestId } = await t.chat('alice', text);
        expect((await t.act('bob', requestId!, 'approve')).status).toBe(200);
        const done = await t.waitForStatus(requestId!, ['succeeded', 'failed']);
        expect(done.status, JSON.stringify(done.deployment?.error)).toBe('succeeded');
        return done;
      };
      try {
        const small = await applied('provision databricks team=ml env=dev region=eastus size=small');
        registered = await resourcesFor('large');
        await applied('provision databricks team=ml env=dev region=eastus size=large');

        registered = await resourcesFor('small');
        const back = await t.chat('alice', 'rollback databricks-ml/dev');
        const request = (await t.get(`/api/requests/${back.requestId}`)).body;
        expect(request.capability).toBe('rollback_stack');
        expect(request.plan.notes.join(' ')).toContain(`Rollback to ${small.id} r1`);
        expect(request.plan.notes.join(' ')).toContain("the program is built again from that request's parameters");
        const cluster = request.plan.changes.find((c: any) => c.type === 'databricks:index/cluster:Cluster');
        expect(cluster.operation).toBe('update');
        expect(cluster.inputs.nodeTypeId).toBe(small.plan.changes.find((c: any) => c.type === cluster.type).inputs.nodeTypeId);
        expect(request.plan.cost.monthlyUsd).toBe(small.plan.cost.monthlyUsd);
        expect((await t.act('bob', back.requestId!, 'approve')).status).toBe(200);
        expect((await t.waitForStatus(back.requestId!, ['succeeded', 'failed'])).status).toBe('succeeded');
        // The registry still knows whose stack it is after a rollback, and what it costs now.
        const costs = await t.chat('alice', 'costs dev by=team');
        expect(costs.card.blocks[0].rows).toContainEqual([
          'dev',
          'ml',
          '1',
          expect.stringContaining(`$${small.plan.cost.monthlyUsd}`),
          '—',
        ]);
      } finally {
        await t.close();
      }
    });

    it('drift on a Pulumi stack a capability built: the refresh finds the cluster changed by hand; remediation refreshes and puts it back', async () => {
      const params = provisionDatabricksParams.parse({ team: 'bi', environment: 'dev', region: 'eastus', size: 'small' });
      const draft = await provisionDatabricks.plan(params, { user: 'console:alice', services: {} as never });
      const registered: FakeResource[] = (await analyseProgram(draft.program!)).map((r) => ({
        type: r.type,
        name: r.name,
        inputs: r.inputs,
      }));
      const cli = new FakePulumiCli(() => registered, 'greenlight-databricks');
      const pulumi = new PulumiEngine({ binary: 'pulumi', backendUrl: `file://${join(work, 'state-drift')}`, dataDir: work, cli });
      const t = await startTestApp({}, { engines: { pulumi } });
      try {
        const { requestId } = await t.chat('alice', 'provision databricks team=bi env=dev region=eastus size=small');
        expect((await t.act('bob', requestId!, 'approve')).status).toBe(200);
        expect((await t.waitForStatus(requestId!, ['succeeded', 'failed'])).status).toBe('succeeded');
        expect((await t.chat('alice', 'drift databricks-bi/dev')).card.title).toBe('No drift on databricks-bi/dev');

        // Someone resizes the cluster in the Databricks UI: the real resource now differs from the state.
        const cluster = registered.find((r) => r.type === 'databricks:index/cluster:Cluster')!;
        cli.cloud.set(cluster.name, { ...cluster.inputs, autoterminationMinutes: 600 });
        const scan = await t.chat('alice', 'drift databricks-bi/dev');
        const request = (await t.get(`/api/requests/${scan.requestId}`)).body;
        expect(request.plan.drift).toEqual([
          {
            address: `databricks:index/cluster:Cluster::${cluster.name}`,
            type: 'databricks:index/cluster:Cluster',
            source: 'refresh',
            kind: 'changed',
            attributes: [{ path: 'autoterminationMinutes', expected: cluster.inputs.autoterminationMinutes, actual: 600 }],
          },
        ]);
        expect(request.plan.changes.find((c: any) => c.type === cluster.type).operation).toBe('update');
        // The scan is the stack's latest request: the stack list and its status say so, and still name its builder.
        const row = (await t.chat('alice', 'stacks')).card.blocks[0].rows.find((r: string[]) => r[0] === 'databricks-bi/dev');
        expect(row).toEqual(['databricks-bi/dev', 'dev', 'pulumi', 'awaiting approval', 'built by provision_databricks']);
        expect(JSON.stringify((await t.chat('alice', 'status databricks-bi/dev')).card)).toContain('provision_databricks (team=bi');
        expect(cli.calls.some((c) => c[0] === 'preview' && c.includes('--refresh'))).toBe(true);
        expect((await t.act('bob', scan.requestId!, 'approve')).status).toBe(200);
        expect((await t.waitForStatus(scan.requestId!, ['succeeded', 'failed'])).status).toBe('succeeded');
        expect(cli.calls.some((c) => c[0] === 'up' && c.includes('--refresh'))).toBe(true);
        expect((await t.chat('alice', 'drift databricks-bi/dev')).card.title).toBe('No drift on databricks-bi/dev');
      } finally {
        await t.close();
      }
    });
  });
});

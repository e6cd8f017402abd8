import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { startTestApp } from '../helpers/test-app.ts';

// Against a real `pulumi` CLI (file:// backend, generated passphrase) on sandbox-pulumi/dev.
// No Pulumi CLI can be installed on the machines this project is built on, so here it skips
// with that reason; on a machine with `pulumi` on PATH it runs.

const pulumiVersion = (() => {
  try {
    return execFileSync('pulumi', ['version'], { encoding: 'utf8' }).trim();
  } catch {
    return null;
  }
})();

describe.skipIf(!pulumiVersion)(`real Pulumi CLI (${pulumiVersion ?? 'not on PATH: skipped'})`, () => {
  it('deploys sandbox-pulumi/dev: engine preview with a saved plan, approval, up --plan, outputs', async () => {
    const t = await startTestApp();
    try {
      const { requestId, card } = await t.chat('alice', 'deploy sandbox-pulumi/dev');
      expect(card.kind).toBe('plan');
      expect(card.context.join('\n')).toContain('made by engine preview');
      expect(card.blocks.find((b: any) => b.type === 'changes').rows.length).toBeGreaterThanOrEqual(4);
      expect((await t.act('bob', requestId!, 'approve')).status).toBe(200);
      const done = await t.waitForStatus(requestId!, ['succeeded', 'failed'], 180_000);
      expect(done.status).toBe('succeeded');
      expect(done.deployment.outputs.url).toBe('http://sandbox-pulumi-dev.local:8080');
      expect(done.deployment.outputs.replicaCount).toBe(2);
    } finally {
      await t.close();
    }
  }, 240_000);
});

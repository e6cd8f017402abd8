import { existsSync, rmSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hasTerraform, startTestApp, type TestApp } from '../helpers/test-app.ts';

// Saved plans live in the database with their request (encrypted, digest-checked), so a replica
// that did not make the plan can apply it: here the local plan file is removed before the apply,
// as it would be missing on another machine. Real Terraform.

describe.skipIf(!hasTerraform)('saved plans any replica can apply', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ groups: { platform: ['console:bob'] } });
  });
  afterAll(async () => t?.close());

  const artifactOf = async (requestId: string) =>
    (await t.get(`/api/requests/${requestId}`)).body.plan.artifact as { path: string; sha256: string };

  it('a plan file missing from this disk is restored from the database and applied', async () => {
    const { requestId } = await t.chat('alice', 'set sandbox/dev replicas=2');
    const artifact = await artifactOf(requestId!);
    const row = await t.app.db.selectFrom('plan_artifacts').selectAll().executeTakeFirstOrThrow();
    expect(row).toMatchObject({ name: `${requestId}-r1.plan`, sha256: artifact.sha256 });
    // Encrypted at rest: not the plan file's bytes (a zip archive) in any readable form.
    expect(
      Buffer.from(row.content.split('.')[2] ?? '', 'base64')
        .subarray(0, 2)
        .toString(),
    ).not.toBe('PK');
    rmSync(artifact.path);
    expect((await t.act('bob', requestId!, 'approve')).status).toBe(200);
    const done = await t.waitForStatus(requestId!, ['succeeded', 'failed']);
    expect(done.status).toBe('succeeded');
    expect(done.deployment.outputs.replicas).toBe(2);
    // Decided: the copy in the database goes too.
    expect(await t.app.db.selectFrom('plan_artifacts').select('name').where('name', '=', `${requestId}-r1.plan`).execute()).toEqual([]);
    expect(existsSync(artifact.path)).toBe(false);
  });

  it('a copy changed in the database is not applied', async () => {
    const { requestId } = await t.chat('alice', 'set sandbox/dev replicas=3');
    const artifact = await artifactOf(requestId!);
    rmSync(artifact.path);
    const row = await t.app.db
      .selectFrom('plan_artifacts')
      .selectAll()
      .where('name', '=', `${requestId}-r1.plan`)
      .executeTakeFirstOrThrow();
    const [iv, tag, body] = row.content.split('.');
    const flipped = Buffer.from(body ?? '', 'base64');
    flipped[0] = (flipped[0] ?? 0) ^ 1;
    await t.app.db
      .updateTable('plan_artifacts')
      .set({ content: [iv, tag, flipped.toString('base64')].join('.') })
      .where('name', '=', row.name)
      .execute();
    expect((await t.act('bob', requestId!, 'approve')).status).toBe(200);
    const done = await t.waitForStatus(requestId!, ['succeeded', 'failed']);
    expect(done.status).toBe('failed');
    expect(done.deployment.error).toContain('saved plan file is missing or differs');
  });
});

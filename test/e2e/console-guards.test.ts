import { writeFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { readProfile } from '../../src/store/memory-store.ts';
import { hasTerraform, startTestApp } from '../helpers/test-app.ts';

describe('console guards', () => {
  it('with a token configured, every route but /healthz needs it', async () => {
    const token = 'a-console-token-of-32-characters';
    const t = await startTestApp({ console: { token } });
    try {
      expect((await fetch(`${t.url}/healthz`)).status).toBe(200);
      const denied = await fetch(`${t.url}/api/threads`);
      expect(denied.status).toBe(401);
      expect(((await denied.json()) as any).error.code).toBe('unauthenticated');
      expect((await fetch(`${t.url}/api/threads`, { headers: { authorization: 'Bearer wrong-token-wrong-token-wrong-to' } })).status).toBe(
        401,
      );
      expect((await fetch(`${t.url}/api/threads`, { headers: { authorization: `Bearer ${token}` } })).status).toBe(200);
      // The page takes ?token= once and sets an HttpOnly cookie for the API and SSE.
      const page = await fetch(`${t.url}/?token=${token}`);
      expect(page.status).toBe(200);
      const cookie = page.headers.get('set-cookie') ?? '';
      expect(cookie).toContain('HttpOnly');
      expect((await fetch(`${t.url}/api/threads`, { headers: { cookie: cookie.split(';')[0] ?? '' } })).status).toBe(200);
      expect((await fetch(`${t.url}/metrics`)).status).toBe(401);
    } finally {
      await t.close();
    }
  });

  it('a missing engine binary answers with an engine_not_found card and the bot keeps working', async () => {
    const t = await startTestApp({ engines: { terraform: { binary: '/nonexistent/terraform' } } });
    try {
      const res = await t.chat('alice', 'deploy sandbox/dev');
      expect(res.card.kind).toBe('error');
      expect(res.card.blocks[0].code).toBe('engine_not_found');
      expect(res.card.blocks[0].next).toContain('engines.<name>.binary');
      const stacks = await t.chat('alice', 'stacks');
      expect(stacks.card.blocks[0].rows.map((r: string[]) => r[0])).toEqual(['sandbox-pulumi/dev', 'sandbox/dev', 'sandbox/prod']);
      const metrics = await t.get('/metrics');
      expect(metrics.body).toContain('greenlight_requests_total{capability="deploy_stack",outcome="engine_not_found"} 1');
    } finally {
      await t.close();
    }
  });

  it.skipIf(!hasTerraform)('a plan file changed after approval is not applied (plan_mismatch)', async () => {
    const t = await startTestApp();
    try {
      const { requestId } = await t.chat('alice', 'deploy sandbox/dev');
      const request = (await t.get(`/api/requests/${requestId}`)).body;
      writeFileSync(request.plan.artifact.path, 'tampered');
      expect((await t.act('bob', requestId!, 'approve')).status).toBe(200);
      const done = await t.waitForStatus(requestId!, ['succeeded', 'failed']);
      expect(done.status).toBe('failed');
      expect(done.deployment.error).toContain('differs from the one that was approved');
    } finally {
      await t.close();
    }
  });

  it.skipIf(!hasTerraform)('the expiry sweep marks old plans expired; "Plan again" posts a fresh revision', async () => {
    const t = await startTestApp();
    try {
      const { requestId, thread } = await t.chat('alice', 'deploy sandbox/dev');
      t.clock.offsetMs = 45 * 60_000;
      expect(await t.app.workflow.expireStale()).toBe(1);
      const expired = (await t.get(`/api/requests/${requestId}`)).body;
      expect(expired.status).toBe('expired');
      const plan = await t.waitForMessage(thread, (m) => m.card.kind === 'plan');
      expect(plan.card.actions.map((a: any) => a.id)).toEqual(['replan']);
      const res = await t.act('alice', requestId!, 'replan');
      expect(res.status).toBe(200);
      expect(res.body.revision).toBe(2);
      expect(res.body.card.status).toBe('awaiting approval');
      expect((await t.get(`/api/requests/${requestId}`)).body.revision).toBe(2);
      // Nothing left to sweep.
      expect(await t.app.workflow.expireStale()).toBe(0);
    } finally {
      await t.close();
    }
  });

  it.skipIf(!hasTerraform)('remembers each user separately (keyv on the same database)', async () => {
    const t = await startTestApp();
    try {
      await t.chat('alice', 'deploy sandbox/dev');
      await t.chat('alice', 'deploy sandbox/prod');
      await t.chat('bob', 'deploy sandbox/dev');
      const alice = await readProfile(t.app.db, 'console:alice');
      expect(alice.lastRequest?.text).toBe('deploy sandbox/prod');
      expect(alice.stacks).toEqual({ 'sandbox/dev': 1, 'sandbox/prod': 1 });
      expect(alice.environments).toEqual({ dev: 1, prod: 1 });
      expect((await readProfile(t.app.db, 'console:bob')).stacks).toEqual({ 'sandbox/dev': 1 });
      expect((await readProfile(t.app.db, 'console:nobody')).lastRequest).toBeUndefined();
    } finally {
      await t.close();
    }
  });
});

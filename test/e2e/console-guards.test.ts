import { existsSync, statSync, writeFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createToken } from '../../src/store/api-tokens.ts';
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
      // The token in a URL is for the page only: API routes refuse it there (it would land in logs).
      expect((await fetch(`${t.url}/api/threads?token=${token}`)).status).toBe(401);
    } finally {
      await t.close();
    }
  });

  it('API tokens and the console token are not interchangeable: each opens its own routes only', async () => {
    const token = 'a-console-token-of-32-characters';
    const t = await startTestApp({ console: { token } });
    try {
      const { token: apiToken } = await createToken(t.app.db, {
        name: 'ci',
        scopes: ['read', 'plan', 'request'],
        createdBy: 'test',
        at: new Date().toISOString(),
      });
      const bearer = (value: string) => ({ headers: { authorization: `Bearer ${value}` } });
      // A program cannot reach the console's routes (where a click approves) with its token…
      expect((await fetch(`${t.url}/api/threads`, bearer(apiToken))).status).toBe(401);
      const act = await fetch(`${t.url}/api/actions`, {
        method: 'POST',
        headers: { authorization: `Bearer ${apiToken}`, 'content-type': 'application/json' },
        body: JSON.stringify({ user: 'bob', requestId: 'cr-0123456789', action: 'approve', revision: 1, planHash: '0'.repeat(64) }),
      });
      expect(act.status).toBe(401);
      // …the console's token opens no /v1 route, and an API token does without the console's token.
      expect((await fetch(`${t.url}/v1/status/cr-0123456789`, bearer(token))).status).toBe(401);
      const status = await fetch(`${t.url}/v1/status/cr-0123456789`, bearer(apiToken));
      expect(status.status).toBe(404);
      expect((await fetch(`${t.url}/openapi.json`)).status).toBe(200);
    } finally {
      await t.close();
    }
  });

  it('answers only to its own host names; the cookie is Secure behind an https public URL', async () => {
    const token = 'a-console-token-of-32-characters';
    const t = await startTestApp({ console: { token, publicUrl: 'https://greenlight.example.com' } });
    try {
      const port = new URL(t.url).port;
      const as = (host: string, path = '/api/threads') =>
        new Promise<number>((resolve, reject) => {
          // fetch() will not send a Host header of our choosing; a raw request does.
          const req = httpRequest({ host: '127.0.0.1', port, path, headers: { host, authorization: `Bearer ${token}` } }, (res) => {
            res.resume();
            resolve(res.statusCode ?? 0);
          });
          req.on('error', reject);
          req.end();
        });
      expect(await as(`127.0.0.1:${port}`)).toBe(200);
      expect(await as(`localhost:${port}`)).toBe(200);
      expect(await as('greenlight.example.com')).toBe(200);
      // DNS rebinding: a page on another name that resolves here.
      expect(await as(`evil.example.net:${port}`)).toBe(400);
      expect(await as('greenlight.example.com.evil.net')).toBe(400);
      const page = await fetch(`${t.url}/?token=${token}`);
      expect(page.headers.get('set-cookie')).toMatch(/HttpOnly; SameSite=Strict; Path=\/; Secure$/);
    } finally {
      await t.close();
    }
  });

  it.skipIf(!hasTerraform)(
    'data dir 0700, database and plan files 0600; a plan file is deleted once applied, rejected or expired',
    async () => {
      const t = await startTestApp();
      try {
        const mode = (path: string) => statSync(path).mode & 0o777;
        expect(mode(t.dataDir)).toBe(0o700);
        // The SQLite file (on PostgreSQL the database's own permissions rule).
        if (!t.cliEnv.DATABASE_URL) expect(mode(join(t.dataDir, 'greenlight.db'))).toBe(0o600);
        const planOf = async (id: string) => (await t.get(`/api/requests/${id}`)).body.plan.artifact.path as string;

        const rejected = await t.chat('alice', 'set sandbox/dev release=files-1');
        const rejectedPlan = await planOf(rejected.requestId!);
        expect(mode(rejectedPlan)).toBe(0o600);
        expect(mode(join(t.dataDir, 'plans'))).toBe(0o700);
        expect((await t.act('alice', rejected.requestId!, 'reject')).status).toBe(200);
        expect(existsSync(rejectedPlan)).toBe(false);

        const applied = await t.chat('alice', 'set sandbox/dev release=files-2');
        const appliedPlan = await planOf(applied.requestId!);
        expect((await t.act('alice', applied.requestId!, 'approve')).status).toBe(200);
        expect((await t.waitForStatus(applied.requestId!, ['succeeded', 'failed'])).status).toBe('succeeded');
        expect(existsSync(appliedPlan)).toBe(false);

        const expired = await t.chat('alice', 'set sandbox/dev release=files-3');
        const expiredPlan = await planOf(expired.requestId!);
        t.clock.offsetMs += 31 * 60_000;
        expect(await t.app.workflow.expireStale()).toBeGreaterThanOrEqual(1);
        expect(existsSync(expiredPlan)).toBe(false);
      } finally {
        await t.close();
      }
    },
  );

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

import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import Provider from 'oidc-provider';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hasChromium, launchChromium } from '../helpers/chromium.ts';
import { hasTerraform, startTestApp, type TestApp } from '../helpers/test-app.ts';

// Console sign-in with OpenID Connect, end to end in Chromium against a real OpenID provider
// (oidc-provider) running in the test: authorization code + PKCE, identity and groups from the
// ID token, a session cookie. alice asks for a prod change, bob (in the platform group by his ID
// token) approves it from his own browser; a signed-in page cannot act as someone else; the API
// refuses anyone without a session.

const canRun = hasTerraform && hasChromium;
const GROUPS: Record<string, string[]> = { alice: ['developers'], bob: ['platform'] };

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address() as AddressInfo;
      s.close(() => resolve(port));
    });
  });
}

describe.skipIf(!canRun)('console sign-in with OpenID Connect (Chromium + a real OpenID provider)', () => {
  let t: TestApp;
  let idp: Server;
  let browser: Browser;
  let consoleUrl: string;

  beforeAll(async () => {
    const idpPort = await freePort();
    const consolePort = await freePort();
    consoleUrl = `http://localhost:${consolePort}`;
    const issuer = `http://localhost:${idpPort}`;
    const provider = new Provider(issuer, {
      clients: [
        {
          client_id: 'greenlight',
          client_secret: 'greenlight-test-client-secret',
          redirect_uris: [`${consoleUrl}/auth/callback`],
          grant_types: ['authorization_code'],
          response_types: ['code'],
          token_endpoint_auth_method: 'client_secret_basic',
        },
      ],
      claims: { openid: ['sub'], email: ['email'], groups: ['groups'] },
      // Scope claims in the ID token itself (Greenlight reads identity and groups from it).
      conformIdTokenClaims: false,
      pkce: { required: () => true },
      findAccount: (_ctx: unknown, sub: string) => ({
        accountId: sub,
        claims: () => ({ sub, email: `${sub}@example.com`, groups: GROUPS[sub] ?? [] }),
      }),
    });
    idp = createServer(provider.callback()).listen(idpPort, '127.0.0.1');
    t = await startTestApp({
      console: {
        port: consolePort,
        publicUrl: consoleUrl,
        oidc: { issuer, clientId: 'greenlight', clientSecret: 'greenlight-test-client-secret', scopes: 'openid email groups' },
      },
      approvals: { prod: { approvers: ['group:platform'] } },
    });
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await t?.close();
    idp?.close();
  });

  async function signIn(login: string, path = '/'): Promise<Page> {
    const page = await (await browser.newContext()).newPage();
    await page.goto(`${consoleUrl}${path}`);
    // Sent to the provider's login form, then its consent page, then back.
    await page.fill('input[name="login"]', login);
    await page.fill('input[name="password"]', 'any');
    await page.click('button[type="submit"]');
    await page.waitForSelector('button[type="submit"]');
    if (page.url().startsWith(consoleUrl) === false) await page.click('button[type="submit"]');
    await page.waitForURL(`${consoleUrl}/**`);
    await page.locator('#user:disabled').waitFor();
    return page;
  }

  it('the API refuses anyone without a session; the page sends them to sign in', async () => {
    expect((await fetch(`${consoleUrl}/api/threads`)).status).toBe(401);
    const page = await fetch(`${consoleUrl}/`, { redirect: 'manual' });
    expect(page.status).toBe(302);
    expect(page.headers.get('location')).toBe('/auth/login?returnTo=%2F');
    const login = await fetch(`${consoleUrl}/auth/login`, { redirect: 'manual' });
    expect(login.headers.get('location')).toMatch(/code_challenge_method=S256/);
    expect(login.headers.get('set-cookie')).toMatch(/gl_oidc=.*HttpOnly; Secure; SameSite=Lax/);
  });

  it('alice (signed in) asks for a prod change; she cannot act as bob; bob signs in and approves; it applies', async () => {
    const alice = await signIn('alice');
    expect(await alice.inputValue('#user')).toBe('alice@example.com');
    expect(await alice.locator('#who-label').innerText()).toContain('Signed in as');
    const cookies = await alice.context().cookies();
    expect(cookies.find((c) => c.name === 'gl_session')).toMatchObject({ httpOnly: true, secure: true, sameSite: 'Lax' });

    await alice.fill('#text', 'deploy sandbox/prod');
    await alice.press('#text', 'Enter');
    const plan = alice.locator('article[data-kind="plan"]');
    await plan.waitFor({ timeout: 20_000 });
    // Alice may not approve, so her page shows no Approve; Reject carries the same request and hash.
    const requestId = await plan.locator('button[data-action="reject"]').getAttribute('data-request');
    const planHash = await plan.locator('button[data-action="reject"]').getAttribute('data-plan-hash');
    expect(await plan.innerText()).toContain('oidc:alice@example.com');

    // A signed-in page cannot name someone else in the body.
    const forged: { status: number; body: any } = await alice.evaluate(
      async ([id, hash]) => {
        const res = await fetch('/api/actions', {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ user: 'bob', requestId: id, action: 'approve', revision: 1, planHash: hash }),
        });
        return { status: res.status, body: await res.json() };
      },
      [requestId, planHash],
    );
    expect(forged.status).toBe(403);
    expect(forged.body.error.message).toContain('You are signed in as alice@example.com; you cannot act as bob');
    // Her own approval: she is not in the platform group her ID token names. The page says so in
    // place of the button, from the session (not from anything the page sends).
    await plan.locator('.gl-why-not').waitFor({ timeout: 10_000 });
    expect(await plan.locator('.gl-why-not').innerText()).toContain('oidc:alice@example.com is not an approver for prod');
    expect(await plan.locator('button[data-action="approve"]').count()).toBe(0);

    const thread = new URL(alice.url()).searchParams.get('thread');
    const bob = await signIn('bob', `/?thread=${thread}`);
    expect(await bob.inputValue('#user')).toBe('bob@example.com');
    bob.on('dialog', (d) => void d.accept());
    const bobPlan = bob.locator('article[data-kind="plan"]');
    await bobPlan.locator('button[data-action="approve"]').click();
    const result = bob.locator('article[data-kind="result"]');
    await result.waitFor({ timeout: 30_000 });
    expect(await result.innerText()).toContain('Applied sandbox/prod');
    const request = await bob.evaluate(async (id) => (await fetch(`/api/requests/${id}`)).json(), requestId);
    expect(request).toMatchObject({
      status: 'succeeded',
      requester: 'oidc:alice@example.com',
      approvals: [{ approver: 'oidc:bob@example.com' }],
    });
  });
});

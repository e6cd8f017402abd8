import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair, SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it, onTestFinished, vi } from 'vitest';
import { BOT, cardActionActivity, type FakeConnector, messageActivity, startFakeConnector } from '../fakes/bot-connector.ts';
import { startTestApp, type TestApp } from '../helpers/test-app.ts';

// With MicrosoftAppId set, /api/messages takes only activities carrying a Bot Framework JWT:
// signed by a key the Bot Framework publishes, issued by https://api.botframework.com, for this
// app id, naming the activity's serviceUrl. The key server here stands in for
// login.botframework.com's OpenID metadata and key set (the real one cannot be reached here); the
// adapter's own validation runs against it unchanged.

const APP_ID = '00000000-0000-0000-0000-00000000a11d';
const ISSUER = 'https://api.botframework.com';
type PrivateKey = Awaited<ReturnType<typeof generateKeyPair>>['privateKey'];
const alice = { id: '29:alice', aadObjectId: 'aad-alice', name: 'Alice' };

describe('Teams authentication with an app id', () => {
  let t: TestApp;
  let connector: FakeConnector;
  let keys: Server;
  let signingKey: PrivateKey;
  let strangerKey: PrivateKey;

  async function token(o: { key?: PrivateKey; kid?: string; audience?: string; serviceUrl?: string; expiresIn?: string } = {}) {
    return new SignJWT({ serviceurl: o.serviceUrl ?? connector.url })
      .setProtectedHeader({ alg: 'RS256', kid: o.kid ?? 'greenlight-test', typ: 'JWT' })
      .setIssuer(ISSUER)
      .setAudience(o.audience ?? APP_ID)
      .setIssuedAt()
      .setNotBefore('-1m')
      .setExpirationTime(o.expiresIn ?? '10m')
      .sign(o.key ?? signingKey);
  }
  async function post(activity: Record<string, unknown>, authorization?: string) {
    const res = await fetch(t.app.teamsUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(authorization ? { authorization } : {}) },
      body: JSON.stringify(activity),
    });
    const text = await res.text();
    return { status: res.status, body: text.startsWith('{') ? JSON.parse(text) : text };
  }
  const hello = () => messageActivity({ serviceUrl: connector.url, from: alice, text: 'deploy sandbox/dev', conversationId: 'a:alice' });

  beforeAll(async () => {
    connector = await startFakeConnector();
    const pair = await generateKeyPair('RS256', { extractable: true });
    signingKey = pair.privateKey;
    strangerKey = (await generateKeyPair('RS256')).privateKey;
    const jwk = { ...(await exportJWK(pair.publicKey)), kid: 'greenlight-test', use: 'sig', alg: 'RS256', endorsements: ['msteams'] };
    keys = createServer((req, res) => {
      const base = `http://127.0.0.1:${(keys.address() as AddressInfo).port}`;
      if (req.url === '/v1/.well-known/openidconfiguration') {
        res
          .writeHead(200, { 'content-type': 'application/json' })
          .end(
            JSON.stringify({ issuer: ISSUER, jwks_uri: `${base}/v1/.well-known/keys`, id_token_signing_alg_values_supported: ['RS256'] }),
          );
      } else if (req.url === '/v1/.well-known/keys') {
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ keys: [jwk] }));
      } else res.writeHead(404).end();
    });
    await new Promise<void>((resolve) => keys.listen(0, '127.0.0.1', resolve));
    const metadata = `http://127.0.0.1:${(keys.address() as AddressInfo).port}/v1/.well-known/openidconfiguration`;
    t = await startTestApp({
      teams: { enabled: true, port: 0, appId: APP_ID, appPassword: 'not-used-offline', openIdMetadataUrl: metadata },
    });
  });
  afterAll(async () => {
    await t?.close();
    await connector?.close();
    await new Promise<void>((resolve) => (keys ? keys.close(() => resolve()) : resolve()));
  });

  it('refuses activities without a valid token (401) and runs nothing', async () => {
    // botframework-connector's token checks print each refusal with console.error (it has no
    // logger hook); Greenlight logs the refusal itself. Silenced here.
    const printed = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    onTestFinished(() => printed.mockRestore());
    const cases = [
      undefined,
      'Bearer not-a-jwt',
      `Bearer ${await token({ key: strangerKey })}`,
      `Bearer ${await token({ key: strangerKey, kid: 'unknown-key' })}`,
      `Bearer ${await token({ audience: 'some-other-bot' })}`,
      `Bearer ${await token({ serviceUrl: 'https://evil.example/' })}`,
      `Bearer ${await token({ expiresIn: '-5m' })}`,
    ];
    for (const authorization of cases) {
      const res = await post(hello(), authorization);
      expect(res.status, String(authorization).slice(0, 40)).toBe(401);
    }
    await new Promise((r) => setTimeout(r, 300));
    expect(connector.calls).toEqual([]);
    expect(await t.app.db.selectFrom('change_requests').selectAll().execute()).toEqual([]);
    expect(await t.app.db.selectFrom('teams_conversations').selectAll().execute()).toEqual([]);
  });

  it('accepts a correctly signed token for this app', async () => {
    const invoke = cardActionActivity({
      serviceUrl: connector.url,
      from: alice,
      conversationId: 'a:alice',
      replyToId: '1',
      verb: 'refresh',
      data: { requestId: 'cr-0000000000', revision: 1 },
    });
    const res = await post({ ...invoke, recipient: { ...BOT, id: `28:${APP_ID}` } }, `Bearer ${await token()}`);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ statusCode: 200, type: 'application/vnd.microsoft.card.adaptive' });
    expect(JSON.stringify(res.body.value)).toContain('There is no request cr-0000000000');
  });
});

import { randomBytes } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { pino } from 'pino';
import { Agent, fetch } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ChangeRequest } from '../../../src/domain/types.ts';
import { authenticateToken, createToken, parseLifetime, revokeToken } from '../../../src/store/api-tokens.ts';
import { type Db, openDatabase } from '../../../src/store/database.ts';
import { insertProgramRequest } from '../../../src/store/program-requests.ts';
import { signBody, WebhookNotifier } from '../../../src/workflow/program-webhooks.ts';
import { pinnedAgent, WebhookTargets } from '../../../src/workflow/webhook-targets.ts';

// Webhooks against a local HTTP server standing in for a pipeline's endpoint: signed, in order,
// retried when the receiver fails, and sent once per change of status.

describe('webhooks and tokens', () => {
  let db: Db;
  const received: { body: string; signature: string }[] = [];
  let failNext = 0;
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (c) => {
      body += c;
    });
    req.on('end', () => {
      if (failNext > 0) {
        failNext -= 1;
        res.statusCode = 503;
        return res.end();
      }
      received.push({ body, signature: String(req.headers['x-greenlight-signature']) });
      res.end();
    });
  });

  beforeAll(async () => {
    db = await openDatabase(':memory:', { auditKey: randomBytes(32) });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  });
  afterAll(async () => {
    await db.destroy();
    server.close();
  });

  it('signs each delivery, keeps them in order, retries a failing receiver and skips a redraw without a change', async () => {
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
    const { record } = await createToken(db, {
      name: 'ci',
      scopes: ['request'],
      createdBy: 'test',
      at: new Date().toISOString(),
      webhookUrl: url,
    });
    await insertProgramRequest(db, {
      deploymentId: 'd-1',
      requestId: 'cr-0000000001',
      principal: 'api:ci',
      via: 'api',
      inputHash: 'x',
      webhookUrl: null,
      createdAt: new Date().toISOString(),
    });
    const notifier = new WebhookNotifier(db, pino({ level: 'silent' }), () => new Date(), new WebhookTargets([url]), 10);
    const request = (status: string) =>
      ({ id: 'cr-0000000001', revision: 1, status, stack: 'sandbox/dev', environment: 'dev' }) as ChangeRequest;
    failNext = 2;
    for (const status of ['approved', 'approved', 'queued', 'applying', 'succeeded']) notifier.changed(request(status));
    // A request no program opened sends nothing.
    notifier.changed({ ...request('approved'), id: 'cr-0000000002' });
    await notifier.idle();
    expect(received.map((r) => JSON.parse(r.body).status)).toEqual(['approved', 'queued', 'applying', 'succeeded']);
    for (const r of received) expect(r.signature).toBe(signBody(record.webhookSecret, r.body));
    expect(JSON.parse(received[0]!.body)).toMatchObject({ event: 'request.status', deployment_id: 'd-1', request_id: 'cr-0000000001' });
  });

  it('webhook targets: only public addresses, or only under api.webhookAllow; checked again at delivery', async () => {
    // The resolver stands in for DNS (no network here): names map to the addresses given.
    const dns: Record<string, string[]> = {
      'ci.example.com': ['93.184.216.34'],
      'rebind.example.com': ['93.184.216.34', '10.0.0.5'],
      'metadata.internal': ['169.254.169.254'],
    };
    const resolve = async (host: string) => {
      const found = dns[host];
      if (!found) throw new Error('ENOTFOUND');
      return found;
    };
    const open = new WebhookTargets([], resolve);
    await expect(open.check('https://ci.example.com/hooks/greenlight')).resolves.toBe('93.184.216.34'); // the address to pin
    for (const [url, said] of [
      ['http://169.254.169.254/latest/meta-data/', 'linkLocal (169.254.169.254)'],
      ['http://127.0.0.1:8080/admin', 'loopback'],
      ['http://[::1]/x', 'loopback'],
      ['http://10.1.2.3/', 'private'],
      ['http://metadata.internal/', 'linkLocal'],
      ['https://rebind.example.com/', 'private (10.0.0.5)'],
      ['https://nowhere.example.com/', 'does not resolve here'],
      ['https://user:pw@ci.example.com/', 'must not carry credentials'],
      ['ftp://ci.example.com/', 'must be http(s)'],
    ])
      await expect(open.check(url!), url).rejects.toThrow(said!);
    const listed = new WebhookTargets(['https://ci.example.com/hooks/', 'http://127.0.0.1:9000/'], resolve);
    await expect(listed.check('https://ci.example.com/hooks/greenlight')).resolves.toBeUndefined();
    await expect(listed.check('http://127.0.0.1:9000/cb')).resolves.toBeUndefined();
    for (const url of ['https://ci.example.com/other', 'https://ci.example.com.attacker.net/hooks/', 'http://127.0.0.1:9001/cb'])
      await expect(listed.check(url), url).rejects.toThrow('not under an allowed prefix');

    // A token whose webhook points at loopback (stored before the allow-list changed): the
    // delivery is refused and the receiver never hears of it.
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
    await createToken(db, { name: 'inner', scopes: ['request'], createdBy: 'test', at: new Date().toISOString(), webhookUrl: url });
    await insertProgramRequest(db, {
      deploymentId: 'd-inner',
      requestId: 'cr-0000000009',
      principal: 'api:inner',
      via: 'api',
      inputHash: 'x',
      webhookUrl: null,
      createdAt: new Date().toISOString(),
    });
    const before = received.length;
    const warnings: string[] = [];
    const log = pino({ level: 'warn' }, { write: (line: string) => void warnings.push(line) });
    const notifier = new WebhookNotifier(db, log, () => new Date(), new WebhookTargets([], resolve), 10);
    notifier.changed({ id: 'cr-0000000009', revision: 1, status: 'approved', stack: 'sandbox/dev', environment: 'dev' } as ChangeRequest);
    await notifier.idle();
    expect(received.length).toBe(before);
    expect(warnings.join('')).toContain('is loopback (127.0.0.1)');

    // A delivery connects to the address that was checked, whatever the name resolves to by then:
    // `hook.invalid` resolves nowhere (RFC 6761), yet the pinned connection reaches the receiver.
    const agent = pinnedAgent(Agent, '127.0.0.1');
    const pinned = await fetch(`http://hook.invalid:${(server.address() as AddressInfo).port}/pinned`, {
      method: 'POST',
      body: '{"pinned":true}',
      dispatcher: agent,
    });
    await agent.close();
    expect(pinned.status).toBe(200);
    expect(received.at(-1)?.body).toBe('{"pinned":true}');
  });

  it('tokens: lifetimes parse, a revoked token is refused and says so, a malformed one says how to send one', async () => {
    expect(parseLifetime('90d')).toBe(90 * 86_400_000);
    expect(parseLifetime('12h')).toBe(12 * 3_600_000);
    expect(parseLifetime('soon')).toBeUndefined();
    const { token } = await createToken(db, { name: 'gone', scopes: ['read'], createdBy: 'test', at: new Date().toISOString() });
    expect((await authenticateToken(db, token, new Date())).principal).toBe('api:gone');
    await expect(createToken(db, { name: 'gone', scopes: ['read'], createdBy: 'test', at: new Date().toISOString() })).rejects.toThrow(
      /exists already/,
    );
    await revokeToken(db, 'gone', new Date().toISOString());
    await expect(authenticateToken(db, token, new Date())).rejects.toThrow(/revoked/);
    await expect(authenticateToken(db, 'not-a-token', new Date())).rejects.toThrow(
      'Send an API token in the Authorization header (Bearer glt_…).',
    );
  });
});

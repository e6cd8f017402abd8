import { randomBytes } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ChangeRequest } from '../../../src/domain/types.ts';
import { authenticateToken, createToken, parseLifetime, revokeToken } from '../../../src/store/api-tokens.ts';
import { type Db, openDatabase } from '../../../src/store/database.ts';
import { insertProgramRequest } from '../../../src/store/program-requests.ts';
import { signBody, WebhookNotifier } from '../../../src/workflow/program-webhooks.ts';

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
    const notifier = new WebhookNotifier(db, pino({ level: 'silent' }), () => new Date(), 10);
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

import type { IncomingMessage, ServerResponse } from 'node:http';
import { parse as parseQuery } from 'node:querystring';
import { verifySlackRequest } from '@slack/bolt';

// What every request to /slack/events passes before Bolt reads it: a signature made with the
// signing secret over a timestamp within five minutes either way (Bolt alone accepts any future
// timestamp), a signature not seen before (a captured request cannot be replayed), and a body that
// is a JSON object where Slack sends one (Bolt's receiver crashed the process on a signed `null`).
// A refused request is answered here with 401 or 400 and never reaches the app.

const WINDOW_SECONDS = 5 * 60;
const BODY_LIMIT = 1024 * 1024;

export type GateVerdict = { ok: true; rawBody: Buffer; duplicate?: true } | { ok: false; status: 400 | 401 | 413; message: string };

/**
 * Remembers what was received, across replicas (the database's inbound_events): a signature seen
 * before is a replay; an event id seen before is Slack retrying (X-Slack-Retry-Num) a delivery that
 * some replica already took.
 */
export interface Deliveries {
  /** True the first time this id is offered before `expiresSec`. */
  first(id: string, expiresSec: number, nowSec: number): Promise<boolean>;
}

function readBody(req: IncomingMessage): Promise<Buffer | null> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > BODY_LIMIT) {
        resolve(null);
        req.destroy();
      } else chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

/** A JSON object with a string `type`: what every Slack event and interaction payload is. */
const isTyped = (value: unknown) =>
  typeof value === 'object' && value !== null && !Array.isArray(value) && typeof (value as { type?: unknown }).type === 'string';

/**
 * Slack sends events as JSON objects with a `type`, interactions as `payload=<json object with a
 * type>`, and slash commands as form fields with a `command`.
 */
function shapeProblem(body: string, contentType: string | undefined): string | null {
  try {
    if (contentType?.startsWith('application/x-www-form-urlencoded')) {
      const fields = parseQuery(body);
      if (fields.payload === undefined) return typeof fields.command === 'string' ? null : 'a form body with neither command nor payload';
      if (typeof fields.payload !== 'string') return 'payload appears more than once';
      return isTyped(JSON.parse(fields.payload)) ? null : 'payload is not a JSON object with a type';
    }
    return isTyped(JSON.parse(body)) ? null : 'the body is not a JSON object with a type';
  } catch {
    return 'the body is not valid JSON';
  }
}

export async function checkSlackRequest(
  req: IncomingMessage,
  signingSecret: string,
  deliveries: Deliveries,
  nowMs: number = Date.now(),
): Promise<GateVerdict> {
  const rawBody = await readBody(req);
  if (!rawBody) return { ok: false, status: 413, message: 'The body is larger than 1 MB.' };
  const body = rawBody.toString('utf8');
  const contentType = req.headers['content-type'];
  // Slack's certificate check carries no signature; Bolt answers it and drops anything else in it.
  if (contentType?.startsWith('application/x-www-form-urlencoded') && parseQuery(body).ssl_check === '1') return { ok: true, rawBody };
  const signature = req.headers['x-slack-signature'];
  const timestamp = Number(req.headers['x-slack-request-timestamp']);
  if (typeof signature !== 'string' || !Number.isInteger(timestamp))
    return { ok: false, status: 401, message: 'Missing Slack signature headers.' };
  const nowSec = Math.floor(nowMs / 1000);
  if (Math.abs(nowSec - timestamp) > WINDOW_SECONDS)
    return { ok: false, status: 401, message: 'The request timestamp is more than 5 minutes from now.' };
  try {
    verifySlackRequest({
      signingSecret,
      body,
      headers: { 'x-slack-signature': signature, 'x-slack-request-timestamp': timestamp },
      nowMilliseconds: nowMs,
    });
  } catch {
    return { ok: false, status: 401, message: 'The Slack signature does not match.' };
  }
  if (!(await deliveries.first(`slack:sig:${signature}`, timestamp + WINDOW_SECONDS, nowSec)))
    return { ok: false, status: 401, message: 'This request was already received.' };
  const problem = shapeProblem(body, contentType);
  if (problem) return { ok: false, status: 400, message: `Not a Slack request: ${problem}.` };
  // A retried event (new signature, same event id) is acknowledged and dropped: one request, one card.
  const eventId = contentType?.startsWith('application/json') ? (JSON.parse(body) as { event_id?: unknown }).event_id : undefined;
  if (typeof eventId === 'string' && !(await deliveries.first(`slack:event:${eventId}`, nowSec + 60 * 60, nowSec)))
    return { ok: true, rawBody, duplicate: true };
  return { ok: true, rawBody };
}

export function refuse(res: ServerResponse, status: number, message: string): void {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify({ error: message }));
}

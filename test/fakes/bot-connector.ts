import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

// Stands in for the Bot Framework connector service (the `serviceUrl` Teams puts on every
// activity, e.g. https://smba.trafficmanager.net/amer/): the REST API the bot calls to post
// (POST /v3/conversations/{id}/activities[/{replyToId}]) and edit (PUT
// /v3/conversations/{id}/activities/{activityId}) messages, and to open a 1:1 chat with a user (POST
// /v3/conversations with ConversationParameters, answered with a ConversationResourceResponse). It records every call with its time,
// answers `{ id }` like the real service, and can be told to answer the next calls with an error
// status (429 with Retry-After, 412, 502, 504) the way Teams does when throttling.

export interface ConnectorCall {
  method: 'POST' | 'PUT';
  /** A conversation the bot created (POST /v3/conversations): body is its ConversationParameters. */
  created?: true;
  conversationId: string;
  /** The edited activity (PUT) or the activity replied to (POST …/{replyToId}). */
  activityId: string | undefined;
  /** The id the stand-in gave the posted message (POST), or the edited one (PUT). */
  messageId: string;
  body: any;
  at: number;
  authorization: string | undefined;
  status: number;
}

export interface FakeConnector {
  /** The serviceUrl to put on activities (ends with a slash, as Teams sends it). */
  url: string;
  calls: ConnectorCall[];
  /** Answer the next `count` calls in a conversation with `status` (and Retry-After seconds). */
  failNext(conversationId: string, count: number, status: number, retryAfterSeconds?: number): void;
  /** The card (Adaptive Card JSON) of a call, if it carries one. */
  cardOf(call: ConnectorCall): any;
  close(): Promise<void>;
}

async function readJson(req: IncomingMessage): Promise<any> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const text = Buffer.concat(chunks).toString('utf8');
  return text ? JSON.parse(text) : {};
}

export async function startFakeConnector(): Promise<FakeConnector> {
  const calls: ConnectorCall[] = [];
  const failures: { conversationId: string; status: number; retryAfter?: number }[] = [];
  const server: Server = createServer(async (req, res) => {
    if (req.method === 'POST' && (req.url ?? '').split('?')[0] === '/v3/conversations') {
      const body = await readJson(req);
      const conversationId = `a:1:personal-${randomUUID()}`;
      calls.push({
        method: 'POST',
        created: true,
        conversationId,
        activityId: undefined,
        messageId: '',
        body,
        at: Date.now(),
        authorization: req.headers.authorization,
        status: 201,
      });
      res
        .writeHead(201, { 'content-type': 'application/json' })
        .end(JSON.stringify({ id: conversationId, activityId: '', serviceUrl: '' }));
      return;
    }
    const match = /^\/v3\/conversations\/([^/]+)\/activities(?:\/([^/]+))?$/.exec((req.url ?? '').split('?')[0] ?? '');
    const method = req.method as 'POST' | 'PUT';
    if (!match || (method !== 'POST' && method !== 'PUT')) {
      res.writeHead(404, { 'content-type': 'application/json' }).end(JSON.stringify({ error: { code: 'NotFound', message: req.url } }));
      return;
    }
    const body = await readJson(req);
    const conversationId = decodeURIComponent(match[1] ?? '');
    const activityId = match[2] ? decodeURIComponent(match[2]) : undefined;
    const messageId = method === 'PUT' ? (activityId ?? '') : `1${Date.now()}${Math.floor(Math.random() * 1000)}`;
    const at = failures.findIndex((f) => f.conversationId === conversationId);
    const failure = at >= 0 ? failures.splice(at, 1)[0] : undefined;
    const status = failure?.status ?? (method === 'POST' ? 201 : 200);
    calls.push({ method, conversationId, activityId, messageId, body, at: Date.now(), authorization: req.headers.authorization, status });
    if (failure) {
      res
        .writeHead(failure.status, {
          'content-type': 'application/json',
          ...(failure.retryAfter !== undefined ? { 'retry-after': String(failure.retryAfter) } : {}),
        })
        .end(JSON.stringify({ error: { code: 'Throttled', message: `stand-in answered ${failure.status}` } }));
      return;
    }
    res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify({ id: messageId }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/`,
    calls,
    failNext(conversationId, count, status, retryAfterSeconds) {
      for (let i = 0; i < count; i++)
        failures.push({ conversationId, status, ...(retryAfterSeconds !== undefined ? { retryAfter: retryAfterSeconds } : {}) });
    },
    cardOf(call) {
      return call.body?.attachments?.find((a: any) => a.contentType === 'application/vnd.microsoft.card.adaptive')?.content;
    },
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** Teams activities as the Bot Framework delivers them to /api/messages. */
export interface TeamsUser {
  /** Teams user id (`29:…`). */
  id: string;
  aadObjectId: string;
  name: string;
}

export const BOT = { id: '28:greenlight-bot', name: 'Greenlight' };

/** A Teams user as activities carry them: Bot Framework id, Entra object id, name. */
export const teamsUser = (name: string): TeamsUser => ({ id: `29:${name}-teams-id`, aadObjectId: `aad-${name}`, name });

let activities = 0;

export function messageActivity(o: {
  serviceUrl: string;
  from: TeamsUser;
  text: string;
  conversationId: string;
  conversationType?: 'personal' | 'groupChat' | 'channel';
  mention?: boolean;
}): Record<string, unknown> {
  const mention = o.mention ?? o.conversationType !== 'personal';
  const text = mention ? `<at>${BOT.name}</at> ${o.text}` : o.text;
  return {
    type: 'message',
    // Unique per activity, as Bot Framework's are (a redelivery repeats it).
    id: `1${Date.now()}${String(++activities).padStart(6, '0')}`,
    timestamp: new Date().toISOString(),
    serviceUrl: o.serviceUrl,
    channelId: 'msteams',
    from: o.from,
    conversation: { id: o.conversationId, conversationType: o.conversationType ?? 'personal', tenantId: 'tenant-1' },
    recipient: BOT,
    text,
    textFormat: 'plain',
    entities: mention ? [{ type: 'mention', text: `<at>${BOT.name}</at>`, mentioned: BOT }] : [],
    channelData: { tenant: { id: 'tenant-1' } },
    locale: 'en-US',
  };
}

export function cardActionActivity(o: {
  serviceUrl: string;
  from: TeamsUser;
  conversationId: string;
  /** The message whose card was clicked. */
  replyToId: string;
  verb: string;
  data: Record<string, unknown>;
  trigger?: 'manual' | 'automatic';
}): Record<string, unknown> {
  return {
    type: 'invoke',
    name: 'adaptiveCard/action',
    id: `f:${randomUUID()}`,
    timestamp: new Date().toISOString(),
    serviceUrl: o.serviceUrl,
    channelId: 'msteams',
    from: o.from,
    conversation: { id: o.conversationId, conversationType: 'channel', tenantId: 'tenant-1' },
    recipient: BOT,
    replyToId: o.replyToId,
    value: { action: { type: 'Action.Execute', id: randomUUID(), verb: o.verb, data: o.data }, trigger: o.trigger ?? 'manual' },
    channelData: { tenant: { id: 'tenant-1' }, source: { name: 'message' } },
    locale: 'en-US',
  };
}

/** Posts an activity to the bot's messaging endpoint, as Teams does; the invoke response, if any. */
export async function postActivity(endpoint: string, activity: Record<string, unknown>): Promise<any> {
  const res = await fetch(endpoint, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(activity) });
  const text = await res.text();
  return text ? JSON.parse(text) : undefined;
}

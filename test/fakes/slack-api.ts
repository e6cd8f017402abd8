import { createHmac } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

// Stands in for the Slack Web API (https://slack.com/api/<method>) at SLACK_API_URL: answers the
// methods Greenlight calls in Slack's response format and records every call with its time.
// `rateLimit` makes chat.update answer 429 with Retry-After, as Slack does.

export interface SlackCall {
  method: string;
  params: Record<string, any>;
  at: number;
}

export interface FakeSlack {
  url: string;
  calls: SlackCall[];
  rateLimit: { method: string; remaining: number; retryAfter: number } | null;
  of(method: string): SlackCall[];
  close(): Promise<void>;
}

export async function startFakeSlack(): Promise<FakeSlack> {
  let seq = 100;
  const state: FakeSlack = {
    url: '',
    calls: [],
    rateLimit: null,
    of: (method) => state.calls.filter((c) => c.method === method),
    close: async () => undefined,
  };
  const server: Server = createServer((req, res) => {
    let body = '';
    req.on('data', (c) => {
      body += c;
    });
    req.on('end', () => {
      const method = (req.url ?? '').replace(/^\/api\//, '').split('?')[0] ?? '';
      let params: Record<string, any> = {};
      if ((req.headers['content-type'] ?? '').includes('application/json')) params = body ? JSON.parse(body) : {};
      else {
        for (const [k, v] of new URLSearchParams(body)) {
          try {
            params[k] = ['blocks', 'view', 'attachments'].includes(k) ? JSON.parse(v) : v;
          } catch {
            params[k] = v;
          }
        }
      }
      if (state.rateLimit && state.rateLimit.method === method && state.rateLimit.remaining > 0) {
        state.rateLimit.remaining -= 1;
        state.calls.push({ method: `${method}:429`, params, at: Date.now() });
        res
          .writeHead(429, { 'content-type': 'application/json', 'retry-after': String(state.rateLimit.retryAfter) })
          .end(JSON.stringify({ ok: false, error: 'ratelimited' }));
        return;
      }
      state.calls.push({ method, params, at: Date.now() });
      const ts = `1700000000.${String(++seq).padStart(6, '0')}`;
      const answers: Record<string, unknown> = {
        'chat.postMessage': { ok: true, channel: params.channel, ts, message: { ts, text: params.text } },
        'chat.update': { ok: true, channel: params.channel, ts: params.ts, text: params.text },
        'chat.postEphemeral': { ok: true, message_ts: ts },
        'views.open': { ok: true, view: { id: `V${seq}` } },
        'conversations.open': { ok: true, channel: { id: `D${params.users}` } },
        'views.publish': { ok: true, view: { id: `V${seq}` } },
        'auth.test': { ok: true, user_id: 'UBOT', bot_id: 'BBOT', team_id: 'T1' },
      };
      res
        .writeHead(200, { 'content-type': 'application/json' })
        .end(JSON.stringify(answers[method] ?? { ok: false, error: 'unknown_method' }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  state.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/`;
  state.close = () =>
    new Promise((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    });
  return state;
}

/** Signs a request body the way Slack does: HMAC-SHA256 over `v0:<ts>:<raw body>`. */
export function slackHeaders(
  secret: string,
  body: string,
  contentType: string,
  ts = Math.floor(Date.now() / 1000),
): Record<string, string> {
  const signature = `v0=${createHmac('sha256', secret).update(`v0:${ts}:${body}`).digest('hex')}`;
  return { 'content-type': contentType, 'x-slack-request-timestamp': String(ts), 'x-slack-signature': signature };
}

let sent = 0;

export function slashCommandBody(fields: { text: string; user?: string; channel?: string; team?: string }): string {
  return new URLSearchParams({
    token: 'legacy-verification-token',
    team_id: fields.team ?? 'T1',
    team_domain: 'acme',
    channel_id: fields.channel ?? 'C1',
    channel_name: 'infra',
    user_id: fields.user ?? 'UALICE',
    user_name: 'alice',
    command: '/greenlight',
    text: fields.text,
    api_app_id: 'A1',
    response_url: 'https://hooks.slack.com/commands/T1/1/abc',
    // Unique per request, as Slack's are: two identical commands are two signatures, not a replay.
    trigger_id: `1.${Date.now()}.${++sent}`,
  }).toString();
}

export function interactionBody(payload: Record<string, unknown>): string {
  return new URLSearchParams({ payload: JSON.stringify(payload) }).toString();
}

export function blockActionPayload(fields: {
  user: string;
  actionId: string;
  value: string;
  channel?: string;
  messageTs?: string;
  team?: string;
  /** Values of the message's input blocks, as Slack sends them with a click: block_id → action_id → value. */
  inputs?: Record<string, Record<string, string>>;
}) {
  return {
    type: 'block_actions',
    team: { id: fields.team ?? 'T1', domain: 'acme' },
    user: { id: fields.user, username: fields.user.toLowerCase(), team_id: fields.team ?? 'T1' },
    api_app_id: 'A1',
    token: 'legacy-verification-token',
    container: { type: 'message', message_ts: fields.messageTs ?? '1', channel_id: fields.channel ?? 'C1', is_ephemeral: false },
    trigger_id: `2.${Date.now()}.${++sent}`,
    channel: { id: fields.channel ?? 'C1', name: 'infra' },
    message: { type: 'message', ts: fields.messageTs ?? '1', text: '' },
    response_url: 'https://hooks.slack.com/actions/T1/2/def',
    ...(fields.inputs
      ? {
          state: {
            values: Object.fromEntries(
              Object.entries(fields.inputs).map(([block, byAction]) => [
                block,
                Object.fromEntries(Object.entries(byAction).map(([action, value]) => [action, { type: 'plain_text_input', value }])),
              ]),
            ),
          },
        }
      : {}),
    actions: [
      { type: 'button', action_id: fields.actionId, block_id: 'gl-plan-9', value: fields.value, action_ts: String(Date.now() / 1000) },
    ],
  };
}

export function eventBody(event: Record<string, unknown>, team = 'T1'): string {
  return JSON.stringify({
    token: 'legacy',
    team_id: team,
    api_app_id: 'A1',
    type: 'event_callback',
    event,
    event_id: `Ev${Math.random().toString(36).slice(2, 10)}`,
    event_time: Math.floor(Date.now() / 1000),
  });
}

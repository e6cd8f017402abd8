import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { App, HTTPReceiver, LogLevel, SocketModeReceiver } from '@slack/bolt';
import type { Logger as SlackLogger } from '@slack/logger';
import { WebClient } from '@slack/web-api';
import type { ChannelMemory } from '../../domain/channel-memory.ts';
import type { Logger } from '../../observability/logger.ts';
import { type HandlerDeps, registerHandlers } from './handlers.ts';
import { checkSlackRequest, type Deliveries, refuse } from './request-gate.ts';
import { SlackPort } from './slack-port.ts';

// The Slack channel: a Bolt app in HTTP mode (POST /slack/events, signature checked by Bolt's
// receiver before anything reads the body) or in Socket Mode, its handlers, and the port the
// workflow posts through. Only this folder imports @slack/*.

export interface SlackSettings {
  botToken: string;
  signingSecret?: string | undefined;
  /** An `xapp-` token: Socket Mode instead of HTTP. */
  appToken?: string | undefined;
  host: string;
  port: number;
  /** Web API base URL (tests point it at a local stand-in). Must end with a slash. */
  apiUrl?: string | undefined;
}

/** Bolt logs through the project's pino logger. */
function boltLogger(log: Logger): SlackLogger {
  const child = log.child({ channel: 'slack' });
  return {
    debug: (...msg: unknown[]) => child.debug({ bolt: msg.map(String).join(' ') }, 'bolt'),
    info: (...msg: unknown[]) => child.debug({ bolt: msg.map(String).join(' ') }, 'bolt'),
    warn: (...msg: unknown[]) => child.warn({ bolt: msg.map(String).join(' ') }, 'bolt'),
    error: (...msg: unknown[]) => child.error({ bolt: msg.map(String).join(' ') }, 'bolt'),
    setLevel: () => undefined,
    getLevel: () => LogLevel.INFO,
    setName: () => undefined,
  };
}

export interface SlackChannel {
  port: SlackPort;
  app: App;
  start(): Promise<string>;
  stop(): Promise<void>;
}

export function createSlackChannel(settings: SlackSettings, deps: HandlerDeps & { memory: ChannelMemory }): SlackChannel {
  const logger = boltLogger(deps.log);
  const clientOptions = settings.apiUrl ? { slackApiUrl: settings.apiUrl } : {};
  const http = settings.appToken
    ? null
    : new HTTPReceiver({
        signingSecret: settings.signingSecret ?? '',
        endpoints: '/slack/events',
        // Ack first, work after: long work must not hold Slack's 3-second window.
        processBeforeResponse: false,
        logger,
      });
  const receiver = http ?? new SocketModeReceiver({ appToken: settings.appToken ?? '', logger });
  const app = new App({ token: settings.botToken, receiver, clientOptions, tokenVerificationEnabled: false, logger });
  let server: Server | undefined;
  // Edits on their own client that refuses to wait out a 429: a rate-limited progress edit must
  // not pause the queue that posts plan cards and answers approvals.
  const editClient = new WebClient(settings.botToken, { ...clientOptions, rejectRateLimitedCalls: true, logger });
  const port = new SlackPort(app.client, editClient, deps.memory.slackThreads, deps.log);
  registerHandlers(app, deps);
  app.error(async (error) => {
    deps.log.error({ err: error }, 'slack app error');
  });
  return {
    port,
    app,
    async start() {
      if (settings.appToken) {
        await app.start();
        return 'socket-mode';
      }
      // Our own server in front of Bolt's receiver: every request to /slack/events passes the
      // gate (signature, time window both ways, replay, body shape) before Bolt sees it.
      const receiverHttp = http as HTTPReceiver;
      const deliveries: Deliveries = { first: (id, expiresSec, nowSec) => deps.memory.deliveries.first(id, (expiresSec - nowSec) * 1000) };
      const signingSecret = settings.signingSecret ?? '';
      server = createServer((req, res) => {
        const path = new URL(req.url ?? '/', 'http://localhost').pathname;
        if (req.method !== 'POST' || path !== '/slack/events') return receiverHttp.requestListener(req, res);
        checkSlackRequest(req, signingSecret, deliveries)
          .then((verdict) => {
            if (!verdict.ok) {
              deps.log.warn({ status: verdict.status, reason: verdict.message }, 'slack request refused');
              return refuse(res, verdict.status, verdict.message);
            }
            if (verdict.duplicate) {
              deps.log.info({ retry: req.headers['x-slack-retry-num'] }, 'slack event already received (a retry): acknowledged');
              res.writeHead(200).end();
              return;
            }
            // Bolt reuses an already-read body (its `rawBody`) and verifies it again.
            (req as IncomingMessage & { rawBody?: Buffer }).rawBody = verdict.rawBody;
            receiverHttp.requestListener(req, res);
          })
          .catch((error: unknown) => {
            deps.log.error({ err: error }, 'slack request failed');
            if (!res.headersSent) refuse(res, 400, 'The request could not be read.');
          });
      });
      const listening = server;
      await new Promise<void>((resolve, reject) => {
        listening.once('error', reject);
        listening.listen(settings.port, settings.host, () => resolve());
      });
      const address = listening.address() as AddressInfo;
      return `http://${settings.host}:${address.port}/slack/events`;
    },
    async stop() {
      port.close();
      if (settings.appToken) await app.stop();
      const listening = server;
      if (listening) {
        const closed = new Promise<void>((resolve) => listening.close(() => resolve()));
        listening.closeAllConnections();
        await closed;
      }
    },
  };
}

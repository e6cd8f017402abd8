import { timingSafeEqual } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Fastify, { type FastifyBaseLogger, type FastifyInstance, LogController } from 'fastify';
import type { Config } from '../../config/schema.ts';
import { GreenlightError } from '../../domain/errors.ts';
import type { Logger } from '../../observability/logger.ts';
import type { Metrics } from '../../observability/metrics.ts';
import { type ApiDeps, registerApi } from './api.ts';

// The console's HTTP server: the page, its JSON API, /metrics and /healthz. Bound to loopback by
// default; bound anywhere else, every route but /healthz needs the console token.

const PUBLIC_DIR = join(dirname(fileURLToPath(import.meta.url)), 'public');
const ASSETS: Record<string, { file: string; type: string }> = {
  '/': { file: 'index.html', type: 'text/html; charset=utf-8' },
  '/app.js': { file: 'app.js', type: 'text/javascript; charset=utf-8' },
  '/app.css': { file: 'app.css', type: 'text/css; charset=utf-8' },
};

function tokenMatches(expected: string, given: string | undefined): boolean {
  if (!given) return false;
  const a = Buffer.from(expected);
  const b = Buffer.from(given);
  return a.length === b.length && timingSafeEqual(a, b);
}

/** The token from the Authorization header or the cookie; from `?token=` only on the page itself. */
function presentedToken(headers: Record<string, string | string[] | undefined>, query: unknown, isPage: boolean): string | undefined {
  const auth = headers.authorization;
  if (typeof auth === 'string' && auth.startsWith('Bearer ')) return auth.slice('Bearer '.length);
  const cookie = typeof headers.cookie === 'string' ? /(?:^|;\s*)gl_token=([^;]+)/.exec(headers.cookie)?.[1] : undefined;
  if (cookie) return decodeURIComponent(cookie);
  const q = (query as Record<string, unknown> | undefined)?.token;
  return isPage && typeof q === 'string' ? q : undefined;
}

const LOOPBACK_NAMES = new Set(['127.0.0.1', 'localhost', '[::1]', '::1']);

/**
 * Host names this console answers to: the loopback names, and the public URL's host (required
 * when bound beyond loopback). A request naming another host (DNS rebinding, a misrouted proxy)
 * is refused.
 */
function allowedHost(config: Config): (host: string | undefined) => boolean {
  const publicHost = config.console.publicUrl ? new URL(config.console.publicUrl).host : undefined;
  return (host) => {
    if (!host) return false;
    if (publicHost && host === publicHost) return true;
    const name = host.startsWith('[') ? host.slice(0, host.indexOf(']') + 1) : (host.split(':')[0] ?? '');
    return LOOPBACK_NAMES.has(name);
  };
}

export function buildConsoleServer(config: Config, deps: ApiDeps & { log: Logger; metrics: Metrics }): FastifyInstance {
  const app = Fastify({
    loggerInstance: deps.log.child({ channel: 'console' }) as FastifyBaseLogger,
    logController: new LogController({ disableRequestLogging: true }),
    bodyLimit: 64 * 1024,
  });
  const token = config.console.token;
  const hostAllowed = allowedHost(config);
  // Secure cookies whenever the console is reached over HTTPS or beyond loopback.
  const secure = config.console.publicUrl?.startsWith('https:') || !LOOPBACK_NAMES.has(config.console.host) ? '; Secure' : '';

  app.addHook('onRequest', async (req) => {
    if (req.url === '/healthz') return;
    if (!hostAllowed(req.headers.host)) {
      throw new GreenlightError('bad_request', `This console does not answer to the host "${req.headers.host ?? ''}".`, {
        details: { expected: config.console.publicUrl ?? 'a loopback address' },
      });
    }
  });

  if (token) {
    app.addHook('onRequest', async (req, reply) => {
      if (req.url === '/healthz') return;
      const isPage = req.url.startsWith('/?') || req.url === '/';
      const given = presentedToken(req.headers, req.query, isPage);
      if (!tokenMatches(token, given)) throw new GreenlightError('unauthenticated', 'This console needs its token.');
      // The page passes ?token= once; a cookie carries it to the API and the SSE stream after that.
      if (isPage) reply.header('set-cookie', `gl_token=${encodeURIComponent(token)}; HttpOnly; SameSite=Strict; Path=/${secure}`);
    });
  }

  app.setErrorHandler((error, req, reply) => {
    if (error instanceof GreenlightError) {
      return reply.status(error.httpStatus).send({
        error: { code: error.code, message: error.message, next: error.nextStep, details: error.details },
      });
    }
    const status = (error as { statusCode?: number }).statusCode;
    if (status && status >= 400 && status < 500) {
      // Fastify's own 4xx: malformed JSON, wrong content type, body too large.
      return reply.status(status).send({
        error: {
          code: 'bad_request',
          message: (error as Error).message,
          next: 'Send a JSON body as the README shows.',
        },
      });
    }
    req.log.error({ err: error }, 'console request failed');
    return reply.status(500).send({
      error: { code: 'internal', message: 'Internal error', next: 'Look at the server log for details.' },
    });
  });

  for (const [path, asset] of Object.entries(ASSETS)) {
    const body = readFileSync(join(PUBLIC_DIR, asset.file));
    app.get(path, async (_req, reply) => reply.type(asset.type).header('cache-control', 'no-cache').send(body));
  }
  app.get('/healthz', async () => ({ ok: true }));
  app.get('/metrics', async (_req, reply) => reply.type(deps.metrics.registry.contentType).send(await deps.metrics.registry.metrics()));
  registerApi(app, deps);
  return app;
}

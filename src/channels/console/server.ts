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

function presentedToken(headers: Record<string, string | string[] | undefined>, query: unknown): string | undefined {
  const auth = headers.authorization;
  if (typeof auth === 'string' && auth.startsWith('Bearer ')) return auth.slice('Bearer '.length);
  const cookie = typeof headers.cookie === 'string' ? /(?:^|;\s*)gl_token=([^;]+)/.exec(headers.cookie)?.[1] : undefined;
  if (cookie) return decodeURIComponent(cookie);
  const q = (query as Record<string, unknown> | undefined)?.token;
  return typeof q === 'string' ? q : undefined;
}

export function buildConsoleServer(config: Config, deps: ApiDeps & { log: Logger; metrics: Metrics }): FastifyInstance {
  const app = Fastify({
    loggerInstance: deps.log.child({ channel: 'console' }) as FastifyBaseLogger,
    logController: new LogController({ disableRequestLogging: true }),
    bodyLimit: 64 * 1024,
  });
  const token = config.console.token;

  if (token) {
    app.addHook('onRequest', async (req, reply) => {
      if (req.url === '/healthz') return;
      const given = presentedToken(req.headers, req.query);
      if (!tokenMatches(token, given)) throw new GreenlightError('unauthenticated', 'This console needs its token.');
      // The page passes ?token= once; a cookie carries it to the API and the SSE stream after that.
      if (req.url.startsWith('/?') || req.url === '/') {
        reply.header('set-cookie', `gl_token=${encodeURIComponent(token)}; HttpOnly; SameSite=Strict; Path=/`);
      }
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

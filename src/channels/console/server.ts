import { timingSafeEqual } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import Fastify, { type FastifyBaseLogger, type FastifyInstance, type FastifyReply, type FastifyRequest, LogController } from 'fastify';
import type { Config } from '../../config/schema.ts';
import { GreenlightError } from '../../domain/errors.ts';
import type { People } from '../../domain/people.ts';
import type { Logger } from '../../observability/logger.ts';
import type { Metrics } from '../../observability/metrics.ts';
import { PROJECT_ROOT } from '../../paths.ts';
import { isProgramPath, type ProgramSurfaceDeps, registerProgramSurface } from '../http/server-routes.ts';
import { type ApiDeps, type Identify, registerApi } from './api.ts';
import { ConsoleSignIn } from './oidc.ts';
import { consolePrincipal } from './schemas.ts';
import { CookieSealer } from './sessions.ts';

// The console's HTTP server: the page, its JSON API, /metrics and /healthz. Bound to loopback by
// default; bound anywhere else, every route but /healthz needs the console token.

// The page's assets are read from the sources (the build compiles TypeScript only).
const PUBLIC_DIR = join(PROJECT_ROOT, 'src/channels/console/public');
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

/** Healthy when the store answers: a replica that lost its database must leave the load balancer. */
function healthCheck(ping: () => Promise<void>) {
  return async (_req: FastifyRequest, reply: FastifyReply) => {
    try {
      await ping();
      return { ok: true, database: 'ok' };
    } catch (error) {
      return reply.status(503).send({ ok: false, database: error instanceof Error ? error.message : String(error) });
    }
  };
}

/** A worker's only server: /healthz (with the database) and /metrics. */
export function buildHealthServer(ping: () => Promise<void>, metrics: Metrics): FastifyInstance {
  const app = Fastify({ logger: false });
  app.get('/healthz', healthCheck(ping));
  app.get('/metrics', async (_req, reply) => reply.type(metrics.registry.contentType).send(await metrics.registry.metrics()));
  return app;
}

export interface ConsoleServerDeps extends ApiDeps, Omit<ProgramSurfaceDeps, 'baseUrl'> {
  /** Throws when the database does not answer. */
  ping: () => Promise<void>;
  log: Logger;
  metrics: Metrics;
  people: People;
  /** Signs the console's cookies (derived from the audit key: never in the database). */
  cookieSecret: Buffer;
  /** The console's base URL once it listens (the public URL when one is set). */
  baseUrl: () => string;
}

export function buildConsoleServer(config: Config, deps: ConsoleServerDeps): FastifyInstance {
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

  const oidc = config.console.oidc;
  const signIn = oidc
    ? new ConsoleSignIn({
        settings: oidc,
        sealer: new CookieSealer(deps.cookieSecret),
        people: deps.people,
        log: deps.log,
        baseUrl: deps.baseUrl,
      })
    : undefined;
  if (signIn) {
    signIn.register(app);
    // Signed in or nothing: the page sends people to their IdP, the API answers 401.
    app.addHook('onRequest', async (req, reply) => {
      if (req.url === '/healthz' || req.url === '/metrics' || req.url.startsWith('/auth/') || (ASSETS[req.url] && req.url !== '/')) return;
      if (isProgramPath(req.url)) return; // API tokens, checked by each route
      if (signIn.session(req)) return;
      if (req.url === '/' || req.url.startsWith('/?')) return reply.redirect(`/auth/login?returnTo=${encodeURIComponent(req.url)}`);
      throw new GreenlightError('unauthenticated', `Sign in first: open ${deps.baseUrl()}/ and sign in with ${oidc?.issuer}.`);
    });
  }

  if (token) {
    app.addHook('onRequest', async (req, reply) => {
      if (req.url === '/healthz' || isProgramPath(req.url)) return;
      // With sign-in on, the session is the browser's credential; the token still guards /metrics.
      if (signIn && req.url !== '/metrics') return;
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
  app.get('/healthz', healthCheck(deps.ping));
  app.get('/metrics', async (_req, reply) => reply.type(deps.metrics.registry.contentType).send(await deps.metrics.registry.metrics()));
  // Identity: the session's person when sign-in is on (a different name in the body is refused);
  // otherwise the loopback-only local mode, where the name is self-declared (`console:<name>`).
  const identify: Identify = (req, bodyUser) => {
    if (signIn) {
      const session = signIn.session(req);
      if (!session) throw new GreenlightError('unauthenticated', 'Sign in first.');
      if (bodyUser && bodyUser !== session.name)
        throw new GreenlightError('permission_denied', `You are signed in as ${session.name}; you cannot act as ${bodyUser}.`);
      return session.principal;
    }
    if (!bodyUser) throw new GreenlightError('bad_request', 'Invalid request: body.user is required (local mode: who is acting).');
    return consolePrincipal(bodyUser);
  };
  app.get('/api/me', async (req) => {
    const session = signIn?.session(req);
    return session
      ? { mode: 'signed-in', principal: session.principal, name: session.name, groups: session.groups }
      : { mode: 'local', note: 'Local mode: names are self-declared and never count where approvals need a signed-in person.' };
  });
  registerApi(app, deps, identify);
  registerProgramSurface(app, { ...deps, baseUrl: deps.baseUrl });
  return app;
}

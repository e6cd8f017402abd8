import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import * as client from 'openid-client';
import { z } from 'zod';
import type { Config } from '../../config/schema.ts';
import { GreenlightError } from '../../domain/errors.ts';
import type { People } from '../../domain/people.ts';
import type { Logger } from '../../observability/logger.ts';
import { type ConsoleSession, type CookieSealer, readCookie, sessionSchema } from './sessions.ts';

// Console sign-in with OpenID Connect: authorization code + PKCE against any IdP (Entra ID, Okta,
// Google, Keycloak) through `openid-client`. Identity and groups come from the ID token; the
// session is a signed cookie (HttpOnly; Secure; SameSite=Lax). Signed-in people are
// `oidc:<username claim>` and count as verified identities for approval rules.

export type OidcSettings = NonNullable<Config['console']['oidc']>;

const SESSION_COOKIE = 'gl_session';
const LOGIN_COOKIE = 'gl_oidc';
const loginSchema = z.object({ verifier: z.string(), state: z.string(), nonce: z.string(), returnTo: z.string() });

/** Only a path on this console: never another site (an open redirect) or a protocol-relative URL. */
function safeReturnTo(value: unknown): string {
  return typeof value === 'string' && value.startsWith('/') && !value.startsWith('//') && !value.includes('\\') ? value : '/';
}
const LOOPBACK = /^(localhost|127\.0\.0\.1|\[::1\])$/;

export interface OidcDeps {
  settings: OidcSettings;
  sealer: CookieSealer;
  people: People;
  log: Logger;
  /** The console's own base URL (public URL, or the loopback address once listening). */
  baseUrl: () => string;
}

export class ConsoleSignIn {
  private discovered: Promise<client.Configuration> | undefined;

  constructor(private readonly deps: OidcDeps) {}

  private configuration(): Promise<client.Configuration> {
    if (!this.discovered) {
      const { issuer, clientId, clientSecret } = this.deps.settings;
      const url = new URL(issuer);
      // Plain http only for an IdP on this machine (development, tests); anything else must be https.
      const insecure = url.protocol === 'http:' && LOOPBACK.test(url.hostname);
      this.discovered = client.discovery(
        url,
        clientId,
        clientSecret,
        undefined,
        insecure ? { execute: [client.allowInsecureRequests] } : {},
      );
      this.discovered.catch(() => {
        this.discovered = undefined; // try discovery again on the next sign-in
      });
    }
    return this.discovered;
  }

  private redirectUri(): string {
    return `${this.deps.baseUrl()}/auth/callback`;
  }

  private cookie(name: string, value: string, maxAge: number): string {
    return `${name}=${encodeURIComponent(value)}; HttpOnly; Secure; SameSite=Lax; Path=/; Max-Age=${maxAge}`;
  }

  /** The signed-in person of this request, with their claimed groups made known to the approval policy. */
  session(req: FastifyRequest): ConsoleSession | undefined {
    const session = this.deps.sealer.open(SESSION_COOKIE, readCookie(req.headers.cookie, SESSION_COOKIE), sessionSchema);
    if (session) this.deps.people.rememberGroups(session.principal, session.groups);
    return session;
  }

  register(app: FastifyInstance): void {
    app.get('/auth/login', async (req, reply) => {
      const config = await this.configuration().catch((error: unknown) => {
        this.deps.log.error({ err: error }, 'OpenID provider discovery failed');
        throw new GreenlightError('internal', `The sign-in provider ${this.deps.settings.issuer} could not be reached.`);
      });
      const verifier = client.randomPKCECodeVerifier();
      const state = client.randomState();
      const nonce = client.randomNonce();
      const url = client.buildAuthorizationUrl(config, {
        redirect_uri: this.redirectUri(),
        scope: this.deps.settings.scopes,
        code_challenge: await client.calculatePKCECodeChallenge(verifier),
        code_challenge_method: 'S256',
        state,
        nonce,
      });
      const returnTo = safeReturnTo((req.query as Record<string, unknown>).returnTo);
      const login = this.deps.sealer.seal(LOGIN_COOKIE, { verifier, state, nonce, returnTo }, 600);
      return reply.header('set-cookie', this.cookie(LOGIN_COOKIE, login, 600)).redirect(url.href);
    });

    app.get('/auth/callback', async (req, reply) => this.callback(req, reply));

    app.post('/auth/logout', async (_req, reply) =>
      reply.header('set-cookie', this.cookie(SESSION_COOKIE, '', 0)).send({ signedOut: true }),
    );
  }

  private async callback(req: FastifyRequest, reply: FastifyReply): Promise<FastifyReply> {
    const login = this.deps.sealer.open(LOGIN_COOKIE, readCookie(req.headers.cookie, LOGIN_COOKIE), loginSchema);
    if (!login) throw new GreenlightError('unauthenticated', 'The sign-in expired or did not start here: open the console again.');
    const config = await this.configuration();
    const current = new URL(req.url, this.deps.baseUrl());
    let claims: Record<string, unknown> | undefined;
    try {
      const tokens = await client.authorizationCodeGrant(config, current, {
        pkceCodeVerifier: login.verifier,
        expectedState: login.state,
        expectedNonce: login.nonce,
        idTokenExpected: true,
      });
      claims = tokens.claims() as Record<string, unknown> | undefined;
    } catch (error) {
      this.deps.log.warn({ err: error }, 'sign-in refused');
      throw new GreenlightError('unauthenticated', 'The sign-in could not be completed; open the console and sign in again.');
    }
    if (!claims) throw new GreenlightError('unauthenticated', 'The provider returned no ID token.');
    const { usernameClaim, groupsClaim, sessionHours } = this.deps.settings;
    const username = String(claims[usernameClaim] ?? claims.sub);
    const rawGroups = claims[groupsClaim];
    const groups = Array.isArray(rawGroups) ? rawGroups.filter((g): g is string => typeof g === 'string') : [];
    const session: ConsoleSession = { principal: `oidc:${username}`, name: username, groups };
    this.deps.log.info({ user: session.principal, groups: groups.length }, 'signed in');
    const ttl = Math.round(sessionHours * 3600);
    return reply
      .header('set-cookie', [
        this.cookie(SESSION_COOKIE, this.deps.sealer.seal(SESSION_COOKIE, session, ttl), ttl),
        this.cookie(LOGIN_COOKIE, '', 0),
      ])
      .redirect(safeReturnTo(login.returnTo));
  }
}

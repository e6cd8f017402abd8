import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Selectable } from 'kysely';
import { z } from 'zod';
import { GreenlightError } from '../domain/errors.ts';
import { programPrincipal } from '../domain/people.ts';
import type { Db } from './database.ts';
import type { ApiTokensTable } from './tables.ts';

// API tokens: how programs and agents (pipelines, portals, MCP clients) authenticate. A token is
// `glt_<id>_<secret>`; the id finds the row, and only a sha256 of the secret is stored, so the
// database cannot be replayed as a credential. Tokens request and read; none can approve.

export const API_SCOPES = ['read', 'plan', 'request'] as const;
export type ApiScope = (typeof API_SCOPES)[number];

/** Token names become principals (`api:<name>`): the same characters as person names. */
export const tokenName = z
  .string()
  .regex(/^[a-z0-9][a-z0-9._-]{0,39}$/, 'token names use 1–40 lower-case letters, digits and . _ - (e.g. ci, backstage)');

export interface ApiToken {
  id: string;
  name: string;
  principal: string;
  scopes: ApiScope[];
  webhookUrl: string | null;
  webhookSecret: string;
  postTo: string | null;
  createdAt: string;
  createdBy: string;
  expiresAt: string | null;
  revokedAt: string | null;
  lastUsedAt: string | null;
}

const NEXT =
  'Ask an operator for a token (greenlight token create --name <name> --scopes read,plan,request) and send it as Bearer glt_… in the Authorization header.';

const TOKEN_FORMAT = /^glt_([0-9a-f]{12})_([A-Za-z0-9_-]{43})$/;

const digest = (secret: string) => createHash('sha256').update(secret).digest('hex');

function toToken(row: Selectable<ApiTokensTable>): ApiToken {
  return {
    id: row.id,
    name: row.name,
    principal: programPrincipal(row.name),
    scopes: z.array(z.enum(API_SCOPES)).parse(JSON.parse(row.scopes)),
    webhookUrl: row.webhook_url,
    webhookSecret: row.webhook_secret,
    postTo: row.post_to,
    createdAt: row.created_at,
    createdBy: row.created_by,
    expiresAt: row.expires_at,
    revokedAt: row.revoked_at,
    lastUsedAt: row.last_used_at,
  };
}

export interface NewToken {
  name: string;
  scopes: ApiScope[];
  createdBy: string;
  at: string;
  expiresAt?: string | undefined;
  webhookUrl?: string | undefined;
  postTo?: string | undefined;
}

/** Creates a token. The returned `token` and `webhookSecret` are the only time anyone sees them. */
export async function createToken(db: Db, input: NewToken): Promise<{ token: string; record: ApiToken }> {
  const active = await db
    .selectFrom('api_tokens')
    .select('id')
    .where('name', '=', input.name)
    .where('revoked_at', 'is', null)
    .executeTakeFirst();
  if (active)
    throw new GreenlightError('bad_request', `A token named ${input.name} exists already: revoke it first or choose another name.`);
  const id = randomBytes(6).toString('hex');
  const secret = randomBytes(32).toString('base64url');
  const webhookSecret = `glwh_${randomBytes(32).toString('base64url')}`;
  await db
    .insertInto('api_tokens')
    .values({
      id,
      name: input.name,
      scopes: JSON.stringify([...new Set(input.scopes)]),
      secret_hash: digest(secret),
      webhook_url: input.webhookUrl ?? null,
      webhook_secret: webhookSecret,
      post_to: input.postTo ?? null,
      created_at: input.at,
      created_by: input.createdBy,
      expires_at: input.expiresAt ?? null,
      revoked_at: null,
      last_used_at: null,
    })
    .execute();
  const row = await db.selectFrom('api_tokens').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
  return { token: `glt_${id}_${secret}`, record: toToken(row) };
}

/**
 * The token a bearer string stands for, if it is valid now; otherwise an `unauthenticated` error
 * saying why (unknown, revoked, expired) without telling a guesser which ids exist.
 */
export async function authenticateToken(db: Db, bearer: string | undefined, now: Date): Promise<ApiToken> {
  const match = bearer ? TOKEN_FORMAT.exec(bearer) : null;
  const id = match?.[1];
  const secret = match?.[2];
  if (!id || !secret)
    throw new GreenlightError('unauthenticated', 'Send an API token in the Authorization header (Bearer glt_…).', { next: NEXT });
  const row = await db.selectFrom('api_tokens').selectAll().where('id', '=', id).executeTakeFirst();
  const expected = Buffer.from(row?.secret_hash ?? digest('no such token'), 'hex');
  if (!row || !timingSafeEqual(expected, Buffer.from(digest(secret), 'hex')))
    throw new GreenlightError('unauthenticated', 'This API token is not valid.', { next: NEXT });
  const refused = { details: { token: row.name }, next: NEXT };
  if (row.revoked_at) throw new GreenlightError('unauthenticated', `API token ${row.name} was revoked on ${row.revoked_at}.`, refused);
  if (row.expires_at && Date.parse(row.expires_at) <= now.getTime())
    throw new GreenlightError('unauthenticated', `API token ${row.name} expired on ${row.expires_at}.`, refused);
  await db.updateTable('api_tokens').set({ last_used_at: now.toISOString() }).where('id', '=', id).execute();
  return toToken({ ...row, last_used_at: now.toISOString() });
}

/** Every token, newest first (secrets are not stored, so none can be shown). */
export async function listTokens(db: Db): Promise<ApiToken[]> {
  const rows = await db.selectFrom('api_tokens').selectAll().orderBy('created_at', 'desc').execute();
  return rows.map(toToken);
}

/** Revokes the active token with this name or id; false when there is none. */
export async function revokeToken(db: Db, nameOrId: string, at: string): Promise<ApiToken | undefined> {
  const row = await db
    .selectFrom('api_tokens')
    .selectAll()
    .where((eb) => eb.or([eb('name', '=', nameOrId), eb('id', '=', nameOrId)]))
    .where('revoked_at', 'is', null)
    .executeTakeFirst();
  if (!row) return undefined;
  await db.updateTable('api_tokens').set({ revoked_at: at }).where('id', '=', row.id).execute();
  return toToken({ ...row, revoked_at: at });
}

/** The active token of a principal (`api:<name>`), for its webhook. */
export async function tokenOf(db: Db, principal: string): Promise<ApiToken | undefined> {
  if (!principal.startsWith('api:')) return undefined;
  const row = await db
    .selectFrom('api_tokens')
    .selectAll()
    .where('name', '=', principal.slice('api:'.length))
    .where('revoked_at', 'is', null)
    .executeTakeFirst();
  return row ? toToken(row) : undefined;
}

/** "90d", "12h", "30m" → milliseconds; undefined for anything else. */
export function parseLifetime(text: string): number | undefined {
  const m = /^(\d{1,5})([dhm])$/.exec(text.trim());
  if (!m) return undefined;
  const unit = { d: 86_400_000, h: 3_600_000, m: 60_000 }[m[2] as 'd' | 'h' | 'm'];
  return Number(m[1]) * unit;
}

import { GreenlightError } from '../../domain/errors.ts';
import { type ApiScope, type ApiToken, authenticateToken } from '../../store/api-tokens.ts';
import { appendAudit } from '../../store/audit-log.ts';
import type { Db } from '../../store/database.ts';
import type { ProgramVia } from '../../store/program-requests.ts';
import type { ProgramCaller } from '../../workflow/program-requests.ts';

// Programs and agents authenticate with an API token (Authorization: Bearer glt_…) on every call,
// over HTTP and MCP alike. Each use is written to the audit log with the token's principal, and so
// is each refusal of a token Greenlight knows (revoked, expired, short of a scope).

export interface ApiCaller extends ProgramCaller {
  token: ApiToken;
}

export function bearerOf(header: string | string[] | undefined): string | undefined {
  return typeof header === 'string' && header.startsWith('Bearer ') ? header.slice('Bearer '.length).trim() : undefined;
}

export async function authenticateCaller(
  db: Db,
  authorization: string | string[] | undefined,
  via: ProgramVia,
  now: Date,
): Promise<ApiCaller> {
  const token = await authenticateToken(db, bearerOf(authorization), now);
  return { principal: token.principal, via, postTo: token.postTo, token };
}

export function requireScope(caller: ApiCaller, scope: ApiScope, what: string): void {
  if (!caller.token.scopes.includes(scope)) {
    throw new GreenlightError(
      'permission_denied',
      `API token ${caller.token.name} has scopes ${caller.token.scopes.join(', ')}; ${what} needs "${scope}".`,
      { details: { needs: scope } },
    );
  }
}

/** One audit row per use of a token: what it called and how that ended. */
export async function auditUse(
  db: Db,
  actor: string,
  action: 'api.call' | 'mcp.call',
  detail: { what: string; outcome: number | string; requestId?: string | null; deploymentId?: string | null },
  at: string,
): Promise<void> {
  await db
    .transaction()
    .execute((trx) => appendAudit(trx, { actor, action, requestId: detail.requestId ?? null, revision: null, detail }, at));
}

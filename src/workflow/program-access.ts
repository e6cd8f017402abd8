import type { ApiScope, ApiToken } from '../store/api-tokens.ts';
import { authenticateToken } from '../store/api-tokens.ts';
import { appendAudit } from '../store/audit-log.ts';
import type { Db } from '../store/database.ts';
import type { ProgramVia } from '../store/program-requests.ts';
import type { ProgramCaller } from './program-requests.ts';

// Programs and agents authenticate with an API token (Authorization: Bearer glt_…) on every call,
// over HTTP and MCP alike. Each use is written to the audit log with the token's principal, and so
// is each refusal of a token Greenlight knows (revoked, expired, short of a scope).

export type { ApiScope, ApiToken, ProgramVia };

export interface ApiCaller extends ProgramCaller {
  token: ApiToken;
}

export interface TokenUse {
  what: string;
  outcome: number | string;
  requestId?: string | null;
  deploymentId?: string | null;
}

export function bearerOf(header: string | string[] | undefined): string | undefined {
  return typeof header === 'string' && header.startsWith('Bearer ') ? header.slice('Bearer '.length).trim() : undefined;
}

export class ProgramAccess {
  constructor(
    private readonly db: Db,
    private readonly now: () => Date,
  ) {}

  /** The caller an Authorization header names; unauthenticated / permission_denied otherwise. */
  async authenticate(authorization: string | string[] | undefined, via: ProgramVia): Promise<ApiCaller> {
    const token = await authenticateToken(this.db, bearerOf(authorization), this.now());
    return { principal: token.principal, via, postTo: token.postTo, token };
  }

  /** One audit row per use of a token: what it called and how that ended. */
  async audit(actor: string, action: 'api.call' | 'mcp.call', use: TokenUse): Promise<void> {
    const at = this.now().toISOString();
    await this.db
      .transaction()
      .execute((trx) => appendAudit(trx, { actor, action, requestId: use.requestId ?? null, revision: null, detail: { ...use } }, at));
  }
}

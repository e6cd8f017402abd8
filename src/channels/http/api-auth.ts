import { GreenlightError } from '../../domain/errors.ts';
import type { ApiCaller, ApiScope } from '../../workflow/index.ts';

// A token's scopes say which routes and tools it opens: read, plan, request.

export function requireScope(caller: ApiCaller, scope: ApiScope, what: string): void {
  if (!caller.token.scopes.includes(scope)) {
    throw new GreenlightError(
      'permission_denied',
      `API token ${caller.token.name} has scopes ${caller.token.scopes.join(', ')}; ${what} needs "${scope}".`,
      { details: { needs: scope } },
    );
  }
}

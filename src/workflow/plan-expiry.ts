import { listRequests } from '../store/requests.ts';
import type { RevisionDeps } from './revisions.ts';
import { transition } from './transitions.ts';

// The plan-expiry sweep: a waiting plan past its expiry becomes `expired` (its card loses
// Approve; an approval of it plans again, never applies). Returns when the next one expires so
// the sweeper can wake just after it.

export async function expireStale(
  deps: Pick<RevisionDeps, 'db' | 'now' | 'publisher'>,
): Promise<{ count: number; nextExpiry: number | undefined }> {
  const now = deps.now();
  const waiting = await listRequests(deps.db, { statuses: ['awaiting_approval'], limit: 500 });
  let count = 0;
  let nextExpiry: number | undefined;
  for (const request of waiting) {
    const expiresAt = Date.parse(request.plan.expiresAt);
    if (expiresAt > now.getTime()) {
      nextExpiry = Math.min(nextExpiry ?? expiresAt, expiresAt);
      continue;
    }
    const at = now.toISOString();
    const moved = await deps.db
      .transaction()
      .execute((trx) =>
        transition(trx, request, ['awaiting_approval'], 'expired', 'greenlight', at, { expiresAt: request.plan.expiresAt }),
      );
    if (moved) {
      count += 1;
      await deps.publisher.refreshPlanCard(request.id, request.revision);
    }
  }
  return { count, nextExpiry };
}

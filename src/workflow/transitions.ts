import type { Transaction } from 'kysely';
import type { GreenlightError } from '../domain/errors.ts';
import { type ChangeRequest, FINAL_STATUSES, type RequestStatus } from '../domain/types.ts';
import { appendAudit } from '../store/audit-log.ts';
import type { Db } from '../store/database.ts';
import { dropArtifact, storeArtifact } from '../store/plan-artifacts.ts';
import { findRequest, insertRequest, transitionRequest } from '../store/requests.ts';
import type { Database } from '../store/tables.ts';
import { discardArtifact } from './planner.ts';

// Every status change goes through here: the conditional update and its audit row commit in the
// same transaction, or neither does.

export async function transition(
  trx: Transaction<Database>,
  request: Pick<ChangeRequest, 'id' | 'revision'>,
  from: RequestStatus[],
  to: RequestStatus,
  actor: string,
  at: string,
  detail: Record<string, unknown> = {},
): Promise<boolean> {
  const moved = await transitionRequest(trx, request.id, request.revision, from, to, at);
  if (moved && FINAL_STATUSES.includes(to)) {
    // A decided revision's saved plan is never applied again: remove it (it can hold config values).
    // Should the transaction roll back after this, the missing file fails the apply safely.
    const stored = await findRequest(trx, request.id, request.revision);
    if (stored) {
      discardArtifact(stored.plan);
      await dropArtifact(trx, stored.plan);
    }
  }
  if (moved) {
    await appendAudit(
      trx,
      {
        actor,
        action: `request.${to}`,
        requestId: request.id,
        revision: request.revision,
        detail: { from, ...detail },
      },
      at,
    );
  }
  return moved;
}

/**
 * Stores a new request revision as `planned` and moves it on to the request's status (normally
 * `awaiting_approval`), each step with its audit row, all in the caller's transaction.
 */
export async function createRevision(
  trx: Transaction<Database>,
  request: ChangeRequest,
  actor: string,
  at: string,
  detail: Record<string, unknown> = {},
): Promise<void> {
  await insertRequest(trx, { ...request, status: 'planned' });
  // Its saved plan goes with it, so whichever replica runs the apply can read it.
  await storeArtifact(trx, request.plan, at);
  await appendAudit(
    trx,
    {
      actor,
      action: 'request.planned',
      requestId: request.id,
      revision: request.revision,
      detail: { capability: request.capability, stack: request.stack, planHash: request.plan.hash, ...detail },
    },
    at,
  );
  if (request.status !== 'planned') await transition(trx, request, ['planned'], request.status, actor, at);
}

/** Records a refused action in the audit log (its own transaction) and returns the error to throw. */
export async function refuse(
  db: Db,
  error: GreenlightError,
  actor: string,
  at: string,
  request?: Pick<ChangeRequest, 'id' | 'revision'>,
): Promise<GreenlightError> {
  await db.transaction().execute((trx) =>
    appendAudit(
      trx,
      {
        actor,
        action: 'action.refused',
        requestId: request?.id ?? null,
        revision: request?.revision ?? null,
        detail: { code: error.code, reason: error.message },
      },
      at,
    ),
  );
  return error;
}

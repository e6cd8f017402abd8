import type { Selectable, Transaction } from 'kysely';
import { z } from 'zod';
import { secrets } from '../domain/redaction.ts';
import type { Deployment, DeploymentEventRecord, DeploymentStatus, StackLock } from '../domain/types.ts';
import { isPostgres } from './audit-log.ts';
import type { Db } from './database.ts';
import type { Database, DeploymentsTable } from './tables.ts';

// Deployments (one per applied request revision), their event log, the per-stack lock and the
// queue (deployments in status `queued`, oldest first).

type Executor = Db | Transaction<Database>;
const outputsSchema = z.record(z.string(), z.unknown());

function toDeployment(row: Selectable<DeploymentsTable>, events: DeploymentEventRecord[]): Deployment {
  return {
    id: row.id,
    requestId: row.request_id,
    revision: row.revision,
    stack: row.stack,
    status: row.status,
    startedAt: row.started_at,
    finishedAt: row.finished_at,
    outputs: outputsSchema.parse(JSON.parse(row.outputs)),
    error: row.error,
    errorCode: row.error_code,
    enginePid: row.engine_pid,
    stateSerialBefore: row.state_serial_before,
    events,
    ...(row.resolved_by && row.resolved_at ? { resolved: { by: row.resolved_by, at: row.resolved_at, note: row.resolution ?? '' } } : {}),
  };
}

/** Inserts the deployment; false if this request revision already has one (idempotent approve). */
export async function insertDeployment(
  db: Executor,
  d: { id: string; requestId: string; revision: number; stack: string; at: string },
): Promise<boolean> {
  const result = await db
    .insertInto('deployments')
    .values({
      id: d.id,
      request_id: d.requestId,
      revision: d.revision,
      stack: d.stack,
      status: 'queued',
      queued_at: d.at,
      outputs: '{}',
    })
    .onConflict((oc) => oc.doNothing())
    .executeTakeFirst();
  return Number(result.numInsertedOrUpdatedRows ?? 0n) === 1;
}

export async function findDeployment(
  db: Executor,
  where: { id?: string; requestId?: string; revision?: number },
  withEvents = true,
): Promise<Deployment | undefined> {
  let query = db.selectFrom('deployments').selectAll();
  if (where.id) query = query.where('id', '=', where.id);
  if (where.requestId) query = query.where('request_id', '=', where.requestId);
  if (where.revision !== undefined) query = query.where('revision', '=', where.revision);
  const row = await query.orderBy('queued_at', 'desc').limit(1).executeTakeFirst();
  if (!row) return undefined;
  const events = withEvents ? await listEvents(db, row.id) : [];
  return toDeployment(row, events);
}

export async function listDeployments(db: Executor, filter: { stack?: string; limit?: number } = {}): Promise<Deployment[]> {
  let query = db.selectFrom('deployments').selectAll().orderBy('queued_at', 'desc');
  if (filter.stack) query = query.where('stack', '=', filter.stack);
  const rows = await query.limit(filter.limit ?? 20).execute();
  return rows.map((r) => toDeployment(r, []));
}

export async function updateDeployment(
  db: Executor,
  id: string,
  patch: Partial<{
    status: DeploymentStatus;
    started_at: string;
    finished_at: string;
    outputs: Record<string, unknown>;
    error: string | null;
    error_code: string | null;
    progress_message_id: string;
    engine_pid: number | null;
    state_serial_before: number | null;
    resolved_by: string;
    resolved_at: string;
    resolution: string;
  }>,
): Promise<void> {
  // Outputs and errors are shown to the thread: an output that carries a secret is masked.
  const { outputs, error, ...rest } = patch;
  await db
    .updateTable('deployments')
    .set({
      ...rest,
      ...(outputs ? { outputs: JSON.stringify(secrets.value(outputs)) } : {}),
      ...(error !== undefined ? { error: error === null ? null : secrets.text(error) } : {}),
    })
    .where('id', '=', id)
    .execute();
}

export async function progressMessageOf(db: Executor, id: string): Promise<string | null> {
  const row = await db.selectFrom('deployments').select('progress_message_id').where('id', '=', id).executeTakeFirst();
  return row?.progress_message_id ?? null;
}

export async function appendEvents(db: Executor, deploymentId: string, events: Omit<DeploymentEventRecord, 'seq'>[]): Promise<void> {
  if (events.length === 0) return;
  const last = await db
    .selectFrom('deployment_events')
    .select(({ fn }) => fn.max('seq').as('max'))
    .where('deployment_id', '=', deploymentId)
    .executeTakeFirst();
  let seq = Number(last?.max ?? 0);
  await db
    .insertInto('deployment_events')
    .values(
      events.map((e) => ({
        deployment_id: deploymentId,
        seq: ++seq,
        at: e.at,
        type: e.type,
        address: e.address,
        message: secrets.text(e.message),
      })),
    )
    .execute();
}

export async function listEvents(db: Executor, deploymentId: string): Promise<DeploymentEventRecord[]> {
  const rows = await db.selectFrom('deployment_events').selectAll().where('deployment_id', '=', deploymentId).orderBy('seq').execute();
  return rows.map((r) => ({ seq: r.seq, at: r.at, type: r.type, address: r.address, message: r.message }));
}

export async function listStackLocks(db: Executor): Promise<StackLock[]> {
  const rows = await db
    .selectFrom('stack_locks as l')
    .leftJoin('deployments as d', 'd.id', 'l.deployment_id')
    .leftJoin('change_requests as r', (join) => join.onRef('r.id', '=', 'd.request_id').onRef('r.revision', '=', 'd.revision'))
    .select([
      'l.stack',
      'l.deployment_id',
      'l.owner',
      'l.acquired_at',
      'l.expires_at',
      'd.request_id',
      'd.revision',
      'r.requester',
      'r.text',
    ])
    .orderBy('l.acquired_at')
    .execute();
  return rows.map((r) => ({
    stack: r.stack,
    deploymentId: r.deployment_id,
    owner: r.owner,
    since: r.acquired_at,
    expiresAt: r.expires_at,
    requestId: r.request_id,
    revision: r.revision,
    requester: r.requester,
    text: r.text,
  }));
}

/** Releases a stack's lock whoever holds it (break-glass); the holder's deployment is returned. */
export async function breakStackLock(db: Executor, stack: string): Promise<string | undefined> {
  const held = await db.selectFrom('stack_locks').select('deployment_id').where('stack', '=', stack).executeTakeFirst();
  if (!held) return undefined;
  await db.deleteFrom('stack_locks').where('stack', '=', stack).where('deployment_id', '=', held.deployment_id).execute();
  return held.deployment_id;
}

/** A stack lock held as a lease: by a replica, until a time its heartbeat keeps moving. */
export interface StackLease {
  owner: string;
  expiresAt: string;
}

/** Takes the stack's apply lock for this deployment; false when someone else holds it. */
export async function tryLockStack(db: Executor, stack: string, deploymentId: string, at: string, lease?: StackLease): Promise<boolean> {
  const result = await db
    .insertInto('stack_locks')
    .values({ stack, deployment_id: deploymentId, acquired_at: at, owner: lease?.owner ?? null, expires_at: lease?.expiresAt ?? null })
    .onConflict((oc) => oc.doNothing())
    .executeTakeFirst();
  if (Number(result.numInsertedOrUpdatedRows ?? 0n) === 1) return true;
  // Already this deployment's: yes if this owner took it (a retry inside one replica), never
  // because another replica holds it for the same deployment.
  const held = await db.selectFrom('stack_locks').select(['deployment_id', 'owner']).where('stack', '=', stack).executeTakeFirst();
  return held?.deployment_id === deploymentId && (held.owner ?? null) === (lease?.owner ?? null);
}

/** Heartbeat: moves the lease's expiry on; false when the lock is no longer this owner's (the fencing check). */
export async function renewStackLock(db: Executor, stack: string, deploymentId: string, lease: StackLease): Promise<boolean> {
  const result = await db
    .updateTable('stack_locks')
    .set({ expires_at: lease.expiresAt })
    .where('stack', '=', stack)
    .where('deployment_id', '=', deploymentId)
    .where('owner', '=', lease.owner)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

/** Locks whose lease ran out: their owner stopped renewing (it died, or lost the database). */
export async function expiredStackLocks(
  db: Executor,
  now: string,
): Promise<{ stack: string; deploymentId: string; owner: string | null }[]> {
  const rows = await db.selectFrom('stack_locks').select(['stack', 'deployment_id', 'owner']).where('expires_at', '<', now).execute();
  return rows.map((r) => ({ stack: r.stack, deploymentId: r.deployment_id, owner: r.owner }));
}

/** Takes over an expired lease to settle its deployment; true for exactly one replica. */
export async function claimExpiredLock(db: Executor, stack: string, deploymentId: string, now: string, owner: string): Promise<boolean> {
  const result = await db
    .updateTable('stack_locks')
    .set({ owner, expires_at: null })
    .where('stack', '=', stack)
    .where('deployment_id', '=', deploymentId)
    .where('expires_at', '<', now)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

export async function lockHolder(db: Executor, stack: string): Promise<string | undefined> {
  const row = await db.selectFrom('stack_locks').select('deployment_id').where('stack', '=', stack).executeTakeFirst();
  return row?.deployment_id;
}

export async function unlockStack(db: Executor, stack: string, deploymentId: string): Promise<void> {
  await db.deleteFrom('stack_locks').where('stack', '=', stack).where('deployment_id', '=', deploymentId).execute();
}

/** A stack's queue, oldest first. */
const queueOf = (db: Executor, stack: string) =>
  db
    .selectFrom('deployments')
    .select(['id', 'request_id', 'revision'])
    .where('stack', '=', stack)
    .where('status', '=', 'queued')
    .orderBy('queued_at')
    .orderBy('id');

/** The oldest queued deployment of a stack that no other replica is claiming right now. */
export async function claimQueuedHead(
  trx: Transaction<Database>,
  stack: string,
): Promise<{ id: string; requestId: string; revision: number } | undefined> {
  const query = queueOf(trx, stack).limit(1);
  const row = await (isPostgres(trx) ? query.forUpdate().skipLocked() : query).executeTakeFirst();
  return row && { id: row.id, requestId: row.request_id, revision: row.revision };
}

/** Queued deployments of a stack, oldest first. */
export async function queuedOn(db: Executor, stack: string): Promise<{ id: string; requestId: string; revision: number }[]> {
  const rows = await queueOf(db, stack).execute();
  return rows.map((r) => ({ id: r.id, requestId: r.request_id, revision: r.revision }));
}

export async function deploymentsInStatus(
  db: Executor,
  statuses: DeploymentStatus[],
): Promise<{ id: string; stack: string; requestId: string; revision: number }[]> {
  const rows = await db
    .selectFrom('deployments')
    .select(['id', 'stack', 'request_id', 'revision'])
    .where('status', 'in', statuses)
    .orderBy('queued_at')
    .execute();
  return rows.map((r) => ({ id: r.id, stack: r.stack, requestId: r.request_id, revision: r.revision }));
}

import { type Selectable, sql, type Transaction } from 'kysely';
import { z } from 'zod';
import { planSchema } from '../domain/plan.ts';
import type { Approval, ChangeRequest, Environment, RequestStatus } from '../domain/types.ts';
import { appendAudit, isPostgres } from './audit-log.ts';
import type { Db } from './database.ts';
import type { ChangeRequestsTable, Database } from './tables.ts';

// Change requests (one row per revision) and the approvals given on them.

type Executor = Db | Transaction<Database>;

function toRequest(row: Selectable<ChangeRequestsTable>): ChangeRequest {
  return {
    id: row.id,
    revision: row.revision,
    status: row.status,
    requester: row.requester,
    editors: z.array(z.string()).parse(JSON.parse(row.editors)),
    capability: row.capability,
    stack: row.stack,
    environment: row.environment,
    text: row.text,
    thread: { channel: row.thread_channel, id: row.thread_id },
    planMessageId: row.plan_message_id,
    plan: planSchema.parse(JSON.parse(row.plan)),
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

export async function insertRequest(db: Executor, r: ChangeRequest): Promise<void> {
  await db
    .insertInto('change_requests')
    .values({
      id: r.id,
      revision: r.revision,
      status: r.status,
      requester: r.requester,
      editors: JSON.stringify(r.editors),
      capability: r.capability,
      stack: r.stack,
      environment: r.environment,
      text: r.text,
      thread_channel: r.thread.channel,
      thread_id: r.thread.id,
      plan_message_id: r.planMessageId,
      plan: JSON.stringify(r.plan),
      plan_hash: r.plan.hash,
      expires_at: r.plan.expiresAt,
      created_at: r.createdAt,
      updated_at: r.updatedAt,
    })
    .execute();
}

/** The given revision, or the newest one when none is named. */
export async function findRequest(db: Executor, id: string, revision?: number): Promise<ChangeRequest | undefined> {
  let query = db.selectFrom('change_requests').selectAll().where('id', '=', id);
  query = revision === undefined ? query.orderBy('revision', 'desc').limit(1) : query.where('revision', '=', revision);
  const row = await query.executeTakeFirst();
  return row ? toRequest(row) : undefined;
}

/**
 * A revision read to decide on it, inside the caller's transaction: on PostgreSQL the row stays
 * locked until the transaction ends, so two decisions on one request (two approvers clicking at
 * once, on any replica) take turns. SQLite runs one writer at a time anyway.
 */
export async function lockRequest(trx: Transaction<Database>, id: string, revision: number): Promise<ChangeRequest | undefined> {
  const query = trx.selectFrom('change_requests').selectAll().where('id', '=', id).where('revision', '=', revision);
  const row = await (isPostgres(trx) ? query.forUpdate() : query).executeTakeFirst();
  return row ? toRequest(row) : undefined;
}

/**
 * Moves a revision from one of `from` to `to` only if it is still in one of `from`. Returns false
 * when another actor got there first: this is what makes two simultaneous clicks safe.
 */
export async function transitionRequest(
  db: Executor,
  id: string,
  revision: number,
  from: RequestStatus[],
  to: RequestStatus,
  at: string,
): Promise<boolean> {
  const result = await db
    .updateTable('change_requests')
    .set({ status: to, updated_at: at })
    .where('id', '=', id)
    .where('revision', '=', revision)
    .where('status', 'in', from)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

export async function setPlanMessage(db: Executor, id: string, revision: number, messageId: string): Promise<void> {
  await db
    .updateTable('change_requests')
    .set({ plan_message_id: messageId })
    .where('id', '=', id)
    .where('revision', '=', revision)
    .execute();
}

/** The newest request revision posted in a thread, if any. */
export async function latestRequestInThread(db: Executor, threadIds: string[]): Promise<ChangeRequest | undefined> {
  const row = await db
    .selectFrom('change_requests')
    .selectAll()
    .where('thread_id', 'in', threadIds)
    .orderBy('created_at', 'desc')
    .orderBy('revision', 'desc')
    .limit(1)
    .executeTakeFirst();
  return row ? toRequest(row) : undefined;
}

export async function listRequests(
  db: Executor,
  filter: {
    stack?: string;
    statuses?: RequestStatus[];
    requester?: string;
    /** Any of these identities, or any identity whose name after the channel prefix is `name`. */
    requesters?: { identities: string[]; name?: string | undefined };
    environment?: Environment;
    since?: string;
    limit?: number;
  } = {},
): Promise<ChangeRequest[]> {
  let query = db.selectFrom('change_requests').selectAll().orderBy('created_at', 'desc').orderBy('revision', 'desc');
  if (filter.stack) query = query.where('stack', '=', filter.stack);
  if (filter.environment) query = query.where('environment', '=', filter.environment);
  if (filter.statuses) query = query.where('status', 'in', filter.statuses);
  if (filter.requester) query = query.where('requester', '=', filter.requester);
  const who = filter.requesters;
  if (who)
    query = query.where((eb) =>
      eb.or([
        ...(who.identities.length ? [eb('requester', 'in', who.identities)] : []),
        ...(who.name ? [sql<boolean>`requester like ${`%:${who.name.replace(/[%_\\]/g, '\\$&')}`} escape '\\'`] : []),
      ]),
    );
  if (filter.since) query = query.where('created_at', '>=', filter.since);
  const rows = await query.limit(filter.limit ?? 50).execute();
  return rows.map(toRequest);
}

/**
 * Per stack, the revision whose apply succeeded last (optionally in one environment). One query:
 * the planner asks this for every plan (budgets), so it must not read every request ever made.
 */
export async function latestSucceededPerStack(db: Executor, environment?: Environment, asOf?: string): Promise<ChangeRequest[]> {
  let latest = db
    .selectFrom('change_requests')
    .select(({ fn }) => ['stack', fn.max('updated_at').as('at')])
    .where('status', '=', 'succeeded')
    .groupBy('stack');
  if (environment) latest = latest.where('environment', '=', environment);
  // The registry as it stood at a moment: only what had succeeded by then.
  if (asOf) latest = latest.where('updated_at', '<=', asOf);
  const rows = await db
    .selectFrom('change_requests as r')
    .innerJoin(latest.as('latest'), (join) => join.onRef('r.stack', '=', 'latest.stack').onRef('r.updated_at', '=', 'latest.at'))
    .selectAll('r')
    .where('r.status', '=', 'succeeded')
    .execute();
  return rows.map(toRequest);
}

/**
 * Records a vote with its audit row in the same transaction (so `audit verify` can tell an
 * approval written behind Greenlight's back); false when this identity already voted on this revision.
 */
export async function insertApproval(db: Executor, a: Approval): Promise<boolean> {
  const result = await db
    .insertInto('approvals')
    .values({
      request_id: a.requestId,
      revision: a.revision,
      approver: a.approver,
      decision: a.decision,
      plan_hash: a.planHash,
      at: a.at,
    })
    .onConflict((oc) => oc.doNothing())
    .executeTakeFirst();
  const inserted = Number(result.numInsertedOrUpdatedRows ?? 0n) === 1;
  if (inserted) {
    const entry = {
      actor: a.approver,
      action: 'approval.recorded',
      requestId: a.requestId,
      revision: a.revision,
      detail: { decision: a.decision, planHash: a.planHash },
    };
    await appendAudit(db, entry, a.at);
  }
  return inserted;
}

export async function listApprovals(db: Executor, id: string): Promise<Approval[]> {
  const rows = await db.selectFrom('approvals').selectAll().where('request_id', '=', id).orderBy('at').execute();
  return rows.map((r) => ({
    requestId: r.request_id,
    revision: r.revision,
    approver: r.approver,
    decision: r.decision,
    planHash: r.plan_hash,
    at: r.at,
  }));
}

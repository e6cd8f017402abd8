import type { Selectable, Transaction } from 'kysely';
import type { ChannelKind, Environment } from '../domain/types.ts';
import type { Db } from './database.ts';
import type { Database, StackTtlsTable } from './tables.ts';

// Temporary environments: each stack applied with a lifetime, when it ends, who asked and where,
// whether the reminder went out and which destroy request its end opened.

type Executor = Db | Transaction<Database>;

export interface StackLifetime {
  stack: string;
  environment: Environment;
  expiresAt: string;
  requester: string;
  requestId: string;
  thread: { channel: ChannelKind; id: string };
  remindedAt: string | null;
  destroyRequestId: string | null;
}

function toLifetime(r: Selectable<StackTtlsTable>): StackLifetime {
  return {
    stack: r.stack,
    environment: r.environment,
    expiresAt: r.expires_at,
    requester: r.requester,
    requestId: r.request_id,
    thread: { channel: r.thread_channel, id: r.thread_id },
    remindedAt: r.reminded_at,
    destroyRequestId: r.destroy_request_id,
  };
}

/** A successful apply with a lifetime starts (or restarts) the stack's clock. */
export async function saveLifetime(db: Executor, l: Omit<StackLifetime, 'remindedAt' | 'destroyRequestId'>, at: string): Promise<void> {
  const row = {
    environment: l.environment,
    expires_at: l.expiresAt,
    requester: l.requester,
    request_id: l.requestId,
    thread_channel: l.thread.channel,
    thread_id: l.thread.id,
    reminded_at: null,
    destroy_request_id: null,
    updated_at: at,
  };
  await db
    .insertInto('stack_ttls')
    .values({ stack: l.stack, ...row })
    .onConflict((oc) => oc.column('stack').doUpdateSet(row))
    .execute();
}

export async function findLifetime(db: Executor, stack: string): Promise<StackLifetime | undefined> {
  const row = await db.selectFrom('stack_ttls').selectAll().where('stack', '=', stack).executeTakeFirst();
  return row ? toLifetime(row) : undefined;
}

export async function listLifetimes(db: Executor): Promise<StackLifetime[]> {
  return (await db.selectFrom('stack_ttls').selectAll().orderBy('expires_at').execute()).map(toLifetime);
}

export async function deleteLifetime(db: Executor, stack: string): Promise<void> {
  await db.deleteFrom('stack_ttls').where('stack', '=', stack).execute();
}

/** Marks the reminder sent; false when another replica sent it first. */
export async function markReminded(db: Executor, stack: string, at: string): Promise<boolean> {
  const r = await db
    .updateTable('stack_ttls')
    .set({ reminded_at: at, updated_at: at })
    .where('stack', '=', stack)
    .where('reminded_at', 'is', null)
    .executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

/** Claims the end of a lifetime for one destroy request; false when another claimed it. */
export async function claimDestroy(db: Executor, stack: string, requestId: string, at: string): Promise<boolean> {
  const r = await db
    .updateTable('stack_ttls')
    .set({ destroy_request_id: requestId, updated_at: at })
    .where('stack', '=', stack)
    .where('destroy_request_id', 'is', null)
    .executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

/** Names the destroy request a lifetime's end opened, or frees the claim when none was opened. */
export async function setDestroyRequest(db: Executor, stack: string, requestId: string | null): Promise<void> {
  await db.updateTable('stack_ttls').set({ destroy_request_id: requestId }).where('stack', '=', stack).execute();
}

/** Frees the destroy claim `claimed` (its request closed without removing the stack); false if the claim changed meanwhile. */
export async function releaseDestroyClaim(db: Executor, stack: string, claimed: string): Promise<boolean> {
  const r = await db
    .updateTable('stack_ttls')
    .set({ destroy_request_id: null })
    .where('stack', '=', stack)
    .where('destroy_request_id', '=', claimed)
    .executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

export async function extendLifetime(db: Executor, stack: string, expiresAt: string, at: string): Promise<void> {
  await db.updateTable('stack_ttls').set({ expires_at: expiresAt, reminded_at: null, updated_at: at }).where('stack', '=', stack).execute();
}

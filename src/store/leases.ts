import type { Db } from './database.ts';

// Named leases in the database: a singleton (the plan-expiry sweeper, the reaper of dead
// replicas' stack locks, future schedulers) runs on whichever replica holds its lease, once per
// cluster. A lease is taken when free or expired, and kept by renewing it before it runs out.

/** Takes or renews the lease; true when `owner` holds it until `expiresAt`. */
export async function acquireLease(db: Db, name: string, owner: string, now: string, expiresAt: string): Promise<boolean> {
  const result = await db
    .insertInto('leases')
    .values({ name, owner, expires_at: expiresAt })
    .onConflict((oc) =>
      oc
        .column('name')
        .doUpdateSet({ owner, expires_at: expiresAt })
        .where((eb) => eb.or([eb('leases.owner', '=', owner), eb('leases.expires_at', '<', now)])),
    )
    .executeTakeFirst();
  return Number(result.numInsertedOrUpdatedRows ?? 0n) === 1;
}

export async function releaseLease(db: Db, name: string, owner: string): Promise<void> {
  await db.deleteFrom('leases').where('name', '=', name).where('owner', '=', owner).execute();
}

/**
 * Records an inbound delivery (a Slack event id, a Teams activity id, a request signature) until
 * `expiresAt`; false when any replica recorded it already — a retry or a replay, to answer and drop.
 */
export async function firstDelivery(db: Db, id: string, now: string, expiresAt: string): Promise<boolean> {
  await db.deleteFrom('inbound_events').where('expires_at', '<', now).execute();
  const result = await db
    .insertInto('inbound_events')
    .values({ id, expires_at: expiresAt })
    .onConflict((oc) => oc.doNothing())
    .executeTakeFirst();
  return Number(result.numInsertedOrUpdatedRows ?? 0n) === 1;
}

import type { Transaction } from 'kysely';
import type { Db } from './database.ts';
import type { Database } from './tables.ts';

// What scheduled jobs remember: when each last ran (so a schedule fires once per due time, on one
// replica), drift findings already reported (a finding is posted once, not at every scan), and
// stacks whose drift someone snoozed.

type Executor = Db | Transaction<Database>;

export async function lastRun(db: Executor, name: string): Promise<string | undefined> {
  return (await db.selectFrom('schedule_runs').select('last_at').where('name', '=', name).executeTakeFirst())?.last_at;
}

/** Moves a schedule's last run from `previous` to `at`; false when another replica did it first. */
export async function claimRun(db: Executor, name: string, previous: string | undefined, at: string): Promise<boolean> {
  if (previous === undefined) {
    const r = await db
      .insertInto('schedule_runs')
      .values({ name, last_at: at })
      .onConflict((oc) => oc.doNothing())
      .executeTakeFirst();
    return Number(r.numInsertedOrUpdatedRows ?? 0n) === 1;
  }
  const r = await db
    .updateTable('schedule_runs')
    .set({ last_at: at })
    .where('name', '=', name)
    .where('last_at', '=', previous)
    .executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

/** Records a finding as reported; false when it was reported before. */
export async function firstReport(db: Executor, stack: string, fingerprint: string, at: string): Promise<boolean> {
  const r = await db
    .insertInto('schedule_runs')
    .values({ name: `drift-reported:${stack}:${fingerprint}`, last_at: at })
    .onConflict((oc) => oc.doNothing())
    .executeTakeFirst();
  return Number(r.numInsertedOrUpdatedRows ?? 0n) === 1;
}

/** A stack back in sync: its next drift is news again. */
export async function forgetReports(db: Executor, stack: string): Promise<void> {
  await db
    .deleteFrom('schedule_runs')
    .where('name', 'like', `drift-reported:${stack.replace(/[%_\\]/g, (c) => `\\${c}`)}:%`)
    .execute();
}

export async function snoozeDrift(db: Executor, stack: string, until: string, by: string, at: string): Promise<void> {
  await db
    .insertInto('drift_snoozes')
    .values({ stack, until, snoozed_by: by, at })
    .onConflict((oc) => oc.column('stack').doUpdateSet({ until, snoozed_by: by, at }))
    .execute();
}

export async function snoozedUntil(db: Executor, stack: string, now: string): Promise<{ until: string; by: string } | undefined> {
  const row = await db
    .selectFrom('drift_snoozes')
    .select(['until', 'snoozed_by'])
    .where('stack', '=', stack)
    .where('until', '>', now)
    .executeTakeFirst();
  return row ? { until: row.until, by: row.snoozed_by } : undefined;
}

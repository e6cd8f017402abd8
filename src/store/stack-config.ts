import { z } from 'zod';
import type { Db } from './database.ts';

// Stack config values changed through Greenlight (`set <stack> key=value`) once their apply has
// succeeded; they override the values from greenlight.yaml for later plans.

const configSchema = z.record(z.string(), z.string());

export async function storedStackConfig(db: Db, stack: string): Promise<Record<string, string>> {
  const row = await db.selectFrom('stack_config').select('config').where('stack', '=', stack).executeTakeFirst();
  return row ? configSchema.parse(JSON.parse(row.config)) : {};
}

export async function saveStackConfig(db: Db, stack: string, config: Record<string, string>, by: string, at: string): Promise<void> {
  const value = JSON.stringify(config);
  await db
    .insertInto('stack_config')
    .values({ stack, config: value, updated_at: at, updated_by: by })
    .onConflict((oc) => oc.column('stack').doUpdateSet({ config: value, updated_at: at, updated_by: by }))
    .execute();
}

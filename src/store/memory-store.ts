import Keyv from 'keyv';
import type { Db } from './database.ts';

// A Keyv store on the project's own database (table `kv`), so memory needs no second SQLite
// driver. Keyv hands us already-serialised values and prefixes keys with the namespace; `clear`
// removes only the current namespace, i.e. one user's memory.

class KvTableStore {
  namespace?: string;
  readonly opts = { dialect: 'sqlite' };
  constructor(private readonly db: Db) {}

  async get(key: string): Promise<string | undefined> {
    const row = await this.db.selectFrom('kv').select('value').where('key', '=', key).executeTakeFirst();
    return row?.value;
  }

  async set(key: string, value: string): Promise<boolean> {
    await this.db
      .insertInto('kv')
      .values({ key, value })
      .onConflict((oc) => oc.column('key').doUpdateSet({ value }))
      .execute();
    return true;
  }

  async delete(key: string): Promise<boolean> {
    const result = await this.db.deleteFrom('kv').where('key', '=', key).executeTakeFirst();
    return Number(result.numDeletedRows) > 0;
  }

  async clear(): Promise<void> {
    if (!this.namespace) return; // never wipe every user's memory at once
    await this.db
      .deleteFrom('kv')
      .where('key', 'like', `${this.namespace.replace(/[%_]/g, '')}:%`)
      .execute();
  }

  async has(key: string): Promise<boolean> {
    return (await this.get(key)) !== undefined;
  }

  on(): this {
    return this;
  }
}

/** Keyv for one user: namespace `user:<principal>`. */
export function userMemory(db: Db, principal: string): Keyv {
  return new Keyv({ store: new KvTableStore(db), namespace: `user:${principal}` });
}

export interface UserProfile {
  lastRequest?: { text: string; capability: string; stack: string; requestId: string; at: string };
  /** How often the user asked for each stack / environment: the basis for defaults later. */
  stacks: Record<string, number>;
  environments: Record<string, number>;
}

export async function readProfile(db: Db, principal: string): Promise<UserProfile> {
  const stored = (await userMemory(db, principal).get<UserProfile>('profile')) ?? undefined;
  return { stacks: {}, environments: {}, ...stored };
}

/** Records a request the user made, for "same as last time" and default parameters. */
export async function rememberRequest(
  db: Db,
  principal: string,
  request: {
    text: string;
    capability: string;
    stack: string;
    environment: string;
    requestId: string;
    at: string;
  },
): Promise<void> {
  const profile = await readProfile(db, principal);
  profile.lastRequest = {
    text: request.text,
    capability: request.capability,
    stack: request.stack,
    requestId: request.requestId,
    at: request.at,
  };
  profile.stacks[request.stack] = (profile.stacks[request.stack] ?? 0) + 1;
  profile.environments[request.environment] = (profile.environments[request.environment] ?? 0) + 1;
  await userMemory(db, principal).set('profile', profile);
}

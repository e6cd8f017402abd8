import Keyv from 'keyv';
import { secrets } from '../domain/redaction.ts';
import type { Db } from './database.ts';

// Memory per user: Keyv on the project's own database (table `kv`), so it needs no second SQLite
// driver and survives restarts. Keyv hands the store serialised values and prefixes keys with
// the namespace; `clear` removes only the current namespace, i.e. one user's memory.

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

export const DEFAULT_KEYS = ['team', 'environment', 'region'] as const;
export type DefaultKey = (typeof DEFAULT_KEYS)[number];

export interface UserProfile {
  lastRequest?: { text: string; capability: string; stack: string; requestId: string; at: string; params?: Record<string, unknown> };
  /** How often the user asked for each stack / environment. */
  stacks: Record<string, number>;
  environments: Record<string, number>;
  /** Values seen in the user's approved requests, counted: the most common is the default. */
  learned: Record<DefaultKey, Record<string, number>>;
  /** What the user told the bot to remember; wins over what was learned. */
  prefs: Partial<Record<DefaultKey, string>>;
}

const empty = (): UserProfile => ({ stacks: {}, environments: {}, learned: { team: {}, environment: {}, region: {} }, prefs: {} });

export async function readProfile(db: Db, principal: string): Promise<UserProfile> {
  const stored = await userMemory(db, principal).get<Partial<UserProfile>>('profile');
  const base = empty();
  return { ...base, ...stored, learned: { ...base.learned, ...stored?.learned }, prefs: { ...stored?.prefs } };
}

async function update(db: Db, principal: string, change: (p: UserProfile) => void): Promise<UserProfile> {
  const profile = await readProfile(db, principal);
  change(profile);
  // Memory keeps what was asked, never a secret that was typed with it.
  const kept = secrets.value(profile);
  await userMemory(db, principal).set('profile', kept);
  return kept;
}

/** Records a request the user made, for "same as last time". */
export function rememberRequest(
  db: Db,
  principal: string,
  request: {
    text: string;
    capability: string;
    stack: string;
    environment: string;
    requestId: string;
    at: string;
    params?: Record<string, unknown>;
  },
): Promise<UserProfile> {
  return update(db, principal, (p) => {
    p.lastRequest = {
      text: request.text,
      capability: request.capability,
      stack: request.stack,
      requestId: request.requestId,
      at: request.at,
      ...(request.params ? { params: request.params } : {}),
    };
    p.stacks[request.stack] = (p.stacks[request.stack] ?? 0) + 1;
    p.environments[request.environment] = (p.environments[request.environment] ?? 0) + 1;
  });
}

/** Learns team / environment / region from a request the user got approved. */
export function learnFromApproved(db: Db, principal: string, params: Record<string, unknown>, environment: string): Promise<UserProfile> {
  return update(db, principal, (p) => {
    const seen: Partial<Record<DefaultKey, unknown>> = {
      team: params.team,
      region: params.region,
      environment: params.environment ?? environment,
    };
    for (const key of DEFAULT_KEYS) {
      const value = seen[key];
      if (typeof value === 'string' && value) p.learned[key][value] = (p.learned[key][value] ?? 0) + 1;
    }
  });
}

export function setPreference(db: Db, principal: string, key: DefaultKey, value: string): Promise<UserProfile> {
  return update(db, principal, (p) => {
    p.prefs[key] = value;
  });
}

/** "forget my defaults": preferences and learned values go; `everything` clears the namespace. */
export async function forget(db: Db, principal: string, everything: boolean): Promise<void> {
  if (everything) {
    await userMemory(db, principal).clear();
    return;
  }
  await update(db, principal, (p) => {
    p.prefs = {};
    p.learned = empty().learned;
  });
}

/** The user's defaults: what they said, else the value most common in their approved requests. */
export function defaultsOf(profile: UserProfile): Partial<Record<DefaultKey, string>> {
  const out: Partial<Record<DefaultKey, string>> = {};
  for (const key of DEFAULT_KEYS) {
    const said = profile.prefs[key];
    const learned = Object.entries(profile.learned[key]).sort((a, b) => b[1] - a[1])[0]?.[0];
    const value = said ?? learned;
    if (value) out[key] = value;
  }
  return out;
}

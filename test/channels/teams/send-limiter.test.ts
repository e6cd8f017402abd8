import { describe, expect, it } from 'vitest';
import { ConversationLimiter, TEAMS_CONVERSATION_LIMITS } from '../../../src/channels/teams/send-limiter.ts';
import { type Db, openDatabase } from '../../../src/store/database.ts';
import { DatabaseSendLog } from '../../../src/store/teams-sends.ts';
import { TEST_PG_URL, testPostgres } from '../../helpers/test-database.ts';

// A fake clock: waiting moves time instead of sleeping.
function clock() {
  const c = { now: 1_000_000, waited: 0 };
  const wait = async (ms: number) => {
    c.now += ms;
    c.waited += ms;
  };
  return { c, now: () => c.now, wait };
}

describe('ConversationLimiter', () => {
  it("keeps 200 calls in one conversation inside every one of Teams' windows", async () => {
    const { c, now, wait } = clock();
    const limiter = new ConversationLimiter(TEAMS_CONVERSATION_LIMITS, now, wait);
    const times: number[] = [];
    for (let i = 0; i < 200; i++) {
      await limiter.slot('conv');
      times.push(c.now);
    }
    for (const { windowMs, max } of TEAMS_CONVERSATION_LIMITS)
      for (const start of times) expect(times.filter((t) => t >= start && t < start + windowMs).length).toBeLessThanOrEqual(max);
    // 60 per 30 s is the binding limit: 200 calls take at least three full windows.
    expect(c.waited).toBeGreaterThanOrEqual(90_000);
    expect(await limiter.countIn('conv', 30_000)).toBeLessThanOrEqual(60);
  });

  it('lets the first 7 go at once and makes the 8th wait; other conversations are not held up', async () => {
    const { c, now, wait } = clock();
    const limiter = new ConversationLimiter(TEAMS_CONVERSATION_LIMITS, now, wait);
    for (let i = 0; i < 7; i++) await limiter.slot('a');
    expect(c.waited).toBe(0);
    expect(await limiter.delayFor('a')).toBe(1150);
    expect(await limiter.delayFor('b')).toBe(0);
    await limiter.slot('b');
    expect(c.waited).toBe(0);
    await limiter.slot('a');
    expect(c.waited).toBe(1150);
  });

  it('ready() waits like slot() without using the slot', async () => {
    const { now, wait } = clock();
    const limiter = new ConversationLimiter([{ windowMs: 1000, max: 1 }], now, wait, 0);
    await limiter.ready('a');
    await limiter.ready('a');
    expect(await limiter.countIn('a', 1000)).toBe(0);
    await limiter.slot('a');
    expect(await limiter.delayFor('a')).toBe(1000);
  });

  it.skipIf(!TEST_PG_URL)('three replicas (three connection pools on one PostgreSQL) stay inside the limits together', async () => {
    const pg = await testPostgres();
    const dbs: Db[] = [];
    try {
      for (let i = 0; i < 3; i++) dbs.push(await openDatabase(pg!.url));
      // Real time here: the replicas share the database's idea of which calls were made when.
      // A long second window keeps every recorded call in the log, to be checked afterwards.
      const limits = [
        { windowMs: 1000, max: 7 },
        { windowMs: 60_000, max: 1000 },
      ];
      const limiters = dbs.map((db) => new ConversationLimiter(limits, Date.now, undefined, 0, new DatabaseSendLog(db)));
      await Promise.all(
        limiters.map(async (limiter) => {
          for (let i = 0; i < 7; i++) await limiter.slot('19:shared@thread');
        }),
      );
      // The times the three replicas recorded together: 21 calls, never more than 7 in a second.
      const times = (await dbs[0]!.selectFrom('teams_sends').select('at_ms').execute()).map((r) => Number(r.at_ms)).sort((a, b) => a - b);
      expect(times).toHaveLength(21);
      for (const start of times) expect(times.filter((t) => t >= start && t < start + 1000).length).toBeLessThanOrEqual(7);
      expect(times.at(-1)! - times[0]!).toBeGreaterThanOrEqual(2000);
    } finally {
      for (const db of dbs) await db.destroy();
      await pg?.drop();
    }
  });
});

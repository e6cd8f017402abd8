import { describe, expect, it } from 'vitest';
import { ConversationLimiter, TEAMS_CONVERSATION_LIMITS } from '../../../src/channels/teams/send-limiter.ts';

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
    expect(limiter.countIn('conv', 30_000)).toBeLessThanOrEqual(60);
  });

  it('lets the first 7 go at once and makes the 8th wait; other conversations are not held up', async () => {
    const { c, now, wait } = clock();
    const limiter = new ConversationLimiter(TEAMS_CONVERSATION_LIMITS, now, wait);
    for (let i = 0; i < 7; i++) await limiter.slot('a');
    expect(c.waited).toBe(0);
    expect(limiter.delayFor('a')).toBe(1150);
    expect(limiter.delayFor('b')).toBe(0);
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
    expect(limiter.countIn('a', 1000)).toBe(0);
    await limiter.slot('a');
    expect(limiter.delayFor('a')).toBe(1000);
  });
});

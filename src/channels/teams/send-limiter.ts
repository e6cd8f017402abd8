import { setTimeout as sleep } from 'node:timers/promises';
import type { SendLog } from '../../domain/channel-memory.ts';

// Teams throttles each bot per conversation on several windows at once (7 operations a second,
// 8 in 2 s, 60 in 30 s, 1,800 an hour); a call over any of them gets 429. Waiting here before
// each call keeps the bot under all of them, so 429 stays the exception that the retry handles.
// One chain per conversation keeps a conversation's calls in order and lets others run freely.
// Teams counts a call when it arrives, not when it leaves: each window is widened by a margin so
// network jitter cannot squeeze one call too many into a window on Teams' side.

export interface RateWindow {
  windowMs: number;
  max: number;
}

export const TEAMS_CONVERSATION_LIMITS: readonly RateWindow[] = [
  { windowMs: 1_000, max: 7 },
  { windowMs: 2_000, max: 8 },
  { windowMs: 30_000, max: 60 },
  { windowMs: 3_600_000, max: 1_800 },
];

/** One process's count of its calls (a single replica, or SQLite). */
export class MemorySendLog implements SendLog {
  private readonly sent = new Map<string, number[]>();
  async recent(conversationId: string, sinceMs: number): Promise<number[]> {
    return (this.sent.get(conversationId) ?? []).filter((t) => t > sinceMs);
  }
  async take(conversationId: string, now: () => number, sinceMs: number, fits: (times: number[]) => number): Promise<number> {
    const times = await this.recent(conversationId, sinceMs);
    const delay = fits(times);
    if (delay > 0) return delay;
    times.push(now());
    this.sent.set(conversationId, times);
    return 0;
  }
}

export class ConversationLimiter {
  private readonly tails = new Map<string, Promise<void>>();
  private readonly longest: number;

  private readonly limits: readonly RateWindow[];

  constructor(
    limits: readonly RateWindow[] = TEAMS_CONVERSATION_LIMITS,
    private readonly now: () => number = Date.now,
    private readonly wait: (ms: number) => Promise<unknown> = (ms) => sleep(ms, undefined, { ref: false }),
    marginMs = 150,
    private readonly log: SendLog = new MemorySendLog(),
  ) {
    this.limits = limits.map((l) => ({ windowMs: l.windowMs + marginMs, max: l.max }));
    this.longest = Math.max(...this.limits.map((l) => l.windowMs));
  }

  /** How long until one more call fits every window, given the calls made (0: now). */
  private delayGiven(times: number[]): number {
    const at = this.now();
    let delay = 0;
    for (const { windowMs, max } of this.limits) {
      const inWindow = times.filter((t) => t > at - windowMs);
      // The call that would be one too many may go once the oldest of the last `max` leaves the window.
      const oldest = inWindow[inWindow.length - max];
      if (oldest !== undefined) delay = Math.max(delay, oldest + windowMs - at);
    }
    return delay;
  }

  /** How long until one more call fits every window (0: now). */
  async delayFor(conversationId: string): Promise<number> {
    return this.delayGiven(await this.log.recent(conversationId, this.now() - this.longest));
  }

  /** Resolves when the conversation may take one more call, and counts that call. */
  slot(conversationId: string): Promise<void> {
    return this.inTurn(conversationId, true);
  }

  /** Resolves when one more call would fit, without taking it (a coalesced edit picks its card then). */
  ready(conversationId: string): Promise<void> {
    return this.inTurn(conversationId, false);
  }

  private inTurn(conversationId: string, take: boolean): Promise<void> {
    const previous = this.tails.get(conversationId) ?? Promise.resolve();
    const next = previous.then(async () => {
      for (;;) {
        const at = this.now();
        const delay = take
          ? await this.log.take(conversationId, this.now, at - this.longest, (times) => this.delayGiven(times))
          : await this.delayFor(conversationId);
        if (delay <= 0) return;
        await this.wait(delay);
      }
    });
    this.tails.set(conversationId, next);
    void next.finally(() => {
      if (this.tails.get(conversationId) === next) this.tails.delete(conversationId);
    });
    return next;
  }

  /** Calls counted for a conversation inside the last `windowMs` (for tests and metrics). */
  async countIn(conversationId: string, windowMs: number): Promise<number> {
    return (await this.log.recent(conversationId, this.now() - windowMs)).length;
  }
}

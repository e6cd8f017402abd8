import { NUMBER_WORDS } from './number-words.ts';

// How long a temporary environment lives: `ttl=14d` or words ("for two weeks", "for 3 days").
// Durations are whole hours, days or weeks; the config's lifetimes bound them per environment.

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;
export const WEEK_MS = 7 * DAY_MS;
const UNIT_MS = new Map([
  ['h', HOUR_MS],
  ['d', DAY_MS],
  ['w', WEEK_MS],
]);
const WORD_NUMBERS: Readonly<Record<string, number>> = { a: 1, an: 1, ...NUMBER_WORDS };

/** `14d`, `2w`, `36h` → milliseconds; undefined when it is not one. */
export function parseDuration(text: string): number | undefined {
  const m = /^(\d{1,4})\s*([hdw])$/i.exec(text.trim());
  if (!m?.[1] || !m[2]) return undefined;
  const n = Number(m[1]);
  const unit = UNIT_MS.get(m[2].toLowerCase());
  return n > 0 && unit ? n * unit : undefined;
}

/** A duration as people read it: "2 days", "36 hours", "2 weeks". */
export function describeDuration(ms: number): string {
  const plural = (n: number, unit: string) => `${n} ${unit}${n === 1 ? '' : 's'}`;
  if (ms % WEEK_MS === 0) return plural(ms / WEEK_MS, 'week');
  if (ms % DAY_MS === 0) return plural(ms / DAY_MS, 'day');
  return plural(Math.round(ms / HOUR_MS), 'hour');
}

const TTL_KEY = /(?:^|\s)(?:ttl|lifetime)\s*=\s*(\S+)/i;
const SAID =
  /\s+for\s+(?:the\s+next\s+)?(\d{1,4}|an?|one|two|three|four|five|six|seven|eight|nine|ten|twelve|fourteen|thirty)\s+(hours?|days?|weeks?)\b/i;

/**
 * The lifetime a message asks for. `ttl=…` is taken out of the message (the grammar would read it
 * as a parameter); words ("for two weeks") stay in it, and count only where the request creates
 * something ("history for 7 days" is not a lifetime). `invalid` when `ttl=` is not a duration.
 */
export function takeLifetime(text: string): { text: string; ms?: number; said?: 'key' | 'words'; invalid?: string } {
  const key = TTL_KEY.exec(text);
  if (key?.[1]) {
    const ms = parseDuration(key[1]);
    const rest = text.replace(key[0], ' ').replace(/\s+/g, ' ').trim();
    return ms ? { text: rest, ms, said: 'key' } : { text: rest, invalid: key[1] };
  }
  const said = SAID.exec(text);
  if (said?.[1] && said[2]) {
    const n = WORD_NUMBERS[said[1].toLowerCase()] ?? Number(said[1]);
    const unit = UNIT_MS.get(said[2][0]?.toLowerCase() ?? '') ?? DAY_MS;
    return { text, ms: n * unit, said: 'words' };
  }
  return { text };
}

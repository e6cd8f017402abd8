import { capabilities } from '../../capabilities/index.ts';
import type { HelpEntry } from '../../cards/info-cards.ts';

/** The help card's rows, generated from the capability registry so it is never out of date. */
export function helpEntries(): HelpEntry[] {
  return capabilities.map((c) => ({ usage: c.usage, summary: c.summary }));
}

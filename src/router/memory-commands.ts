import type { DefaultKey } from '../store/memory-store.ts';
import { environmentOf, regionOf } from './params.ts';

// What people say to the bot about its memory of them. Checked before routing.

export type MemoryCommand =
  | { kind: 'remember'; key: DefaultKey; value: string }
  | { kind: 'forget'; everything: boolean }
  | { kind: 'show' }
  | { kind: 'invalid'; message: string };

const KEY: Record<string, DefaultKey> = { team: 'team', environment: 'environment', env: 'environment', region: 'region' };

export function parseMemoryCommand(text: string): MemoryCommand | null {
  const t = text
    .trim()
    .toLowerCase()
    .replace(/[.!?]+$/, '');
  const remember =
    /^(?:please\s+)?(?:remember|note|save)\s+(?:that\s+)?my\s+(?:default\s+|usual\s+)?(team|environment|env|region)\s+(?:is|=|:)\s+(.+)$/.exec(
      t,
    );
  const mine = /^my\s+(?:default\s+|usual\s+)?(team|environment|env|region)\s+is\s+(.+)$/.exec(t);
  const m = remember ?? mine;
  if (m?.[1] && m[2]) {
    const key = KEY[m[1]] as DefaultKey;
    const raw = m[2]
      .trim()
      .replace(/^the\s+/, '')
      .replace(/\s+team$/, '');
    const value =
      key === 'environment' ? environmentOf(raw) : key === 'region' ? regionOf(raw) : /^[a-z][a-z0-9-]{0,30}$/.test(raw) ? raw : undefined;
    if (!value) {
      const hint =
        key === 'environment'
          ? 'dev, staging or prod'
          : key === 'region'
            ? 'a region such as eastus or westeurope'
            : 'a lower-case team name such as data';
      return { kind: 'invalid', message: `"${raw}" is not a ${key} I know; say ${hint}.` };
    }
    return { kind: 'remember', key, value };
  }
  if (/^(?:please\s+)?forget\s+(?:all\s+)?(?:my\s+)?(?:defaults|preferences|settings)$/.test(t))
    return { kind: 'forget', everything: false };
  if (/^(?:please\s+)?forget\s+(?:everything|me|all about me|what you know about me)$/.test(t)) return { kind: 'forget', everything: true };
  if (/^what\s+do\s+you\s+(?:remember|know)\s+about\s+me$|^what\s+are\s+my\s+defaults$|^show\s+my\s+(?:defaults|memory)$/.test(t))
    return { kind: 'show' };
  return null;
}

/** "same as last time but in staging", "again, in prod". */
export function wantsLastRequest(text: string): boolean {
  return /\b(same as (?:last time|before|last one|yesterday)|like last time|the same again|do it again)\b/i.test(text);
}

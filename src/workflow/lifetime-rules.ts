import type { LifetimeConfig } from '../config/schema.ts';
import { parseDuration } from '../domain/lifetime.ts';
import type { Environment } from '../domain/types.ts';

// The lifetime rules of an environment (config `lifetimes.<env>`), with their defaults.

export type LifetimesConfig = Partial<Record<Environment, LifetimeConfig>>;

export interface LifetimeRule {
  /** What Extend adds. */
  defaultMs: number;
  /** The longest a request may ask for, or be extended to (from now). */
  maxMs: number;
  /** An expired one is destroyed without a human approval (never in prod). */
  destroyWithoutApproval: boolean;
  /** Provisioning requests here are temporary (for `defaultMs`) unless they name a lifetime. */
  temporaryByDefault: boolean;
}

export function lifetimeRule(config: LifetimesConfig | undefined, environment: Environment): LifetimeRule {
  const c = config?.[environment];
  return {
    defaultMs: parseDuration(c?.default ?? '7d') ?? 7 * 86_400_000,
    maxMs: parseDuration(c?.max ?? '30d') ?? 30 * 86_400_000,
    destroyWithoutApproval: environment !== 'prod' && (c?.destroyWithoutApproval ?? false),
    temporaryByDefault: c?.temporaryByDefault ?? false,
  };
}

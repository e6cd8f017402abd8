import { z } from 'zod';
import { environmentSchema } from '../src/domain/environments.ts';

// Parameters several provisioning capabilities take, written once so they read and fail alike.

/** A yes/no that arrives as a boolean (forms, LLM) or as text (`gpu=true`, `public=yes`). */
export const flag = z
  .union([z.boolean(), z.enum(['true', 'false', 'yes', 'no', '1', '0'])])
  .transform((v) => v === true || v === 'true' || v === 'yes' || v === '1');

/** The owning team as a lower-case slug (it names and tags resources). */
export const team = (what: string) =>
  z
    .string()
    .regex(/^[a-z][a-z0-9-]{1,30}$/, 'team is a lower-case slug like data or ml-platform')
    .describe(`Team that owns ${what} (lower-case slug)`);

export const environment = environmentSchema.describe('Environment: dev, staging or prod');

/**
 * The tags every resource a capability builds carries (policy GL-TAG-001 checks them). Labels
 * (GCP, Kubernetes) allow fewer characters: `labelSafe` maps the owner's id into them.
 */
export function greenlightTags(p: { team: string; environment: string }, owner: string, labelSafe = false) {
  return {
    team: p.team,
    environment: p.environment,
    owner: labelSafe
      ? owner
          .toLowerCase()
          .replace(/[^a-z0-9_-]/g, '_')
          .slice(0, 63)
      : owner,
    'managed-by': 'greenlight',
  };
}

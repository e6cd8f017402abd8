import { z } from 'zod';

// The environments a stack lives in, from least to most guarded: the one list every schema,
// table and parser derives from.

export const ENVIRONMENTS = ['dev', 'staging', 'prod'] as const;
export type Environment = (typeof ENVIRONMENTS)[number];
export const environmentSchema = z.enum(ENVIRONMENTS);

export function isEnvironment(value: unknown): value is Environment {
  return environmentSchema.safeParse(value).success;
}

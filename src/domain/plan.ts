import { z } from 'zod';
import { environmentSchema } from './environments.ts';

// The plan: what a card shows and what an approval binds to. Schema first, because plans are
// stored as JSON and parsed again whenever a button is pressed.

export const resourceOperationSchema = z.enum(['create', 'update', 'replace', 'delete', 'read', 'no-op']);
export type ResourceOperation = z.infer<typeof resourceOperationSchema>;

export const resourceChangeSchema = z.object({
  address: z.string(),
  type: z.string(),
  name: z.string(),
  operation: resourceOperationSchema,
  /** Inputs after the change (sensitive values already masked by the engine). */
  inputs: z.record(z.string(), z.unknown()),
  /** Inputs before the change, for resources that exist already (prices the delta). */
  previous: z.record(z.string(), z.unknown()).optional(),
  /** Existing resources that depend on this one (from the engine's state), for the blast radius. */
  dependents: z.array(z.string()).optional(),
});
export type ResourceChange = z.infer<typeof resourceChangeSchema>;

export const riskLevelSchema = z.enum(['low', 'medium', 'high', 'critical']);
export type RiskLevel = z.infer<typeof riskLevelSchema>;
const riskFactorSchema = z.object({ id: z.string(), label: z.string(), points: z.number() });
export type RiskFactor = z.infer<typeof riskFactorSchema>;
export const riskSchema = z.object({
  level: riskLevelSchema,
  score: z.number(),
  factors: z.array(riskFactorSchema),
  /** One sentence: why the level is what it is ("deletes a database in prod: data loss"). */
  summary: z.string().optional(),
});
export type Risk = z.infer<typeof riskSchema>;

const costLineSchema = z.object({
  address: z.string(),
  monthlyUsd: z.number().nullable(),
  note: z.string().optional(),
});
export type CostLine = z.infer<typeof costLineSchema>;
export const costSchema = z.object({
  /** null when nothing could be priced: the card says "not estimated". */
  monthlyUsd: z.number().nullable(),
  deltaUsd: z.number().nullable(),
  breakdown: z.array(costLineSchema),
  assumptions: z.array(z.string()),
});
export type Cost = z.infer<typeof costSchema>;

export const policyFindingSchema = z.object({
  ruleId: z.string(),
  severity: z.enum(['block', 'warn']),
  message: z.string(),
});
export type PolicyFinding = z.infer<typeof policyFindingSchema>;

/** A resource whose real state is not what Greenlight last applied, found by a drift scan. */
export const driftItemSchema = z.object({
  address: z.string(),
  type: z.string(),
  /** refresh: the engine read the real resource and it changed; config: the stack no longer matches its config. */
  source: z.enum(['refresh', 'config']),
  /** missing: gone from the real world (or the state); extra: exists but its config has none. */
  kind: z.enum(['changed', 'missing', 'extra']),
  /** Attributes that differ: recorded (what Greenlight applied / expects) and actual. */
  attributes: z.array(z.object({ path: z.string(), expected: z.unknown(), actual: z.unknown() })),
});
export type DriftItem = z.infer<typeof driftItemSchema>;

export const planOperationSchema = z.enum(['apply', 'destroy']);
export type PlanOperation = z.infer<typeof planOperationSchema>;

export const planSchema = z.object({
  capability: z.string(),
  params: z.record(z.string(), z.unknown()),
  stack: z.string(),
  environment: environmentSchema,
  operation: planOperationSchema,
  /** Stack config values the plan was made with (stack config + this request's overrides). */
  config: z.record(z.string(), z.string()),
  /** The values this request itself sets; kept for the stack once the apply succeeds. */
  overrides: z.record(z.string(), z.string()),
  changes: z.array(resourceChangeSchema),
  cost: costSchema,
  risk: riskSchema,
  findings: z.array(policyFindingSchema),
  /** For a stack a capability built: the capability and parameters its program comes from. */
  builtBy: z.object({ capability: z.string(), params: z.record(z.string(), z.unknown()) }).optional(),
  /** The team that owns the stack (budgets, cost report), when known. */
  team: z.string().optional(),
  /** A temporary environment: destroyed this long after the apply, unless extended (ttl=…). */
  lifetimeMs: z.number().int().positive().optional(),
  /** Drift scans only: what differs from what was applied; the plan's changes put it back. */
  drift: z.array(driftItemSchema).optional(),
  /** Drift scans only: the stack's declared variable defaults (not sensitive), so Adopt can set a value the config leaves at its default. */
  defaults: z.record(z.string(), z.string()).optional(),
  estimatedSeconds: z.number().nullable(),
  madeBy: z.enum(['engine preview', 'program analysis']),
  /** Said on the card: why the plan was made the way it was, what it could not know. */
  notes: z.array(z.string()).default([]),
  /** The engine's saved plan (Terraform plan file, Pulumi update plan) and its digest. */
  artifact: z
    .object({
      path: z.string(),
      sha256: z.string(),
      /** The serial of the state the saved plan was made against (Terraform): the state's serial just before its apply. */
      priorStateSerial: z.number().int().optional(),
    })
    .nullable(),
  createdAt: z.string(),
  expiresAt: z.string(),
  hash: z.string(),
});
export type Plan = z.infer<typeof planSchema>;

import { z } from 'zod';
import { environmentSchema } from '../domain/environments.ts';

// What the guardrails are set to (config `policies`): budgets, tags, regions, ports, sizes, and a
// per-rule severity override. The rules themselves are in ./rules/, one per file.

const severity = z.enum(['block', 'warn', 'off']);
const perEnvironment = z.partialRecord(environmentSchema, z.number().positive());

export const policiesSchema = z
  .object({
    /** Monthly budget (USD) per environment, and per team and environment. */
    budgets: perEnvironment.default({ dev: 5_000, staging: 10_000, prod: 50_000 }),
    teamBudgets: z.record(z.string(), perEnvironment).default({}),
    /** Tags every taggable resource must carry. */
    requiredTags: z.array(z.string()).default(['team', 'environment', 'owner', 'managed-by']),
    /** Regions resources may be created in (empty: any). */
    allowedRegions: z.array(z.string()).default([]),
    /** Ports that may be opened to the internet in prod. */
    publicPortsInProd: z.array(z.number().int()).default([80, 443]),
    /** Largest cluster (workers) per environment. */
    maxClusterWorkers: perEnvironment.default({ dev: 8, staging: 16, prod: 64 }),
    /** Distinct approvals a destroy in prod needs. */
    prodDestroyApprovals: z.number().int().min(1).default(2),
    /** Per-rule severity override, e.g. { GL-TAG-001: warn }. */
    severity: z.record(z.string(), severity).default({}),
  })
  .strict();
export type Policies = z.infer<typeof policiesSchema>;

import { z } from 'zod';
import { environment, runtime } from '../../domain/program-api.ts';
import { type ChangeAsk, CATALOG as capabilities, type DeployAsk } from '../../workflow/index.ts';

// Bodies of the `/v1` API (seed 002's contract mapped onto capabilities). Everything from the
// network is `unknown` until parsed here; /openapi.json is generated from these schemas.

/** The capabilities that change something: a program plans and requests these; the rest only read. */
export const PLANNING_CAPABILITIES = capabilities.filter((c) => c.kind !== 'query').map((c) => c.id);
const [firstPlanning, ...otherPlanning] = PLANNING_CAPABILITIES;

export const deploymentId = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/, 'deployment_id: 1–100 letters, digits and . _ - (e.g. infra-2025-114)')
  .describe('Your id for this change: the same id always means the same request (retries are safe)');

/** Seed 002's input, mapped onto capabilities: `template_spec` is a capability and its parameters. */
export const changeAskSchema = z
  .object({
    capability: z
      .enum([firstPlanning ?? 'deploy_stack', ...otherPlanning])
      .optional()
      .describe("The capability to run (GET /openapi.json lists each one's parameters); or give `stack` alone"),
    stack: z
      .string()
      .regex(/^[a-z0-9][a-z0-9._-]*\/[a-z0-9][a-z0-9._-]*$/)
      .optional()
      .describe('A configured stack: alone, deploys it; with parameters, sets them as its config'),
    parameters: z.record(z.string(), z.unknown()).default({}).describe("The capability's parameters"),
    environment: environment.optional().describe('dev, staging or prod: must match the stack the change lands on'),
    runtime: runtime.optional().describe('terraform or pulumi: must match the stack'),
    policy_profile: z.string().max(100).optional().describe('Only "default" (the configured policies)'),
  })
  .strict();

export const generateBody = changeAskSchema.extend({ deployment_id: deploymentId.optional() }).strict();

export const deployBody = changeAskSchema
  .extend({
    deployment_id: deploymentId,
    webhook_url: z
      .url({ protocol: /^https?$/ })
      .max(2000)
      .optional()
      .describe('Called (signed) on each change of status'),
    note: z.string().max(500).optional().describe('Why: shown in the thread above the plan card'),
  })
  .strict();

/** A parsed /v1/generate body (or deploy body) as the workflow's ask. */
export function changeAsk(b: z.output<typeof generateBody>): ChangeAsk {
  return {
    capability: b.capability as ChangeAsk['capability'],
    stack: b.stack,
    parameters: b.parameters,
    environment: b.environment,
    runtime: b.runtime,
    policyProfile: b.policy_profile,
  };
}

/** A parsed /v1/deploy body (or MCP plan_change arguments) as the workflow's ask. */
export function deployAsk(b: z.output<typeof deployBody>): DeployAsk {
  return { ...changeAsk(b), deploymentId: b.deployment_id, webhookUrl: b.webhook_url, note: b.note };
}

export const driftScanBody = z
  .object({
    stack: z.string().min(3).max(200).optional(),
    environment: environment.optional(),
  })
  .strict()
  .refine((b) => (b.stack === undefined) !== (b.environment === undefined), 'give one of stack or environment');

export const idParam = z.object({ id: z.string().min(1).max(100) });

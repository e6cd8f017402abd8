import { z } from 'zod';
import { environmentSchema } from './environments.ts';
import { driftItemSchema } from './plan.ts';
import { CHANNEL_KINDS } from './types.ts';

// What programs and agents get back (the `/v1` HTTP API and the MCP tools). The zod schemas are
// the contract: /openapi.json is generated from them (bodies: src/channels/http/schemas.ts).

export const environment = environmentSchema;
export const runtime = z.enum(['terraform', 'pulumi']);
export const planViewSchema = z.object({
  capability: z.string(),
  stack: z.string(),
  environment,
  runtime,
  operation: z.enum(['apply', 'destroy']),
  plan_hash: z.string(),
  made_by: z.enum(['engine preview', 'program analysis']),
  changes: z.array(z.object({ address: z.string(), type: z.string(), operation: z.string() })),
  summary: z.record(z.string(), z.number()),
  cost: z.object({
    monthly_usd: z.number().nullable(),
    delta_usd: z.number().nullable(),
    currency: z.literal('USD'),
    assumptions: z.array(z.string()),
  }),
  risk: z.object({
    level: z.enum(['low', 'medium', 'high', 'critical']),
    score: z.number(),
    summary: z.string(),
    factors: z.array(z.object({ id: z.string(), label: z.string(), points: z.number() })),
  }),
  findings: z.array(z.object({ rule: z.string(), severity: z.string(), message: z.string() })),
  drift: z.array(driftItemSchema).optional(),
  notes: z.array(z.string()),
  expires_at: z.string(),
});
export type PlanView = z.infer<typeof planViewSchema>;

const threadRef = z.object({ channel: z.enum(CHANNEL_KINDS), id: z.string() });

export const deploymentStatusSchema = z.object({
  deployment_id: z.string().nullable(),
  request_id: z.string(),
  revision: z.number(),
  status: z.string().describe('awaiting_approval, approved, queued, applying, succeeded, failed, rejected, expired, superseded …'),
  stack: z.string(),
  environment,
  capability: z.string(),
  requester: z.string(),
  via: z.enum(['api', 'mcp']).nullable(),
  card_url: z.string().nullable(),
  thread: threadRef,
  plan: planViewSchema,
  approvals: z.array(z.object({ approver: z.string(), decision: z.string(), at: z.string(), counted: z.boolean() })),
  approvals_required: z.number(),
  approvers: z.string(),
  deployment: z
    .object({
      id: z.string(),
      status: z.string(),
      started_at: z.string().nullable(),
      finished_at: z.string().nullable(),
      outputs: z.record(z.string(), z.unknown()),
      events: z.array(z.object({ at: z.string(), type: z.string(), address: z.string().nullable(), message: z.string() })),
      error: z.object({ code: z.string().nullable(), message: z.string(), logs_ref: z.string() }).nullable(),
    })
    .nullable(),
});
export type DeploymentStatus = z.infer<typeof deploymentStatusSchema>;

export const noChangesSchema = z.object({ deployment_id: z.string(), status: z.literal('no_changes'), plan: planViewSchema });

export const driftReportSchema = z.object({
  stacks: z.array(
    z.object({
      stack: z.string(),
      environment,
      status: z.enum(['drifted', 'in_sync', 'not_deployed', 'failed']),
      drift: z.array(driftItemSchema),
      message: z.string().optional(),
    }),
  ),
});
export type DriftReport = z.infer<typeof driftReportSchema>;

export const logsSchema = z.object({ ref: z.string(), at: z.string().nullable(), stack: z.string().nullable(), text: z.string() });

export const errorSchema = z.object({
  error: z.object({
    code: z.string(),
    message: z.string(),
    next: z.string(),
    details: z.record(z.string(), z.unknown()).optional().describe('rules (GL-… ids) on 422 policy_blocked; logs_ref on 502'),
  }),
});

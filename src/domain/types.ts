// Plain domain types shared by every layer. No behaviour lives here. The plan's types are
// inferred from its zod schema (plan.ts) because plans are read back from the database.

export const REQUEST_STATUSES = [
  'planned',
  'awaiting_approval',
  'approved',
  'queued',
  'applying',
  'succeeded',
  'failed',
  'cancelled',
  'rejected',
  'expired',
  'superseded',
] as const;
export type RequestStatus = (typeof REQUEST_STATUSES)[number];

/** Statuses after which a request never changes again. */
export const FINAL_STATUSES: readonly RequestStatus[] = ['succeeded', 'failed', 'cancelled', 'rejected', 'expired', 'superseded'];

import type { Environment } from './environments.ts';

export type { Environment };
export type EngineKind = 'terraform' | 'pulumi';
export const CHANNEL_KINDS = ['console', 'slack', 'teams'] as const;
export type ChannelKind = (typeof CHANNEL_KINDS)[number];

/** A user as the workflow knows them: `console:alice`, later `slack:T1:U2`, `teams:<aad id>`. */
export type PrincipalId = string;

export type {
  Cost,
  CostLine,
  Plan,
  PlanOperation,
  PolicyFinding,
  ResourceChange,
  ResourceOperation,
  Risk,
  RiskFactor,
  RiskLevel,
} from './plan.ts';

import type { Plan } from './plan.ts';

export interface ThreadRef {
  channel: ChannelKind;
  id: string;
}

export interface ChangeRequest {
  id: string;
  revision: number;
  status: RequestStatus;
  requester: PrincipalId;
  /**
   * Everyone who changed the request into this revision (Modify, a thread follow-up, a form).
   * They are requesters of it too: none of them can approve it.
   */
  editors: PrincipalId[];
  capability: string;
  stack: string;
  environment: Environment;
  text: string;
  thread: ThreadRef;
  planMessageId: string | null;
  plan: Plan;
  createdAt: string;
  updatedAt: string;
}

export interface Approval {
  requestId: string;
  revision: number;
  approver: PrincipalId;
  planHash: string;
  decision: 'approve' | 'reject';
  at: string;
}

export type DeploymentStatus = 'queued' | 'applying' | 'succeeded' | 'failed' | 'cancelled';

export interface DeploymentEventRecord {
  seq: number;
  at: string;
  type: string;
  address: string | null;
  message: string;
}

export interface Deployment {
  id: string;
  requestId: string;
  revision: number;
  stack: string;
  status: DeploymentStatus;
  startedAt: string | null;
  finishedAt: string | null;
  outputs: Record<string, unknown>;
  error: string | null;
  errorCode: string | null;
  /** The engine process that applied it (its own process group), when known. */
  enginePid: number | null;
  /** The state's serial when the apply started (from its saved plan), where the engine has one. */
  stateSerialBefore: number | null;
  events: DeploymentEventRecord[];
  /** An interrupted apply someone checked and marked resolved. */
  resolved?: { by: string; at: string; note: string } | undefined;
}

/** A stack as the registry of deployed resources knows it: the plan of its last successful apply. */
export interface DeployedStack {
  stack: string;
  environment: Environment;
  capability: string;
  team: string | null;
  requestId: string;
  appliedBy: string;
  appliedAt: string;
  monthlyUsd: number | null;
  resources: { address: string; type: string }[];
  /** A temporary environment: when its lifetime ends (null: permanent). */
  expiresAt: string | null;
}

/** A stack lock as `locks` shows it: who holds it, since when, for which request. */
export interface StackLock {
  stack: string;
  deploymentId: string;
  /** The replica holding it (`host:pid:…`); null for a lock written before leases. */
  owner: string | null;
  since: string;
  expiresAt: string | null;
  requestId: string | null;
  revision: number | null;
  requester: string | null;
  text: string | null;
}

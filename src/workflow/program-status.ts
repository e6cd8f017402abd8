import { GreenlightError } from '../domain/errors.ts';
import type { DeploymentStatus, PlanView } from '../domain/program-api.ts';
import type { ChangeRequest, EngineKind, Plan } from '../domain/types.ts';
import type { Db } from '../store/database.ts';
import { findDeployment } from '../store/deployments.ts';
import { findEngineLog, findProgramRequest, type ProgramVia } from '../store/program-requests.ts';
import { findRequest, listApprovals } from '../store/requests.ts';
import type { ApprovalPolicy } from './approval-policy.ts';

// How a program sees a plan and a request (the /v1 answers and the MCP tools' data): the plan's
// changes, cost, risk and findings; the request's status, approvals, deployment and logs.

export interface StatusDeps {
  db: Db;
  policy: ApprovalPolicy;
  planUrl: (requestId: string) => string | undefined;
  runtimeOf: (plan: Pick<Plan, 'stack' | 'builtBy'>) => EngineKind;
}

export function planView(plan: Plan, runtime: EngineKind): PlanView {
  const summary: Record<string, number> = {};
  for (const c of plan.changes) summary[c.operation] = (summary[c.operation] ?? 0) + 1;
  return {
    capability: plan.capability,
    stack: plan.stack,
    environment: plan.environment,
    runtime,
    operation: plan.operation,
    plan_hash: plan.hash,
    made_by: plan.madeBy,
    changes: plan.changes.map((c) => ({ address: c.address, type: c.type, operation: c.operation })),
    summary,
    cost: { monthly_usd: plan.cost.monthlyUsd, delta_usd: plan.cost.deltaUsd, currency: 'USD', assumptions: plan.cost.assumptions },
    risk: { level: plan.risk.level, score: plan.risk.score, summary: plan.risk.summary ?? '', factors: plan.risk.factors },
    findings: plan.findings.map((f) => ({ rule: f.ruleId, severity: f.severity, message: f.message })),
    ...(plan.drift ? { drift: plan.drift } : {}),
    notes: plan.notes,
    expires_at: plan.expiresAt,
  };
}

/** A request as a program follows it, by deployment id or request id. */
export async function programStatus(deps: StatusDeps, id: string): Promise<DeploymentStatus> {
  const origin = await findProgramRequest(deps.db, id);
  const request = await findRequest(deps.db, origin?.requestId ?? id);
  if (!request) throw new GreenlightError('not_found', `There is no deployment or request ${id}.`);
  return describe(deps, request, origin ?? undefined);
}

async function describe(
  deps: StatusDeps,
  request: ChangeRequest,
  origin?: { deploymentId: string; via: ProgramVia },
): Promise<DeploymentStatus> {
  const { policy, db } = deps;
  const approvals = (await listApprovals(db, request.id)).filter((a) => a.revision === request.revision);
  const counted = new Set(policy.counted(request, approvals).map((a) => a.approver));
  const deployment = await findDeployment(db, { requestId: request.id, revision: request.revision });
  const failed = deployment && (deployment.status === 'failed' || deployment.status === 'cancelled');
  return {
    deployment_id: origin?.deploymentId ?? null,
    request_id: request.id,
    revision: request.revision,
    status: request.status,
    stack: request.stack,
    environment: request.environment,
    capability: request.capability,
    requester: request.requester,
    via: origin?.via ?? null,
    card_url: deps.planUrl(request.id) ?? null,
    thread: request.thread,
    plan: planView(request.plan, deps.runtimeOf(request.plan)),
    approvals: approvals.map((a) => ({ approver: a.approver, decision: a.decision, at: a.at, counted: counted.has(a.approver) })),
    approvals_required: policy.state(request, []).need,
    approvers: policy.describe(request),
    deployment: deployment
      ? {
          id: deployment.id,
          status: deployment.status,
          started_at: deployment.startedAt,
          finished_at: deployment.finishedAt,
          outputs: deployment.outputs,
          events: deployment.events.map((e) => ({ at: e.at, type: e.type, address: e.address, message: e.message })),
          error: failed ? { code: deployment.errorCode, message: deployment.error ?? 'failed', logs_ref: deployment.id } : null,
        }
      : null,
  };
}

/** What a logs_ref points at: a failed plan's engine output, or a deployment's events and error. */
export async function programLogs(db: Db, ref: string): Promise<{ ref: string; at: string | null; stack: string | null; text: string }> {
  if (ref.startsWith('lg-')) {
    const log = await findEngineLog(db, ref);
    if (log) return { ref, at: log.at, stack: log.stack, text: log.text };
  }
  const deployment = await findDeployment(db, { id: ref });
  if (!deployment) throw new GreenlightError('not_found', `There are no logs ${ref}.`);
  const lines = deployment.events.map((e) => `${e.at} ${e.type}${e.address ? ` ${e.address}` : ''}: ${e.message}`);
  if (deployment.error) lines.push(`error (${deployment.errorCode ?? 'engine_failed'}): ${deployment.error}`);
  return { ref, at: deployment.finishedAt, stack: deployment.stack, text: lines.join('\n') };
}

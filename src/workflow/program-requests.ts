import { type CapabilityId, capabilities } from '../../capabilities/index.ts';
import type { PlanningCapability } from '../../capabilities/types.ts';
import { noteCard } from '../../cards/builders.ts';
import { describeIssues, GreenlightError, toGreenlightError } from '../domain/errors.ts';
import { canonicalJson, sha256 } from '../domain/hash.ts';
import type { DeploymentStatus, DriftReport, PlanView } from '../domain/program-api.ts';
import { secrets } from '../domain/redaction.ts';
import type { EngineKind, Environment, Plan, PrincipalId } from '../domain/types.ts';
import type { Logger } from '../observability/logger.ts';
import { paramNames } from '../router/params.ts';
import type { Db } from '../store/database.ts';
import { findProgramRequest, insertProgramRequest, type ProgramVia, saveEngineLog } from '../store/program-requests.ts';
import type { ApprovalPolicy } from './approval-policy.ts';
import type { ChangeWorkflow } from './change-workflow.ts';
import { threadFor } from './destinations.ts';
import { discardArtifact, hasEffectiveChanges, neverDeployed } from './planner.ts';
import { planView, programLogs, programStatus } from './program-status.ts';
import type { Publisher } from './publisher.ts';
import type { StackRegistry } from './stacks.ts';
import type { WebhookTargets } from './webhook-targets.ts';

// Programs and agents as requesters (seed 002's contract): plan a change and show it (generate),
// open it as a request that people approve in chat (deploy), follow it (status), compare stacks
// with the real world (drift scan). The same capabilities, planner, policies and approval rules
// as a chat message; a program never approves. The HTTP API and the MCP server both call this.

/** A state-changing capability with the parameters a program gave. */
export interface ChangeAsk {
  capability?: CapabilityId | undefined;
  /** Shorthand: a stack alone deploys it; with parameters, sets them as its config. */
  stack?: string | undefined;
  parameters: Record<string, unknown>;
  environment?: Environment | undefined;
  runtime?: EngineKind | undefined;
  policyProfile?: string | undefined;
}

export interface DeployAsk extends ChangeAsk {
  deploymentId: string;
  webhookUrl?: string | undefined;
  /** Why, in the program's words: shown in the thread. */
  note?: string | undefined;
}

/** Who calls: a token's principal, how it came, and where its requests go for approval. */
export interface ProgramCaller {
  principal: PrincipalId;
  via: ProgramVia;
  /** `console`, `slack:<channel>` or `teams:<conversation>`; the configured default when null. */
  postTo: string | null;
}

export interface ProgramRequestsDeps {
  db: Db;
  workflow: ChangeWorkflow;
  stacks: StackRegistry;
  policy: ApprovalPolicy;
  publisher: Publisher;
  now: () => Date;
  log: Logger;
  /** Where requests go when the token names no place (config `api.postTo`). */
  defaultPostTo: string;
  /** Which webhook URLs a deploy may give (config `api.webhookAllow`). */
  webhookTargets: WebhookTargets;
  planUrl: (requestId: string) => string | undefined;
}

const RUNNING = new Set(['approved', 'queued', 'applying']);
/** The only policy profile: the configured policies. */
const POLICY_PROFILES = new Set(['default']);

export class ProgramRequests {
  constructor(private readonly deps: ProgramRequestsDeps) {}

  /** The capability and its parsed parameters; a 422 naming each problem otherwise. */
  private resolve(ask: ChangeAsk): { cap: PlanningCapability; params: Record<string, unknown> } {
    if (ask.policyProfile !== undefined && !POLICY_PROFILES.has(ask.policyProfile)) {
      throw new GreenlightError(
        'invalid_request',
        `Unknown policy_profile "${ask.policyProfile}": Greenlight applies its configured policies (profile "default").`,
        {
          details: { rules: [] },
        },
      );
    }
    const id = ask.capability ?? (ask.stack ? (Object.keys(ask.parameters).length ? 'update_stack_config' : 'deploy_stack') : undefined);
    if (!id) throw new GreenlightError('invalid_request', 'Name a capability (e.g. provision_storage) or a stack (e.g. sandbox/dev).');
    const cap = capabilities.find((c) => c.id === id);
    if (!cap) throw new GreenlightError('invalid_request', `There is no capability ${id}.`);
    if (cap.kind === 'query') {
      throw new GreenlightError('invalid_request', `${cap.id} only reads: use GET /v1/status/{id}, or the MCP tool of that name.`);
    }
    const params: Record<string, unknown> =
      ask.capability || !ask.stack
        ? { ...ask.parameters }
        : id === 'deploy_stack'
          ? { stack: ask.stack }
          : { stack: ask.stack, values: Object.fromEntries(Object.entries(ask.parameters).map(([k, v]) => [k, String(v)])) };
    if (ask.stack && ask.capability && params.stack === undefined) params.stack = ask.stack;
    // `environment` is the seed's top-level field; capabilities that take one read it from there.
    if (ask.environment && params.environment === undefined && paramNames(cap.params).includes('environment')) {
      params.environment = ask.environment;
    }
    const parsed = cap.params.safeParse(params);
    if (!parsed.success) {
      const issues = parsed.error.issues.map((i) => ({ path: ['parameters', ...i.path], message: i.message }));
      throw new GreenlightError('invalid_request', `${cap.id}: ${describeIssues(issues)}. Usage: ${cap.usage}`, {
        details: { issues: issues.map((i) => ({ path: i.path.map(String).join('.'), message: i.message })) },
      });
    }
    return { cap, params: parsed.data as Record<string, unknown> };
  }

  /** Plans the change; refuses (and discards) a plan that does not match what was asked or that policy blocks. */
  private async plan(
    caller: ProgramCaller,
    ask: ChangeAsk,
  ): Promise<{ id: string; plan: Plan; cap: PlanningCapability; params: Record<string, unknown> }> {
    const { cap, params } = this.resolve(ask);
    let planned: { id: string; plan: Plan };
    try {
      planned = await this.deps.workflow.planChange(caller.principal, cap, params);
    } catch (error) {
      throw await this.withLogsRef(caller, ask.stack ?? (typeof params.stack === 'string' ? params.stack : null), error);
    }
    const { plan } = planned;
    try {
      const runtime = this.runtimeOf(plan);
      if (ask.environment && ask.environment !== plan.environment)
        throw new GreenlightError(
          'invalid_request',
          `environment is ${ask.environment}, but ${plan.stack} is a ${plan.environment} stack.`,
        );
      if (ask.runtime && ask.runtime !== runtime)
        throw new GreenlightError('invalid_request', `runtime is ${ask.runtime}, but ${plan.stack} runs on ${runtime}.`);
      const blocking = plan.findings.filter((f) => f.severity === 'block');
      if (blocking.length) {
        throw new GreenlightError('policy_blocked', `Blocked by policy: ${blocking.map((f) => `${f.ruleId} ${f.message}`).join('; ')}`, {
          details: { rules: blocking.map((f) => f.ruleId), findings: planView(plan, runtime).findings },
        });
      }
    } catch (error) {
      discardArtifact(plan);
      throw error;
    }
    return { ...planned, cap, params };
  }

  private runtimeOf(plan: Pick<Plan, 'stack' | 'builtBy'>): EngineKind {
    return this.deps.stacks.list().find((s) => s.name === plan.stack)?.engine ?? 'pulumi';
  }

  /** An engine failure keeps its output (masked) and answers 502 with a reference to it. */
  private async withLogsRef(caller: ProgramCaller, stack: string | null, error: unknown): Promise<GreenlightError> {
    const failure = toGreenlightError(error);
    if (failure.code !== 'engine_failed') return failure;
    const ref = await saveEngineLog(this.deps.db, {
      actor: caller.principal,
      stack,
      text: secrets.text(failure.message),
      at: this.deps.now().toISOString(),
    });
    return new GreenlightError('engine_failed', `The engine failed while planning: ${secrets.text(failure.message).split('\n')[0]}`, {
      cause: failure,
      details: { logs_ref: ref },
    });
  }

  /** POST /v1/generate: the plan, its cost, risk and findings. Nothing is stored. */
  async generate(caller: ProgramCaller, ask: ChangeAsk): Promise<PlanView> {
    const { plan } = await this.plan(caller, ask);
    discardArtifact(plan);
    return planView(plan, this.runtimeOf(plan));
  }

  /**
   * POST /v1/deploy: opens a request awaiting human approval in the caller's place (a new console
   * thread by default). The deployment id makes retries safe: the same id and body return the same
   * request; the same id while it runs, or with a different body, is a conflict.
   */
  async deploy(
    caller: ProgramCaller,
    ask: DeployAsk,
  ): Promise<{ created: boolean; status: DeploymentStatus | { deployment_id: string; status: 'no_changes'; plan: PlanView } }> {
    const { cap, params } = this.resolve(ask);
    if (ask.webhookUrl !== undefined) await this.deps.webhookTargets.check(ask.webhookUrl);
    const inputHash = sha256(
      canonicalJson({ capability: cap.id, params, environment: ask.environment ?? null, runtime: ask.runtime ?? null }),
    );
    const existing = await findProgramRequest(this.deps.db, ask.deploymentId);
    if (existing) return { created: false, status: await this.replay(existing, inputHash, caller) };
    const at = this.deps.now().toISOString();
    const { id, plan } = await this.plan(caller, ask);
    if (!hasEffectiveChanges(plan)) {
      discardArtifact(plan);
      return {
        created: false,
        status: { deployment_id: ask.deploymentId, status: 'no_changes', plan: planView(plan, this.runtimeOf(plan)) },
      };
    }
    const thread = threadFor(caller.postTo ?? this.deps.defaultPostTo);
    const text = `${cap.id} ${Object.entries(params)
      .map(([k, v]) => `${k}=${typeof v === 'object' ? JSON.stringify(v) : String(v)}`)
      .join(' ')}`;
    let reserved = true;
    await this.deps.workflow.open(id, { user: caller.principal, text, thread }, cap, params, plan, async (request) => {
      reserved = await insertProgramRequest(this.deps.db, {
        deploymentId: ask.deploymentId,
        requestId: request.id,
        principal: caller.principal,
        via: caller.via,
        inputHash,
        webhookUrl: ask.webhookUrl ?? null,
        createdAt: at,
      });
      if (!reserved) return;
      await this.deps.publisher.postFrom(
        thread,
        caller.principal,
        noteCard('', `${ask.note ? `${ask.note}\n` : ''}${text}`, {
          context: [`deployment ${ask.deploymentId}, ${caller.via === 'mcp' ? 'over MCP' : 'over the HTTP API'}`],
        }),
      );
    });
    if (!reserved) {
      // A concurrent call with the same deployment id won the race: withdraw this one.
      await this.deps.workflow.act({ user: caller.principal, requestId: id, action: 'reject' }).catch(() => undefined);
      const winner = await findProgramRequest(this.deps.db, ask.deploymentId);
      if (winner) return { created: false, status: await this.replay(winner, inputHash, caller) };
    }
    this.deps.log.info(
      { deploymentId: ask.deploymentId, requestId: id, principal: caller.principal, via: caller.via },
      'program request opened',
    );
    return { created: true, status: await this.status(id) };
  }

  private async replay(
    existing: { requestId: string; inputHash: string; deploymentId: string; principal: string },
    inputHash: string,
    caller: ProgramCaller,
  ): Promise<DeploymentStatus> {
    // Ids are per token: another program's id is not a way to adopt its request.
    if (existing.principal !== caller.principal || existing.inputHash !== inputHash) {
      throw new GreenlightError(
        'deployment_conflict',
        `deployment_id ${existing.deploymentId} was used for a different change (${existing.requestId}): choose a new deployment_id.`,
        { details: { request_id: existing.requestId } },
      );
    }
    const status = await this.status(existing.requestId);
    if (RUNNING.has(status.status)) {
      throw new GreenlightError(
        'deployment_running',
        `Deployment ${existing.deploymentId} (${existing.requestId}) is ${status.status}: wait for it to finish.`,
        {
          details: { request_id: existing.requestId, status: status.status },
        },
      );
    }
    return status;
  }

  /** GET /v1/status/{id}: by deployment id or request id. */
  status(id: string): Promise<DeploymentStatus> {
    return programStatus({ ...this.deps, runtimeOf: (plan) => this.runtimeOf(plan) }, id);
  }

  /** GET /v1/logs/{ref}: a failed plan's engine output, or a deployment's events and error. */
  logs(ref: string): Promise<{ ref: string; at: string | null; stack: string | null; text: string }> {
    return programLogs(this.deps.db, ref);
  }

  /**
   * POST /v1/drift-scan: one stack, or every configured stack of an environment. Reports what
   * differs from what was applied; nothing is stored (a remediation goes through /v1/deploy with
   * capability drift_scan, and people approve it).
   */
  async driftScan(
    caller: ProgramCaller,
    scope: { stack?: string | undefined; environment?: Environment | undefined },
  ): Promise<DriftReport> {
    const names = scope.stack
      ? [scope.stack]
      : this.deps.stacks
          .list()
          .filter((s) => s.environment === scope.environment)
          .map((s) => s.name);
    const out: DriftReport['stacks'] = [];
    for (const stack of names) {
      try {
        const { plan } = await this.plan(caller, { capability: 'drift_scan', parameters: { stack } });
        discardArtifact(plan);
        const neverApplied = neverDeployed(plan);
        const view = planView(plan, this.runtimeOf(plan));
        out.push({
          stack,
          environment: plan.environment,
          status: neverApplied ? 'not_deployed' : view.drift?.length || hasEffectiveChanges(plan) ? 'drifted' : 'in_sync',
          drift: view.drift ?? [],
        });
      } catch (error) {
        if (scope.stack) throw error;
        out.push({
          stack,
          environment: scope.environment ?? 'dev',
          status: 'failed',
          drift: [],
          message: toGreenlightError(error).message,
        });
      }
    }
    return { stacks: out };
  }
}

import { chmodSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { trace } from '@opentelemetry/api';
import type { PlanDraft } from '../../capabilities/types.ts';
import { GreenlightError } from '../domain/errors.ts';
import { canonicalJson, sha256 } from '../domain/hash.ts';
import type { DriftItem } from '../domain/plan.ts';
import type { Environment, Plan, PolicyFinding, ResourceChange } from '../domain/types.ts';
import type { Engine, StackTarget } from '../engines/engine.ts';
import { estimateCost } from '../planning/cost.ts';
import { driftOf, mergeDrift } from '../planning/drift.ts';
import type { PlanFacts } from '../planning/plan-facts.ts';
import { evaluatePolicies, type Policies } from '../planning/policies.ts';
import { analyseProgram } from '../planning/program-analysis.ts';
import { assessRisk } from '../planning/risk.ts';
import type { StackRegistry } from './stacks.ts';

// Turns a capability's draft ("this operation on this stack, these config overrides, or this
// Pulumi program") into a Plan: engine preview with a saved plan file (or, for a program when no
// engine can preview, program analysis), cost, risk, policy findings, expiry, and the hash an
// approval binds to.

export interface PlanRequest {
  capability: string;
  params: Record<string, unknown>;
  draft: PlanDraft;
  /** File name stem for the saved plan, e.g. the request id and revision. */
  artifactName: string;
  /** At apply time only an engine preview will do: program analysis is not a plan to apply. */
  requireEngine?: boolean;
  /** Said on the card before the planner's own notes (e.g. values filled from memory). */
  notes?: string[];
  /**
   * A temporary environment's lifetime (ms after the apply), or how to find one from the
   * environment the plan lands in (an environment's default); undefined: not temporary.
   */
  lifetimeMs?: number | ((environment: Environment) => number | undefined) | undefined;
}

export interface PlannerOptions {
  stacks: StackRegistry;
  dataDir: string;
  ttlMs: number;
  now: () => Date;
  /** Told how long each engine preview took (metrics). */
  onPreview?: (stack: string, engineMs: number) => void;
  /** Guardrails checked on every plan; none when absent. */
  policies?: Policies;
  /** Monthly spend already running in an environment (and a team's share), other stacks only. */
  spend?: (environment: Environment, team: string | undefined, stack: string) => Promise<{ environment: number; team: number }>;
  /** Told each finding (metrics). */
  onFinding?: (finding: PolicyFinding, environment: Environment) => void;
}

const tracer = trace.getTracer('greenlight');

interface Preview {
  changes: ResourceChange[];
  madeBy: Plan['madeBy'];
  notes: string[];
  artifact: Plan['artifact'];
  engineMs: number;
  drift?: DriftItem[];
  defaults?: Record<string, string>;
}

export class Planner {
  constructor(private readonly options: PlannerOptions) {}

  async plan(request: PlanRequest, signal?: AbortSignal): Promise<{ plan: Plan; engineMs: number }> {
    return tracer.startActiveSpan('infra.plan', async (span) => {
      try {
        span.setAttributes({ 'infra.stack': request.draft.stack, 'infra.capability': request.capability });
        return await this.makePlan(request, signal);
      } finally {
        span.end();
      }
    });
  }

  /** A plan shown for information only (`preview`, `greenlight plan`): its saved file is not kept. */
  async planToShow(request: PlanRequest): Promise<Plan> {
    const { plan } = await this.plan(request);
    discardArtifact(plan);
    return plan;
  }

  private async preview(request: PlanRequest, signal?: AbortSignal): Promise<Preview & { config: Record<string, string> }> {
    const { stacks, dataDir } = this.options;
    const { draft } = request;
    const stack = stacks.forDraft(draft);
    const config = draft.program ? {} : await stacks.effectiveConfig(stack, draft.overrides);
    const planDir = join(dataDir, 'plans');
    // Saved plans hold the stack's config values: readable by Greenlight's user only.
    mkdirSync(planDir, { recursive: true, mode: 0o700 });
    const planFile = join(planDir, `${request.artifactName}.plan`);
    try {
      const engine = stacks.engine(stack);
      const target = stacks.target(stack, config, draft.program);
      const refreshed = draft.scanDrift ? await this.refreshDrift(engine, target, planFile, signal) : null;
      const result = await engine.preview(target, draft.operation, planFile, {
        ...(signal ? { signal } : {}),
        ...(draft.scanDrift ? { refresh: true } : {}),
      });
      chmodSync(planFile, 0o600);
      this.options.onPreview?.(stack.name, result.engineMs);
      return {
        changes: result.changes,
        madeBy: 'engine preview',
        notes: [],
        artifact: {
          path: planFile,
          sha256: sha256(readFileSync(planFile)),
          ...(result.priorStateSerial === undefined ? {} : { priorStateSerial: result.priorStateSerial }),
        },
        engineMs: result.engineMs + (refreshed?.engineMs ?? 0),
        config,
        ...(refreshed ? { drift: mergeDrift(refreshed.drift, driftOf(result.changes, 'config')) } : {}),
        ...(refreshed && result.defaults ? { defaults: result.defaults } : {}),
      };
    } catch (error) {
      // No engine here (no CLI): a capability's program can still be analysed, and the card
      // says so. The apply will need a real engine preview that makes the same changes.
      if (!draft.program || request.requireEngine || !(error instanceof GreenlightError) || error.code !== 'engine_not_found') throw error;
      if (draft.operation !== 'apply') throw error;
      const started = performance.now();
      const changes = await analyseProgram(draft.program);
      return {
        changes,
        madeBy: 'program analysis',
        notes: [
          `No engine preview (${error.message.split('. ')[0]}): resources listed by running the program against mocks. Review only: a plan that can be approved needs the engine.`,
        ],
        artifact: null,
        engineMs: performance.now() - started,
        config,
      };
    }
  }

  /** A refresh-only preview: what the engine reads in the real world against the recorded state. */
  private async refreshDrift(engine: Engine, target: StackTarget, planFile: string, signal?: AbortSignal) {
    return tracer.startActiveSpan('infra.drift-scan', async (span) => {
      const refreshFile = `${planFile}.refresh`;
      try {
        span.setAttribute('infra.stack', target.name);
        const result = await engine.preview(target, 'refresh-only', refreshFile, signal ? { signal } : {});
        return { drift: driftOf(result.drift, 'refresh'), engineMs: result.engineMs };
      } finally {
        rmSync(refreshFile, { force: true });
        span.end();
      }
    });
  }

  private async makePlan(request: PlanRequest, signal?: AbortSignal): Promise<{ plan: Plan; engineMs: number }> {
    const { stacks, ttlMs, now } = this.options;
    const { draft } = request;
    const stack = stacks.forDraft(draft);
    const preview = await this.preview(request, signal);
    const lifetimeMs = typeof request.lifetimeMs === 'function' ? request.lifetimeMs(stack.environment) : request.lifetimeMs;
    const lifetimeNotes =
      typeof request.lifetimeMs === 'function' && lifetimeMs
        ? [
            `Temporary by default in ${stack.environment} (lifetimes.${stack.environment}.temporaryByDefault): say ttl=… for another lifetime.`,
          ]
        : [];
    const cost = estimateCost(preview.changes, draft.costHints);
    const firstDeploy = !preview.changes.some((c) => c.operation !== 'create' && c.operation !== 'read');
    const team = draft.team ?? (typeof request.params.team === 'string' ? request.params.team : undefined) ?? stack.team;
    const builtBy = draft.builtBy ?? (draft.program ? { capability: request.capability, params: request.params } : undefined);
    const { policies, spend, onFinding } = this.options;
    const facts: PlanFacts = {
      environment: stack.environment,
      operation: draft.operation,
      changes: preview.changes,
      cost,
      team,
      spend: spend ? await spend(stack.environment, team, stack.name) : { environment: 0, team: 0 },
      firstDeploy,
    };
    const findings = policies ? evaluatePolicies(policies, facts) : [];
    for (const finding of findings) onFinding?.(finding, stack.environment);
    const risk = assessRisk({
      ...facts,
      warnings: findings.filter((f) => f.severity === 'warn').length,
      budget: policies?.budgets[stack.environment],
    });
    const created = now();
    const withoutHash: Omit<Plan, 'hash'> = {
      capability: request.capability,
      params: request.params,
      ...(team ? { team } : {}),
      ...(builtBy ? { builtBy } : {}),
      stack: stack.name,
      environment: stack.environment,
      operation: draft.operation,
      config: preview.config,
      overrides: draft.overrides,
      changes: preview.changes,
      cost,
      risk,
      findings,
      estimatedSeconds: null,
      madeBy: preview.madeBy,
      ...(preview.drift ? { drift: preview.drift } : {}),
      ...(preview.defaults ? { defaults: preview.defaults } : {}),
      ...(lifetimeMs && draft.operation === 'apply' ? { lifetimeMs } : {}),
      notes: [...(request.notes ?? []), ...(draft.notes ?? []), ...preview.notes, ...(draft.operation === 'apply' ? lifetimeNotes : [])],
      artifact: preview.artifact,
      createdAt: created.toISOString(),
      expiresAt: new Date(created.getTime() + ttlMs).toISOString(),
    };
    return { plan: { ...withoutHash, hash: sha256(canonicalJson(withoutHash)) }, engineMs: preview.engineMs };
  }
}

/**
 * What a plan would do to real resources, without when it was made or the config that led there:
 * equal digests mean an apply of either plan makes the same changes.
 */
export function changesDigest(plan: Pick<Plan, 'operation' | 'stack' | 'changes'>): string {
  const effective = plan.changes.filter((c) => c.operation !== 'no-op' && c.operation !== 'read').map(({ previous: _previous, ...c }) => c);
  return sha256(canonicalJson({ operation: plan.operation, stack: plan.stack, changes: effective }));
}

/** Removes the saved plan file of a plan that will never be applied. */
export function discardArtifact(plan: Pick<Plan, 'artifact'>): void {
  if (plan.artifact) rmSync(plan.artifact.path, { force: true });
}

/**
 * A drift scan of a stack with nothing in its state yet: no refresh drift, and every change a
 * create. There is nothing to drift; it needs deploying. (Resources deleted by hand are drift the
 * refresh reports.)
 */
export function neverDeployed(plan: Pick<Plan, 'changes' | 'drift'>): boolean {
  const refreshed = (plan.drift ?? []).some((d) => d.source === 'refresh');
  return !refreshed && plan.changes.length > 0 && plan.changes.every((c) => c.operation === 'create');
}

/** True when applying the plan would change something (not only no-ops and reads). */
export function hasEffectiveChanges(plan: Pick<Plan, 'changes'>): boolean {
  return plan.changes.some((c) => c.operation !== 'no-op' && c.operation !== 'read');
}

/** True when the saved plan file on disk is still the one the plan's hash covers. */
export function artifactIntact(plan: Plan): boolean {
  if (!plan.artifact) return false;
  try {
    return sha256(readFileSync(plan.artifact.path)) === plan.artifact.sha256;
  } catch {
    return false;
  }
}

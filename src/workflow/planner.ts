import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { trace } from '@opentelemetry/api';
import { canonicalJson, sha256 } from '../domain/hash.ts';
import type { Plan, PlanOperation } from '../domain/types.ts';
import { estimateCost } from '../planning/cost.ts';
import { assessRisk } from '../planning/risk.ts';
import type { StackRegistry } from './stacks.ts';

// Turns "this operation on this stack with these config overrides" into a Plan: engine preview
// (saved plan file), cost, risk, policy findings, expiry and the hash an approval binds to.

export interface PlanRequest {
  capability: string;
  params: Record<string, unknown>;
  stack: string;
  operation: PlanOperation;
  /** Config values this request changes; merged over the stack's current config. */
  overrides: Record<string, string>;
  /** File name stem for the saved plan, e.g. the request id and revision. */
  artifactName: string;
}

export interface PlannerOptions {
  stacks: StackRegistry;
  dataDir: string;
  ttlMs: number;
  now: () => Date;
  /** Told how long each engine preview took (metrics). */
  onPreview?: (stack: string, engineMs: number) => void;
}

const tracer = trace.getTracer('greenlight');

export class Planner {
  constructor(private readonly options: PlannerOptions) {}

  async plan(request: PlanRequest, signal?: AbortSignal): Promise<{ plan: Plan; engineMs: number }> {
    return tracer.startActiveSpan('infra.plan', async (span) => {
      try {
        span.setAttributes({ 'infra.stack': request.stack, 'infra.capability': request.capability });
        return await this.makePlan(request, signal);
      } finally {
        span.end();
      }
    });
  }

  private async makePlan(request: PlanRequest, signal?: AbortSignal): Promise<{ plan: Plan; engineMs: number }> {
    const { stacks, dataDir, ttlMs, now } = this.options;
    const stack = stacks.get(request.stack);
    const engine = stacks.engine(stack);
    const config = await stacks.effectiveConfig(stack, request.overrides);
    const planDir = join(dataDir, 'plans');
    mkdirSync(planDir, { recursive: true });
    const planFile = join(planDir, `${request.artifactName}.tfplan`);
    const preview = await engine.preview(stacks.target(stack, config), request.operation, planFile, signal ? { signal } : {});
    this.options.onPreview?.(stack.name, preview.engineMs);
    const cost = estimateCost(preview.changes);
    const firstDeploy = !preview.changes.some((c) => c.operation !== 'create' && c.operation !== 'read');
    const risk = assessRisk({
      environment: stack.environment,
      operation: request.operation,
      changes: preview.changes,
      cost,
      firstDeploy,
    });
    const created = now();
    const withoutHash: Omit<Plan, 'hash'> = {
      capability: request.capability,
      params: request.params,
      stack: stack.name,
      environment: stack.environment,
      operation: request.operation,
      config,
      overrides: request.overrides,
      changes: preview.changes,
      cost,
      risk,
      findings: [],
      estimatedSeconds: null,
      madeBy: 'engine preview',
      artifact: { path: planFile, sha256: sha256(readFileSync(planFile)) },
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
  const effective = plan.changes.filter((c) => c.operation !== 'no-op' && c.operation !== 'read');
  return sha256(canonicalJson({ operation: plan.operation, stack: plan.stack, changes: effective }));
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

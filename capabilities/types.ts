import type { z } from 'zod';
import type { Card } from '../cards/model.ts';
import type { Environment, PlanOperation, PrincipalId } from '../src/domain/types.ts';
import type { InlineProgram } from '../src/engines/engine.ts';
import type { CostHints } from '../src/planning/cost.ts';
import type { CapabilityId } from './index.ts';
import type { QueryServices } from './ports.ts';

// The capability contract (seed 000 / 004): an id, words for people, a zod schema of its
// parameters, examples, and either `plan` (state-changing) or `run` (read-only).

/** A registered capability's id: derived from the registry (capabilities/index.ts), never listed twice. */
export type { CapabilityId } from './index.ts';

export type CapabilityKind = 'provision' | 'operate' | 'query';

/** What a state-changing capability asks the planner for. */
export interface PlanDraft {
  stack: string;
  operation: PlanOperation;
  /** Stack config values this request sets (merged over the stack's current config). */
  overrides: Record<string, string>;
  /** For capabilities that build their own stack: its Pulumi program and environment. */
  program?: InlineProgram;
  environment?: Environment;
  /** Facts the cost estimator needs that no resource carries (e.g. hours a cluster runs). */
  costHints?: CostHints;
  /** Drift scan: also read the real resources (refresh-only) and list what differs. */
  scanDrift?: boolean;
  /** Said on the card (e.g. which earlier version a rollback re-applies, and how). */
  notes?: string[];
  /** The owning team when the parameters do not name it (a rollback of a team's stack). */
  team?: string;
  /** For a program: the provisioning request that defines it, when this draft rebuilt it (rollback, drift). */
  builtBy?: BuiltBy;
}

/** The provisioning capability and parameters a stack's program is built from. */
export interface BuiltBy {
  capability: string;
  params: Record<string, unknown>;
}

export interface CapabilityContext {
  user: PrincipalId;
  services: QueryServices;
}

interface CapabilityBase<S extends z.ZodType, Id extends string> {
  id: Id;
  title: string;
  summary: string;
  /** How to ask for it in the command grammar, e.g. `deploy <stack>`. */
  usage: string;
  params: S;
  examples: string[];
  /** Other names for it after `provision` (e.g. `databricks`), and short parameter names. */
  aliases?: string[];
  paramAliases?: Record<string, string>;
  /** Reads this capability's parameters out of free text (`extract.ts`, or a shared extractor). */
  extract?: (text: string, stacks: readonly string[]) => Record<string, unknown>;
}

export interface PlanningCapability<S extends z.ZodType = z.ZodType, Id extends string = CapabilityId> extends CapabilityBase<S, Id> {
  kind: 'provision' | 'operate';
  plan(params: z.output<S>, ctx: CapabilityContext): Promise<PlanDraft>;
}

export interface QueryCapability<S extends z.ZodType = z.ZodType, Id extends string = CapabilityId> extends CapabilityBase<S, Id> {
  kind: 'query';
  run(params: z.output<S>, ctx: CapabilityContext): Promise<Card>;
}

export type Capability = PlanningCapability | QueryCapability;

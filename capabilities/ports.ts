import type { HelpEntry } from '../cards/info-cards.ts';
import type { StackConfig } from '../src/config/schema.ts';
import type { DeployedStack, EngineKind, Environment, Plan } from '../src/domain/types.ts';
import type { BuiltBy } from './types.ts';

// The read port the capabilities are given (`ctx.services`): what they may ask of Greenlight's
// store and engines, and nothing else. The workflow implements it (src/workflow/query-services.ts);
// capabilities never import the workflow.

export type { DeployedStack };

export type Stack = StackConfig & { name: string };

export interface HistoryFilter {
  sinceDays?: number;
  user?: string;
  environment?: Environment;
}

export interface AppliedVersion {
  requestId: string;
  revision: number;
  appliedAt: string;
  requester: string;
  text: string;
  capability: string;
  /** For a stack a capability built: what its program is built from (through rollbacks too). */
  builtBy?: BuiltBy | undefined;
  /** The stack config the version was applied with. */
  config: Record<string, string>;
  engine: EngineKind;
}

/** A stack a capability planned; `applied` once any apply of it succeeded. */
export interface ProvisionedStack {
  name: string;
  environment: string;
  capability: string;
  status: string;
  applied: boolean;
}

/** Monthly budgets (policies): per environment, and per team and environment. */
export interface Budgets {
  environments: Partial<Record<Environment, number>>;
  teams: Record<string, Partial<Record<Environment, number>>>;
}

export interface RequestSummary {
  id: string;
  revision: number;
  stack: string;
  environment: Environment;
  text: string;
  requester: string;
  status: string;
  createdAt: string;
}

export interface RequestFacts extends RequestSummary {
  approvals: { decision: string; approver: string }[];
  deployment?: { status: string; error?: string | undefined; outputs: Record<string, unknown> } | undefined;
}

/** A configured stack: its config, last deployment, lock and queue, and outputs from its engine. */
export interface ConfiguredStackFacts {
  kind: 'configured';
  name: string;
  environment: Environment;
  engine: EngineKind;
  config: Record<string, string>;
  last?: { status: string; when: string; requestId: string; requester?: string | undefined; approvers: string[] } | undefined;
  running?: string | undefined;
  queued: string[];
  outputs: Record<string, unknown>;
  /** Why there are no outputs, when the engine could not give them. */
  outputsNote?: string | undefined;
}

/** A stack a capability built: what the store knows, without asking an engine. */
export interface ProvisionedStackFacts {
  kind: 'provisioned';
  name: string;
  environment: Environment;
  builtBy: BuiltBy;
  latest: { id: string; revision: number; status: string; requester: string };
  lastDeployment?: { status: string; when: string } | undefined;
  outputs: Record<string, unknown>;
}

export interface QueryServices {
  stacks(): Stack[];
  /** Stacks a capability planned or built (e.g. databricks-data/dev): known from the store, not the config. */
  provisionedStacks(): Promise<ProvisionedStack[]>;
  runningOn(stack: string): Promise<string | undefined>;
  preview(stack: string): Promise<Plan>;
  /** A stack's facts; unknown_stack (with the closest names) when Greenlight knows no such stack. */
  stackFacts(name: string): Promise<ConfiguredStackFacts | ProvisionedStackFacts>;
  /** One request's latest revision; not_found when there is none. */
  requestFacts(id: string): Promise<RequestFacts>;
  /** Recent requests, newest first; unknown_stack for a stack Greenlight has never known. A user
   * without a channel prefix ("alice") matches that person on every channel. */
  requests(filter: HistoryFilter & { stack?: string | undefined }): Promise<RequestSummary[]>;
  helpEntries(): HelpEntry[];
  /** An earlier applied version of a stack: `to` is a request id or how many versions back. */
  appliedVersion(stack: string, to: string): Promise<AppliedVersion>;
  /** The registry: what Greenlight has deployed, optionally in one environment, now or as it stood at `asOf` (ISO time). */
  deployedStacks(environment?: Environment, asOf?: string): Promise<DeployedStack[]>;
  budgets(): Budgets;
}

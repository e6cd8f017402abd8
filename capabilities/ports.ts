import type { HelpEntry } from '../cards/info-cards.ts';
import type { Card } from '../cards/model.ts';
import type { StackConfig } from '../src/config/schema.ts';
import type { EngineKind, Environment, Plan } from '../src/domain/types.ts';
import type { BuiltBy } from './types.ts';

// The read port the capabilities are given (`ctx.services`): what they may ask of Greenlight's
// store and engines, and nothing else. The workflow implements it (src/workflow/query-services.ts);
// capabilities never import the workflow.

export type Stack = StackConfig & { name: string };

export interface HistoryFilter {
  sinceDays?: number;
  user?: string;
  environment?: Environment;
}

export interface CostReportFilter {
  environment?: Environment | undefined;
  team?: string | undefined;
  by: 'team' | 'environment' | 'stack';
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

export interface QueryServices {
  stacks(): Stack[];
  /** Stacks a capability built (e.g. databricks-data/dev): known from the store, not the config. */
  provisionedStacks(): Promise<{ name: string; environment: string; capability: string; status: string }[]>;
  runningOn(stack: string): Promise<string | undefined>;
  preview(stack: string): Promise<Plan>;
  status(target: string): Promise<Card>;
  history(stack?: string, filter?: HistoryFilter): Promise<Card>;
  helpEntries(): HelpEntry[];
  /** An earlier applied version of a stack: `to` is a request id or how many versions back. */
  appliedVersion(stack: string, to: string): Promise<AppliedVersion>;
  /** What Greenlight has deployed (the registry), optionally in one environment. */
  deployed(environment?: Environment): Promise<Card>;
  costReport(filter: CostReportFilter): Promise<Card>;
}

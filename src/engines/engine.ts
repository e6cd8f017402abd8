import type { EngineKind, ResourceChange, ResourceOperation } from '../domain/types.ts';

// The contract every IaC engine implements. The workflow only ever sees these shapes: normalised
// resource changes and one event stream, whatever tool produced them.

export type EngineEvent =
  | { type: 'resource_started'; at: string; address: string; operation: ResourceOperation }
  | { type: 'resource_progress'; at: string; address: string; elapsedSeconds: number }
  | {
      type: 'resource_finished';
      at: string;
      address: string;
      operation: ResourceOperation;
      elapsedSeconds: number;
    }
  | { type: 'resource_failed'; at: string; address: string; operation: ResourceOperation; message: string }
  | { type: 'log'; at: string; address: string | null; message: string }
  | {
      type: 'diagnostic';
      at: string;
      severity: 'error' | 'warning';
      summary: string;
      detail: string;
      address: string | null;
    }
  | { type: 'summary'; at: string; added: number; changed: number; removed: number }
  | { type: 'outputs'; at: string; outputs: Record<string, unknown> };

/** A Pulumi program run in-process through the Automation API (capabilities build these). */
export interface InlineProgram {
  projectName: string;
  /** The Pulumi stack name inside the project. */
  stackName: string;
  run: () => Promise<Record<string, unknown> | undefined>;
}

/** Everything an engine needs to act on one stack. */
export interface StackTarget {
  name: string;
  /** Project directory (Terraform root, Pulumi project); for inline programs, a scratch dir. */
  dir: string;
  program?: InlineProgram | undefined;
  workspace?: string | undefined;
  /** Where the engine keeps its per-stack working data (Terraform's TF_DATA_DIR). */
  workDir: string;
  /** Local state file when Greenlight manages state; undefined when the project's backend rules. */
  stateFile?: string | undefined;
  /**
   * Managed state in PostgreSQL (Terraform's `pg` backend: state and its lock in Greenlight's
   * database, one schema per stack), so that every replica applies against the same state.
   */
  pgState?: { connStr: string; schema: string } | undefined;
  config: Record<string, string>;
  /** Names of variables of Greenlight's environment this stack's engine may see (cloud credentials). */
  passEnv: readonly string[];
}

export type PreviewMode = 'apply' | 'destroy' | 'refresh-only';

export interface PreviewResult {
  changes: ResourceChange[];
  /** Resources whose real state differs from the recorded state (refresh-only previews). */
  drift: ResourceChange[];
  /** Saved plan the apply must use; it is the thing the approval binds to. */
  planFile: string;
  /** Time spent in the engine binary itself, for the latency benchmark. */
  engineMs: number;
  /** The stack's declared, non-sensitive variable defaults, where the engine can read them (Terraform). */
  defaults?: Record<string, string>;
  /** The serial of the state the saved plan was made against (Terraform), i.e. the state's serial just before its apply. */
  priorStateSerial?: number;
}

export interface ApplyResult {
  outputs: Record<string, unknown>;
  summary: { added: number; changed: number; removed: number } | null;
}

export interface RunOptions {
  onEvent?: (event: EngineEvent) => void;
  signal?: AbortSignal;
  /**
   * Read the real resources before planning (Pulumi `--refresh`; Terraform always does). A drift
   * remediation needs it: without it Pulumi compares the program with a state that still
   * believes the drifted values.
   */
  refresh?: boolean;
  /** Told the engine process's id (it leads its own process group) as soon as it starts. */
  onSpawn?: (pid: number) => void;
}

export interface Engine {
  readonly kind: EngineKind;
  preview(target: StackTarget, mode: PreviewMode, planFile: string, options?: RunOptions): Promise<PreviewResult>;
  /** Applies exactly the saved plan made by `preview` in the same mode. */
  apply(target: StackTarget, planFile: string, mode: PreviewMode, options?: RunOptions): Promise<ApplyResult>;
  outputs(target: StackTarget): Promise<Record<string, unknown>>;
  /** The engine's state as JSON (what an interrupted apply left behind is read from it). */
  exportState(target: StackTarget): Promise<string>;
}

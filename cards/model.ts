import type { PolicyFinding, ResourceOperation, RiskLevel } from '../src/domain/types.ts';

// The neutral card model: what a person sees, with no platform in it. Renderers turn it into
// HTML (console), text (CLI), and later Block Kit and Adaptive Cards.

export const ACTION_IDS = ['approve', 'reject', 'modify', 'replan', 'choose', 'operate'] as const;
export type ActionId = (typeof ACTION_IDS)[number];

/**
 * Buttons that act on something other than a request's plan (a stack lock, an interrupted apply,
 * a temporary environment, a drift finding): `operate` with one of these. The workflow's
 * operations (src/workflow/operations/) decide who may and what happens; channels only carry them.
 */
export const OPERATIONS = [
  'break_lock',
  'resolve_interrupted',
  'plan_again',
  'extend_ttl',
  'destroy_now',
  'revert_drift',
  'adopt_drift',
  'snooze_drift',
] as const;
export type OperationName = (typeof OPERATIONS)[number];

export interface OperationValue {
  operation: OperationName;
  /** What it acts on: a stack, a deployment id. */
  target: string;
  /** A choice the button carries (a snooze duration, a reason given with the command). */
  option?: string;
}

export type CardKind = 'plan' | 'preview' | 'progress' | 'result' | 'error' | 'help' | 'info' | 'status';
export type Tone = 'neutral' | 'info' | 'success' | 'warning' | 'danger';

export interface CardAction {
  id: ActionId;
  label: string;
  style: 'primary' | 'danger' | 'default';
  /**
   * Request id, revision and the plan hash the card showed (or, for "did you mean …?", the
   * question and the choice): everything else is looked up again when the click arrives, and an
   * approval binds to the exact plan its card showed.
   */
  value: { requestId: string; revision: number; planHash?: string } | { clarificationId: string; choice: string } | OperationValue;
  confirm?: { title: string; text: string; confirm: string; deny: string };
  /**
   * Text the person must type next to the button for the click to count (a destroy's stack
   * name): renderers show an input, channels send what was typed as the action's confirmation.
   */
  typeToConfirm?: string;
}

export interface ChangeRow {
  operation: ResourceOperation;
  address: string;
  type: string;
  detail: string;
}

export interface FormField {
  name: string;
  label: string;
  kind: 'text' | 'number' | 'select' | 'checkbox';
  required: boolean;
  options?: string[];
  /** Pre-filled value (from the request or the user's memory). */
  value?: string;
  help?: string;
}

export type ProgressStatus = 'pending' | 'running' | 'done' | 'failed';

export type CardBlock =
  | { type: 'text'; text: string }
  | { type: 'facts'; facts: { label: string; value: string }[] }
  | { type: 'changes'; rows: ChangeRow[]; counts: Partial<Record<ResourceOperation, number>> }
  | { type: 'risk'; level: RiskLevel; score: number; reasons: string[] }
  | { type: 'cost'; summary: string; lines: { label: string; value: string }[]; assumptions: string[] }
  | { type: 'findings'; findings: PolicyFinding[] }
  | {
      type: 'progress';
      items: { address: string; status: ProgressStatus; elapsedSeconds: number | null }[];
      elapsedSeconds: number;
      log: string[];
    }
  | { type: 'outputs'; outputs: { name: string; value: string }[] }
  | { type: 'table'; columns: string[]; rows: string[][] }
  | { type: 'error'; code: string; message: string; next: string }
  | { type: 'form'; id: string; fields: FormField[]; submitLabel: string };

export interface Card {
  kind: CardKind;
  title: string;
  tone: Tone;
  /** Short status shown as a badge (e.g. "awaiting approval", "applying"). */
  status?: string;
  blocks: CardBlock[];
  actions: CardAction[];
  context: string[];
  requestId?: string;
  revision?: number;
  /** Where the whole card can be read when a channel has to truncate it (the full plan). */
  url?: string;
}

// One coded error for everything a user can be told about. Each code carries the HTTP status the
// JSON API answers with and a next step, so every channel can say what happened and what to do.

export type ErrorCode =
  | 'bad_request'
  | 'invalid_request'
  | 'deployment_conflict'
  | 'deployment_running'
  | 'unknown_command'
  | 'not_available'
  | 'unknown_stack'
  | 'not_found'
  | 'permission_denied'
  | 'self_approval'
  | 'signin_required'
  | 'already_decided'
  | 'already_approved'
  | 'superseded'
  | 'plan_expired'
  | 'plan_stale'
  | 'plan_mismatch'
  | 'policy_blocked'
  | 'confirmation_required'
  | 'stack_locked'
  | 'engine_not_found'
  | 'engine_failed'
  | 'interrupted'
  | 'config_invalid'
  | 'unauthenticated'
  | 'internal';

const HTTP_STATUS: Record<ErrorCode, number> = {
  bad_request: 400,
  invalid_request: 422,
  deployment_conflict: 409,
  deployment_running: 409,
  unknown_command: 400,
  not_available: 501,
  unknown_stack: 404,
  not_found: 404,
  permission_denied: 403,
  self_approval: 403,
  signin_required: 403,
  already_decided: 409,
  already_approved: 409,
  superseded: 409,
  plan_expired: 409,
  plan_stale: 409,
  plan_mismatch: 409,
  policy_blocked: 422,
  confirmation_required: 422,
  stack_locked: 409,
  engine_not_found: 503,
  engine_failed: 502,
  interrupted: 500,
  config_invalid: 500,
  unauthenticated: 401,
  internal: 500,
};

const NEXT_STEP: Record<ErrorCode, string> = {
  bad_request: 'Check the request against `help` and send it again.',
  invalid_request: 'Fix the fields named above (GET /openapi.json describes every capability and its parameters) and send it again.',
  deployment_conflict: 'Use a new deployment_id for a different change; the same id always means the same request.',
  deployment_running: 'Wait for it: GET /v1/status/{deployment_id} (or a webhook) says when it has finished.',
  unknown_command: 'Say `help` to see the commands.',
  not_available: 'Say `help` to see what is available now, or ask the platform team for this capability.',
  unknown_stack: 'Say `stacks` to list the configured stacks.',
  not_found: 'Check the id; `history` lists recent requests.',
  permission_denied: 'Ask someone on the approver list for this environment to approve it.',
  self_approval: 'Ask another approver: you asked for or changed this revision, so you cannot approve it here.',
  signin_required: 'Do this from Slack, Teams or a signed-in console (OpenID Connect): a self-declared console name does not count here.',
  already_decided: 'Nothing to do: this request was already decided.',
  already_approved: 'Nothing to do: your approval is already recorded.',
  superseded: 'Act on the newest revision of this request instead.',
  plan_expired: 'A fresh plan has been posted: review it and approve that one.',
  plan_stale: 'The stack changed since this plan was made: request the change again to re-plan.',
  plan_mismatch: 'The saved plan no longer matches what was approved: request the change again.',
  policy_blocked: 'Change the request so it complies with the rule named above.',
  confirmation_required: 'Type the stack name exactly as shown in the box on the card, then press Approve again.',
  stack_locked: 'Wait for the running change on this stack to finish; yours is queued.',
  engine_not_found: 'Install the engine binary or set its path in greenlight.yaml (engines.<name>.binary).',
  engine_failed: 'Read the engine error above, fix the cause, and request the change again.',
  interrupted: 'Check the stack (`status <stack>`, `drift <stack>`) before requesting the change again.',
  config_invalid: 'Fix the named key in greenlight.yaml or the environment and start again.',
  unauthenticated: 'Send the console token (Authorization: Bearer <token>).',
  internal: 'Try again; if it keeps failing, look at the server log for this request id.',
};

export class GreenlightError extends Error {
  readonly code: ErrorCode;
  readonly details: Record<string, unknown>;
  /** A next step more precise than the code's own (e.g. where an API token comes from). */
  private readonly next: string | undefined;

  constructor(code: ErrorCode, message: string, options: { cause?: unknown; details?: Record<string, unknown>; next?: string } = {}) {
    super(message, { cause: options.cause });
    this.name = 'GreenlightError';
    this.code = code;
    this.details = options.details ?? {};
    this.next = options.next;
  }

  get httpStatus(): number {
    return HTTP_STATUS[this.code];
  }

  get nextStep(): string {
    return this.next ?? NEXT_STEP[this.code];
  }
}

/** The next step for a code, or a generic one for a code this version does not know. */
export function nextStepFor(code: string): string {
  return (NEXT_STEP as Record<string, string>)[code] ?? NEXT_STEP.engine_failed;
}

/** What a zod error found, one `path: message` per issue, for a user to read. */
export function describeIssues(issues: readonly { path: readonly PropertyKey[]; message: string }[], root = 'input'): string {
  // zod's wording for an absent value reads like a type error; say what a person needs to hear.
  const plain = (m: string) => (/received undefined$/.test(m) ? 'required, not given' : m);
  return issues.map((i) => `${i.path.map(String).join('.') || root}: ${plain(i.message)}`).join('; ');
}

/** Turns anything thrown into a GreenlightError without losing the original as `cause`. */
export function toGreenlightError(error: unknown): GreenlightError {
  if (error instanceof GreenlightError) return error;
  const message = error instanceof Error ? error.message : String(error);
  return new GreenlightError('internal', message, { cause: error });
}

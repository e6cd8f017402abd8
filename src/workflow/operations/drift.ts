import { capability, planningCapability } from '../../../capabilities/index.ts';
import { noteCard } from '../../../cards/builders.ts';
import { driftSnoozedCard } from '../../../cards/drift-cards.ts';
import { GreenlightError } from '../../domain/errors.ts';
import { describeDuration, parseDuration } from '../../domain/lifetime.ts';
import type { DriftItem } from '../../domain/plan.ts';
import type { PrincipalId, ThreadRef } from '../../domain/types.ts';
import { appendAudit } from '../../store/audit-log.ts';
import { snoozeDrift } from '../../store/schedules.ts';
import { refusedError } from '../approval-policy.ts';
import { discardArtifact, hasEffectiveChanges } from '../planner.ts';
import type { Operation, OperationDeps } from './operation.ts';

// A drift finding's buttons. Revert: the remediation plan (what was applied, planned back), as a
// request through the approval rules. Adopt: a config change that makes the stack match what is
// there — tried with a real plan, offered only if it changes nothing; otherwise it says so.
// Snooze: no scheduled finding for this stack for a day or a week (audited).

function entitled(deps: OperationDeps, stack: string, user: PrincipalId): void {
  const configured = deps.stacks.list().find((s) => s.name === stack);
  if (!configured) throw new GreenlightError('unknown_stack', `${stack} is not a configured stack.`);
  const may = deps.policy.mayActIn(configured.environment, user);
  if (may.allowed || deps.policy.mayBreakGlass(user, configured.environment).allowed) return;
  throw refusedError(may, `${user} is not an approver for ${configured.environment}, where ${stack} runs.`);
}

const threadOf = (input: { thread?: ThreadRef | undefined }): ThreadRef => {
  if (!input.thread) throw new GreenlightError('bad_request', 'This button carries no thread to answer in; press it on the card again.');
  return input.thread;
};

export const revertDrift: Operation = async (input, deps) => {
  entitled(deps, input.target, input.user);
  const cap = capability('drift_scan');
  const posted = await deps.workflow.execute(
    { user: input.user, text: `revert drift on ${input.target}`, thread: threadOf(input), log: input.log },
    cap,
    { stack: input.target },
    ['Revert of drift a scheduled scan found.'],
  );
  return posted[0]?.card ?? noteCard('Nothing to revert', `${input.target} is as applied now.`);
};

/**
 * Config values whose current value is what a drifted attribute should be: setting them to what it
 * is might adopt it. Where several keys hold that value (replicas=2, apply_seconds=2), the ones
 * named in the attribute's path or resource address win; the trial plan judges the rest.
 */
function adoption(config: Record<string, string>, drift: DriftItem[]): Record<string, string> {
  const values: Record<string, string> = {};
  for (const d of drift)
    for (const a of d.attributes ?? []) {
      if (typeof a.actual !== 'string' && typeof a.actual !== 'number' && typeof a.actual !== 'boolean') continue;
      const holders = Object.keys(config).filter((key) => config[key] === String(a.expected));
      const named = holders.filter((key) => `${d.address}.${a.path}`.toLowerCase().includes(key.toLowerCase()));
      for (const key of named.length > 0 ? named : holders) values[key] = String(a.actual);
    }
  return values;
}

export const adoptDrift: Operation = async (input, deps) => {
  entitled(deps, input.target, input.user);
  const thread = threadOf(input);
  const scan = await deps.workflow.planChange(input.user, planningCapability('drift_scan'), { stack: input.target });
  discardArtifact(scan.plan);
  const drift = scan.plan.drift ?? [];
  if (drift.length === 0)
    return deps.publisher.post(thread, noteCard('Nothing to adopt', `${input.target} is as applied now.`), null).then((p) => p.card);
  // A value the config leaves at the stack's declared default can be set too.
  const values = adoption({ ...scan.plan.defaults, ...scan.plan.config }, drift);
  const update = planningCapability('update_stack_config');
  const cannot = (why: string) =>
    noteCard(`Cannot adopt the drift on ${input.target}`, `${why} Revert it, or change the stack's code to match and deploy.`, {
      tone: 'warning',
    });
  if (Object.keys(values).length === 0) {
    const card = cannot(
      `No config value of ${input.target} holds what the drifted attributes were set from, so its config cannot express what is there.`,
    );
    return (await deps.publisher.post(thread, card, null)).card;
  }
  // Tried with a real plan first: offered only if the stack, with these values, matches what is there.
  const trial = await deps.workflow.planChange(input.user, update, { stack: input.target, values });
  discardArtifact(trial.plan);
  const said = Object.entries(values)
    .map(([k, v]) => `${k}=${v}`)
    .join(' ');
  if (hasEffectiveChanges(trial.plan)) {
    const card = cannot(
      `Setting ${said} would still change ${trial.plan.changes
        .filter((c) => c.operation !== 'no-op')
        .map((c) => c.address)
        .join(', ')}: the config cannot express all of this drift.`,
    );
    return (await deps.publisher.post(thread, card, null)).card;
  }
  const posted = await deps.workflow.execute(
    { user: input.user, text: `adopt drift on ${input.target}: set ${said}`, thread, log: input.log },
    update,
    { stack: input.target, values },
    [`Adopts the drift a scheduled scan found: with ${said} the stack matches what is there (checked with a plan: it changes nothing).`],
  );
  return posted[0]?.card ?? noteCard('Adopt planned', `A plan to set ${said} on ${input.target} is in the thread.`);
};

export const snoozeDriftOp: Operation = async (input, deps) => {
  entitled(deps, input.target, input.user);
  const ms = parseDuration(input.option ?? '');
  if (!ms || ms > 30 * 86_400_000) throw new GreenlightError('bad_request', 'Snooze for a duration of at most 30 days, such as 1d or 7d.');
  const now = deps.now();
  const at = now.toISOString();
  const until = new Date(now.getTime() + ms).toISOString();
  await deps.db.transaction().execute(async (trx) => {
    await snoozeDrift(trx, input.target, until, input.user, at);
    await appendAudit(
      trx,
      {
        actor: input.user,
        action: 'drift.snoozed',
        requestId: null,
        revision: null,
        detail: { stack: input.target, until, for: describeDuration(ms) },
      },
      at,
    );
  });
  const card = driftSnoozedCard(input.target, input.user, until);
  if (input.thread) await deps.publisher.post(input.thread, card, null);
  return card;
};

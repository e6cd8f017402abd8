import { readFileSync } from 'node:fs';
import { resultCard } from '../../cards/run-cards.ts';
import { SYSTEM_PRINCIPAL } from '../domain/people.ts';
import type { Deployment } from '../domain/types.ts';
import { findDeployment, progressMessageOf, unlockStack, updateDeployment } from '../store/deployments.ts';
import { findRequest } from '../store/requests.ts';
import type { ApplyRunnerDeps } from './apply-runner.ts';
import { draftFor } from './drafts.ts';
import { transition } from './transitions.ts';

// After a crash (kill -9, power loss) an apply that was running is never re-run silently, and the
// thread is told what is known. The engine ran in its own process group with its pid recorded:
// if it is still running it is waited for (it may be halfway through writing state), and stopped
// with SIGINT (Terraform's graceful stop) if it takes too long; the stack's state is then read to
// say which planned resources are in it. The outcome stays uncertain, and the card says so.

const SYSTEM = SYSTEM_PRINCIPAL;

export interface InterruptedOptions {
  /** How long a leftover engine process may keep running before it is stopped. */
  waitMs: number;
  pollMs?: number;
  /** The engine ran on another machine (a dead replica elsewhere): its pid means nothing here. */
  engineElsewhere?: boolean;
}

type EngineFate = 'none recorded' | 'already gone' | 'finished while we waited' | 'stopped (SIGINT)' | 'killed (SIGKILL)';

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  // A recycled pid belongs to something else: only an engine process counts.
  try {
    return /terraform|tofu|pulumi/.test(readFileSync(`/proc/${pid}/cmdline`, 'utf8'));
  } catch {
    return true; // no /proc (macOS): trust the signal probe
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function waitGone(pid: number, ms: number, pollMs: number): Promise<boolean> {
  const deadline = Date.now() + ms;
  while (alive(pid)) {
    if (Date.now() > deadline) return false;
    await sleep(pollMs);
  }
  return true;
}

/** Accounts for the engine process a dead Greenlight left behind. */
async function settleEngine(pid: number | null, options: InterruptedOptions): Promise<EngineFate> {
  const pollMs = options.pollMs ?? 250;
  if (pid === null) return 'none recorded';
  if (!alive(pid)) return 'already gone';
  if (await waitGone(pid, options.waitMs, pollMs)) return 'finished while we waited';
  const group = (signal: NodeJS.Signals) => {
    try {
      process.kill(-pid, signal);
    } catch {}
  };
  group('SIGINT');
  if (await waitGone(pid, 10_000, pollMs)) return 'stopped (SIGINT)';
  group('SIGKILL');
  await waitGone(pid, 5_000, pollMs);
  return 'killed (SIGKILL)';
}

/** Addresses in a Terraform state document, with its serial. */
function stateSummary(raw: string): { serial: number | null; addresses: Set<string> } {
  try {
    const state = JSON.parse(raw) as {
      serial?: number;
      resources?: { mode?: string; type: string; name: string; module?: string; instances?: { index_key?: string | number }[] }[];
    };
    const addresses = new Set<string>();
    for (const r of state.resources ?? []) {
      if (r.mode === 'data') continue;
      const base = `${r.module ? `${r.module}.` : ''}${r.type}.${r.name}`;
      for (const i of r.instances ?? [{}])
        addresses.add(
          i.index_key === undefined ? base : `${base}[${typeof i.index_key === 'number' ? i.index_key : JSON.stringify(i.index_key)}]`,
        );
    }
    return { serial: state.serial ?? null, addresses };
  } catch {
    return { serial: null, addresses: new Set() };
  }
}

/** The state's serial before the apply and now: whether the engine wrote state before it stopped. */
function serials(before: number | null, now: number | null): string {
  if (now === null) return `State could not be read${before === null ? '' : ` (serial ${before} before the apply)`}`;
  if (before === null) return `State serial ${now} now (the serial before the apply was not recorded)`;
  const written = now === before ? 'nothing was written to it' : 'it was written during the apply';
  return `State serial ${before} before the apply, ${now} now (${written})`;
}

export async function explainInterrupted(deps: ApplyRunnerDeps, d: Deployment, options: InterruptedOptions): Promise<void> {
  const request = await findRequest(deps.db, d.requestId, d.revision);
  if (!request) return;
  const log = deps.log.child({ requestId: request.id, deploymentId: d.id, stack: d.stack });
  const fate = options.engineElsewhere ? ('none recorded' as const) : await settleEngine(d.enginePid, options);
  log.warn({ enginePid: d.enginePid, fate }, 'apply interrupted by a restart');

  let state = { serial: null as number | null, addresses: new Set<string>() };
  try {
    const draft = await draftFor(request.capability, request.plan.params, request.requester, deps.queries);
    const stack = deps.stacks.forDraft(draft);
    state = stateSummary(await deps.stacks.engine(stack).exportState(deps.stacks.target(stack, request.plan.config, draft.program)));
  } catch (err) {
    log.warn({ err }, 'could not read the state after an interrupted apply');
  }
  const planned = request.plan.changes.filter((c) => c.operation !== 'no-op' && c.operation !== 'read');
  const finished = new Set(d.events.filter((e) => e.type === 'resource_finished').map((e) => e.address));
  const inState = planned.filter((c) => (c.operation === 'delete' ? !state.addresses.has(c.address) : state.addresses.has(c.address)));
  const unsure = planned.filter((c) => !inState.includes(c));
  const reason = [
    `Greenlight stopped while applying this change; the apply did not finish under its watch and was not run again.`,
    `Engine process: ${d.enginePid === null ? 'not recorded' : `pid ${d.enginePid}, ${fate}`}.`,
    `${serials(d.stateSerialBefore, state.serial)}: ${inState.length} of ${planned.length} planned changes are reflected in it${inState.length ? ` (${inState.map((c) => c.address).join(', ')})` : ''}.`,
    unsure.length ? `Not confirmed: ${unsure.map((c) => c.address).join(', ')}.` : '',
    finished.size ? `Reported finished before the stop: ${[...finished].join(', ')}.` : '',
    `The outcome is uncertain: check with \`status ${request.stack}\` and \`drift ${request.stack}\`, then request the change again if needed.`,
  ]
    .filter(Boolean)
    .join(' ');
  const at = deps.now().toISOString();
  await deps.db.transaction().execute(async (trx) => {
    await updateDeployment(trx, d.id, { status: 'failed', finished_at: at, error: reason, error_code: 'interrupted' });
    await transition(trx, { id: d.requestId, revision: d.revision }, ['applying'], 'failed', SYSTEM, at, {
      deploymentId: d.id,
      reason: 'interrupted by a restart',
      enginePid: d.enginePid,
      engine: fate,
      stateSerialBefore: d.stateSerialBefore,
      stateSerial: state.serial,
    });
    await unlockStack(trx, d.stack, d.id);
  });
  await tellInterrupted(deps, d.id);
}

/**
 * The thread of an apply that ended without an outcome (a restart, a broken lock) is told: its
 * progress card ends in that state, the account is posted (with Plan again and Mark resolved),
 * and the plan card is redrawn.
 */
export async function tellInterrupted(deps: Pick<ApplyRunnerDeps, 'db' | 'publisher'>, deploymentId: string): Promise<void> {
  const deployment = await findDeployment(deps.db, { id: deploymentId });
  const request = deployment && (await findRequest(deps.db, deployment.requestId, deployment.revision));
  if (!deployment || !request) return;
  const card = resultCard(request, deployment);
  const progressId = await progressMessageOf(deps.db, deploymentId);
  if (progressId) await deps.publisher.update(request.thread, progressId, card);
  await deps.publisher.post(request.thread, card, request.id);
  await deps.publisher.refreshPlanCard(request.id, request.revision);
}

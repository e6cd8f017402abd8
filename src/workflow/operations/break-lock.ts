import { lockReleasedCard } from '../../../cards/lock-cards.ts';
import { GreenlightError } from '../../domain/errors.ts';
import { appendAudit } from '../../store/audit-log.ts';
import { breakStackLock, listStackLocks, updateDeployment } from '../../store/deployments.ts';
import { tellInterrupted } from '../interrupted-apply.ts';
import { transition } from '../transitions.ts';
import type { Operation } from './operation.ts';

// Break-glass: a person config names (`breakGlass`) releases a stack lock that is stuck, with the
// stack's name typed and a reason. The apply that held it is marked interrupted (outcome unknown,
// reconciled from its card), its thread is told, the audit log records who and why, and the next
// change on the stack runs. An apply still running elsewhere stops at its next lease renewal.

export const breakLock: Operation = async (input, deps) => {
  const stack = input.target;
  const may = deps.policy.mayBreakGlass(input.user, deps.stacks.list().find((s) => s.name === stack)?.environment);
  if (!may.allowed) throw new GreenlightError(may.code, may.reason);
  if (input.confirmation?.trim() !== stack)
    throw new GreenlightError(
      'confirmation_required',
      `Breaking the lock on ${stack} needs its name typed: type ${stack} in the box, then press Break lock.`,
    );
  const reason = input.option?.trim();
  if (!reason) throw new GreenlightError('bad_request', `Say why: break lock ${stack} because <reason>.`);
  const lock = (await listStackLocks(deps.db)).find((l) => l.stack === stack);
  if (!lock) throw new GreenlightError('not_found', `${stack} is not locked: nothing to break. Say \`locks\` to see the locks.`);
  const at = deps.now().toISOString();
  const error = `The lock on ${stack} was broken by ${input.user}: "${reason}". The apply did not finish under Greenlight's watch; its outcome is unknown. Plan again to see what the stack needs, or mark it resolved once checked.`;
  await deps.db.transaction().execute(async (trx) => {
    if ((await breakStackLock(trx, stack)) !== lock.deploymentId)
      throw new GreenlightError('already_decided', `The lock on ${stack} changed hands meanwhile: say \`locks\` and look again.`);
    await updateDeployment(trx, lock.deploymentId, { status: 'failed', finished_at: at, error, error_code: 'interrupted' });
    if (lock.requestId && lock.revision !== null)
      await transition(trx, { id: lock.requestId, revision: lock.revision }, ['applying', 'queued'], 'failed', input.user, at, {
        deploymentId: lock.deploymentId,
        reason: 'lock broken',
      });
    await appendAudit(
      trx,
      {
        actor: input.user,
        action: 'lock.broken',
        requestId: lock.requestId,
        revision: lock.revision,
        detail: { stack, deploymentId: lock.deploymentId, owner: lock.owner, heldSince: lock.since, reason },
      },
      at,
    );
  });
  (input.log ?? deps.log).warn({ stack, deploymentId: lock.deploymentId, owner: lock.owner }, 'stack lock broken');
  await tellInterrupted(deps, lock.deploymentId);
  // An apply of this replica's stops now (its engine writes state and lets go of its own lock);
  // one elsewhere stops at its next lease renewal, and the next apply waits for Terraform's lock.
  await deps.runner.stop(lock.deploymentId);
  void deps.runner.kick(stack);
  const card = lockReleasedCard(stack, input.user, reason, lock.requestId);
  if (input.thread) await deps.publisher.post(input.thread, card, null);
  return card;
};

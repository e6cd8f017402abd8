import { breakLockCard, type LockView, locksCard } from '../../cards/lock-cards.ts';
import type { Card } from '../../cards/model.ts';
import { GreenlightError } from '../domain/errors.ts';
import type { PrincipalId } from '../domain/types.ts';
import type { LockCommand } from '../router/lock-commands.ts';
import { listStackLocks, queuedOn } from '../store/deployments.ts';
import type { ConversationDeps } from './conversation.ts';

// `locks` and `break lock <stack> because <reason>`: the locks as they stand, and the break-glass
// confirmation card (its button does the breaking: operations/break-lock.ts).

export async function lockViews(deps: Pick<ConversationDeps, 'db'>): Promise<LockView[]> {
  const locks = await listStackLocks(deps.db);
  return Promise.all(
    locks.map(async (l) => ({
      ...l,
      waiting: (await queuedOn(deps.db, l.stack)).filter((q) => q.id !== l.deploymentId).map((q) => q.requestId),
    })),
  );
}

export async function lockAnswer(deps: ConversationDeps, command: LockCommand, user: PrincipalId): Promise<Card> {
  const now = deps.now();
  const locks = await lockViews(deps);
  if (command.kind === 'list') return locksCard(locks, now);
  const may = deps.policy.mayBreakGlass(user, deps.stacks.list().find((s) => s.name === command.stack)?.environment);
  if (!may.allowed) throw new GreenlightError(may.code, may.reason);
  if (!command.reason) throw new GreenlightError('bad_request', `Say why: break lock ${command.stack} because <reason>.`);
  const lock = locks.find((l) => l.stack === command.stack);
  if (!lock) throw new GreenlightError('not_found', `${command.stack} is not locked: nothing to break. Say \`locks\` to see the locks.`);
  return breakLockCard(lock, command.reason, now);
}

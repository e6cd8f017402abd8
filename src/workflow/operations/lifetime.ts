import { noteCard } from '../../../cards/builders.ts';
import { lifetimeExtendedCard } from '../../../cards/lifetime-cards.ts';
import { GreenlightError } from '../../domain/errors.ts';
import { describeDuration } from '../../domain/lifetime.ts';
import type { PrincipalId } from '../../domain/types.ts';
import { appendAudit } from '../../store/audit-log.ts';
import { extendLifetime, findLifetime, type StackLifetime } from '../../store/lifetimes.ts';
import { refusedError } from '../approval-policy.ts';
import { lifetimeRule } from '../lifetime-rules.ts';
import { freeClosedDestroy, openLifetimeDestroy } from '../lifetimes.ts';
import type { Operation, OperationDeps } from './operation.ts';

// The reminder's buttons: Extend (by the environment's default, within its maximum; audited) and
// Destroy now (a destroy plan, through the approval rules). The requester, and whoever may approve
// in that environment, may press them.

async function lifetimeFor(deps: OperationDeps, stack: string, user: PrincipalId): Promise<StackLifetime> {
  const found = await findLifetime(deps.db, stack);
  const l = found && (await freeClosedDestroy(deps, found));
  if (!l) throw new GreenlightError('not_found', `${stack} is not a temporary environment (no lifetime is set).`);
  const may = deps.policy.mayActIn(l.environment, user, [l.requester]);
  if (!may.allowed) throw refusedError(may, `${user} is neither the requester of ${stack} nor an approver for ${l.environment}.`);
  if (l.destroyRequestId)
    throw new GreenlightError('already_decided', `The destroy of ${stack} is already requested (${l.destroyRequestId}): act on that plan.`);
  return l;
}

export const extendTtl: Operation = async (input, deps) => {
  const l = await lifetimeFor(deps, input.target, input.user);
  const rule = lifetimeRule(deps.lifetimes, l.environment);
  const now = deps.now();
  const to = Math.min(Date.parse(l.expiresAt) + rule.defaultMs, now.getTime() + rule.maxMs);
  if (to <= Date.parse(l.expiresAt))
    throw new GreenlightError(
      'bad_request',
      `${l.stack} already lives as long as ${l.environment} allows (${describeDuration(rule.maxMs)} from now, lifetimes.${l.environment}.max).`,
    );
  const at = now.toISOString();
  const expiresAt = new Date(to).toISOString();
  await deps.db.transaction().execute(async (trx) => {
    await extendLifetime(trx, l.stack, expiresAt, at);
    await appendAudit(
      trx,
      {
        actor: input.user,
        action: 'ttl.extended',
        requestId: l.requestId,
        revision: null,
        detail: { stack: l.stack, from: l.expiresAt, to: expiresAt },
      },
      at,
    );
  });
  const card = lifetimeExtendedCard(l.stack, input.user, l.expiresAt, expiresAt);
  await deps.publisher.post(l.thread, card, l.requestId);
  return card;
};

export const destroyNow: Operation = async (input, deps) => {
  const l = await lifetimeFor(deps, input.target, input.user);
  const posted = await openLifetimeDestroy(deps, l, input.user, `${input.user} asked to destroy ${l.stack} before the end of its lifetime`);
  return posted[0]?.card ?? noteCard('Destroy requested', `A plan to destroy ${l.stack} is in its thread.`);
};

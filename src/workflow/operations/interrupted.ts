import { capabilities } from '../../../capabilities/index.ts';
import { noteCard } from '../../../cards/builders.ts';
import { resultCard } from '../../../cards/run-cards.ts';
import { GreenlightError } from '../../domain/errors.ts';
import type { ChangeRequest, Deployment, PrincipalId } from '../../domain/types.ts';
import { appendAudit } from '../../store/audit-log.ts';
import { findDeployment, progressMessageOf, updateDeployment } from '../../store/deployments.ts';
import { findRequest } from '../../store/requests.ts';
import { refusedError } from '../approval-policy.ts';
import type { Operation, OperationDeps } from './operation.ts';

// An apply whose outcome is unknown (its process died, its lock was broken) is reconciled by a
// person from its card: Plan again (a fresh plan against the real state, as a new request that
// goes through the approval rules like any other) or Mark resolved (they checked; audited).

async function interrupted(deps: OperationDeps, deploymentId: string, user: PrincipalId) {
  const deployment = await findDeployment(deps.db, { id: deploymentId });
  const request = deployment && (await findRequest(deps.db, deployment.requestId, deployment.revision));
  if (!deployment || !request) throw new GreenlightError('not_found', `There is no deployment ${deploymentId}.`);
  if (deployment.errorCode !== 'interrupted')
    throw new GreenlightError('bad_request', `${deploymentId} ended ${deployment.status}; only an interrupted apply is reconciled.`);
  // Whoever may decide on the request (its requester, its approvers) or break a lock may reconcile it.
  const may = deps.policy.canReject(request, user);
  if (!may.allowed && !deps.policy.mayBreakGlass(user, request.environment).allowed)
    throw refusedError(may, `${user} is neither the requester of ${request.id} nor an approver for ${request.environment}.`);
  return { deployment, request };
}

async function redrawResult(deps: OperationDeps, request: ChangeRequest, deployment: Deployment) {
  const progress = await progressMessageOf(deps.db, deployment.id);
  const card = resultCard(request, deployment);
  if (progress) await deps.publisher.update(request.thread, progress, card);
  return card;
}

export const planAgain: Operation = async (input, deps) => {
  const { request } = await interrupted(deps, input.target, input.user);
  const cap = capabilities.find((c) => c.id === request.capability);
  if (!cap) throw new GreenlightError('not_found', `${request.capability} is not a capability.`);
  const text = `plan again after the interrupted apply of ${request.id}`;
  const notes = [`A fresh plan against the real state, after ${request.id}'s apply was interrupted (deployment ${input.target}).`];
  const posted = await deps.workflow.execute(
    { user: input.user, text, thread: request.thread, log: input.log },
    cap,
    request.plan.params,
    notes,
  );
  return posted[0]?.card ?? noteCard('Planned again', `A fresh plan of ${request.stack} is in the thread.`);
};

export const resolveInterrupted: Operation = async (input, deps) => {
  const { deployment, request } = await interrupted(deps, input.target, input.user);
  if (deployment.resolved)
    throw new GreenlightError(
      'already_decided',
      `${deployment.id} was marked resolved by ${deployment.resolved.by} at ${deployment.resolved.at}.`,
    );
  const at = deps.now().toISOString();
  const note = input.option?.trim().slice(0, 300) ?? '';
  await deps.db.transaction().execute(async (trx) => {
    await updateDeployment(trx, deployment.id, { resolved_by: input.user, resolved_at: at, resolution: note });
    await appendAudit(
      trx,
      {
        actor: input.user,
        action: 'deployment.resolved',
        requestId: request.id,
        revision: request.revision,
        detail: { deploymentId: deployment.id, note },
      },
      at,
    );
  });
  const resolved = await findDeployment(deps.db, { id: deployment.id });
  const card = await redrawResult(deps, request, resolved ?? deployment);
  await deps.publisher.post(
    request.thread,
    noteCard(
      'Marked resolved',
      `${input.user} checked ${request.stack} after the interrupted apply of ${request.id} and marked it resolved.`,
    ),
    request.id,
  );
  return card;
};

import { capability } from '../../capabilities/index.ts';
import type { CapabilityId, PlanDraft } from '../../capabilities/types.ts';
import { GreenlightError } from '../domain/errors.ts';
import type { ChangeRequest } from '../domain/types.ts';
import type { PlanRequest } from './planner.ts';
import type { QueryServices } from './query-services.ts';

// A stored request keeps its capability and parameters, not its program: re-plans (expiry,
// stale queue, apply of an analysed plan) ask the capability for the draft again.

export async function draftFor(
  capabilityId: string,
  params: Record<string, unknown>,
  user: string,
  services: QueryServices,
): Promise<PlanDraft> {
  const cap = capability(capabilityId as CapabilityId);
  if (cap.kind === 'query') throw new GreenlightError('internal', `${capabilityId} makes no plans`);
  return cap.plan(cap.params.parse(params), { user, services });
}

export async function planRequestFor(
  request: Pick<ChangeRequest, 'capability' | 'requester' | 'plan'>,
  artifactName: string,
  services: QueryServices,
  requireEngine = false,
): Promise<PlanRequest> {
  const draft = await draftFor(request.capability, request.plan.params, request.requester, services);
  // A revision keeps its request's lifetime: a re-plan is the same temporary environment.
  return {
    capability: request.capability,
    params: request.plan.params,
    draft,
    artifactName,
    requireEngine,
    lifetimeMs: request.plan.lifetimeMs,
  };
}

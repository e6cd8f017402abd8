import { GreenlightError } from '../src/domain/errors.ts';
import type { BuiltBy, CapabilityContext, CapabilityId, PlanDraft } from './types.ts';

// A stack a capability built has no directory to plan: its program is the capability run with the
// parameters of the request that built it. Rollback and drift scan build it again from there.

export async function rebuildDraft(builtBy: BuiltBy, ctx: CapabilityContext): Promise<PlanDraft> {
  // Imported here, not at the top: the registry imports the capabilities that call this.
  const { capability } = await import('./index.ts');
  const cap = capability(builtBy.capability as CapabilityId);
  if (cap.kind === 'query') throw new GreenlightError('bad_request', `${builtBy.capability} builds no stack.`);
  const draft = await cap.plan(cap.params.parse(builtBy.params), ctx);
  const team = builtBy.params.team;
  return { ...draft, operation: 'apply', builtBy, ...(typeof team === 'string' ? { team } : {}) };
}

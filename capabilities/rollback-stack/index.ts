import { rebuildDraft } from '../rebuild.ts';
import type { PlanningCapability } from '../types.ts';
import { extract } from './extract.ts';
import { rollbackStackParams } from './schema.ts';

export const rollbackStack: PlanningCapability<typeof rollbackStackParams, 'rollback_stack'> = {
  id: 'rollback_stack',
  extract,
  kind: 'operate',
  title: 'Roll back a stack',
  summary: 'Plan a return to an earlier applied version by re-applying its config (or its program); applied once approved',
  usage: 'rollback <stack> [to=<request id>|<versions back>]',
  params: rollbackStackParams,
  examples: ['rollback sandbox/dev', 'rollback sandbox/prod to=2'],
  async plan(params, ctx) {
    const version = await ctx.services.appliedVersion(params.stack, params.to);
    const when = `${version.requestId} r${version.revision}, applied ${version.appliedAt} (asked by ${version.requester}: "${version.text}")`;
    if (version.builtBy) {
      // A stack a capability built: its program comes from the parameters that version was built from.
      return {
        ...(await rebuildDraft(version.builtBy, ctx)),
        notes: [`Rollback to ${when}: the program is built again from that request's parameters and applied (Pulumi).`],
      };
    }
    const method =
      version.engine === 'terraform'
        ? 'Terraform re-applies that version’s config; the plan below is what it takes to get there (state history is not rewritten)'
        : 'Pulumi re-applies that version’s config (no checkpoint import: a restored checkpoint could claim resources the cloud no longer has)';
    return {
      stack: params.stack,
      operation: 'apply',
      overrides: version.config,
      notes: [`Rollback to ${when}. ${method}.`],
    };
  },
};

import { GreenlightError } from '../../src/domain/errors.ts';
import { stackRequestParams } from '../../src/router/params.ts';
import { rebuildDraft } from '../rebuild.ts';
import type { PlanningCapability } from '../types.ts';
import { driftScanParams } from './schema.ts';

export const driftScan: PlanningCapability<typeof driftScanParams, 'drift_scan'> = {
  id: 'drift_scan',
  extract: stackRequestParams,
  kind: 'operate',
  title: 'Drift scan',
  summary: 'Compare the real resources and the state with what Greenlight applied; offer the plan that puts them back',
  usage: 'drift <stack>',
  params: driftScanParams,
  examples: ['drift sandbox/prod', 'drift sandbox/dev'],
  async plan(params, ctx) {
    // The remediation plan is a normal plan of what was last applied; the planner adds a
    // refresh-only preview first and lists what differs.
    if (ctx.services.stacks().some((s) => s.name === params.stack))
      return { stack: params.stack, operation: 'apply', overrides: {}, scanDrift: true };
    // A stack a capability built: what was last applied is that request's program.
    const version = await ctx.services.appliedVersion(params.stack, '0');
    if (!version.builtBy) throw new GreenlightError('bad_request', `${params.stack} has no program on record to compare with.`);
    return { ...(await rebuildDraft(version.builtBy, ctx)), scanDrift: true };
  },
};

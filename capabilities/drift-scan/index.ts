import type { PlanningCapability } from '../types.ts';
import { driftScanParams } from './schema.ts';

export const driftScan: PlanningCapability<typeof driftScanParams> = {
  id: 'drift_scan',
  kind: 'operate',
  title: 'Drift scan',
  summary: 'Compare the real resources and the state with what Greenlight applied; offer the plan that puts them back',
  usage: 'drift <stack>',
  params: driftScanParams,
  examples: ['drift sandbox/prod', 'drift sandbox/dev'],
  async plan(params) {
    // The remediation plan is a normal plan with the config last applied; the planner adds a
    // refresh-only preview first and lists what differs.
    return { stack: params.stack, operation: 'apply', overrides: {}, scanDrift: true };
  },
};

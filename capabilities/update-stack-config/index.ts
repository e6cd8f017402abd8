import type { PlanningCapability } from '../types.ts';
import { updateStackConfigParams } from './schema.ts';

export const updateStackConfig: PlanningCapability<typeof updateStackConfigParams> = {
  id: 'update_stack_config',
  kind: 'operate',
  title: 'Change stack config',
  summary: 'Set config values on a stack, plan the result and apply it once approved',
  usage: 'set <stack> key=value …',
  params: updateStackConfigParams,
  examples: ['set sandbox/dev replicas=3', 'set sandbox/prod replicas=5 apply_seconds=1'],
  async plan(params) {
    return { stack: params.stack, operation: 'apply', overrides: params.values };
  },
};

import { stackRequestParams } from '../../src/router/params.ts';
import type { PlanningCapability } from '../types.ts';
import { destroyStackParams } from './schema.ts';

export const destroyStack: PlanningCapability<typeof destroyStackParams, 'destroy_stack'> = {
  id: 'destroy_stack',
  extract: stackRequestParams,
  kind: 'operate',
  title: 'Destroy a stack',
  summary: 'Plan the deletion of every resource in the stack; applied only once approved',
  usage: 'destroy <stack>',
  params: destroyStackParams,
  examples: ['destroy sandbox/dev'],
  async plan(params) {
    return { stack: params.stack, operation: 'destroy', overrides: {} };
  },
};

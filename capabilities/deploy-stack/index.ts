import { stackRequestParams } from '../../src/router/params.ts';
import type { PlanningCapability } from '../types.ts';
import { deployStackParams } from './schema.ts';

export const deployStack: PlanningCapability<typeof deployStackParams, 'deploy_stack'> = {
  id: 'deploy_stack',
  extract: stackRequestParams,
  kind: 'operate',
  title: 'Deploy a stack',
  summary: 'Plan and, once approved, apply the stack with its current config',
  usage: 'deploy <stack>',
  params: deployStackParams,
  examples: ['deploy sandbox/dev', 'deploy sandbox/prod'],
  async plan(params) {
    return { stack: params.stack, operation: 'apply', overrides: {} };
  },
};

import type { PlanningCapability } from '../types.ts';
import { extract } from './extract.ts';
import { updateStackConfigParams } from './schema.ts';

export const updateStackConfig: PlanningCapability<typeof updateStackConfigParams, 'update_stack_config'> = {
  id: 'update_stack_config',
  extract,
  kind: 'operate',
  title: 'Change stack config',
  summary: 'Set config values on a stack, plan the result and apply it once approved',
  usage: 'set <stack> key=value …',
  params: updateStackConfigParams,
  examples: ['set sandbox/dev replicas=3', 'set sandbox/prod replicas=5 apply_seconds=1'],
  async plan(params, ctx) {
    // "scale checkout to 10" arrives as replicas=10; each stack documents which key scales it.
    const scaleKey = ctx.services.stacks().find((s) => s.name === params.stack)?.scaleKey ?? 'replicas';
    const { replicas, ...rest } = params.values;
    if (replicas === undefined || scaleKey === 'replicas' || scaleKey in params.values)
      return { stack: params.stack, operation: 'apply', overrides: params.values };
    return {
      stack: params.stack,
      operation: 'apply',
      overrides: { ...rest, [scaleKey]: replicas },
      notes: [`Scaling sets ${scaleKey}=${replicas}: ${scaleKey} is ${params.stack}'s scale key (stacks.${params.stack}.scaleKey).`],
    };
  },
};

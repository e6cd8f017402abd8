import { type Params, paramCollector, stackRequestParams, valuesOf } from '../../src/router/params.ts';

/** What a message says of update_stack_config's parameters (the router calls it; shared extractors do the reading). */
export function extract(text: string, stacks: readonly string[]): Params {
  const { out } = paramCollector();
  Object.assign(out, stackRequestParams(text, stacks));
  const values = valuesOf(text);
  if (Object.keys(values).length) out.values = values;
  return out;
}

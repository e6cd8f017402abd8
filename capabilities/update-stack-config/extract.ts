import { type Params, paramCollector, stackOf, valuesOf } from '../../src/router/params.ts';

/** What a message says of update_stack_config's parameters (the router calls it; shared extractors do the reading). */
export function extract(text: string, stacks: readonly string[]): Params {
  const { out, set } = paramCollector();
  set('stack', stackOf(text, stacks));
  const values = valuesOf(text);
  if (Object.keys(values).length) out.values = values;
  return out;
}

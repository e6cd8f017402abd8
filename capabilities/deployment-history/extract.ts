import { environmentOf, type Params, paramCollector, sinceOf, stackOf } from '../../src/router/params.ts';

/** What a message says of deployment_history's parameters (the router calls it; shared extractors do the reading). */
export function extract(text: string, stacks: readonly string[]): Params {
  const { out, set } = paramCollector();
  set('stack', stackOf(text, stacks));
  set('since', sinceOf(text));
  set('environment', typeof out.stack === 'string' ? environmentOf(out.stack.split('/')[1] ?? '') : environmentOf(text));
  return out;
}

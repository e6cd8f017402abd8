import { environmentOf, type Params, paramCollector } from '../../src/router/params.ts';

/** What a message says of list_stacks's parameters (the router calls it; shared extractors do the reading). */
export function extract(text: string): Params {
  const { out, set } = paramCollector();
  set('environment', environmentOf(text));
  return out;
}

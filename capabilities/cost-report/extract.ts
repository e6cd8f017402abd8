import { environmentOf, type Params, paramCollector, teamOf } from '../../src/router/params.ts';

/** What a message says of cost_report's parameters (the router calls it; shared extractors do the reading). */
export function extract(text: string): Params {
  const { out, set } = paramCollector();
  set('team', teamOf(text));
  set('environment', environmentOf(text));
  set('by', /\b(?:by|per)\s+(team|environment|stack)s?\b/i.exec(text)?.[1]?.toLowerCase());
  return out;
}

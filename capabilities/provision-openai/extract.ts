import { environmentOf, modelOf, type Params, paramCollector, regionOf, teamOf } from '../../src/router/params.ts';

/** What a message says of provision_openai's parameters (the router calls it; shared extractors do the reading). */
export function extract(text: string): Params {
  const { out, set } = paramCollector();
  set('team', teamOf(text));
  set('environment', environmentOf(text));
  set('region', regionOf(text, 'azure'));
  set('model', modelOf(text));
  return out;
}

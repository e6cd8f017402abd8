import { cloudOf, environmentOf, flagTrue, type Params, paramCollector, regionOf, teamOf } from '../../src/router/params.ts';

/** What a message says of provision_storage's parameters (the router calls it; shared extractors do the reading). */
export function extract(text: string): Params {
  const { out, set } = paramCollector();
  const cloud = cloudOf(text);
  set('cloud', cloud);
  set('team', teamOf(text));
  set('environment', environmentOf(text));
  // A region of another cloud is kept, so the schema can refuse it with the right list.
  set('region', regionOf(text, cloud) ?? regionOf(text));
  set('public', flagTrue(text, /\bpublic(ly)?\b/));
  return out;
}

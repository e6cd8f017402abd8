import { environmentOf, type Params, paramCollector, teamOf } from '../../src/router/params.ts';

/** What a message says of provision_k8s_namespace's parameters (the router calls it; shared extractors do the reading). */
export function extract(text: string): Params {
  const { out, set } = paramCollector();
  set('team', teamOf(text));
  set('environment', environmentOf(text));
  set('namespace', /\bnamespace\s+(?:called|named)\s+([a-z][a-z0-9-]{1,40})\b/i.exec(text)?.[1]?.toLowerCase());
  return out;
}

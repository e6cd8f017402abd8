import { environmentOf, type Params, paramCollector, portOf, protocolOf, sourceOf } from '../../src/router/params.ts';

/** What a message says of open_firewall_port's parameters (the router calls it; shared extractors do the reading). */
export function extract(text: string): Params {
  const { out, set } = paramCollector();
  set('port', portOf(text));
  set('protocol', protocolOf(text));
  set('source', sourceOf(text));
  set('environment', environmentOf(text));
  return out;
}

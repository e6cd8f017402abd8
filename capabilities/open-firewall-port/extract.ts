import { cloudOf, environmentOf, type Params, paramCollector, portOf, protocolOf, regionOf, sourceOf } from '../../src/router/params.ts';

/** What a message says of open_firewall_port's parameters (the router calls it; shared extractors do the reading). */
export function extract(text: string): Params {
  const { out, set } = paramCollector();
  const cloud = cloudOf(text);
  set('cloud', cloud === 'gcp' ? undefined : cloud);
  // Only an AWS rule takes a region (its security group's); Azure's comes from the NSG.
  if (cloud === 'aws') set('region', regionOf(text, 'aws'));
  set('port', portOf(text));
  set('protocol', protocolOf(text));
  set('source', sourceOf(text));
  set('environment', environmentOf(text));
  return out;
}

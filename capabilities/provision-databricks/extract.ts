import { environmentOf, flagTrue, type Params, paramCollector, regionOf, teamOf } from '../../src/router/params.ts';

/** What a message says of provision_databricks's parameters (the router calls it; shared extractors do the reading). */
export function extract(text: string): Params {
  const { out, set } = paramCollector();
  set('team', teamOf(text));
  set('environment', environmentOf(text));
  set('region', regionOf(text, 'azure'));
  set('size', /\b(small|medium|large)\b/i.exec(text)?.[1]?.toLowerCase());
  set('gpu', flagTrue(text, /\bgpus?\b/));
  const max = /\bup to\s+(\d+)\s+workers?\b/i.exec(text) ?? /\bmax(?:imum)?\s+(\d+)\s+workers?\b/i.exec(text);
  set('max_workers', max?.[1] ? Number(max[1]) : undefined);
  return out;
}

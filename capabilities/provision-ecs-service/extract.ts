import { environmentOf, type Params, paramCollector, regionOf, serviceOf } from '../../src/router/params.ts';

/** What a message says of provision_ecs_service's parameters (the router calls it; shared extractors do the reading). */
export function extract(text: string): Params {
  const { out, set } = paramCollector();
  set('service', serviceOf(text));
  set('environment', environmentOf(text));
  set('region', regionOf(text, 'aws'));
  const count = /\b(\d+)\s+(?:tasks?|replicas?|instances?|containers?)\b/i.exec(text);
  set('desired_count', count?.[1] ? Number(count[1]) : undefined);
  set('image', /\b([a-z0-9][a-z0-9./-]*:[a-z0-9][a-z0-9._-]*)\b/i.exec(text.replace(/https?:\/\/\S+/g, ''))?.[1]);
  return out;
}

import type { z } from 'zod';
import { capabilities, capability } from '../../capabilities/index.ts';
import type { CapabilityId, CapabilityKind } from '../../capabilities/types.ts';
import type { Card } from '../../cards/model.ts';
import { describeIssues, GreenlightError } from '../domain/errors.ts';
import type { PrincipalId } from '../domain/types.ts';
import type { QueryServices } from './query-services.ts';

// What can be asked, as the channels see it: each capability's id, words and parameter schema
// (the /v1 schemas, OpenAPI and MCP tools are built from these), and a read-only capability's
// answer. Channels reach capabilities only through here.

export type { CapabilityId };

export interface CapabilityInfo {
  id: CapabilityId;
  title: string;
  summary: string;
  usage: string;
  kind: CapabilityKind;
  params: z.ZodType;
}

export const CATALOG: readonly CapabilityInfo[] = capabilities.map(({ id, title, summary, usage, kind, params }) => ({
  id,
  title,
  summary,
  usage,
  kind,
  params,
}));

export function capabilityInfo(id: CapabilityId): CapabilityInfo {
  const found = CATALOG.find((c) => c.id === id);
  if (!found) throw new GreenlightError('not_found', `${id} is not a capability.`);
  return found;
}

/** A read-only capability's answer for `user`, as the card chat would show. */
export function answerQuery(id: CapabilityId, params: Record<string, unknown>, user: PrincipalId, services: QueryServices): Promise<Card> {
  const cap = capability(id);
  if (cap.kind !== 'query') throw new GreenlightError('bad_request', `${id} changes infrastructure; it is not a question.`);
  const parsed = cap.params.safeParse(params);
  if (!parsed.success)
    throw new GreenlightError('bad_request', `Invalid parameters: ${describeIssues(parsed.error.issues, 'parameters')}.`);
  return cap.run(parsed.data, { user, services });
}

import { type Params, requestIdOf, stackRequestParams } from '../../src/router/params.ts';

const COUNTS: Record<string, string> = { one: '1', two: '2', three: '3', four: '4', five: '5' };

/** The stack and, when said, which version: a request id, or "2 versions back" / "one version ago". */
export function extract(text: string, stacks: readonly string[]): Params {
  const out = stackRequestParams(text, stacks);
  const back = /\b(\d+|one|two|three|four|five)\s+(?:versions?|releases?|deploys?|deployments?)\s+(?:back|ago|before)\b/i.exec(text)?.[1];
  const to = requestIdOf(text) ?? (back ? (COUNTS[back.toLowerCase()] ?? back) : undefined);
  return to ? { ...out, to } : out;
}

import { type Params, requestIdOf, stackRequestParams } from '../../src/router/params.ts';

/** A request id ("where is cr-5e6f7a8b9c at?") or a stack, configured or not, with its environment. */
export function extract(text: string, stacks: readonly string[]): Params {
  const request = requestIdOf(text);
  return request ? { request } : stackRequestParams(text, stacks);
}

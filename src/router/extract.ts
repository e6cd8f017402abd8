import { capabilities } from '../../capabilities/index.ts';
import type { IntentId } from './intents.ts';
import type { Params } from './params.ts';

// Parameters out of free text. Each capability owns how its parameters are read (its `extract`
// hook, built from the shared extractors in params.ts); the router only dispatches. `general`
// takes none.

const hooks = new Map(capabilities.map((c) => [c.id as IntentId, c.extract]));

export function extractParams(intent: IntentId, text: string, stacks: readonly string[]): Params {
  return hooks.get(intent)?.(text, stacks) ?? {};
}

import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { CAPABILITY_IDS, type CapabilityId } from '../../capabilities/index.ts';
import { describeIssues } from '../domain/errors.ts';
import { PROJECT_ROOT } from '../paths.ts';

// The intent catalog. Each capability folder owns its language: capabilities/<id>/intent.yaml
// (description, parameter hints, examples). The one intent without a capability, `general`
// (small talk, questions that ask nothing of the bot), lives in intents/general.yaml. The examples
// train the offline classifier and few-shot the LLM router; the corpora in intents/ are for
// measuring only.

/** Every capability is an intent; `general` is the one intent that is not a capability. */
export type IntentId = CapabilityId | 'general';
const [firstCapability = 'help', ...otherCapabilities] = CAPABILITY_IDS;
/** A non-empty tuple, as z.enum wants; `general` last, as the classifier was trained. */
export const INTENT_IDS: [IntentId, ...IntentId[]] = [firstCapability, ...otherCapabilities, 'general'];

const intentSchema = z
  .object({
    id: z.enum(INTENT_IDS),
    description: z.string().min(1),
    readOnly: z.boolean(),
    params: z.record(z.string(), z.string()).default({}),
    examples: z.array(z.string().min(1)).min(20),
  })
  .strict();
export type Intent = z.infer<typeof intentSchema>;

const ROOT = PROJECT_ROOT;
export const INTENTS_DIR = join(ROOT, 'intents');

/** Where an intent's file lives: its capability's folder, or intents/ for `general`. */
export function intentFile(id: IntentId): string {
  return id === 'general' ? join(INTENTS_DIR, 'general.yaml') : join(ROOT, 'capabilities', id.replace(/_/g, '-'), 'intent.yaml');
}

export function loadIntents(): Intent[] {
  return INTENT_IDS.map((id) => {
    const file = intentFile(id);
    const shown = file.slice(ROOT.length + 1);
    if (!existsSync(file)) throw new Error(`${shown} is missing: every capability folder has an intent.yaml`);
    const parsed = intentSchema.safeParse(parseYaml(readFileSync(file, 'utf8')));
    if (!parsed.success) throw new Error(`${shown}: ${describeIssues(parsed.error.issues, 'file')}`);
    if (parsed.data.id !== id) throw new Error(`${shown} declares id ${parsed.data.id}; it belongs to ${id}`);
    return parsed.data;
  });
}

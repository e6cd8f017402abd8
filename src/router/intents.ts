import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { describeIssues } from '../domain/errors.ts';

// The intent catalog: one YAML file per intent under intents/. The examples train the offline
// classifier and few-shot the LLM router; intents/dev-corpus.jsonl is for measuring only.

export const INTENT_IDS = [
  'provision_databricks',
  'provision_ecs_service',
  'provision_storage',
  'provision_k8s_namespace',
  'provision_openai',
  'open_firewall_port',
  'update_stack_config',
  'preview_stack',
  'deploy_stack',
  'destroy_stack',
  'rollback_stack',
  'drift_scan',
  'list_stacks',
  'stack_status',
  'deployment_history',
  'cost_report',
  'help',
  'general',
] as const;
export type IntentId = (typeof INTENT_IDS)[number];

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

export const INTENTS_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '../../intents');

export function loadIntents(dir = INTENTS_DIR): Intent[] {
  const files = readdirSync(dir).filter((f) => f.endsWith('.yaml'));
  const intents = files.map((file) => {
    const parsed = intentSchema.safeParse(parseYaml(readFileSync(join(dir, file), 'utf8')));
    if (!parsed.success) throw new Error(`intents/${file}: ${describeIssues(parsed.error.issues, 'file')}`);
    if (`${parsed.data.id}.yaml` !== file)
      throw new Error(`intents/${file} declares id ${parsed.data.id}; the file must be named after its id`);
    return parsed.data;
  });
  const missing = INTENT_IDS.filter((id) => !intents.some((i) => i.id === id));
  if (missing.length) throw new Error(`intents/ lacks a file for: ${missing.join(', ')}`);
  return intents;
}

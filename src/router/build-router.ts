import type { Config } from '../config/schema.ts';
import type { Logger } from '../observability/logger.ts';
import type { StackRegistry } from '../workflow/stacks.ts';
import { loadIntents } from './intents.ts';
import { LlmRouter } from './llm-router.ts';
import { Router } from './router.ts';

/** The router: grammar and offline classifier always; the LLM router when a key or base URL is set. */
export function buildRouter(config: Config, stacks: StackRegistry, log: Logger): Router {
  const intents = loadIntents();
  const { llm } = config.router;
  const enabled = llm.apiKey !== undefined || llm.baseUrl !== undefined;
  const llmRouter = enabled
    ? new LlmRouter(
        { apiKey: llm.apiKey ?? 'not-needed', baseURL: llm.baseUrl, model: llm.model, timeoutMs: llm.timeoutMs, method: llm.method },
        intents,
      )
    : null;
  log.info({ llm: enabled ? { model: llm.model, baseUrl: llm.baseUrl ?? 'api.openai.com' } : 'off' }, 'router ready');
  return new Router(intents, () => stacks.list().map((s) => s.name), llmRouter, log, config.router.classifier);
}

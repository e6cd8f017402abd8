import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadIntents } from '../../src/router/intents.ts';
import { LlmRouter, llmRouteSchema } from '../../src/router/llm-router.ts';
import { Router } from '../../src/router/router.ts';
import { type FakeOpenAi, startFakeOpenAi } from '../fakes/openai-server.ts';

// The real ChatOpenAI (LangChain) against a local OpenAI-compatible server.

const stacks = ['sandbox/dev', 'sandbox/prod'];
/** Every parameter the schema asks for, null: what a model returns for a message that states none. */
const nulls = Object.fromEntries(Object.keys(llmRouteSchema.shape.params.shape).map((k) => [k, null]));

describe('LLM router (ChatOpenAI withStructuredOutput → local OpenAI-compatible server)', () => {
  let server: FakeOpenAi;
  let router: Router;
  const intents = loadIntents();
  beforeAll(async () => {
    server = await startFakeOpenAi();
    const llm = new LlmRouter(
      { apiKey: 'test-key', baseURL: server.url, model: 'gpt-4o-mini', timeoutMs: 1500, method: 'jsonSchema' },
      intents,
    );
    router = new Router(intents, () => stacks, llm, pino({ level: 'silent' }));
  });
  afterAll(async () => server?.close());

  it('uses valid structured output, normalising its parameters', async () => {
    server.scenario = {
      kind: 'json',
      content: {
        intent: 'provision_databricks',
        confidence: 0.93,
        params: { ...nulls, team: 'Data', environment: 'production', region: 'West Europe' },
      },
    };
    const route = await router.route('our analysts want spark notebooks, prod, in the netherlands datacenter');
    expect(route).toMatchObject({
      source: 'llm',
      intent: 'provision_databricks',
      confidence: 0.93,
      params: { team: 'data', environment: 'prod', region: 'westeurope' },
    });
    const request = server.requests.at(-1) as {
      model: string;
      messages: { role: string; content: string }[];
      response_format?: { type: string; json_schema: { schema: { properties: Record<string, unknown> } } };
    };
    expect(request.model).toBe('gpt-4o-mini');
    expect(request.response_format?.type).toBe('json_schema');
    expect(Object.keys(request.response_format?.json_schema.schema.properties ?? {})).toEqual(['intent', 'confidence', 'params']);
    // The parameters come from the capabilities' own zod schemas, descriptions included.
    const params = (request.response_format?.json_schema.schema.properties.params ?? {}) as {
      properties: Record<string, { description?: string }>;
    };
    expect(params.properties.health_check_path?.description).toBe('HTTP path the load balancer checks');
    expect(Object.keys(params.properties)).toEqual(expect.arrayContaining(['team', 'region', 'desired_count', 'namespace', 'values']));
    expect(request.messages[0]?.content).toContain('provision_databricks:');
    expect(request.messages[0]?.content).toContain('You never approve');
  });

  it('falls back to the offline router on output that does not fit the schema', async () => {
    server.scenario = { kind: 'json', content: { intent: 'approve_everything', confidence: 2, params: {} } };
    const route = await router.route('scale sandbox in prod to 10 replicas');
    expect(route).toMatchObject({
      source: 'classifier',
      intent: 'update_stack_config',
      params: { stack: 'sandbox/prod', values: { replicas: '10' } },
    });
    expect(route.fallbackReason).toBeTruthy();
    server.scenario = { kind: 'raw', content: 'Sure! I would route this to deploy.' };
    expect((await router.route('tear down the sandbox in dev')).source).toBe('classifier');
  });

  it('falls back on a timeout', async () => {
    server.scenario = { kind: 'hang', ms: 6_000 };
    const started = Date.now();
    const route = await router.route('open port 443 from 10.0.0.0/8 in prod');
    // The router's 1.5 s budget (generous for a loaded CI machine), well before the model answers.
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(route).toMatchObject({
      source: 'classifier',
      intent: 'open_firewall_port',
      params: { port: 443, source: '10.0.0.0/8', environment: 'prod' },
    });
  });

  it('falls back on HTTP 500', async () => {
    server.scenario = { kind: 'status', status: 500 };
    const route = await router.route('what did I deploy last week?');
    expect(route).toMatchObject({ source: 'classifier', intent: 'deployment_history', params: { since: '7d' } });
  });

  it('the grammar answers exact commands without asking the model', async () => {
    const before = server.requests.length;
    expect((await router.route('deploy sandbox/dev')).source).toBe('grammar');
    expect(server.requests.length).toBe(before);
  });
});

import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

// Stands in for an OpenAI-compatible endpoint (OpenAI, Azure OpenAI, vLLM, Ollama …): POST
// /v1/chat/completions answered in the Chat Completions wire format. Each test says what the
// "model" answers: a structured-output JSON string, garbage, an HTTP error, or nothing in time.

export type Scenario =
  | { kind: 'json'; content: unknown }
  | { kind: 'raw'; content: string }
  | { kind: 'status'; status: number }
  | { kind: 'hang'; ms: number };

export interface FakeOpenAi {
  url: string;
  requests: Record<string, unknown>[];
  scenario: Scenario;
  close(): Promise<void>;
}

export async function startFakeOpenAi(): Promise<FakeOpenAi> {
  const state: FakeOpenAi = { url: '', requests: [], scenario: { kind: 'status', status: 500 }, close: async () => undefined };
  const server: Server = createServer((req, res) => {
    let body = '';
    req.on('data', (c) => {
      body += c;
    });
    req.on('end', () => {
      if (req.method !== 'POST' || !req.url?.endsWith('/chat/completions')) {
        res.writeHead(404).end();
        return;
      }
      const parsed = JSON.parse(body) as Record<string, unknown>;
      state.requests.push(parsed);
      const s = state.scenario;
      if (s.kind === 'status') {
        res
          .writeHead(s.status, { 'content-type': 'application/json' })
          .end(JSON.stringify({ error: { message: 'upstream exploded', type: 'server_error' } }));
        return;
      }
      const send = () => {
        const content = s.kind === 'json' ? JSON.stringify(s.content) : s.kind === 'raw' ? s.content : '';
        res.writeHead(200, { 'content-type': 'application/json' }).end(
          JSON.stringify({
            id: 'chatcmpl-test',
            object: 'chat.completion',
            created: Math.floor(Date.now() / 1000),
            model: String(parsed.model),
            choices: [{ index: 0, message: { role: 'assistant', content, refusal: null }, logprobs: null, finish_reason: 'stop' }],
            usage: { prompt_tokens: 100, completion_tokens: 20, total_tokens: 120 },
          }),
        );
      };
      if (s.kind === 'hang') setTimeout(send, s.ms).unref();
      else send();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  state.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`;
  state.close = () =>
    new Promise((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    });
  return state;
}

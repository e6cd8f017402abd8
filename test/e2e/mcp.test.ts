import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hasTerraform, startTestApp, type TestApp } from '../helpers/test-app.ts';

// An agent through the MCP SDK's own client, over stdio (`greenlight mcp`, a child process on the
// same data dir as the running bot) and over streamable HTTP (`/mcp`). It may look, plan and ask;
// a person approves in the console; the agent then sees the apply. Tokens come from the real CLI.

const run = promisify(execFile);
const BIN = 'bin/greenlight.js';
const EXPECTED_TOOLS = [
  'cost_report',
  'deployment_history',
  'drift_scan',
  'list_stacks',
  'plan_change',
  'preview',
  'request_status',
  'stack_status',
];

function text(result: any): string {
  return (result.content as { type: string; text: string }[]).map((c) => c.text).join('\n');
}

function statusOf(result: any): any {
  return JSON.parse((result.content as { text: string }[]).at(-1)!.text);
}

describe.skipIf(!hasTerraform)('MCP: an agent plans, a person approves, the agent sees the apply (real terraform)', () => {
  let t: TestApp;
  let env: NodeJS.ProcessEnv;
  const made: Record<string, string> = {};

  async function cli(...args: string[]) {
    return run(process.execPath, [BIN, ...args], { env, timeout: 60_000 });
  }

  beforeAll(async () => {
    t = await startTestApp({ groups: { platform: ['console:bob'] } });
    env = { ...process.env, ...t.cliEnv, PORT: new URL(t.url).port, LOG_LEVEL: 'warn' };
    for (const [name, scopes] of [
      ['agent', 'read,plan,request'],
      ['watcher', 'read'],
    ] as const) {
      const { stdout } = await cli('token', 'create', '--name', name, '--scopes', scopes);
      made[name] = /token:\s+(glt_\S+)/.exec(stdout)![1]!;
    }
  }, 120_000);
  afterAll(async () => t?.close());

  it('token create refuses bad input with a clear message and creates nothing', async () => {
    const tries = [
      [['--name', 'Bad Name'], '--name: token names use'],
      [['--name', 'ok', '--scopes', 'read,approve'], '--scopes takes read, plan, request'],
      [['--name', 'ok', '--expires', 'forever'], '--expires takes a lifetime such as 90d'],
      [['--name', 'ok', '--post-to', 'email:x'], '--post-to is console'],
      [['--name', 'ok', '--webhook', 'http://169.254.169.254/latest/meta-data/'], 'is linkLocal (169.254.169.254)'],
      [['--name', 'agent'], 'A token named agent exists already'],
    ] as const;
    for (const [args, message] of tries) {
      const failed = await cli('token', 'create', ...args).then(
        () => undefined,
        (e: { code: number; stderr: string }) => e,
      );
      expect(failed?.code).toBe(1);
      expect(failed?.stderr).toContain(message);
    }
    const names = (await t.app.db.selectFrom('api_tokens').select('name').execute()).map((r) => r.name).sort();
    expect(names).toEqual(['agent', 'watcher']);
  }, 60_000);

  async function approveAndWait(client: Client, deploymentId: string) {
    const requestId = statusOf(await client.callTool({ name: 'request_status', arguments: { id: deploymentId } })).request_id;
    const approved = await t.act('bob', requestId, 'approve');
    expect(approved.status).toBe(200);
    for (const deadline = Date.now() + 60_000; Date.now() < deadline; ) {
      const s = await client.callTool({ name: 'request_status', arguments: { id: deploymentId } });
      if (['succeeded', 'failed'].includes(statusOf(s).status)) return s;
      await new Promise((r) => setTimeout(r, 200));
    }
    throw new Error(`${deploymentId} did not finish`);
  }

  it('over stdio: lists its tools (none approves), plan_change opens a request, a person approves, request_status shows the apply', async () => {
    const client = new Client({ name: 'test-agent', version: '1.0.0' });
    const transport = new StdioClientTransport({
      command: process.execPath,
      args: [BIN, 'mcp'],
      env: { ...(env as Record<string, string>), GREENLIGHT_TOKEN: made.agent! },
      stderr: 'pipe',
    });
    await client.connect(transport);
    try {
      const { tools } = await client.listTools();
      expect(tools.map((tool) => tool.name).sort()).toEqual(EXPECTED_TOOLS);
      expect(tools.some((tool) => /approv|apply/i.test(tool.name))).toBe(false);
      // Each tool's input schema is its capability's schema.
      expect(Object.keys(tools.find((tool) => tool.name === 'stack_status')!.inputSchema.properties ?? {})).toEqual(['target']);

      const planned = await client.callTool({ name: 'plan_change', arguments: { deployment_id: 'agent-1', stack: 'sandbox/dev' } });
      expect(planned.isError).toBeFalsy();
      expect(text(planned)).toContain('awaiting approval');
      expect(text(planned)).toContain('Only a person can approve');
      const status = statusOf(planned);
      expect(status).toMatchObject({ deployment_id: 'agent-1', requester: 'api:agent', via: 'mcp', status: 'awaiting_approval' });
      expect(status.card_url).toBe(`${t.url}/plans/${status.request_id}`);

      // The card in the console says an agent asked, and which.
      const card = (await t.get(`/api/threads/${status.thread.id}`)).body.messages.find((m: any) => m.card.kind === 'plan').card;
      const requestedBy = card.blocks.flatMap((b: any) => b.facts ?? []).find((f: any) => f.label === 'Requested by');
      expect(requestedBy.value).toBe('api:agent (an agent, over MCP with API token agent; deployment agent-1)');

      // Trying to approve: there is no such tool.
      const attempt = await client
        .callTool({ name: 'approve', arguments: { request_id: status.request_id } })
        .catch((e: Error) => ({ isError: true, content: [{ type: 'text', text: e.message }] }));
      expect(attempt.isError).toBe(true);
      expect((await t.get(`/api/requests/${status.request_id}`)).body.status).toBe('awaiting_approval');

      const done = await approveAndWait(client, 'agent-1');
      expect(statusOf(done).status).toBe('succeeded');
      expect(text(done)).toContain('Outputs: ');
      expect(text(done)).toContain('http://sandbox-dev.local:8080');
    } finally {
      await client.close();
    }
    const calls = await t.app.db
      .selectFrom('audit_log')
      .selectAll()
      .where('actor', '=', 'api:agent')
      .where('action', '=', 'mcp.call')
      .execute();
    expect(calls.map((c) => JSON.parse(c.detail).what)).toEqual(expect.arrayContaining(['plan_change', 'request_status']));
  });

  it('over streamable HTTP behind the same tokens: the same tools, the same loop; a read-only token sees only reading tools', async () => {
    const connect = async (token: string | undefined) => {
      const client = new Client({ name: 'http-agent', version: '1.0.0' });
      const transport = new StreamableHTTPClientTransport(new URL(`${t.url}/mcp`), {
        requestInit: { headers: token ? { authorization: `Bearer ${token}` } : {} },
      });
      await client.connect(transport);
      return client;
    };
    const client = await connect(made.agent);
    try {
      expect((await client.listTools()).tools.map((tool) => tool.name).sort()).toEqual(EXPECTED_TOOLS);
      const stacks = await client.callTool({ name: 'list_stacks', arguments: {} });
      expect(text(stacks)).toContain('sandbox/dev');
      const planned = await client.callTool({
        name: 'plan_change',
        arguments: { deployment_id: 'agent-2', stack: 'sandbox/dev', parameters: { replicas: '3' } },
      });
      expect(statusOf(planned)).toMatchObject({ capability: 'update_stack_config', via: 'mcp', status: 'awaiting_approval' });
      const done = await approveAndWait(client, 'agent-2');
      expect(statusOf(done).status).toBe('succeeded');
      expect(statusOf(done).deployment.outputs.replicas).toBe(3);
      // Bad input to a tool is a clear error, and nothing is opened.
      const bad = await client.callTool({
        name: 'plan_change',
        arguments: { deployment_id: 'agent-3', capability: 'provision_storage', parameters: { team: 'data' } },
      });
      expect(bad.isError).toBe(true);
      expect(text(bad)).toContain('parameters.environment');
      const opened = await t.app.db.selectFrom('program_requests').select('deployment_id').execute();
      expect(opened.map((r) => r.deployment_id).sort()).toEqual(['agent-1', 'agent-2']);
    } finally {
      await client.close();
    }

    const watcher = await connect(made.watcher);
    try {
      const names = (await watcher.listTools()).tools.map((tool) => tool.name).sort();
      expect(names).toEqual(['cost_report', 'deployment_history', 'list_stacks', 'request_status', 'stack_status']);
      const refused = await watcher
        .callTool({ name: 'plan_change', arguments: { deployment_id: 'w-1', stack: 'sandbox/dev' } })
        .catch((e: Error) => ({ isError: true, content: [{ type: 'text', text: e.message }] }));
      expect(refused.isError).toBe(true);
    } finally {
      await watcher.close();
    }
    await expect(connect(undefined)).rejects.toThrow();

    // Revoked with the CLI: the next connection is refused.
    await cli('token', 'revoke', 'agent');
    await expect(connect(made.agent)).rejects.toThrow();
    const { stdout } = await cli('token', 'list');
    expect(stdout).toMatch(/agent\s+[0-9a-f]{12}\s+read,plan,request\s+revoked/);
  }, 120_000);
});

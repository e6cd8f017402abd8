import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { z } from 'zod';
import { renderText } from '../../../cards/render/text.ts';
import { toGreenlightError } from '../../domain/errors.ts';
import { formatUsd } from '../../domain/money.ts';
import type { DeploymentStatus } from '../../domain/program-api.ts';
import { secrets } from '../../domain/redaction.ts';
import {
  type ApiCaller,
  type ApiScope,
  answerQuery,
  type CapabilityId,
  capabilityInfo,
  type ProgramAccess,
  type ProgramRequests,
  type QueryServices,
} from '../../workflow/index.ts';
import { deployAsk, deployBody } from './schemas.ts';

// The MCP server: the same capabilities for AI agents, as tools. Over stdio (`greenlight mcp`) and
// streamable HTTP (`/mcp`), both behind an API token. An agent may look, plan and ask; there is no
// approve or apply tool, and the approval rules refuse a program's approval anyway: `plan_change`
// opens a request whose card waits for people in chat. Only the tools the token's scopes allow are
// listed. Every call is audited with the agent's principal.

export interface McpDeps {
  access: ProgramAccess;
  programs: ProgramRequests;
  queries: QueryServices;
  version: string;
}

interface Tool {
  name: string;
  title: string;
  description: string;
  scope: ApiScope;
  input: z.ZodObject;
  run(caller: ApiCaller, args: Record<string, unknown>): Promise<{ text: string; data?: unknown }>;
}

function statusText(s: DeploymentStatus): string {
  const approvals = s.approvals.filter((a) => a.decision === 'approve' && a.counted).length;
  const lines = [
    `${s.request_id} (deployment ${s.deployment_id ?? '—'}): ${s.status.replace('_', ' ')} — ${s.plan.operation} on ${s.stack} (${s.environment}).`,
    `Cost ${s.plan.cost.monthly_usd === null ? 'not estimated' : `${formatUsd(s.plan.cost.monthly_usd)} a month`}; risk ${s.plan.risk.level} (${s.plan.risk.score}).`,
    `Approvals: ${approvals} of ${s.approvals_required} (approvers: ${s.approvers}). Only a person can approve, in chat or the signed-in console.`,
  ];
  if (s.card_url) lines.push(`Plan card: ${s.card_url}`);
  if (s.deployment?.error) lines.push(`Failed: ${s.deployment.error.message} (logs: ${s.deployment.error.logs_ref})`);
  if (s.deployment && Object.keys(s.deployment.outputs).length) lines.push(`Outputs: ${JSON.stringify(s.deployment.outputs)}`);
  return lines.join('\n');
}

/** A read-only capability as a tool: its own parameter schema in, its card as text out. */
function queryTool(
  name: string,
  id: CapabilityId & ('list_stacks' | 'stack_status' | 'preview_stack' | 'deployment_history' | 'cost_report'),
  scope: ApiScope,
  deps: McpDeps,
): Tool {
  const cap = capabilityInfo(id);
  return {
    name,
    title: cap.title,
    description: `${cap.summary}. Usage in chat: ${cap.usage}.`,
    scope,
    input: cap.params as z.ZodObject,
    async run(caller, args) {
      return { text: renderText(await answerQuery(id, args, caller.principal, deps.queries)) };
    },
  };
}

export function mcpTools(deps: McpDeps): Tool[] {
  return [
    queryTool('list_stacks', 'list_stacks', 'read', deps),
    queryTool('stack_status', 'stack_status', 'read', deps),
    queryTool('preview', 'preview_stack', 'plan', deps),
    {
      name: 'plan_change',
      title: 'Plan a change for people to approve',
      description:
        'Plans a change (capability + parameters, as POST /v1/deploy) and opens it as a request awaiting human approval: returns its status and plan card link. It is never applied until the people the approval rules name approve it in chat; poll request_status.',
      scope: 'request',
      input: deployBody as unknown as z.ZodObject,
      async run(caller, args) {
        const { status } = await deps.programs.deploy(caller, deployAsk(deployBody.parse(args)));
        if (!('request_id' in status)) return { text: `Nothing to change on ${status.plan.stack}: no request was opened.`, data: status };
        return { text: statusText(status), data: status };
      },
    },
    {
      name: 'request_status',
      title: 'Status of a request',
      description: 'A request by its deployment_id or request id: status, approvals, progress, outputs, error.',
      scope: 'read',
      input: z.object({ id: z.string().min(1).max(100).describe('deployment_id or request id (cr-…)') }).strict(),
      async run(_caller, args) {
        const status = await deps.programs.status(String(args.id));
        return { text: statusText(status), data: status };
      },
    },
    queryTool('deployment_history', 'deployment_history', 'read', deps),
    queryTool('cost_report', 'cost_report', 'read', deps),
    {
      name: 'drift_scan',
      title: 'Drift scan',
      description:
        'Compares a stack with its real resources; reports what differs. Nothing is stored; a remediation is a plan_change with capability drift_scan.',
      scope: 'plan',
      input: capabilityInfo('drift_scan').params as z.ZodObject,
      async run(caller, args) {
        const report = await deps.programs.driftScan(caller, { stack: String(args.stack) });
        const text = report.stacks
          .map(
            (s) =>
              `${s.stack}: ${s.status.replace('_', ' ')}${s.drift.length ? ` — ${s.drift.map((d) => `${d.address} ${d.kind}`).join(', ')}` : ''}`,
          )
          .join('\n');
        return { text, data: report };
      },
    },
  ];
}

/** An MCP server for one caller: the tools its token's scopes allow. */
export function buildMcpServer(caller: ApiCaller, deps: McpDeps): McpServer {
  const server = new McpServer(
    { name: 'greenlight', version: deps.version },
    {
      instructions:
        'Greenlight plans infrastructure changes and opens them for human approval. You can list and inspect stacks, preview, plan_change and follow request_status; you cannot approve or apply: people approve in chat.',
    },
  );
  for (const tool of mcpTools(deps).filter((t) => caller.token.scopes.includes(t.scope))) {
    server.registerTool(
      tool.name,
      { title: tool.title, description: tool.description, inputSchema: tool.input },
      async (args: Record<string, unknown>) => {
        try {
          const { text, data } = await tool.run(caller, args);
          const request = (data ?? {}) as { request_id?: string; deployment_id?: string };
          await deps.access.audit(caller.principal, 'mcp.call', {
            what: tool.name,
            outcome: 'ok',
            requestId: request.request_id ?? null,
            deploymentId: request.deployment_id ?? null,
          });
          const content: CallToolResult['content'] = [{ type: 'text', text: secrets.text(text) }];
          if (data !== undefined) content.push({ type: 'text', text: JSON.stringify(secrets.value(data)) });
          return { content };
        } catch (error) {
          const failure = toGreenlightError(error);
          await deps.access.audit(caller.principal, 'mcp.call', { what: tool.name, outcome: failure.code });
          const details = Object.keys(failure.details).length ? ` ${JSON.stringify(secrets.value(failure.details))}` : '';
          return {
            isError: true,
            content: [{ type: 'text', text: secrets.text(`${failure.code}: ${failure.message}${details}\nNext: ${failure.nextStep}`) }],
          };
        }
      },
    );
  }
  return server;
}

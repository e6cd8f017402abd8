import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import type { FastifyInstance } from 'fastify';
import { GreenlightError } from '../../domain/errors.ts';
import { PROJECT_ROOT } from '../../paths.ts';
import type { ProgramAccess, ProgramRequests, QueryServices } from '../../workflow/index.ts';
import { buildMcpServer } from './mcp.ts';
import { openApiDocument } from './openapi.ts';
import { apiRoutes, registerApiRoutes } from './routes.ts';

// Mounts the program-facing surface on the console's server: `/v1/*`, `/openapi.json` and the
// MCP endpoint `/mcp`. These answer to API tokens only (never the console's token or session,
// and a token is never taken on the console's routes).

export interface ProgramSurfaceDeps {
  access: ProgramAccess;
  programs: ProgramRequests;
  queries: QueryServices;
  now: () => Date;
  baseUrl: () => string;
}

export const VERSION: string = (JSON.parse(readFileSync(join(PROJECT_ROOT, 'package.json'), 'utf8')) as { version: string }).version;

/** Paths that take API tokens instead of the console's credentials. */
export function isProgramPath(url: string): boolean {
  const path = url.split('?')[0] ?? '';
  return path.startsWith('/v1/') || path === '/mcp' || path === '/openapi.json';
}

export function registerProgramSurface(app: FastifyInstance, deps: ProgramSurfaceDeps): void {
  const routes = apiRoutes(deps);
  registerApiRoutes(app, deps, routes);
  app.get('/openapi.json', async () => openApiDocument(routes, VERSION, deps.baseUrl()));

  // Streamable HTTP, stateless: each POST carries one JSON-RPC exchange with its own server,
  // built for the token that sent it.
  app.post('/mcp', async (req, reply) => {
    const caller = await deps.access.authenticate(req.headers.authorization, 'mcp');
    const server = buildMcpServer(caller, { ...deps, version: VERSION });
    const transport = new StreamableHTTPServerTransport({ sessionIdGenerator: undefined, enableJsonResponse: true });
    reply.hijack();
    reply.raw.on('close', () => {
      void transport.close();
      void server.close();
    });
    await server.connect(transport);
    await transport.handleRequest(req.raw, reply.raw, req.body);
  });
  const noSessions = async () => {
    throw new GreenlightError('bad_request', 'This MCP endpoint is stateless: send each JSON-RPC message with POST /mcp.');
  };
  app.get('/mcp', noSessions);
  app.delete('/mcp', noSessions);
}

import { z } from 'zod';
import { errorSchema } from '../../domain/program-api.ts';
import { CATALOG as capabilities } from '../../workflow/index.ts';
import type { ApiRoute } from './routes.ts';

// /openapi.json: OpenAPI 3.1, written from the route table and the zod schemas the routes parse
// with (OpenAPI 3.1 schemas are JSON Schema 2020-12, which is what zod emits). Each planning
// capability's parameters are listed too, so a client can build `parameters` without guessing.

const jsonSchema = (schema: z.ZodType, io: 'input' | 'output') =>
  z.toJSONSchema(schema, { io, unrepresentable: 'any', target: 'draft-2020-12' }) as Record<string, unknown>;

/** Drops `$schema`: inside an OpenAPI document the dialect is the document's. */
function component(schema: z.ZodType, io: 'input' | 'output'): Record<string, unknown> {
  const { $schema: _dialect, ...rest } = jsonSchema(schema, io);
  return rest;
}

const STANDARD_ERRORS: Record<number, string> = {
  400: 'Malformed body (bad_request)',
  401: 'No API token, or one that is unknown, revoked or expired (unauthenticated)',
  403: 'The token lacks the scope this route needs (permission_denied)',
};

export function openApiDocument(routes: ApiRoute[], version: string, serverUrl: string): Record<string, unknown> {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const route of routes) {
    const parameters = route.params
      ? Object.keys(route.params.shape).map((name) => ({ name, in: 'path', required: true, schema: { type: 'string' } }))
      : undefined;
    const responses: Record<string, unknown> = {};
    for (const [status, r] of Object.entries(route.responses))
      responses[status] = { description: r.description, content: { 'application/json': { schema: component(r.schema, 'output') } } };
    for (const [status, description] of Object.entries({ ...STANDARD_ERRORS, ...route.errors }))
      responses[status] = { description, content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } } };
    paths[route.path] = {
      ...paths[route.path],
      [route.method.toLowerCase()]: {
        operationId: route.operationId,
        summary: route.summary,
        security: [{ apiToken: [] }],
        'x-greenlight-scope': route.scope,
        ...(parameters ? { parameters } : {}),
        ...(route.body
          ? { requestBody: { required: true, content: { 'application/json': { schema: component(route.body, 'input') } } } }
          : {}),
        responses,
      },
    };
  }
  const capabilitySchemas = Object.fromEntries(
    capabilities
      .filter((c) => c.kind !== 'query')
      .map((c) => [`parameters.${c.id}`, { ...component(c.params, 'input'), description: `${c.title}: ${c.summary}. Usage: ${c.usage}` }]),
  );
  return {
    openapi: '3.1.0',
    info: {
      title: 'Greenlight API',
      version,
      description:
        'Programs and agents request infrastructure changes; people approve them in chat. No route approves: a request waits for the approvals its environment and risk require.',
    },
    servers: [{ url: serverUrl }],
    paths,
    components: {
      securitySchemes: {
        apiToken: { type: 'http', scheme: 'bearer', description: 'greenlight token create --name <name> --scopes read,plan,request' },
      },
      schemas: { Error: component(errorSchema, 'output'), ...capabilitySchemas },
    },
  };
}

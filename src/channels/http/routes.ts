import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { describeIssues, GreenlightError, toGreenlightError } from '../../domain/errors.ts';
import {
  type DeploymentStatus,
  deploymentStatusSchema,
  driftReportSchema,
  logsSchema,
  noChangesSchema,
  planViewSchema,
} from '../../domain/program-api.ts';
import type { ApiCaller, ApiScope, ProgramAccess, ProgramRequests } from '../../workflow/index.ts';
import { requireScope } from './api-auth.ts';
import { changeAsk, deployAsk, deployBody, driftScanBody, generateBody, idParam } from './schemas.ts';

// The `/v1` API for programs (pipelines, portals): seed 002's contract on Greenlight's model.
// One table describes every route — its scope, body, answers — and both registers it and writes
// /openapi.json (openapi.ts), so the document cannot drift from what is served.

export interface ApiRoute {
  method: 'GET' | 'POST';
  /** OpenAPI form (`/v1/status/{id}`); fastify's `:id` form is derived. */
  path: string;
  operationId: string;
  summary: string;
  scope: ApiScope;
  body?: z.ZodType;
  params?: z.ZodObject;
  /** The success answers: status → schema. */
  responses: Record<number, { description: string; schema: z.ZodType }>;
  /** Error answers this route gives, besides 400/401/403. */
  errors: Record<number, string>;
  handle(caller: ApiCaller, input: { body: unknown; params: Record<string, string> }): Promise<{ status: number; body: unknown }>;
}

export interface HttpApiDeps {
  access: ProgramAccess;
  programs: ProgramRequests;
}

function parse<S extends z.ZodType>(schema: S, value: unknown, root: string): z.output<S> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  throw new GreenlightError('bad_request', `Invalid request: ${describeIssues(result.error.issues, root)}.`);
}

/** A `GET …/{id}` route that reads one thing by id (read scope). */
function readById(route: {
  path: string;
  operationId: string;
  summary: string;
  response: { description: string; schema: z.ZodType };
  notFound: string;
  read(id: string): Promise<unknown>;
}): ApiRoute {
  return {
    method: 'GET',
    path: route.path,
    operationId: route.operationId,
    summary: route.summary,
    scope: 'read',
    params: idParam,
    responses: { 200: route.response },
    errors: { 404: route.notFound },
    async handle(_caller, { params }) {
      const { id } = parse(idParam, params, 'path');
      return { status: 200, body: await route.read(id) };
    },
  };
}

export function apiRoutes({ programs }: HttpApiDeps): ApiRoute[] {
  return [
    {
      method: 'POST',
      path: '/v1/generate',
      operationId: 'generate',
      summary: 'Plan a change and show it (changes, monthly cost, risk, policy findings); nothing is stored',
      scope: 'plan',
      body: generateBody,
      responses: { 200: { description: 'The plan', schema: planViewSchema.extend({ deployment_id: z.string().nullable() }) } },
      errors: {
        422: 'Invalid parameters, or blocked by policy (details.rules lists the GL-… ids)',
        502: 'The engine failed (details.logs_ref)',
      },
      async handle(caller, { body }) {
        const ask = parse(generateBody, body, 'body');
        const plan = await programs.generate(caller, changeAsk(ask));
        return { status: 200, body: { deployment_id: ask.deployment_id ?? null, ...plan } };
      },
    },
    {
      method: 'POST',
      path: '/v1/deploy',
      operationId: 'deploy',
      summary: 'Open the change as a request awaiting human approval (its plan card is posted for approvers); idempotent on deployment_id',
      scope: 'request',
      body: deployBody,
      responses: {
        202: {
          description: 'The request, awaiting approval (the same answer for a retry with the same deployment_id)',
          schema: deploymentStatusSchema,
        },
        200: { description: 'Nothing to change: no request was opened', schema: noChangesSchema },
      },
      errors: {
        409: 'This deployment_id is running (deployment_running) or was used for a different change (deployment_conflict)',
        422: 'Invalid parameters, or blocked by policy (details.rules lists the GL-… ids)',
        502: 'The engine failed while planning (details.logs_ref)',
      },
      async handle(caller, { body }) {
        const { status } = await programs.deploy(caller, deployAsk(parse(deployBody, body, 'body')));
        return { status: status.status === 'no_changes' ? 200 : 202, body: status };
      },
    },
    readById({
      path: '/v1/status/{id}',
      operationId: 'status',
      summary: 'A deployment (by deployment_id or request id): status, approvals, progress events, outputs, error with its logs_ref',
      response: { description: 'The request and its deployment', schema: deploymentStatusSchema },
      notFound: 'No such deployment or request',
      read: (id): Promise<DeploymentStatus> => programs.status(id),
    }),
    {
      method: 'POST',
      path: '/v1/drift-scan',
      operationId: 'driftScan',
      summary: 'Compare one stack, or every stack of an environment, with the real resources; nothing is stored',
      scope: 'plan',
      body: driftScanBody,
      responses: {
        200: { description: 'Each stack: drifted, in_sync, not_deployed or failed, with what differs', schema: driftReportSchema },
      },
      errors: { 404: 'No such stack', 502: 'The engine failed (details.logs_ref)' },
      async handle(caller, { body }) {
        const scope = parse(driftScanBody, body, 'body');
        return { status: 200, body: await programs.driftScan(caller, scope) };
      },
    },
    readById({
      path: '/v1/logs/{id}',
      operationId: 'logs',
      summary: "What a logs_ref points at: a failed plan's engine output, or a deployment's events and error (secrets masked)",
      response: { description: 'The log text', schema: logsSchema },
      notFound: 'No such logs',
      read: (id) => programs.logs(id),
    }),
  ];
}

/** `/v1/status/{id}` → `/v1/status/:id` */
export const fastifyPath = (path: string) => path.replace(/\{(\w+)\}/g, ':$1');

export function registerApiRoutes(app: FastifyInstance, deps: HttpApiDeps, routes: ApiRoute[]): void {
  for (const route of routes) {
    app.route({
      method: route.method,
      url: fastifyPath(route.path),
      handler: async (req: FastifyRequest, reply: FastifyReply) => {
        let caller: ApiCaller | undefined;
        try {
          caller = await deps.access.authenticate(req.headers.authorization, 'api');
          requireScope(caller, route.scope, `${route.method} ${route.path}`);
          const result = await route.handle(caller, { body: req.body, params: req.params as Record<string, string> });
          const body = result.body as { request_id?: string; deployment_id?: string | null };
          await deps.access.audit(caller.principal, 'api.call', {
            what: `${route.method} ${route.path}`,
            outcome: result.status,
            requestId: body.request_id ?? null,
            deploymentId: body.deployment_id ?? null,
          });
          return reply.status(result.status).send(result.body);
        } catch (error) {
          const failure = toGreenlightError(error);
          const actor = caller?.principal ?? (typeof failure.details.token === 'string' ? `api:${failure.details.token}` : undefined);
          // Uses of a token Greenlight knows are audited even when refused (revoked, expired, short of a scope).
          if (actor) await deps.access.audit(actor, 'api.call', { what: `${route.method} ${route.path}`, outcome: failure.code });
          throw error;
        }
      },
    });
  }
}

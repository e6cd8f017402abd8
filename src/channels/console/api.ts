import { randomUUID } from 'node:crypto';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { z } from 'zod';
import { noteCard } from '../../../cards/builders.ts';
import { planPageHtml } from '../../../cards/render/plan-page.ts';
import type { ConsoleMessages } from '../../domain/channel-memory.ts';
import { describeIssues, GreenlightError } from '../../domain/errors.ts';
import { secrets } from '../../domain/redaction.ts';
import type { Interactions, PostedMessage } from '../../workflow/index.ts';
import { type ConsolePort, type MessageView, toView } from './console-port.ts';
import { actionBody, chatBody, formBody, idParam, viewerQuery } from './schemas.ts';

// The console's JSON API (documented in README "Console API").

function parse<S extends z.ZodType>(schema: S, value: unknown): z.output<S> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const problems = describeIssues(result.error.issues, 'body');
  throw new GreenlightError('bad_request', `Invalid request: ${problems}.`);
}

export interface ApiDeps {
  interactions: Interactions;
  messages: ConsoleMessages;
  port: ConsolePort;
}

/** Who is asking: the signed-in person, or in local mode the name the body gives. */
export type Identify = (req: FastifyRequest, bodyUser: string | undefined) => string;

const messageView = (m: PostedMessage) => ({ messageId: m.messageId, requestId: m.requestId, card: m.card });

export function registerApi(app: FastifyInstance, { interactions, messages, port }: ApiDeps, identify: Identify): void {
  /** Who is looking at a page: signed in, the session; in local mode, `?user=` or nobody in particular. */
  const viewer = (req: FastifyRequest, user: string | undefined): string => {
    if (user !== undefined) return identify(req, user);
    try {
      return identify(req, undefined);
    } catch (error) {
      if (error instanceof GreenlightError && error.code === 'bad_request') return 'console:anonymous';
      throw error;
    }
  };
  // Every JSON answer (a request's plan and parameters, threads, errors) leaves with its secrets masked.
  app.addHook('preSerialization', async (_req, _reply, payload) => secrets.value(payload));
  app.post('/api/chat', async (req) => {
    const body = parse(chatBody, req.body);
    if (body.thread && !(await messages.exists(body.thread))) {
      throw new GreenlightError('not_found', `There is no thread ${body.thread}. Leave "thread" out to start a new one.`);
    }
    const threadId = body.thread ?? randomUUID();
    const user = identify(req, body.user);
    await port.postAs(threadId, user, noteCard('', body.text), null);
    const posted = await interactions.say({ user, text: body.text, thread: { channel: 'console', id: threadId } });
    return { thread: threadId, messages: posted.map(messageView) };
  });

  app.post('/api/actions', async (req) => {
    const body = parse(actionBody, req.body);
    if (body.action === 'operate') {
      const { operation, target, option, confirmation, thread } = body;
      const card = await interactions.operate({
        user: identify(req, body.user),
        operation,
        target,
        option,
        confirmation,
        ...(thread ? { thread: { channel: 'console' as const, id: thread } } : {}),
      });
      return { card };
    }
    if (body.action === 'choose') {
      const posted = await interactions.choose(identify(req, body.user), body.clarificationId, body.choice);
      return { messages: posted.map(messageView) };
    }
    const card = await interactions.act({
      user: identify(req, body.user),
      requestId: body.requestId,
      action: body.action,
      ...(body.revision !== undefined ? { revision: body.revision } : {}),
      ...(body.planHash !== undefined ? { planHash: body.planHash } : {}),
      ...(body.action === 'approve' ? { confirmation: body.confirmation } : {}),
    });
    return { requestId: card.requestId ?? body.requestId, revision: card.revision, card };
  });

  // A submitted clarification form: the values complete the original request.
  app.post('/api/forms', async (req) => {
    const body = parse(formBody, req.body);
    const posted = await interactions.submitForm(identify(req, body.user), body.formId, body.values);
    return { messages: posted.map(messageView) };
  });

  app.get('/api/requests/:id', async (req) => {
    const { id } = parse(idParam, req.params);
    const { request, approvals: all, deployment } = await interactions.detail(id);
    const approvals = all.filter((a) => a.revision === request.revision);
    return {
      id: request.id,
      revision: request.revision,
      status: request.status,
      stack: request.stack,
      environment: request.environment,
      requester: request.requester,
      editors: request.editors,
      capability: request.capability,
      text: request.text,
      thread: request.thread.id,
      plan: request.plan,
      approvals,
      deployment: deployment
        ? {
            id: deployment.id,
            status: deployment.status,
            startedAt: deployment.startedAt,
            finishedAt: deployment.finishedAt,
            error: deployment.error,
            errorCode: deployment.errorCode,
            outputs: deployment.outputs,
            events: deployment.events,
          }
        : null,
    };
  });

  // The thread list as the viewer sees it: what was asked, its request, "waiting for me", last change.
  // The full plan as a page: linked from every plan card, here and in Slack and Teams.
  app.get('/plans/:id', async (req, reply) => {
    const { id } = parse(idParam, req.params);
    const { request, approvals } = await interactions.detail(id);
    const html = planPageHtml(request, approvals);
    return reply.type('text/html; charset=utf-8').send(secrets.text(html));
  });

  app.get('/api/threads', async (req) => {
    const { user } = parse(viewerQuery, req.query);
    return { threads: await interactions.threadSummaries(viewer(req, user)) };
  });

  // Whether the viewer may approve a request now: the page shows Approve only to them (the
  // action route still decides, for everyone).
  app.get('/api/requests/:id/may-approve', async (req) => {
    const { id } = parse(idParam, req.params);
    const { user } = parse(viewerQuery, req.query);
    return interactions.mayApprove(id, viewer(req, user));
  });

  app.get('/api/threads/:id', async (req) => {
    const { id } = parse(idParam, req.params);
    if (!(await messages.exists(id))) throw new GreenlightError('not_found', `There is no thread ${id}.`);
    return { id, messages: (await messages.list(id)).map(toView) };
  });

  // Live updates for one thread: every new or edited message, as server-sent events.
  app.get('/api/threads/:id/events', async (req, reply) => {
    const { id } = parse(idParam, req.params);
    reply.hijack();
    const res = reply.raw;
    res.writeHead(200, {
      'content-type': 'text/event-stream',
      'cache-control': 'no-cache',
      connection: 'keep-alive',
    });
    res.write(': connected\n\n');
    const send = (view: MessageView) => res.write(`event: message\ndata: ${JSON.stringify(secrets.value(view))}\n\n`);
    port.events.on(id, send);
    const heartbeat = setInterval(() => res.write(': ping\n\n'), 15_000);
    heartbeat.unref();
    req.raw.on('close', () => {
      clearInterval(heartbeat);
      port.events.off(id, send);
    });
  });
}

import { createHmac } from 'node:crypto';
import pRetry from 'p-retry';
import { secrets } from '../domain/redaction.ts';
import type { ChangeRequest } from '../domain/types.ts';
import type { Logger } from '../observability/logger.ts';
import { tokenOf } from '../store/api-tokens.ts';
import type { Db } from '../store/database.ts';
import { findProgramRequest } from '../store/program-requests.ts';
import { pinnedAgent, type WebhookTargets } from './webhook-targets.ts';

// Notifications out: a program's request calls its webhook (the one given with the deploy, else
// its token's) on each change of status, so a pipeline can wait without polling. The body is
// signed with the token's webhook secret: `X-Greenlight-Signature: sha256=<hex HMAC of the body>`,
// plus the delivery time in `X-Greenlight-Timestamp` (also in the body) to refuse replays.
// Deliveries for one request go out in order; a failing receiver is retried three times, then
// logged, and never holds up the workflow.

export const SIGNATURE_HEADER = 'x-greenlight-signature';

export function signBody(secret: string, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;
}

export interface WebhookEvent {
  event: 'request.status';
  deployment_id: string;
  request_id: string;
  revision: number;
  status: string;
  stack: string;
  environment: string;
  at: string;
}

export class WebhookNotifier {
  /** Last status sent per request revision, so a redraw without a change sends nothing. */
  private readonly sent = new Map<string, string>();
  /** Per request: the chain of deliveries, so they arrive in order. */
  private readonly chains = new Map<string, Promise<void>>();

  constructor(
    private readonly db: Db,
    private readonly log: Logger,
    private readonly now: () => Date,
    private readonly targets: WebhookTargets,
    private readonly retryMinMs = 500,
  ) {}

  /** Publisher.watch listener. */
  changed = (request: ChangeRequest): void => {
    const key = `${request.id}#${request.revision}`;
    if (this.sent.get(key) === request.status) return;
    this.sent.set(key, request.status);
    // Bounded: the oldest revisions are long decided.
    if (this.sent.size > 10_000) this.sent.delete(this.sent.keys().next().value ?? key);
    const previous = this.chains.get(request.id) ?? Promise.resolve();
    const next = previous
      .then(() => this.deliver(request))
      .catch((err: unknown) => this.log.warn({ err, requestId: request.id }, 'webhook failed'));
    this.chains.set(request.id, next);
    void next.finally(() => {
      if (this.chains.get(request.id) === next) this.chains.delete(request.id);
    });
  };

  /** Resolves once every delivery started so far has ended (tests, shutdown). */
  async idle(): Promise<void> {
    await Promise.all([...this.chains.values()]);
  }

  private async deliver(request: ChangeRequest): Promise<void> {
    const origin = await findProgramRequest(this.db, request.id);
    if (!origin) return;
    const token = await tokenOf(this.db, origin.principal);
    const url = origin.webhookUrl ?? token?.webhookUrl;
    if (!url || !token) return;
    // Again at delivery: the name may resolve elsewhere now, or the allow-list may have changed;
    // the connection then goes to the address just checked.
    const pinned = await this.targets.check(url);
    // undici (its fetch and Agent together) is loaded at the first delivery, not at every start.
    const { fetch, Agent } = await import('undici');
    const dispatcher = pinned ? pinnedAgent(Agent, pinned) : undefined;
    const event: WebhookEvent = {
      event: 'request.status',
      deployment_id: origin.deploymentId,
      request_id: request.id,
      revision: request.revision,
      status: request.status,
      stack: request.stack,
      environment: request.environment,
      at: this.now().toISOString(),
    };
    const body = JSON.stringify(secrets.value(event));
    await pRetry(
      async () => {
        const res = await fetch(url, {
          ...(dispatcher ? { dispatcher } : {}),
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            'user-agent': 'greenlight-webhook',
            [SIGNATURE_HEADER]: signBody(token.webhookSecret, body),
            'x-greenlight-timestamp': event.at,
          },
          body,
          signal: AbortSignal.timeout(5000),
          redirect: 'manual',
        });
        if (!res.ok) throw new Error(`webhook ${new URL(url).host} answered ${res.status}`);
      },
      { retries: 3, minTimeout: this.retryMinMs, factor: 2 },
    ).finally(() => dispatcher?.close());
  }
}

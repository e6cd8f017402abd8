import { randomUUID } from 'node:crypto';
import { ErrorCode, type WebAPIRateLimitedError, type WebClient } from '@slack/web-api';
import type { Card } from '../../../cards/model.ts';
import type { ThreadAliases } from '../../domain/channel-memory.ts';
import type { PrincipalId, ThreadRef } from '../../domain/types.ts';
import type { Logger } from '../../observability/logger.ts';
import type { ThreadPort } from '../../workflow/index.ts';
import { renderBlockKit } from './block-kit.ts';

// Slack's side of the workflow. A thread is `<channel>/<thread ts>`; a slash command names a
// thread that does not exist yet (`<channel>/new-<uuid>`): its first message becomes the thread
// root and later messages follow it there. Edits go through a client that rejects rate-limited
// calls instead of pausing the whole queue, so progress edits never hold up approvals; a
// rate-limited edit is retried with the newest card after Retry-After.

const NEW = 'new-';

export function newSlackThread(channel: string): ThreadRef {
  return { channel: 'slack', id: `${channel}/${NEW}${randomUUID()}` };
}

function split(id: string): { channel: string; ts: string } {
  const at = id.indexOf('/');
  return { channel: id.slice(0, at), ts: id.slice(at + 1) };
}

export class SlackPort implements ThreadPort {
  readonly channel = 'slack' as const;
  /** chat.update is Tier 3 (~50/min): one edit a second per message stays well inside it. */
  readonly minEditIntervalMs = 1000;
  private readonly pending = new Map<string, { card: Card; thread: ThreadRef; timer: NodeJS.Timeout }>();

  constructor(
    private readonly client: WebClient,
    private readonly editClient: WebClient,
    private readonly aliases: ThreadAliases,
    private readonly log: Logger,
  ) {}

  /** The Slack channel and thread ts a ThreadRef stands for (undefined ts: not started yet). */
  async resolve(thread: ThreadRef): Promise<{ channel: string; ts: string | undefined }> {
    const { channel, ts } = split(thread.id);
    if (!ts.startsWith(NEW)) return { channel, ts };
    const real = await this.aliases.resolve(thread.id);
    return { channel, ts: real ? split(real).ts : undefined };
  }

  async post(thread: ThreadRef, card: Card): Promise<string> {
    const { channel, ts } = await this.resolve(thread);
    const message = renderBlockKit(card);
    const res = await this.client.chat.postMessage({ channel, ...message, ...(ts ? { thread_ts: ts } : {}), unfurl_links: false });
    const posted = String(res.ts);
    if (!ts) await this.aliases.save(thread.id, `${channel}/${posted}`);
    return `${channel}/${posted}`;
  }

  /** A direct message: the app's DM with the person (`slack:<team>:<user>`), opened with conversations.open (scope im:write). */
  async direct(user: PrincipalId, card: Card): Promise<void> {
    const slackUser = user.split(':')[2];
    if (!slackUser) throw new Error(`${user} is not a Slack user`);
    const opened = await this.client.conversations.open({ users: slackUser });
    const channel = opened.channel?.id;
    if (!channel) throw new Error(`conversations.open gave no channel for ${slackUser}`);
    await this.client.chat.postMessage({ channel, ...renderBlockKit(card), unfurl_links: false });
  }

  async update(thread: ThreadRef, messageId: string, card: Card): Promise<void> {
    const queued = this.pending.get(messageId);
    if (queued) {
      queued.card = card; // a retry is already scheduled: it will send this newest card
      return;
    }
    const { channel, ts } = split(messageId);
    try {
      await this.editClient.chat.update({ channel, ts, ...renderBlockKit(card) });
    } catch (error) {
      if ((error as { code?: string }).code !== ErrorCode.RateLimitedError) throw error;
      const retryAfter = (error as WebAPIRateLimitedError).retryAfter;
      this.log.warn({ channel, ts, retryAfter }, 'chat.update rate limited; retrying with the newest card');
      const timer = setTimeout(() => {
        const latest = this.pending.get(messageId);
        this.pending.delete(messageId);
        if (latest)
          void this.update(latest.thread, messageId, latest.card).catch((e) => this.log.warn({ err: e }, 'chat.update retry failed'));
      }, retryAfter * 1000);
      timer.unref();
      this.pending.set(messageId, { card, thread, timer });
    }
  }

  close(): void {
    for (const p of this.pending.values()) clearTimeout(p.timer);
    this.pending.clear();
  }
}

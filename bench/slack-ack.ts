import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { App, HTTPReceiver, LogLevel } from '@slack/bolt';
import { slackHeaders, slashCommandBody } from '../test/fakes/slack-api.ts';
import { percentile } from './stats.ts';

// Slack ack latency: N signed slash commands at a given concurrency against Greenlight's Bolt app
// and against a bare Bolt app that only acks, in the same run, on loopback.

export interface AckFigures {
  n: number;
  concurrency: number;
  acked: number;
  p50Ms: number;
  p99Ms: number;
}

export async function fireSlashCommands(url: string, secret: string, n: number, concurrency: number, text: string): Promise<AckFigures> {
  const times: number[] = [];
  let acked = 0;
  let next = 0;
  async function worker() {
    while (next < n) {
      next += 1;
      const body = slashCommandBody({ text, user: `U${next % 20}` });
      const started = performance.now();
      const res = await fetch(url, { method: 'POST', headers: slackHeaders(secret, body, 'application/x-www-form-urlencoded'), body });
      await res.arrayBuffer();
      times.push(performance.now() - started);
      if (res.status === 200) acked += 1;
    }
  }
  await Promise.all(Array.from({ length: concurrency }, worker));
  return { n, concurrency, acked, p50Ms: percentile(times, 50), p99Ms: percentile(times, 99) };
}

/** A Bolt app that acks /greenlight and does nothing else: the baseline. */
export async function startBareBolt(secret: string, apiUrl: string): Promise<{ url: string; stop: () => Promise<void> }> {
  const receiver = new HTTPReceiver({ signingSecret: secret, endpoints: '/slack/events', logLevel: LogLevel.ERROR });
  // The same Web API stand-in as Greenlight's: Bolt looks its identity up (auth.test) once.
  const app = new App({
    token: 'xoxb-bare',
    receiver,
    tokenVerificationEnabled: false,
    logLevel: LogLevel.ERROR,
    clientOptions: { slackApiUrl: apiUrl },
  });
  app.command('/greenlight', async ({ ack }) => {
    await ack();
  });
  const server = (await app.start({ port: 0, host: '127.0.0.1' })) as Server;
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/slack/events`,
    stop: async () => {
      await app.stop();
    },
  };
}

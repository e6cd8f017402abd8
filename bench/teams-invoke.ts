import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { createApp } from '../src/app.ts';
import { parseConfig } from '../src/config/load.ts';
import { cardActionActivity, messageActivity, startFakeConnector, type TeamsUser } from '../test/fakes/bot-connector.ts';
import { percentile } from './stats.ts';

// Teams card button → the updated card in the invoke's HTTP response (what the clicker waits
// for; seed 001 asks p99 < 200 ms). Bot Framework activities over loopback HTTP to
// /api/messages, authentication off; the connector stand-in takes the bot's background posts.
// Plans are real terraform plans of sandbox/prod; prod needs two approvals here, so the first
// Approve records a vote and the second approves and queues the apply.

const user = (name: string): TeamsUser => ({ id: `29:${name}`, aadObjectId: `aad-${name}`, name });
const [ALICE, BOB, CAROL] = [user('alice'), user('bob'), user('carol')];

export interface InvokeStats {
  n: number;
  p50Ms: number;
  p99Ms: number;
}

export async function benchTeamsInvoke(requests: number, refreshesPerRequest: number) {
  const dataDir = mkdtempSync(join(tmpdir(), 'greenlight-bench-teams-'));
  const connector = await startFakeConnector();
  const config = parseConfig(
    {
      dataDir,
      console: { host: '127.0.0.1', port: 0 },
      log: { level: 'silent' },
      teams: { enabled: true, port: 0 },
      groups: { sre: ['teams:aad-bob', 'teams:aad-carol'] },
      approvals: { prod: { approvers: ['group:sre'], required: 2 } },
    },
    { source: 'bench', baseDir: process.cwd() },
  );
  const app = await createApp(config, { logger: pino({ level: 'silent' }), expirySweepMs: 0 });
  await app.start();
  const post = async (activity: Record<string, unknown>) => {
    const started = performance.now();
    const res = await fetch(app.teamsUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(activity),
    });
    const body = (await res.json().catch(() => ({}))) as { statusCode?: number; value?: unknown };
    const elapsed = performance.now() - started;
    if (res.status !== 200 || body.statusCode !== 200)
      throw new Error(`invoke answered ${res.status} ${JSON.stringify(body).slice(0, 200)}`);
    return { elapsed, card: JSON.stringify(body.value) };
  };

  // Plans to click on, each in its own channel thread.
  const plans: { conversationId: string; messageId: string; data: Record<string, unknown> }[] = [];
  for (let i = 0; i < requests; i++) {
    const conversationId = `19:bench@thread.tacv2;messageid=${i}`;
    await fetch(app.teamsUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(
        messageActivity({ serviceUrl: connector.url, from: ALICE, text: `set sandbox/prod release=v${i}`, conversationId }),
      ),
    });
    for (;;) {
      const call = connector.calls.find((c) => c.conversationId === conversationId && c.method === 'POST');
      const card = call && connector.cardOf(call);
      if (call && card?.refresh) {
        plans.push({ conversationId, messageId: call.messageId, data: card.refresh.action.data });
        break;
      }
      await new Promise((r) => setTimeout(r, 10));
    }
  }
  const click = (from: TeamsUser, plan: (typeof plans)[number], verb: string) =>
    post(
      cardActionActivity({
        serviceUrl: connector.url,
        from,
        conversationId: plan.conversationId,
        replyToId: plan.messageId,
        verb,
        data: plan.data,
      }),
    );

  for (const plan of plans.slice(0, 5)) await click(BOB, plan, 'refresh'); // warm-up
  const refresh: number[] = [];
  for (let r = 0; r < refreshesPerRequest; r++)
    for (const plan of plans) refresh.push((await click(r % 2 ? BOB : CAROL, plan, 'refresh')).elapsed);
  // Approve sends what the approver's own view carries: the revision and the plan hash shown.
  const approveData = new Map<string, Record<string, unknown>>();
  for (const plan of plans) {
    const view = JSON.parse((await click(BOB, plan, 'refresh')).card) as { actions?: { verb: string; data: Record<string, unknown> }[] };
    const data = view.actions?.find((a) => a.verb === 'approve')?.data;
    if (!data) throw new Error('the approver view has no Approve');
    approveData.set(plan.messageId, data);
  }
  const vote: number[] = [];
  for (const plan of plans) {
    const { elapsed, card } = await click(BOB, { ...plan, data: approveData.get(plan.messageId) ?? plan.data }, 'approve');
    if (!card.includes('You approved')) throw new Error(`approve did not answer with the approved card: ${card.slice(0, 200)}`);
    vote.push(elapsed);
  }
  const decisive: number[] = [];
  for (const plan of plans.slice(0, Math.min(10, plans.length)))
    decisive.push((await click(CAROL, { ...plan, data: approveData.get(plan.messageId) ?? plan.data }, 'approve')).elapsed);

  await app.stop();
  await connector.close();
  rmSync(dataDir, { recursive: true, force: true });
  const stats = (samples: number[]): InvokeStats => ({ n: samples.length, p50Ms: percentile(samples, 50), p99Ms: percentile(samples, 99) });
  return { refresh: stats(refresh), approveVote: stats(vote), approveDecisive: stats(decisive) };
}

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FargateEngine } from '../fakes/fargate-engine.ts';
import { startTestApp, type TestApp } from '../helpers/test-app.ts';

// The weekly cost digest per team, from the registry, on its cron (Mondays 09:00 UTC by default)
// evaluated against the app's clock. Costs from the real estimator (Fargate stand-in: $36.04 a task).

const DAY = 86_400_000;

describe('weekly cost digest', () => {
  let t: TestApp;
  beforeAll(async () => {
    const stack = (team: string, environment: 'dev' | 'prod') => ({
      engine: 'terraform' as const,
      dir: 'examples/sandbox-terraform',
      environment,
      team,
      config: { replicas: '2' },
    });
    t = await startTestApp(
      {
        includeExampleStacks: false,
        stacks: { 'checkout/prod': stack('payments', 'prod'), 'search/dev': stack('search', 'dev') },
        approvals: { prod: { approvers: ['console:bob'], requireSignedIn: false } },
        policies: { teamBudgets: { payments: { prod: 1000 } } },
        costDigest: { teams: { search: 'console' } },
      },
      { engines: { terraform: new FargateEngine() } },
    );
    // The app's clock on a Sunday evening: the stacks are deployed then, the digest is due Monday 09:00.
    const now = new Date();
    const sunday = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate() + ((7 - now.getUTCDay()) % 7 || 7), 20));
    t.clock.offsetMs = sunday.getTime() - Date.now();
    for (const text of ['deploy checkout/prod', 'deploy search/dev for 2 days']) {
      const { requestId } = await t.chat('alice', text);
      expect((await t.act('bob', requestId!, 'approve')).status).toBe(200);
      expect((await t.waitForStatus(requestId!, ['succeeded', 'failed'])).status).toBe('succeeded');
    }
  });
  afterAll(async () => t?.close());

  it('on Monday 09:00 UTC, one digest per team with its stacks, budget use, changes and endings; not again until next week', async () => {
    expect(await t.app.costDigest.tick()).toEqual([]); // a new schedule starts counting
    const before = (await t.get('/api/threads')).body.threads.length;
    t.clock.offsetMs += 12 * 3_600_000; // Monday 08:00
    expect(await t.app.costDigest.tick()).toEqual([]);
    t.clock.offsetMs += 2 * 3_600_000; // Monday 10:00
    expect(await t.app.costDigest.tick()).toEqual(['payments', 'search']);
    expect(await t.app.costDigest.tick()).toEqual([]);
    const threads = (await t.get('/api/threads')).body.threads;
    expect(threads.length).toBe(before + 2);
    const cards = await Promise.all(
      threads.slice(0, 2).map(async (th: any) => (await t.get(`/api/threads/${th.id}`)).body.messages[0].card),
    );
    const payments = cards.find((c) => c.title.includes('payments'));
    expect(payments.title).toBe('Weekly cost: payments — $72.08 a month');
    const facts = Object.fromEntries(payments.blocks[1].facts.map((f: any) => [f.label, f.value]));
    expect(facts['By environment']).toBe('prod: $72.08 a month of $1,000.00 (7%)');
    expect(facts['Since last week']).toBe('+$72.08 a month (was $0.00); new: checkout/prod');
    expect(facts['Changed this week']).toBe('checkout/prod (console:alice)');
    const search = cards.find((c) => c.title.includes('search'));
    expect(search.title).toBe('Weekly cost: search — $72.08 a month');
    expect(search.blocks[0].rows[0][3]).toMatch(/^\d{4}-\d\d-\d\d/); // temporary until
    t.clock.offsetMs += 7 * DAY;
    expect(await t.app.costDigest.tick()).toEqual(['payments', 'search']);
  });

  it('a week later: the change since last week, with what came and went; a team whose last stack went still hears', async () => {
    // During the week: checkout/prod scaled 2 → 3 tasks, search/dev destroyed.
    t.clock.offsetMs += 2 * DAY;
    for (const text of ['set checkout/prod replicas=3', 'destroy search/dev']) {
      const { requestId } = await t.chat('alice', text);
      expect((await t.act('bob', requestId!, 'approve', { confirmation: 'search/dev' })).status, text).toBe(200);
      expect((await t.waitForStatus(requestId!, ['succeeded', 'failed'])).status, text).toBe('succeeded');
    }
    t.clock.offsetMs += 5 * DAY;
    const before = (await t.get('/api/threads')).body.threads.length;
    expect(await t.app.costDigest.tick()).toEqual(['payments', 'search']);
    const threads = (await t.get('/api/threads')).body.threads.slice(0, (await t.get('/api/threads')).body.threads.length - before);
    const cards = await Promise.all(threads.map(async (th: any) => (await t.get(`/api/threads/${th.id}`)).body.messages[0].card));
    const since = (card: any) => card.blocks[1].facts.find((f: any) => f.label === 'Since last week').value;
    const payments = cards.find((c) => c.title.includes('payments'));
    expect(payments.title).toBe('Weekly cost: payments — $108.12 a month');
    expect(since(payments)).toBe('+$36.04 a month (was $72.08)');
    const search = cards.find((c) => c.title.includes('search'));
    expect(search.title).toBe('Weekly cost: search — $0.00 a month');
    expect(since(search)).toBe('−$72.08 a month (was $72.08); gone: search/dev');
  });
});

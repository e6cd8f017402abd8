import { basename } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GreenlightError } from '../../src/domain/errors.ts';
import { findRequest, listApprovals } from '../../src/store/requests.ts';
import { modifyRequest } from '../../src/workflow/follow-up.ts';
import { InstantEngine } from '../fakes/instant-engine.ts';
import { startTestApp, type TestApp } from '../helpers/test-app.ts';

// The approval gate as a property: random sequences of requests, thread follow-ups, Modify forms
// (including ones that move a request to another environment) and approvals by random principals
// on several channels. After every sequence each apply the engine saw is checked against an
// oracle written here, independently of ApprovalPolicy: enough distinct people, each entitled under
// the rules of the environment of the stack that was applied, none of them a requester where
// self-approval is off, none of them someone who changed the request, only verified identities
// where prod asks for them, all bound to the plan hash of the revision applied. Programs (API
// tokens) request too, and try to approve: their votes never count, even where the config lists
// them as approvers.

type Env = 'dev' | 'staging' | 'prod';
const ENVS: Env[] = ['dev', 'staging', 'prod'];
const STACK_ENV: Record<string, Env> = { 'app/dev': 'dev', 'app/staging': 'staging', 'app/prod': 'prod' };

// The oracle's own idea of who is whom and who may approve (mirrors the config below).
const PERSON: Record<string, string> = {
  'console:alice': 'alice',
  'slack:T1:UALICE': 'alice',
  'console:bob': 'bob',
  'slack:T1:UBOB': 'bob',
  'teams:aad-bob': 'bob',
  'slack:T1:UCAROL': 'carol',
  'teams:aad-dave': 'dave',
  'console:erin': 'erin',
  'slack:T1:UMAL': 'mallory',
  'api:ci': 'ci-pipeline',
  'api:agent': 'an-agent',
};
const PRINCIPALS = Object.keys(PERSON);
const SRE_PEOPLE = new Set(['bob', 'carol', 'dave']);
const RULES: Record<Env, { entitled: (id: string) => boolean; self: boolean; required: number; signedIn: boolean }> = {
  dev: { entitled: () => true, self: true, required: 1, signedIn: false },
  staging: { entitled: (id) => SRE_PEOPLE.has(PERSON[id]!) || id === 'console:erin', self: false, required: 1, signedIn: false },
  prod: { entitled: (id) => SRE_PEOPLE.has(PERSON[id]!) && id !== 'console:bob', self: false, required: 2, signedIn: true },
};

const approver = fc.constantFrom(...PRINCIPALS);
// Weighted so that prod requests collect approvals from several identities of one person often.
const action = fc.oneof(
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant('request' as const),
      user: approver,
      env: fc.constantFrom(...ENVS),
      n: fc.integer({ min: 1, max: 9 }),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant('followup' as const),
      k: fc.nat(),
      n: fc.integer({ min: 1, max: 9 }),
      env: fc.option(fc.constantFrom(...ENVS)),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({ kind: fc.constant('modify' as const), k: fc.nat(), user: approver, n: fc.integer({ min: 1, max: 9 }) }),
  },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('move' as const), k: fc.nat(), user: approver, env: fc.constantFrom(...ENVS) }) },
  { weight: 5, arbitrary: fc.record({ kind: fc.constant('approve' as const), k: fc.nat(), user: approver, stale: fc.boolean() }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('reject' as const), k: fc.nat(), user: approver }) },
  // Greenlight approving by itself (meant only for an expired temporary environment's destroy,
  // where config allows it; this config allows it nowhere).
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('system' as const), k: fc.nat() }) },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant('program' as const),
      user: fc.constantFrom('api:ci', 'api:agent'),
      env: fc.constantFrom(...ENVS),
      n: fc.integer({ min: 1, max: 9 }),
    }),
  },
);

interface Tracked {
  id: string;
  requester: string;
  thread: string;
  /** People who changed it, per revision they made (the oracle's own record). */
  editorsByRevision: Map<number, Set<string>>;
}

describe('separation of duties (property)', () => {
  let t: TestApp;
  const engine = new InstantEngine();
  const stats = {
    sequences: 0,
    actions: 0,
    applies: 0,
    refused: 0,
    revisions: 0,
    movedToProd: 0,
    programRequests: 0,
    programApplies: 0,
    signinRefused: 0,
    violations: [] as string[],
  };

  beforeAll(async () => {
    const stack = (environment: Env) => ({
      engine: 'terraform' as const,
      dir: 'test/fixtures/checkout-terraform',
      environment,
      config: { replicas: 1 },
    });
    t = await startTestApp(
      {
        includeExampleStacks: false,
        stacks: { 'app/dev': stack('dev'), 'app/staging': stack('staging'), 'app/prod': stack('prod') },
        // A careless config names programs as approvers: they still never count.
        groups: { sre: ['slack:T1:UBOB', 'slack:T1:UCAROL', 'teams:aad-dave', 'api:agent'] },
        people: { alice: ['console:alice', 'slack:T1:UALICE'], bob: ['console:bob', 'slack:T1:UBOB', 'teams:aad-bob'] },
        approvals: { prod: { approvers: ['group:sre'], required: 2 }, staging: { approvers: ['group:sre', 'console:erin', 'api:ci'] } },
      },
      { engines: { terraform: engine } },
    );
  });
  afterAll(async () => t?.close());

  async function attempt(fn: () => Promise<unknown>): Promise<void> {
    try {
      await fn();
    } catch (error) {
      if (!(error instanceof GreenlightError)) throw error;
      stats.refused += 1;
      if (error.code === 'signin_required') stats.signinRefused += 1;
    }
  }

  /** The oracle: is this apply backed by enough entitled, distinct, non-requesting people? */
  async function check(applied: (typeof engine.applies)[number], tracked: Map<string, Tracked>): Promise<void> {
    const match = /^(cr-[0-9a-f]{10})-r(\d+)\.plan$/.exec(basename(applied.planFile));
    if (!match) return void stats.violations.push(`apply of an unknown plan file ${applied.planFile}`);
    const [, id, rev] = match as unknown as [string, string, string];
    const revision = Number(rev);
    const request = await findRequest(t.app.db, id, revision);
    const mine = tracked.get(id);
    if (!request || !mine) return void stats.violations.push(`${id} r${revision} applied but never requested here`);
    if (mine.requester.startsWith('api:')) stats.programApplies += 1;
    const env = STACK_ENV[applied.stack]!;
    const rule = RULES[env];
    const editors = new Set<string>();
    for (const [r, people] of mine.editorsByRevision) if (r <= revision) for (const p of people) editors.add(p);
    const requester = PERSON[mine.requester]!;
    const counted = new Set<string>();
    for (const a of await listApprovals(t.app.db, id)) {
      if (a.revision !== revision || a.decision !== 'approve' || a.planHash !== request.plan.hash) continue;
      const person = PERSON[a.approver];
      if (person === undefined) continue; // not a person this test knows (Greenlight itself): never counts here
      if (!rule.entitled(a.approver) || editors.has(person)) continue;
      if (person === requester && !rule.self) continue;
      if (rule.signedIn && a.approver.startsWith('console:')) continue;
      if (a.approver.startsWith('api:')) continue; // only a person approves
      counted.add(person);
    }
    if (counted.size < rule.required)
      stats.violations.push(`${id} r${revision} applied to ${applied.stack} with ${counted.size} of ${rule.required} valid approvals`);
    if (applied.config.replicas !== request.plan.config.replicas)
      stats.violations.push(`${id} r${revision} applied replicas=${applied.config.replicas}, approved ${request.plan.config.replicas}`);
  }

  /**
   * The second oracle: where sign-in is required (prod), no self-declared console name decided on a
   * revision — no rejection, and no change of it, except a follow-up under the requester's own name.
   */
  async function checkDecisions(tracked: Map<string, Tracked>): Promise<void> {
    const ids = [...tracked.keys()];
    if (ids.length === 0) return;
    const rows = await t.app.db
      .selectFrom('audit_log')
      .select(['actor', 'action', 'request_id', 'revision'])
      .where('request_id', 'in', ids)
      .where('action', 'in', ['request.rejected', 'request.superseded'])
      .execute();
    for (const row of rows) {
      if (!row.request_id || row.revision === null || !row.actor.startsWith('console:')) continue;
      const decided = await findRequest(t.app.db, row.request_id, row.revision);
      if (!decided || !RULES[decided.plan.environment].signedIn) continue;
      if (row.action === 'request.superseded' && row.actor === decided.requester) continue;
      stats.violations.push(
        `${row.actor} (self-declared) ${row.action.slice('request.'.length)} ${row.request_id} r${row.revision} in prod`,
      );
    }
  }

  it('no apply without enough distinct, entitled people who neither asked for nor changed that revision', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(action, { minLength: 2, maxLength: 10 }), async (actions) => {
        stats.sequences += 1;
        const tracked = new Map<string, Tracked>();
        const order: Tracked[] = [];
        const appliesBefore = engine.applies.length;
        const violationsBefore = stats.violations.length;
        const pick = (k: number) => order[k % Math.max(order.length, 1)];
        for (const a of actions) {
          stats.actions += 1;
          if (a.kind === 'request') {
            const thread = `prop-${stats.sequences}-${order.length}`;
            const posted = await t.app.conversation.submit({
              user: a.user,
              text: `set app/${a.env} replicas=${a.n}`,
              thread: { channel: 'console', id: thread },
            });
            const id = posted.find((m) => m.requestId)?.requestId;
            if (id) {
              const entry = { id, requester: a.user, thread, editorsByRevision: new Map() };
              tracked.set(id, entry);
              order.push(entry);
            }
            continue;
          }
          if (a.kind === 'program') {
            // A pipeline or an agent asks through the API (its plan card lands in a console thread).
            const { status } = await t.app.programs.deploy(
              { principal: a.user, via: 'api', postTo: 'console' },
              { deploymentId: `prop-${stats.sequences}-${order.length}`, stack: `app/${a.env}`, parameters: { replicas: String(a.n) } },
            );
            if ('request_id' in status) {
              const entry = { id: status.request_id, requester: a.user, thread: status.thread.id, editorsByRevision: new Map() };
              tracked.set(entry.id, entry);
              order.push(entry);
              stats.programRequests += 1;
            }
            continue;
          }
          const target = pick(a.k);
          if (!target) continue;
          const before = await findRequest(t.app.db, target.id);
          if (!before) continue;
          const noteEditor = async (user: string) => {
            const after = await findRequest(t.app.db, target.id);
            if (after && after.revision > before.revision) {
              stats.revisions += 1;
              if (after.plan.environment === 'prod' && before.plan.environment !== 'prod') stats.movedToProd += 1;
              // The original requester changing their own request stays its requester.
              if (PERSON[user] !== PERSON[target.requester])
                target.editorsByRevision.set(
                  after.revision,
                  new Set([...(target.editorsByRevision.get(after.revision) ?? []), PERSON[user]!]),
                );
            }
          };
          if (a.kind === 'followup') {
            const text = a.env ? `actually put it in ${a.env}, make it ${a.n} replicas` : `make it ${a.n} replicas`;
            await attempt(() =>
              t.app.conversation.submit({ user: target.requester, text, thread: { channel: 'console', id: target.thread } }),
            );
            await noteEditor(target.requester);
          } else if (a.kind === 'modify' || a.kind === 'move') {
            const values: Record<string, string> = a.kind === 'modify' ? { values: `replicas=${a.n}` } : { stack: `app/${a.env}` };
            await attempt(() => modifyRequest(t.app.conversation.deps, a.user, target.id, before.revision, values));
            await noteEditor(a.user);
          } else if (a.kind === 'system') {
            await attempt(() => t.app.workflow.approveAsSystem(target.id));
          } else if (a.kind === 'approve') {
            const shown = a.stale && before.revision > 1 ? await findRequest(t.app.db, target.id, before.revision - 1) : before;
            await attempt(() =>
              t.app.workflow.act({
                user: a.user,
                requestId: target.id,
                action: 'approve',
                revision: shown!.revision,
                planHash: shown!.plan.hash,
              }),
            );
          } else {
            await attempt(() => t.app.workflow.act({ user: a.user, requestId: target.id, action: 'reject' }));
          }
          await t.app.runner.idle();
        }
        await t.app.runner.idle();
        for (const applied of engine.applies.slice(appliesBefore)) {
          stats.applies += 1;
          await check(applied, tracked);
        }
        await checkDecisions(tracked);
        // Judge this sequence alone, so that fast-check shrinks to the smallest failing one.
        return stats.violations.length === violationsBefore;
      }),
      { numRuns: Number(process.env.SOD_RUNS ?? 1000), seed: process.env.SOD_SEED ? Number(process.env.SOD_SEED) : undefined },
    );
    console.info(`separation of duties: ${JSON.stringify({ ...stats, violations: stats.violations.length })}`);
    expect(stats.violations).toEqual([]);
    // The property is not vacuous: applies happened, in prod too, after changes and moves.
    expect(stats.applies).toBeGreaterThan(50);
    expect(stats.revisions).toBeGreaterThan(50);
    expect(stats.movedToProd).toBeGreaterThan(5);
    expect(stats.programApplies).toBeGreaterThan(5);
    expect(stats.signinRefused).toBeGreaterThan(5);
  }, 600_000);
});

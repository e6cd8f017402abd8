import { expect } from 'vitest';
import { applyByHand } from './by-hand.ts';
import type { TestApp } from './test-app.ts';
import { until } from './until.ts';

// One walk through the cards of what happens between requests — a temporary environment's
// reminder and Extend, the lock listing, breaking a stuck lock and reconciling the apply it held,
// a scheduled drift finding with Revert, Adopt and Snooze — driven through a chat channel's own wire format. Each
// channel's test gives a driver: how a person says something, and how a posted card is found and
// its buttons pressed there.

export interface PostedCard {
  /** The card as the platform received it (Block Kit blocks, an Adaptive Card). */
  raw: unknown;
  buttons: string[];
}

export interface ChatDriver {
  say(user: string, text: string): Promise<void>;
  /** The newest card sent to `user` privately (a direct message), where the platform has them. */
  direct?(user: string, ...texts: string[]): Promise<PostedCard>;
  /** The newest posted card whose rendered text contains all of `texts` (waits for it). */
  card(...texts: string[]): Promise<PostedCard>;
  press(user: string, card: PostedCard, label: string, typed?: string): Promise<void>;
}

const HOUR = 3_600_000;

/** The config the scenario needs: who approves and breaks locks, lifetimes, a drift schedule. */
export function lifecycleConfig(ids: { bob: string; carol: string }, driftTo: string) {
  return {
    breakGlass: [ids.bob],
    approvals: { dev: { approvers: [ids.bob, ids.carol] } },
    lifetimes: { dev: { default: '1d', max: '5d' } },
    driftSchedules: [{ cron: '* * * * *', stacks: ['sandbox/dev'], postTo: driftTo }],
  };
}

export async function lifecycleScenario(t: TestApp, chat: ChatDriver): Promise<void> {
  const status = async (stack: string) =>
    (
      await t.app.db
        .selectFrom('change_requests')
        .select(['id', 'status'])
        .where('stack', '=', stack)
        .orderBy('created_at', 'desc')
        .execute()
    )[0];

  // A temporary environment: the plan says so; a day before its end, a reminder; Extend.
  await chat.say('alice', 'deploy sandbox/dev ttl=2d');
  const plan = await chat.card('Lifetime', 'plan r1');
  await chat.press('bob', plan, 'Approve');
  await chat.card('Applied sandbox/dev');
  t.clock.offsetMs += 25 * HOUR;
  expect(await t.app.lifetimes.sweep()).toEqual({ reminded: 1, ended: 0 });
  const reminder = await chat.card('is destroyed at');
  expect(reminder.buttons).toEqual(expect.arrayContaining(['Extend by 1 day', 'Destroy now']));
  // The requester gets it privately too, and its buttons work there.
  const privately = chat.direct ? await chat.direct('alice', 'is destroyed at') : reminder;
  expect(privately.buttons).toEqual(reminder.buttons);
  await chat.press('alice', privately, 'Extend by 1 day');
  await chat.card('sandbox/dev extended');
  // Destroy now: a destroy plan through the approval rules; rejected, the environment stays.
  await chat.press('alice', reminder, 'Destroy now');
  const destroy = await chat.card('Destroy sandbox/dev', 'before the end of its lifetime');
  await chat.press('bob', destroy, 'Reject');
  await chat.card('Destroy sandbox/dev', 'Rejected by');

  // Locks: none; then an apply that hangs, broken by bob with its name typed; its thread reconciles.
  await chat.say('carol', 'locks');
  await chat.card('No stack is locked');
  // A third replica whose provisioner sleeps two minutes: an apply that hangs.
  await chat.say('alice', 'set sandbox/dev replicas=3 apply_seconds=120');
  const slow = await chat.card('apply_seconds=120', 'plan r1');
  await chat.press('bob', slow, 'Approve');
  await until(async () => ((await status('sandbox/dev'))?.status === 'applying' ? true : undefined), 20_000, 'the apply');
  await chat.say('bob', 'break lock sandbox/dev because the apply hangs');
  const confirm = await chat.card('Break the lock on sandbox/dev?');
  expect(confirm.buttons).toContain('Break lock');
  await chat.press('bob', confirm, 'Break lock', 'sandbox/dev');
  await chat.card('Lock on sandbox/dev broken');
  const interrupted = await chat.card('was broken by');
  expect(interrupted.buttons).toEqual(['Plan again', 'Mark resolved']);
  await chat.press('alice', interrupted, 'Plan again');
  const again = await chat.card('A fresh plan against the real state', 'apply_seconds=120');
  await chat.press('bob', again, 'Reject');
  await chat.press('alice', interrupted, 'Mark resolved');
  await chat.card('Marked resolved');

  // A scheduled scan finds drift: one card, Snooze.
  await applyByHand(t, { release: 'hotfix-9' });
  const base = Date.now() + t.clock.offsetMs;
  t.clock.offsetMs += Math.ceil(base / 60_000) * 60_000 + 5_000 - base;
  await t.app.driftSchedules.tick();
  t.clock.offsetMs += 60_000;
  expect(await t.app.driftSchedules.tick()).toEqual({ 'sandbox/dev': 'drifted' });
  const drift = await chat.card('Drift on sandbox/dev', 'hotfix-9');
  expect(drift.buttons).toEqual(['Revert', 'Adopt', 'Snooze 1 day', 'Snooze 1 week']);
  // Revert: the remediation as a plan; Adopt: the config value that matches what is there, as a plan.
  await chat.press('bob', drift, 'Revert');
  await chat.card('Revert of drift a scheduled scan found', 'hotfix-9');
  await chat.press('bob', drift, 'Adopt');
  await chat.card('Adopts the drift a scheduled scan found', 'release=hotfix-9');
  await chat.press('bob', drift, 'Snooze 1 day');
  await chat.card('Drift on sandbox/dev snoozed');
}

import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hasChromium, launchChromium } from '../helpers/chromium.ts';
import { type ChatDriver, lifecycleConfig, lifecycleScenario } from '../helpers/lifecycle-scenario.ts';
import { hasTerraform, startTestApp, type TestApp } from '../helpers/test-app.ts';
import { until } from '../helpers/until.ts';

// The new cards in the console, in a real browser (Debian's Chromium): each person has a page,
// types in the box, and presses the buttons the page rendered (typing a stack name where asked and
// accepting confirmation dialogs). Cards are found through the console API; buttons are the DOM's.

describe.skipIf(!(hasTerraform && hasChromium))('between requests, in the console (Chromium)', () => {
  let t: TestApp;
  let browser: Browser;
  const pages = new Map<string, Page>();

  beforeAll(async () => {
    t = await startTestApp(lifecycleConfig({ bob: 'console:bob', carol: 'console:carol' }, 'console'));
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  async function page(user: string): Promise<Page> {
    let p = pages.get(user);
    if (!p) {
      p = await browser.newPage({ viewport: { width: 1280, height: 1000 } });
      p.on('dialog', (d) => void d.accept());
      pages.set(user, p);
    }
    return p;
  }

  const driver: ChatDriver = {
    async say(user, text) {
      const p = await page(user);
      await p.goto(`${t.url}/?user=${user}`);
      const before = (await t.get('/api/threads')).body.threads.length;
      await p.fill('#text', text);
      await p.press('#text', 'Enter');
      await until(async () => ((await t.get('/api/threads')).body.threads.length > before ? true : undefined));
    },
    async card(...texts) {
      const found = await until(async () => {
        const threads = (await t.get('/api/threads')).body.threads as { id: string }[];
        const messages = (
          await Promise.all(
            threads.map(async (th) =>
              ((await t.get(`/api/threads/${th.id}`)).body.messages as any[]).map((m) => ({ ...m, thread: th.id })),
            ),
          )
        ).flat();
        return messages
          .filter((m) => texts.every((x) => JSON.stringify(m.card).includes(x)))
          .sort((a, b) => a.updatedAt.localeCompare(b.updatedAt))
          .at(-1);
      });
      return { raw: found, buttons: found.card.actions.map((a: any) => a.label) };
    },
    async press(user, card, label, typed) {
      const { thread, card: model } = card.raw as { thread: string; card: { title: string } };
      const p = await page(user);
      await p.goto(`${t.url}/?user=${user}&thread=${thread}`);
      // The card whose title is exactly this one (a drift card's title begins its remediation plan's).
      const title = new RegExp(`^${model.title.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`);
      const article = p.locator('article', { has: p.locator('h3', { hasText: title }) }).last();
      await expect.poll(() => article.count(), { timeout: 10_000 }).toBeGreaterThan(0);
      if (typed) await article.locator('input.gl-type-confirm').fill(typed);
      await article.locator('button', { hasText: label }).click();
      // The click's answer: the page shows no refusal.
      await p.waitForTimeout(300);
      expect(
        await p
          .locator('#notice')
          .innerText()
          .catch(() => ''),
      ).not.toContain("can't");
    },
  };

  it('reminder: Extend, Destroy now; locks and break-glass; interrupted apply: Plan again, Mark resolved; drift: Revert, Adopt, Snooze', async () => {
    await lifecycleScenario(t, driver);
  }, 180_000);
});

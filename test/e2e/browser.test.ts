import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hasChromium, launchChromium } from '../helpers/chromium.ts';
import { hasTerraform, startTestApp, type TestApp } from '../helpers/test-app.ts';

// The console in a real browser (Debian's Chromium): alice asks, bob approves, the apply streams.

const canRun = hasTerraform && hasChromium;

describe.skipIf(!canRun)('console in Chromium', () => {
  let t: TestApp;
  let browser: Browser;

  beforeAll(async () => {
    t = await startTestApp({ engines: { pulumi: { binary: '/nonexistent/bin/pulumi' } } });
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  it('alice requests, bob approves, progress streams, the result shows the outputs', async () => {
    const alice = await browser.newPage({ viewport: { width: 1280, height: 1000 } });
    await alice.goto(`${t.url}/?user=alice`);
    await alice.fill('#text', 'deploy sandbox/dev');
    await alice.press('#text', 'Enter');
    const plan = alice.locator('article[data-kind="plan"]');
    await expect.poll(() => plan.count(), { timeout: 20_000 }).toBe(1);
    const rows = await plan.locator('.gl-changes tbody tr').allInnerTexts();
    expect(rows.join('\n')).toContain('terraform_data.network');
    expect(rows).toHaveLength(6);
    expect(await plan.locator('.gl-status').textContent()).toBe('awaiting approval');
    if (process.env.GREENLIGHT_SCREENSHOT) await alice.screenshot({ path: process.env.GREENLIGHT_SCREENSHOT, fullPage: false });

    // bob opens the same thread (the URL carries it) and approves, accepting the confirm dialog.
    const threadUrl = new URL(alice.url());
    threadUrl.searchParams.set('user', 'bob');
    const bob = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    await bob.goto(threadUrl.toString());
    bob.on('dialog', (d) => void d.accept());
    await bob.locator('article[data-kind="plan"] button[data-action="approve"]').click();

    // alice's page follows live over SSE: progress card first, then the result.
    const progress = alice.locator('article[data-kind="progress"]');
    await expect.poll(() => progress.count(), { timeout: 20_000 }).toBe(1);
    const seenRunning = await alice
      .waitForSelector('article[data-kind="progress"] li[data-status="running"], article[data-kind="progress"] li[data-status="done"]', {
        timeout: 20_000,
      })
      .then(() => true);
    expect(seenRunning).toBe(true);
    const result = alice.locator('article[data-kind="result"]');
    await expect.poll(() => result.count(), { timeout: 40_000 }).toBe(1);
    const outputs = await result.locator('.gl-outputs').innerText();
    expect(outputs).toContain('http://sandbox-dev.local:8080');
    expect(outputs).toContain('sandbox-dev-app-1');
    expect(await alice.locator('article[data-kind="plan"] .gl-status').textContent()).toBe('applied');
    expect(await alice.locator('article[data-kind="plan"] button').count()).toBe(0);

    const state = await t.state('sandbox/dev');
    expect(state.resources.length).toBe(5);
  });

  it('free text missing a parameter: the form in the page, filled and submitted, gives the plan card', async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 1000 } });
    await page.goto(`${t.url}/?user=alice`);
    await page.fill('#text', 'spin up a databricks workspace for the data team in dev');
    await page.press('#text', 'Enter');
    const form = page.locator('form[data-form]');
    await form.waitFor({ timeout: 20_000 });
    expect(await form.locator('input[name="team"]').inputValue()).toBe('data');
    await form.locator('select[name="region"]').selectOption('westeurope');
    await form.locator('button[type="submit"]').click();
    const plan = page.locator('article[data-kind="plan"]');
    await plan.waitFor({ timeout: 20_000 });
    expect(await plan.locator('.gl-changes').innerText()).toContain('dbw-data-dev');
    expect(await plan.locator('.gl-cost').innerText()).toContain('Monthly cost: $987.91');
  });

  it('Approve is shown only to who may approve; the others see why not (a self-declared name never approves prod)', async () => {
    const alice = await browser.newPage();
    await alice.goto(`${t.url}/?user=alice`);
    await alice.fill('#text', 'deploy sandbox/prod');
    await alice.press('#text', 'Enter');
    const plan = alice.locator('article[data-kind="plan"]');
    await plan.locator('.gl-why-not').waitFor({ timeout: 20_000 });
    expect(await plan.locator('button[data-action="approve"]').count()).toBe(0);
    expect(await plan.locator('button[data-action="reject"]').count()).toBe(1);
    const threadUrl = new URL(alice.url());
    threadUrl.searchParams.set('user', 'bob');
    const bob = await browser.newPage();
    await bob.goto(threadUrl.toString());
    await bob.locator('article[data-kind="plan"] .gl-why-not').waitFor({ timeout: 20_000 });
    expect(await bob.locator('article[data-kind="plan"] .gl-why-not').innerText()).toContain('self-declared console name');
    // The page only hides it: a forged click is still refused by the server.
    const forged = await bob.evaluate(async () => {
      // In the page: the reject button carries the same request, revision and plan hash.
      const b = (globalThis as any).document.querySelector('article[data-kind="plan"] button[data-action="reject"]');
      const res = await fetch('/api/actions', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          user: 'bob',
          requestId: b.dataset.request,
          action: 'approve',
          revision: Number(b.dataset.revision),
          planHash: b.dataset.planHash,
        }),
      });
      return ((await res.json()) as any).error.message as string;
    });
    expect(forged).toContain('self-declared console name');
  });

  it('a destroy asks for the stack name in a box next to Approve; a wrong name is refused, the right one applies', async () => {
    const alice = await browser.newPage();
    await alice.goto(`${t.url}/?user=alice`);
    await alice.fill('#text', 'destroy sandbox/dev');
    await alice.press('#text', 'Enter');
    await alice.locator('article[data-kind="plan"] .gl-type-confirm').waitFor({ timeout: 20_000 });
    const threadUrl = new URL(alice.url());
    threadUrl.searchParams.set('user', 'bob');
    const bob = await browser.newPage();
    await bob.goto(threadUrl.toString());
    bob.on('dialog', (d) => void d.accept());
    const plan = bob.locator('article[data-kind="plan"]').last();
    expect(await plan.locator('.gl-type-confirm').getAttribute('placeholder')).toBe('type sandbox/dev to confirm');
    await plan.locator('.gl-type-confirm').fill('sandbox/prod');
    await plan.locator('button[data-action="approve"]').click();
    await bob.locator('#notice').waitFor({ state: 'visible' });
    expect(await bob.locator('#notice').innerText()).toContain('"sandbox/prod" is not the stack\'s name');
    await plan.locator('.gl-type-confirm').fill('sandbox/dev');
    await plan.locator('button[data-action="approve"]').click();
    const result = alice.locator('article[data-kind="result"]');
    await expect.poll(() => result.count(), { timeout: 40_000 }).toBeGreaterThanOrEqual(1);
    await expect
      .poll(() => alice.locator('article[data-kind="plan"] .gl-status').last().textContent(), { timeout: 10_000 })
      .toBe('applied');
  });
});

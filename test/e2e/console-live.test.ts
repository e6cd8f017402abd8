import { mkdirSync } from 'node:fs';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hasChromium, launchChromium } from '../helpers/chromium.ts';
import { hasTerraform, startTestApp, type TestApp } from '../helpers/test-app.ts';

// The console as a place to live in (issue 14), in Debian's Chromium: a thread list that says
// what each thread is and what waits for you, the full plan as a page, narrow screens, a refused
// message kept in the box, forms that read well and close when answered.
// GREENLIGHT_SCREENSHOTS=docs writes the README's screenshots.

const canRun = hasTerraform && hasChromium;
const shots = process.env.GREENLIGHT_SCREENSHOTS;

describe.skipIf(!canRun)('the console to live in', () => {
  let t: TestApp;
  let browser: Browser;

  beforeAll(async () => {
    t = await startTestApp({ engines: { pulumi: { binary: '/nonexistent/bin/pulumi' } } });
    browser = await launchChromium();
    if (shots) mkdirSync(shots, { recursive: true });
  });
  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  it('the thread list names each thread and filters mine / waiting for me / all, with unread marks', async () => {
    await t.chat('alice', 'deploy sandbox/dev');
    await t.chat('carol', 'stacks');
    const bob = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    await bob.goto(`${t.url}/?user=bob`);
    const items = bob.locator('#threads a.thread');
    await expect.poll(() => items.count(), { timeout: 10_000 }).toBe(2);
    const texts = await items.allInnerTexts();
    const deploy = texts.find((x) => x.includes('deploy sandbox/dev')) ?? '';
    expect(deploy).toContain('● deploy sandbox/dev'); // never opened by bob: unread
    expect(deploy).toContain('sandbox/dev · awaiting approval · alice · waiting for you');
    await bob.click('#filters button[data-filter="waiting"]');
    expect(await items.allInnerTexts()).toEqual([expect.stringContaining('deploy sandbox/dev')]);
    if (shots) await bob.screenshot({ path: `${shots}/thread-list.png` });
    await bob.click('#filters button[data-filter="mine"]');
    expect(await bob.locator('#threads').innerText()).toContain('No threads yet.');
    await bob.click('#filters button[data-filter="all"]');
    // Opened, it is read.
    await items.filter({ hasText: 'deploy sandbox/dev' }).click();
    await bob.locator('article[data-kind="plan"]').waitFor();
    await bob.reload();
    await expect.poll(async () => (await items.allInnerTexts()).find((x) => x.includes('deploy sandbox/dev')) ?? '').not.toContain('●');

    const carol = await browser.newPage();
    await carol.goto(`${t.url}/?user=carol`);
    await carol.click('#filters button[data-filter="mine"]');
    await expect.poll(() => carol.locator('#threads a.thread').allInnerTexts()).toEqual([expect.stringContaining('stacks')]);
  });

  it('"Full plan" opens a page: every resource by type and action, the cost breakdown, risk factors, findings', async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 1000 } });
    await page.goto(`${t.url}/?user=alice`);
    await page.fill('#text', 'open port 22 to 0.0.0.0/0 in prod team=web');
    await page.press('#text', 'Enter');
    const link = page.locator('article[data-kind="plan"] a.gl-full-plan');
    await link.waitFor({ timeout: 20_000 });
    await link.click();
    await page.waitForURL(/\/plans\/cr-[0-9a-f]+$/);
    expect(await page.locator('h1').innerText()).toMatch(/^Change firewall-web-tcp-22\/prod — plan r1$/);
    const groups = await page.locator('section.gl-group h3').allInnerTexts();
    expect(groups).toEqual(['azure-native:network:SecurityRule 1 create']);
    expect(await page.locator('.gl-inputs').first().innerText()).toContain('destinationPortRange');
    expect(await page.locator('body').innerText()).toContain('public exposure: allow-tcp-22 (open to 0.0.0.0/0)');
    expect(await page.locator('.gl-findings').innerText()).toContain('GL-NET-001');
    if (shots) await page.screenshot({ path: `${shots}/full-plan.png`, fullPage: true });
    await page.click('text=← back to the thread');
    await page.locator('article[data-kind="plan"]').waitFor();
  });

  it('a narrow screen is one column with nothing cut off; a refused message stays in the box', async () => {
    const page = await browser.newPage({ viewport: { width: 390, height: 800 } });
    await page.goto(`${t.url}/?user=alice`);
    await page.fill('#text', 'deploy sandbox/dev');
    await page.press('#text', 'Enter');
    await page.locator('article[data-kind="plan"]').waitFor({ timeout: 20_000 });
    const overflow = await page.evaluate(() => {
      const page = globalThis as any;
      return page.document.documentElement.scrollWidth - page.innerWidth;
    });
    expect(overflow).toBeLessThanOrEqual(0);
    const aside = await page.locator('aside').boundingBox();
    const chat = await page.locator('.chat').boundingBox();
    expect((aside?.y ?? 0) + (aside?.height ?? 0)).toBeLessThanOrEqual((chat?.y ?? 0) + 1);
    const long = `deploy sandbox/dev ${'x'.repeat(4100)}`;
    await page.fill('#text', long);
    await page.press('#text', 'Enter');
    await page.locator('#notice').waitFor({ state: 'visible' });
    expect(await page.locator('#notice').innerText()).toContain('longer than 4000 characters');
    expect(await page.inputValue('#text')).toBe(long);
  });

  it('card states in the page: final progress, destroy wording, never-deployed drift, review only, expiry', async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 1000 } });
    await page.goto(`${t.url}/?user=alice`);
    const say = async (text: string) => {
      await page.fill('#text', text);
      await page.press('#text', 'Enter');
    };
    // Never deployed: nothing can have drifted, and the card says how to deploy it.
    await say('drift sandbox/prod');
    await page.locator('article h3', { hasText: 'sandbox/prod is not deployed' }).waitFor({ timeout: 20_000 });
    // Progress ends in its final state once the apply succeeded.
    await say('set sandbox/dev replicas=3');
    const plan = page.locator('article[data-kind="plan"]').last();
    await plan.waitFor({ timeout: 20_000 });
    const id = (await plan.getAttribute('data-request')) as string;
    expect((await t.act('bob', id, 'approve')).status).toBe(200);
    const progress = page.locator(`article[data-kind="progress"][data-request="${id}"]`);
    await expect.poll(() => progress.locator('.gl-status').textContent(), { timeout: 40_000 }).toBe('succeeded');
    expect(await progress.locator('h3').innerText()).toBe('Applied sandbox/dev');
    // A destroy's result says Destroyed.
    await say('destroy sandbox/dev');
    const destroy = page.locator('article[data-kind="plan"]').last();
    await expect.poll(async () => (await destroy.locator('h3').innerText()).startsWith('Destroy sandbox/dev')).toBe(true);
    const destroyId = (await destroy.getAttribute('data-request')) as string;
    expect((await t.act('bob', destroyId, 'approve', { confirmation: 'sandbox/dev' })).status).toBe(200);
    await page
      .locator(`article[data-kind="result"][data-request="${destroyId}"] h3`, { hasText: 'Destroyed sandbox/dev' })
      .waitFor({ timeout: 40_000 });
    // A plan that cannot run here: said first, and no Approve for anyone.
    await say('provision databricks team=data env=dev region=eastus');
    const review = page.locator('article[data-kind="plan"]').last();
    await expect.poll(() => review.innerText(), { timeout: 20_000 }).toContain('Review only');
    expect(await review.locator('button[data-action="approve"]').count()).toBe(0);
    // An expired plan loses Approve in the open page (live update).
    await say('deploy sandbox/prod');
    const prod = page.locator('article[data-kind="plan"]').last();
    await expect.poll(async () => (await prod.locator('h3').innerText()).includes('sandbox/prod'), { timeout: 20_000 }).toBe(true);
    t.clock.offsetMs = 31 * 60_000;
    await t.app.workflow.expireStale();
    t.clock.offsetMs = 0;
    await expect.poll(() => prod.locator('.gl-status').textContent(), { timeout: 10_000 }).toBe('expired');
    expect(await prod.locator('button[data-action="approve"]').count()).toBe(0);
  });

  it('forms label fields as people write them and close once answered', async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 1000 } });
    await page.goto(`${t.url}/?user=alice`);
    await page.fill('#text', 'spin up a databricks workspace for the data team in dev');
    await page.press('#text', 'Enter');
    const form = page.locator('form[data-form]');
    await form.waitFor({ timeout: 20_000 });
    const card = page.locator('article', { has: form });
    expect(await card.locator('p').first().innerText()).toBe('Azure Databricks workspace: I still need region.');
    const labels = await form.locator('label').allInnerTexts();
    expect(labels.join(' ')).toContain('SKU');
    expect(labels.join(' ')).toContain('GPU');
    expect(labels.join(' ')).not.toMatch(/\bSku\b|\bGpu\b/);
    await form.locator('select[name="region"]').selectOption('westeurope');
    await form.locator('button[type="submit"]').click();
    await page.locator('article[data-kind="plan"]').waitFor({ timeout: 20_000 });
    await expect.poll(() => page.locator('form[data-form]').count()).toBe(0);
    const answered = page.locator('article', { hasText: 'Answered by console:alice' });
    expect(await answered.locator('.gl-status').textContent()).toBe('answered');
  });
});

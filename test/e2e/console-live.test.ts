import { existsSync, mkdirSync } from 'node:fs';
import { type Browser, chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hasTerraform, startTestApp, type TestApp } from '../helpers/test-app.ts';

// The console as a place to live in (issue 14), in Debian's Chromium: a thread list that says
// what each thread is and what waits for you, the full plan as a page, narrow screens, a refused
// message kept in the box, forms that read well and close when answered.
// GREENLIGHT_SCREENSHOTS=docs writes the README's screenshots.

const CHROMIUM = '/usr/bin/chromium';
const canRun = hasTerraform && existsSync(CHROMIUM);
const shots = process.env.GREENLIGHT_SCREENSHOTS;

describe.skipIf(!canRun)('the console to live in', () => {
  let t: TestApp;
  let browser: Browser;

  beforeAll(async () => {
    t = await startTestApp({ engines: { pulumi: { binary: '/nonexistent/bin/pulumi' } } });
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--no-first-run'],
    });
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

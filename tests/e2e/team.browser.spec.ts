/**
 * The team page in Debian's Chromium, driven by playwright-core, against the app listening on
 * loopback over a temp SQLite store: a coach records a check-in with the defaults, with htmx and
 * without JavaScript, and sees it on the team page and on the heatmap; a bad date comes back
 * beside its field; two key-result reports in a row from the form far down the page each leave
 * their confirmation in view and the form open; axe finds no serious or critical accessibility
 * problem.
 */
import type { FastifyInstance } from 'fastify';
import type { Browser, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { axeViolations, launchBrowser, listenOnLoopback, screenshotPath, signedInContext, skipWithoutBrowser } from '../support/browser.ts';
import { appFor, closeWorld, openWorld, seedSmallOrganisation, type World } from '../support/webApp.ts';

describe.skipIf(skipWithoutBrowser('team page'))('team page in Chromium', () => {
  let browser: Browser;
  let world: World;
  let app: FastifyInstance;
  let base: string;

  beforeAll(async () => {
    browser = await launchBrowser();
  });

  afterAll(async () => {
    await browser?.close();
  });

  beforeEach(async () => {
    world = openWorld();
    await seedSmallOrganisation(world);
    await world.runner.start();
    app = await appFor(world);
    base = await listenOnLoopback(app);
  });

  afterEach(async () => {
    await app?.close();
    if (world) await closeWorld(world);
  });

  const runScore = (page: Page) => page.locator('.kpi', { hasText: 'Run' }).locator('.kpi__swatch').innerText();

  /** The Run cell of Search's row on the heatmap, after expanding Engineering in place. */
  async function heatmapRunOfSearch(page: Page): Promise<string> {
    await page.goto(`${base}/heatmap`);
    await page.getByRole('link', { name: 'Engineering' }).click();
    const row = page.locator('tr.team-row', { hasText: 'Search' });
    return row.locator('td.cell').nth(3).innerText();
  }

  it('records a check-in with the defaults in one click, swapped in place by htmx, and it shows on the heatmap', async () => {
    const context = await signedInContext(browser, base, world, 'admin', { viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));
    await page.goto(`${base}/teams/srch`);
    expect(await runScore(page)).toBe('0');

    await page.getByRole('button', { name: 'Record check-in' }).click();
    await expect.poll(() => page.getByRole('status').innerText()).toBe('Check-in recorded.');
    expect(page.url()).toBe(`${base}/teams/srch`);
    const run = await runScore(page);
    expect(Number(run)).toBeGreaterThan(0);
    expect(await page.locator('.form-card--primary .checkin').innerText()).toContain('last 25 Nov 2026');

    expect(await heatmapRunOfSearch(page)).toBe(run);
    expect(errors).toEqual([]);
    await context.close();
  });

  it('records a check-in without JavaScript: POST, 303, the page again', async () => {
    const context = await signedInContext(browser, base, world, 'admin', { javaScriptEnabled: false });
    const page = await context.newPage();
    await page.goto(`${base}/teams/srch`);
    await page.getByRole('button', { name: 'Record check-in' }).click();
    await page.waitForURL(`${base}/teams/srch?cycle=2026-q4&recorded=check-in-held#check-in-held`);
    expect(await page.getByRole('status').innerText()).toBe('Check-in recorded.');
    const run = await runScore(page);
    expect(Number(run)).toBeGreaterThan(0);
    // Without JavaScript the area link opens the area page, where Search's row carries the same score.
    await page.goto(`${base}/areas/eng`);
    expect(await page.locator('tr.team-row', { hasText: 'Search' }).locator('td.cell').nth(3).innerText()).toBe(run);
    await context.close();
  });

  /** Whether the element is wholly inside the viewport (scrolled to its top edge, give or take a subpixel). */
  const inViewport = (page: Page, selector: string) =>
    page.locator(selector).evaluate((el) => {
      const box = el.getBoundingClientRect();
      return box.top > -1 && box.bottom < el.ownerDocument.documentElement.clientHeight + 1;
    });

  it('records two key-result reports in a row from the form far down the page: each confirmation in view, the form kept open', async () => {
    const context = await signedInContext(browser, base, world, 'admin', { viewport: { width: 1280, height: 600 } });
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));
    await page.goto(`${base}/teams/pay`);
    await page.locator('summary', { hasText: 'Key-result progress' }).click();
    const form = page.locator('#key-result-progress');
    const reports = async () => (await world.store.readStream('team-pay')).filter((e) => e.type === 'KeyResultProgressReported').length;

    // The first key result is typed; once reported the form offers it, and a second is typed beside it.
    for (const [i, [label, keyResult, progress]] of [
      ['Key result', 'KR1 Activation', '40'],
      ['Another key result', 'KR2 Churn', '65'],
    ].entries()) {
      await form.getByLabel(label!, { exact: true }).fill(keyResult!);
      await form.getByLabel('Progress').fill(progress!);
      await form.getByRole('button', { name: 'Record progress' }).click();
      await expect.poll(reports).toBe(i + 1);
      await expect.poll(() => page.locator('#key-result-progress .form__recorded').innerText()).toBe('Key-result progress recorded.');
      await expect.poll(() => inViewport(page, '#key-result-progress .form__recorded')).toBe(true);
      expect(await page.locator('details:has(#key-result-progress)').getAttribute('open')).not.toBeNull();
      expect(await page.evaluate('document.activeElement.id')).toBe('key-result-progress-keyResultRef');
    }
    expect(page.url()).toBe(`${base}/teams/pay`);
    expect(await form.getByLabel('Key result', { exact: true }).locator('option').allInnerTexts()).toEqual([
      'KR1 Activation',
      'KR2 Churn',
      'Another key result',
    ]);
    expect(await axeViolations(page)).toEqual([]);
    expect(errors).toEqual([]);
    await context.close();
  });

  it('brings a plain-HTML save back to its form: the anchor scrolls to it, open, with its confirmation', async () => {
    const context = await signedInContext(browser, base, world, 'admin', {
      javaScriptEnabled: false,
      viewport: { width: 1280, height: 600 },
    });
    const page = await context.newPage();
    await page.goto(`${base}/teams/pay`);
    await page.locator('summary', { hasText: 'Key-result progress' }).click();
    const form = page.locator('#key-result-progress');
    await form.getByLabel('Key result', { exact: true }).fill('KR1 Activation');
    await form.getByLabel('Progress').fill('40');
    await form.getByRole('button', { name: 'Record progress' }).click();
    await page.waitForURL(`${base}/teams/pay?cycle=2026-q4&recorded=key-result-progress#key-result-progress`);
    expect(await inViewport(page, '#key-result-progress .form__recorded')).toBe(true);
    expect(await page.locator('details:has(#key-result-progress)').getAttribute('open')).not.toBeNull();
    await context.close();
  });

  it('puts a rejected date beside its field, in place, and focuses it (htmx swaps the 422)', async () => {
    const context = await signedInContext(browser, base, world, 'admin', { viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    await page.goto(`${base}/teams/srch`);
    const heldOn = page.locator('#check-in-held').getByLabel('Held on');
    await heldOn.fill('2026-09-01');
    await page.getByRole('button', { name: 'Record check-in' }).click();
    await expect.poll(() => heldOn.getAttribute('aria-invalid')).toBe('true');
    expect(await page.locator('#check-in-held-heldOn-error').innerText()).toContain('must be within cycle 2026-Q4');
    expect(await heldOn.inputValue()).toBe('2026-09-01');
    expect(await page.evaluate('document.activeElement.id')).toBe('check-in-held-heldOn');
    expect(page.url()).toBe(`${base}/teams/srch`);
    expect(await axeViolations(page)).toEqual([]);
    await context.close();
  });

  it('has no serious or critical accessibility violations, and looks right (docs/screenshots/team.png)', async () => {
    const context = await signedInContext(browser, base, world, 'admin', { viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    await page.goto(`${base}/teams/pay`);
    await page.locator('summary', { hasText: 'Key-result progress' }).click();
    expect(await axeViolations(page)).toEqual([]);
    await page.screenshot({ path: screenshotPath('team.png'), fullPage: true });
    await context.close();
  });
});

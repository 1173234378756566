/**
 * The leadership digest in Debian's Chromium, as a leader reads it on the seeded demo
 * organisation: from the navigation to the last complete week, another week through the picker
 * and the step links, a future week refused beside the picker, and the page on paper (print
 * media): no navigation, no picker, one A4 column. axe finds no serious or critical problem.
 * Screenshots: docs/screenshots/digest.png and digest-print.png.
 */
import type { Browser } from 'playwright-core';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { axeViolations, launchBrowser, listenOnLoopback, screenshotPath, signedInContext, skipWithoutBrowser } from '../support/browser.ts';
import { appFor, closeWorld, openDemoWorld, type World } from '../support/webApp.ts';

describe.skipIf(skipWithoutBrowser('digest'))('the leadership digest in Chromium', () => {
  let browser: Browser;
  let world: World;
  let app: FastifyInstance;
  let base: string;

  beforeAll(async () => {
    browser = await launchBrowser();
    world = await openDemoWorld();
    app = await appFor(world, {}, null);
    base = await listenOnLoopback(app);
  }, 180_000);

  afterAll(async () => {
    await app?.close();
    if (world) await closeWorld(world);
    await browser?.close();
  });

  it('a leader opens the last complete week from the navigation, picks another, and is told why a future week cannot be shown', async () => {
    const context = await signedInContext(browser, base, world, 'leader', { viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));

    await page.goto(`${base}/`);
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Digest' }).click();
    expect(new URL(page.url()).pathname).toBe('/digest');
    expect(await page.getByRole('heading', { level: 1 }).innerText()).toBe('Week 2026-W47');
    // The demo's week 47 has movers with their facts, new signals and stakeholders who moved.
    expect(await page.locator('#digest-up .digest-mover').count()).toBeGreaterThan(0);
    expect(await page.locator('#digest-up .digest-facts li').count()).toBeGreaterThan(0);
    expect(await page.locator('#digest-raised .digest-signal').count()).toBeGreaterThan(0);
    expect(await page.locator('#digest-stakeholders li').count()).toBeGreaterThan(0);
    expect(await axeViolations(page)).toEqual([]);
    await page.screenshot({ path: screenshotPath('digest.png'), fullPage: true });

    // A fact links to the evidence it is listed in.
    const evidence = page.locator('#digest-up .digest-facts a[href^="/evidence"]').first();
    const href = (await evidence.getAttribute('href'))!;
    await evidence.click();
    expect(page.url()).toBe(`${base}${href}`);
    expect(await page.getByRole('heading', { level: 1 }).count()).toBe(1);
    await page.goBack();

    await page.getByLabel('Week', { exact: true }).fill('2026-W45');
    await page.getByRole('button', { name: 'Show' }).click();
    await page.waitForURL(`${base}/digest?week=2026-W45`);
    expect(await page.getByRole('heading', { level: 1 }).innerText()).toBe('Week 2026-W45');
    await page.getByRole('link', { name: '2026-W46 →' }).click();
    expect(await page.getByRole('heading', { level: 1 }).innerText()).toBe('Week 2026-W46');

    const refused = await page.goto(`${base}/digest?week=2027-W01`);
    expect(refused?.status()).toBe(422);
    expect(await page.locator('#digest-week-error').innerText()).toBe(
      'week "2027-W01" must not be after the current week, 2026-W48: nothing has happened in it yet',
    );
    expect(await page.getByLabel('Week', { exact: true }).getAttribute('aria-invalid')).toBe('true');
    expect(await axeViolations(page)).toEqual([]);
    expect(errors).toEqual([]);
    await context.close();
  }, 120_000);

  it('prints on A4: no navigation or picker, one column as wide as the paper', async () => {
    // 210 mm at 96 dpi, less the page margins.
    const context = await signedInContext(browser, base, world, 'leader', { viewport: { width: 794, height: 1123 } });
    const page = await context.newPage();
    await page.goto(`${base}/digest?week=2026-W47`);
    await page.emulateMedia({ media: 'print' });
    expect(await page.locator('.site-header').isVisible()).toBe(false);
    expect(await page.locator('.digest-picker').isVisible()).toBe(false);
    const sections = await page.locator('.digest-section').evaluateAll((els) => els.map((e) => e.getBoundingClientRect()));
    expect(new Set(sections.map((r) => Math.round(r.left))).size).toBe(1);
    expect(Math.max(...sections.map((r) => r.right))).toBeLessThanOrEqual(794);
    await page.screenshot({ path: screenshotPath('digest-print.png'), fullPage: true });
    const pdf = await page.pdf({ format: 'A4' });
    expect(pdf.subarray(0, 5).toString()).toBe('%PDF-');
    await context.close();
  }, 120_000);
});

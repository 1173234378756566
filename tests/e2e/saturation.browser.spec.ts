/**
 * Change saturation in Debian's Chromium, on the seeded demo organisation after the rules have
 * run over it (as a served demo shows it): the heatmap flags the areas with too much change at
 * once, the flag opens the area page at the list of what is behind it, and both pages have no
 * serious accessibility problem. The screenshots go to docs/screenshots/.
 */
import type { FastifyInstance } from 'fastify';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { axeViolations, launchBrowser, listenOnLoopback, screenshotPath, signedInContext, skipWithoutBrowser } from '../support/browser.ts';
import { appFor, closeWorld, openDemoWorldWithRules, TODAY, type World } from '../support/webApp.ts';

describe.skipIf(skipWithoutBrowser('change saturation'))('change saturation in Chromium', () => {
  let browser: Browser;
  let world: World;
  let app: FastifyInstance;
  let base: string;

  beforeAll(async () => {
    browser = await launchBrowser();
    world = await openDemoWorldWithRules((message) => expect.fail(message));
    app = await appFor(world, {}, 'leader');
    base = await listenOnLoopback(app);
  }, 600_000);

  afterAll(async () => {
    await app?.close();
    await browser?.close();
    if (world) await closeWorld(world);
  });

  it('flags a few areas on the heatmap, not most, and the flag opens the list of what is behind it', async () => {
    const context = await signedInContext(browser, base, world, 'leader', { viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    await page.goto(`${base}/heatmap?asOf=${TODAY}`);
    const flaggedAreas = await page.locator('tbody.area-group:has(a.saturation-flag) .area-name').allInnerTexts();
    const areas = await page.locator('tbody.area-group .area-name').count();
    expect(flaggedAreas.length).toBeGreaterThanOrEqual(1);
    expect(flaggedAreas.length).toBeLessThan(areas / 2);
    expect(flaggedAreas).toContain('Sales');
    expect(await axeViolations(page)).toEqual([]);
    await page.screenshot({ path: screenshotPath('heatmap-saturation.png'), fullPage: true });

    const sales = page.locator('tbody.area-group', { hasText: 'Sales' }).getByRole('link', { name: /^too much change at once:/ });
    await sales.click();
    await page.waitForURL((url) => url.hash === '#saturation');
    const section = page.locator('#saturation');
    await expect.poll(() => section.isVisible()).toBe(true);
    expect(await section.innerText()).toMatch(
      /In 2026-W48 \(23 Nov 2026 – 25 Nov 2026\), Sales and the areas below it had \d+ open signals/,
    );
    const listed = section.locator('ul.area-list > li');
    expect(await listed.count()).toBeGreaterThan(8);
    expect(await section.locator('table.saturation-weeks tbody tr').count()).toBe(9);
    expect(await axeViolations(page)).toEqual([]);
    await section.screenshot({ path: screenshotPath('area-saturation.png') });

    await listed.first().getByRole('link').click();
    await page.waitForURL((url) => url.pathname.startsWith('/resistance/'));
    await context.close();
  });
});

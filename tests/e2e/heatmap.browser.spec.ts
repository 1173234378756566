/**
 * The heatmap's layout in Debian's Chromium on the seeded demo organisation: at desktop, tablet
 * and phone widths the matrix stays inside its card (or the card scrolls sideways and its last
 * column, resistance, can be scrolled into view), and every link of the header's navigation can
 * be reached on a phone or a tablet; the overview pages (heatmap, evidence, area, timeline) have
 * no serious accessibility violation. Screenshots go to docs/screenshots.
 */
import type { FastifyInstance } from 'fastify';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { axeViolations, launchBrowser, listenOnLoopback, screenshotPath, signedInContext, skipWithoutBrowser } from '../support/browser.ts';
import { appFor, closeWorld, openDemoWorld, type World } from '../support/webApp.ts';

interface Box {
  left: number;
  right: number;
}

describe.skipIf(skipWithoutBrowser('heatmap'))('the heatmap in Chromium', () => {
  let browser: Browser;
  let world: World;
  let app: FastifyInstance;
  let base: string;

  beforeAll(async () => {
    browser = await launchBrowser();
    world = await openDemoWorld();
    app = await appFor(world);
    base = await listenOnLoopback(app);
  }, 60_000);

  afterAll(async () => {
    await app?.close();
    if (world) await closeWorld(world);
    await browser?.close();
  });

  async function open(width: number, height = 900): Promise<Page> {
    const context = await signedInContext(browser, base, world, 'admin', { viewport: { width, height } });
    const page = await context.newPage();
    await page.goto(`${base}/heatmap`);
    return page;
  }

  const box = (page: Page, selector: string): Promise<Box> =>
    page
      .locator(selector)
      .first()
      .evaluate((el) => {
        const r = el.getBoundingClientRect();
        return { left: r.left, right: r.right };
      });

  /** How wide the page itself is: wider than the screen means something sticks out sideways. */
  const pageWidth = (page: Page) => page.evaluate('document.documentElement.scrollWidth') as Promise<number>;

  it.each([1280, 1024, 768, 390])('at %i px the matrix fits its card, or the card scrolls to its resistance column', async (width) => {
    const page = await open(width);
    // Team rows are the widest: open every area.
    const toggles = page.locator('.area-toggle');
    for (let i = 0; i < (await toggles.count()); i++) {
      await toggles.nth(i).click();
      await page.locator(`.area-toggle[aria-expanded="true"]`).nth(i).waitFor();
    }
    const card = await box(page, 'section[aria-labelledby="matrix-title"]');
    const scroller = page.locator('.matrix-scroll').first();
    // The matrix's scroll box never overflows its card: whatever is wider scrolls inside it.
    const scroll = await box(page, '.matrix-scroll');
    expect(scroll.left).toBeGreaterThanOrEqual(card.left);
    expect(scroll.right).toBeLessThanOrEqual(card.right);

    await scroller.evaluate((el) => {
      el.scrollLeft = el.scrollWidth;
    });
    const resistance = await box(page, '.matrix thead th:last-child');
    expect(resistance.right).toBeLessThanOrEqual(scroll.right + 0.5);
    expect(resistance.left).toBeGreaterThanOrEqual(scroll.left);
    // Nothing outside the card makes the page itself wider than the screen.
    expect(await pageWidth(page)).toBeLessThanOrEqual(width);
    await page.evaluate('window.scrollTo(0, 0)');
    if (width === 768) await page.screenshot({ path: screenshotPath('heatmap-tablet.png') });
    await page.context().close();
  });

  it.each([360, 390, 768])('at %i px every navigation link can be reached', async (width) => {
    const page = await open(width, 740);
    const links = page.locator('.site-nav a');
    const count = await links.count();
    expect(count).toBeGreaterThan(5);
    for (let i = 0; i < count; i++) {
      const link = links.nth(i);
      await link.scrollIntoViewIfNeeded();
      const r = await link.evaluate((el) => {
        const b = el.getBoundingClientRect();
        const hit = el.ownerDocument.elementFromPoint(b.left + b.width / 2, b.top + b.height / 2);
        return { left: b.left, right: b.right, reachable: hit !== null && el.contains(hit) };
      });
      expect(r.left, `${await link.textContent()} starts on screen`).toBeGreaterThanOrEqual(0);
      expect(r.right, `${await link.textContent()} ends on screen`).toBeLessThanOrEqual(width);
      expect(r.reachable, `${await link.textContent()} can be tapped`).toBe(true);
    }
    expect(await pageWidth(page)).toBeLessThanOrEqual(width);
    if (width === 360) await page.screenshot({ path: screenshotPath('nav-phone.png'), clip: { x: 0, y: 0, width, height: 160 } });
    await page.context().close();
  });

  it('the heatmap, an evidence page, an area and the timeline have no serious or critical accessibility violations (docs/screenshots)', async () => {
    const page = await open(1280);
    expect(await axeViolations(page), 'heatmap').toEqual([]);
    await page.screenshot({ path: screenshotPath('heatmap.png'), fullPage: true });

    // The area with the most teams below it, unfolded in place; then the first team score's evidence.
    await page.locator('.area-toggle').first().click();
    await page.locator('.area-toggle[aria-expanded="true"]').first().waitFor();
    expect(await axeViolations(page), 'heatmap with an area unfolded').toEqual([]);
    await page.screenshot({ path: screenshotPath('heatmap-expanded.png'), fullPage: true });
    const evidence = await page.locator('tr.team-row a.cell__link, tr.team-row td.cell a').first().getAttribute('href');
    expect(evidence).toMatch(/^\/evidence\?/);
    await page.goto(`${base}${evidence}`);
    expect(await page.locator('h1').innerText()).not.toBe('');
    expect(await axeViolations(page), 'evidence').toEqual([]);
    await page.screenshot({ path: screenshotPath('evidence.png'), fullPage: true });

    const area = await page.locator('nav a[href^="/areas/"]').first().getAttribute('href');
    await page.goto(`${base}${area}`);
    expect(await axeViolations(page), 'area').toEqual([]);
    await page.screenshot({ path: screenshotPath('area.png'), fullPage: true });

    await page.goto(`${base}/timeline`);
    expect(await axeViolations(page), 'timeline').toEqual([]);
    await page.screenshot({ path: screenshotPath('timeline.png'), fullPage: true });
    await page.context().close();

    const phone = await open(390, 844);
    await phone.screenshot({ path: screenshotPath('heatmap-phone.png'), fullPage: false });
    await phone.context().close();
    // Five axe runs and six full-page screenshots: more than the default 30 s on a loaded machine.
  }, 120_000);
});

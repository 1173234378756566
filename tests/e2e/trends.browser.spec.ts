/**
 * Trends in Debian's Chromium on the seeded demo: every heatmap row's sparkline is drawn and
 * named by its numbers (with and without JavaScript), unfolded team rows carry theirs, the area
 * page prints its forecast, and neither page has a serious accessibility violation.
 * Screenshots: docs/screenshots/heatmap-trends.png and area-forecast.png.
 */
import type { FastifyInstance } from 'fastify';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { axeViolations, launchBrowser, listenOnLoopback, screenshotPath, signedInContext, skipWithoutBrowser } from '../support/browser.ts';
import { appFor, closeWorld, openDemoWorld, TODAY, type World } from '../support/webApp.ts';

describe.skipIf(skipWithoutBrowser('trends'))('trends and forecasts in Chromium', () => {
  let browser: Browser;
  let world: World;
  let app: FastifyInstance;
  let base: string;

  beforeAll(async () => {
    browser = await launchBrowser();
    world = await openDemoWorld();
    app = await appFor(world);
    base = await listenOnLoopback(app);
  }, 120_000);

  afterAll(async () => {
    await app?.close();
    if (world) await closeWorld(world);
    await browser?.close();
  });

  async function open(path: string, javaScriptEnabled = true): Promise<Page> {
    const context = await signedInContext(browser, base, world, 'leader', { viewport: { width: 1440, height: 900 }, javaScriptEnabled });
    const page = await context.newPage();
    await page.goto(`${base}${path}`);
    return page;
  }

  const heatmap = () => world.queries.heatmap(world.queries.defaultCycle(TODAY)!.cycleId, TODAY)!;

  it('draws a named sparkline on every area row and on the team rows an area unfolds', async () => {
    const page = await open('/');
    const { areas } = heatmap();
    const lines = page.locator('.area-row').getByRole('img', { name: /^Overall score by week from/ });
    expect(await lines.count()).toBe(areas.length);
    for (const [i, area] of areas.entries()) {
      const line = lines.nth(i);
      expect(await line.getAttribute('aria-label')).toMatch(new RegExp(`: ${area.trend.map((p) => p.score).join(', ')}$`));
      const box = (await line.boundingBox())!;
      expect(box.width).toBeGreaterThan(80);
      expect(box.height).toBeGreaterThan(16);
    }
    const unfolding = areas.find((a) => a.depth === 0 && a.teamCount > 1)!;
    await page.locator('.area-row', { hasText: unfolding.name }).locator('.area-toggle').click();
    const teamLines = page.locator(`[id="teams-${unfolding.areaId}"] .team-row`).getByRole('img', { name: /^Overall score by week/ });
    await teamLines.first().waitFor();
    expect(await teamLines.count()).toBe(world.queries.area(unfolding.areaId, heatmap().cycle.cycleId, TODAY)!.teams.length);
    expect(await axeViolations(page)).toEqual([]);
    await page.locator('section[aria-labelledby="matrix-title"]').screenshot({ path: screenshotPath('heatmap-trends.png') });
  });

  it('draws them without JavaScript too: they are server-rendered SVG', async () => {
    const page = await open('/', false);
    expect(await page.getByRole('img', { name: /^Overall score by week from/ }).count()).toBe(heatmap().areas.length);
  });

  it('prints the area’s forecast with its range beside its trend', async () => {
    const area = heatmap().areas.find((a) => a.forecast.kind === 'expected' && a.teamCount > 1)!;
    const page = await open(`/areas/${area.areaId}`);
    const trend = page.locator('#area-summary .kpi--trend');
    await expect.poll(() => trend.getByRole('img').count()).toBe(1);
    expect(await trend.locator('.forecast').innerText()).toMatch(/^Embedded around .+ \(.+ – .+\) at \+[\d.]+ points a week/);
    expect(await axeViolations(page)).toEqual([]);
    await page.screenshot({ path: screenshotPath('area-forecast.png'), fullPage: false });
  });
});

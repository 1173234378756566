/**
 * An area's teams a page at a time in Debian's Chromium: "show more" adds the next teams in place
 * (htmx fetches only those, keyset) and puts the longer list's URL in the address bar, which the
 * live socket then follows, so a training moves a row that was added, without a reload.
 */
import type { FastifyInstance } from 'fastify';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TEAM_PAGE } from '../../src/overview/viewModels.ts';
import { bigAreaInOrder, seedBigArea } from '../support/bigArea.ts';
import { launchBrowser, listenOnLoopback, signedInContext, skipWithoutBrowser } from '../support/browser.ts';
import { appFor, closeWorld, CYCLE, given, openWorld, TODAY, type World } from '../support/webApp.ts';

describe.skipIf(skipWithoutBrowser('area teams'))("an area's teams in Chromium", () => {
  let browser: Browser;
  let world: World;
  let app: FastifyInstance;
  let base: string;

  beforeAll(async () => {
    browser = await launchBrowser();
    world = openWorld();
    await seedBigArea(world);
    await world.runner.start();
    app = await appFor(world, { onApplied: (listener) => world.runner.onApplied(listener) }, null);
    base = await listenOnLoopback(app);
  });

  afterAll(async () => {
    await browser?.close();
    await app?.close();
    if (world) await closeWorld(world);
  });

  const rows = (page: Page) => page.locator('#area-teams tr.team-row:not(.team-row--more)');
  const learnOf = (page: Page, key: string) =>
    page
      .locator('tr.team-row', { hasText: `Team ${key}` })
      .locator('td.cell')
      .first()
      .innerText();

  it('adds the next teams in place, follows the longer list live, and reloads it whole', async () => {
    const context = await signedInContext(browser, base, world, 'admin');
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));
    const sockets: string[] = [];
    page.on('websocket', (socket) => sockets.push(socket.url()));
    await page.goto(`${base}/areas/big?cycle=${CYCLE}&asOf=${TODAY}`);
    expect(await rows(page).count()).toBe(TEAM_PAGE);
    await page.evaluate(() => ((globalThis as unknown as { loadedOnce: boolean }).loadedOnce = true));

    await page.getByRole('link', { name: 'Show 5 more teams' }).click();
    await expect.poll(() => rows(page).count()).toBe(TEAM_PAGE + 5);
    expect(await page.locator('tr.team-row--more').count()).toBe(0);
    expect(new URL(page.url()).searchParams.get('teams')).toBe(String(2 * TEAM_PAGE));
    const keys = await rows(page).locator('.team-key').allInnerTexts();
    expect(keys).toEqual(bigAreaInOrder.map((t) => t.key));
    // The socket is reopened for the longer list's URL.
    await expect.poll(() => sockets.some((url) => url.includes(encodeURIComponent(`teams=${2 * TEAM_PAGE}`)))).toBe(true);

    const before = await learnOf(page, 'Z3');
    await given(world, 'team', 'z-3', TODAY, {
      type: 'TrainingCompleted',
      data: { teamId: 'z-3', kind: 'okr-basics', participants: 5, completedOn: TODAY },
    });
    await expect.poll(() => learnOf(page, 'Z3'), { timeout: 5_000 }).not.toBe(before);
    expect(await rows(page).count()).toBe(TEAM_PAGE + 5);
    expect(await page.evaluate(() => (globalThis as unknown as { loadedOnce?: boolean }).loadedOnce === true)).toBe(true);

    await page.reload();
    expect(await rows(page).count()).toBe(TEAM_PAGE + 5);
    expect(errors).toEqual([]);
  });
});

/**
 * Live updates in Debian's Chromium: a leader watches the heatmap in one browser context while
 * a coach records a check-in in another; the leader's heatmap changes within a second without a
 * reload, keeping the teams the leader unfolded. After the server restarts on the same port, the
 * page's websocket reconnects by itself and an event from outside the UI still shows up live.
 */
import type { FastifyInstance } from 'fastify';
import type { Browser, BrowserContext, Page, WebSocket } from 'playwright-core';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { recordAdoption } from '../../src/team/handlers.ts';
import { SqliteDirectory } from '../../projections/index.ts';
import { launchBrowser, listenOnLoopback, skipWithoutBrowser } from '../support/browser.ts';
import { appFor, closeWorld, CYCLE, openWorld, seedSmallOrganisation, TODAY, type World } from '../support/webApp.ts';

/** What "live" promises: a change shows within a second of being recorded. */
const LIVE_MS = 1000;

describe.skipIf(skipWithoutBrowser('live update'))('live updates in Chromium', () => {
  let browser: Browser;
  let world: World;
  let app: FastifyInstance;
  let base: string;
  const contexts: BrowserContext[] = [];

  const start = async (port?: number) => {
    app = await appFor(world, { onApplied: (listener) => world.runner.onApplied(listener) });
    base = await listenOnLoopback(app, port);
  };

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
    await start();
  });

  afterEach(async () => {
    for (const context of contexts.splice(0)) await context.close();
    await app?.close();
    if (world) await closeWorld(world);
  });

  /** A page in a browser context of its own: another person at another computer. */
  async function person(): Promise<Page> {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    contexts.push(context);
    return context.newPage();
  }

  /** Opens the heatmap and resolves once its live socket has received its first push. */
  async function watchHeatmap(page: Page) {
    const sockets: WebSocket[] = [];
    const frames: string[] = [];
    page.on('websocket', (socket) => {
      sockets.push(socket);
      socket.on('framereceived', ({ payload }) => frames.push(String(payload)));
    });
    await page.goto(`${base}/heatmap`);
    await expect.poll(() => frames.length, { timeout: 5_000 }).toBeGreaterThan(0);
    // A reload would drop this marker; a live swap keeps it.
    await page.evaluate(() => ((globalThis as unknown as { loadedOnce: boolean }).loadedOnce = true));
    return { sockets, frames };
  }

  const stillSamePage = (page: Page) => page.evaluate(() => (globalThis as unknown as { loadedOnce?: boolean }).loadedOnce === true);
  const areaRun = (page: Page, name: string) => page.locator('tr.area-row', { has: page.locator('.area-name', { hasText: new RegExp(`^${name}$`) }) }).locator('td.cell').nth(3).innerText();
  const teamRun = (page: Page, name: string) => page.locator('tr.team-row', { hasText: name }).locator('td.cell').nth(3).innerText();

  it("shows a check-in recorded in another browser on the leader's heatmap within a second, without a reload", async () => {
    const leader = await person();
    const errors: string[] = [];
    leader.on('pageerror', (error) => errors.push(error.message));
    await watchHeatmap(leader);
    const toggle = leader.getByRole('link', { name: 'Engineering' });
    await toggle.click();
    await expect.poll(() => toggle.getAttribute('aria-expanded')).toBe('true');
    const before = { area: await areaRun(leader, 'Engineering'), team: await teamRun(leader, 'Search') };

    const coach = await person();
    await coach.goto(`${base}/teams/srch`);
    await coach.getByRole('button', { name: 'Record check-in' }).click();
    await expect.poll(() => coach.getByRole('status').innerText()).toBe('Check-in recorded.');
    const recordedAt = Date.now();
    const run = await coach.locator('#team-scores .kpi', { hasText: 'Run' }).locator('.kpi__swatch').innerText();

    await expect.poll(() => teamRun(leader, 'Search'), { timeout: LIVE_MS, interval: 25 }).toBe(run);
    expect(Date.now() - recordedAt).toBeLessThan(LIVE_MS);
    expect(run).not.toBe(before.team);
    expect(await areaRun(leader, 'Engineering')).not.toBe(before.area);
    // Still the same page, with Engineering's teams still unfolded and saying so.
    expect(await stillSamePage(leader)).toBe(true);
    expect(await toggle.getAttribute('aria-expanded')).toBe('true');
    expect(errors).toEqual([]);
  });

  it("follows the heatmap's filter: after picking a past date, the page stays on that date and the socket on that page", async () => {
    const leader = await person();
    const { sockets } = await watchHeatmap(leader);
    await leader.locator('#asOf').fill('2026-11-01');
    await leader.waitForURL(/asOf=2026-11-01/);
    await expect.poll(() => sockets.length, { timeout: 5_000 }).toBe(2);
    expect(new URL(sockets[1]!.url()).searchParams.get('page')).toBe(new URL(leader.url()).pathname + new URL(leader.url()).search);
    const before = await areaRun(leader, 'Engineering');

    await recordAdoption(
      { store: world.store, directory: new SqliteDirectory(world.db) },
      { type: 'HoldCheckIn', data: { teamId: 'srch', cycleId: CYCLE, heldOn: TODAY } },
      { actor: { kind: 'user', id: 'coach-grace' }, source: 'ui', now: new Date(`${TODAY}T11:00:00.000Z`) },
    );
    await new Promise((resolve) => setTimeout(resolve, LIVE_MS));
    // A push for the page as it was (today) would have swapped today's heatmap back in.
    expect(await leader.locator('#asOf').inputValue()).toBe('2026-11-01');
    expect(await areaRun(leader, 'Engineering')).toBe(before);
    expect(await stillSamePage(leader)).toBe(true);
  });

  it('reconnects after the server restarts on the same port and keeps updating', async () => {
    const leader = await person();
    const { sockets, frames } = await watchHeatmap(leader);
    const port = Number(new URL(base).port);
    const framesBefore = frames.length;

    await app.close();
    await start(port);
    // The ws extension reconnects on its own (backoff from 500 ms; an attempt made while the server
    // was down is a socket too); the socket that connects is sent the page at once.
    await expect.poll(() => sockets.length, { timeout: 10_000 }).toBeGreaterThanOrEqual(2);
    await expect.poll(() => frames.length, { timeout: 5_000 }).toBeGreaterThan(framesBefore);
    const before = await areaRun(leader, 'Engineering');

    // An event from outside the web app (as an integration would append it) still shows up live.
    await recordAdoption(
      { store: world.store, directory: new SqliteDirectory(world.db) },
      { type: 'HoldCheckIn', data: { teamId: 'srch', cycleId: CYCLE, heldOn: TODAY } },
      { actor: { kind: 'integration', id: 'okr-tool' }, source: 'http', now: new Date(`${TODAY}T11:00:00.000Z`) },
    );
    const recordedAt = Date.now();
    await expect.poll(() => areaRun(leader, 'Engineering'), { timeout: LIVE_MS, interval: 25 }).not.toBe(before);
    expect(Date.now() - recordedAt).toBeLessThan(LIVE_MS);
    expect(await stillSamePage(leader)).toBe(true);
  });
});

/**
 * Live updates in Debian's Chromium: a leader watches the heatmap in one browser context while
 * a coach records a check-in in another; the leader's heatmap changes within a second without a
 * reload, keeping the teams the leader unfolded. After the server restarts on the same port, the
 * page's websocket reconnects by itself and an event from outside the UI still shows up live.
 * The stakeholder page, the resistance log and the timeline update live too while the first
 * person is half-way through typing into a form on the same page, and what they typed stays.
 */
import type { FastifyInstance } from 'fastify';
import type { Browser, BrowserContext, Page, WebSocket } from 'playwright-core';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { recordAdoption } from '../../src/team/handlers.ts';
import { SqliteDirectory } from '../../projections/index.ts';
import { launchBrowser, listenOnLoopback, signedInContext, skipWithoutBrowser } from '../support/browser.ts';
import { appFor, closeWorld, CYCLE, given, openWorld, seedSmallOrganisation, TODAY, type World } from '../support/webApp.ts';

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
    const context = await signedInContext(browser, base, world, 'admin', { viewport: { width: 1280, height: 900 } });
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
  const areaRun = (page: Page, name: string) =>
    page
      .locator('tr.area-row', { has: page.locator('.area-name', { hasText: new RegExp(`^${name}$`) }) })
      .locator('td.cell')
      .nth(3)
      .innerText();
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

  /** Opens a page and resolves once its live socket has received its first push (its regions, as of now). */
  async function openLive(page: Page, path: string) {
    const frames: string[] = [];
    page.on('websocket', (socket) => socket.on('framereceived', ({ payload }) => frames.push(String(payload))));
    await page.goto(`${base}${path}`);
    await expect.poll(() => frames.length, { timeout: 5_000 }).toBeGreaterThan(0);
    await page.evaluate(() => ((globalThis as unknown as { loadedOnce: boolean }).loadedOnce = true));
  }

  it("shows an engagement another coach logs on a stakeholder's page, keeping what the first coach is typing", async () => {
    await given(world, 'coach', 'ada', '2026-09-01', {
      type: 'CoachRegistered',
      data: { coachId: 'ada', name: 'Ada Lovelace', email: 'ada@example.org' },
    });
    await given(world, 'stakeholder', 'ines', '2026-10-01', {
      type: 'StakeholderIdentified',
      data: { stakeholderId: 'ines', name: 'Inès Duval', role: 'CFO', areaId: 'eng', influence: 5, interest: 3 },
    });
    await world.runner.waitFor(await world.store.headPosition());
    const first = await person();
    await openLive(first, '/stakeholders/ines');
    await first.locator('#engagement').getByLabel('Note').fill('Half-written: she asked about');
    await first.locator('#attitude').getByLabel('Why').fill('still weighing it');

    const second = await person();
    await second.goto(`${base}/stakeholders/ines`);
    const form = second.locator('#engagement');
    await form.getByLabel('Kind').selectOption({ index: 1 });
    await form.getByLabel('Occurred on').fill(TODAY);
    await form.getByLabel('Coach').selectOption('ada');
    await form.getByLabel('Note').fill('Walked her through the Q4 heatmap');
    await form.getByRole('button', { name: 'Log engagement' }).click();
    await expect.poll(() => second.getByRole('status').innerText()).toBe('Engagement logged.');

    await expect
      .poll(() => first.locator('#stakeholder-engagements').innerText(), { timeout: LIVE_MS })
      .toContain('Walked her through the Q4 heatmap');
    expect(await first.locator('#engagement').getByLabel('Note').inputValue()).toBe('Half-written: she asked about');
    expect(await first.locator('#attitude').getByLabel('Why').inputValue()).toBe('still weighing it');
    expect(await stillSamePage(first)).toBe(true);
  });

  it('shows a signal raised in another browser in the resistance log, keeping a half-filled raise form', async () => {
    const first = await person();
    await openLive(first, '/resistance');
    await first.locator('summary', { hasText: 'Raise a signal' }).click();
    await first.getByLabel('What did you see?').fill('Half-typed: the sales team');

    const second = await person();
    await second.goto(`${base}/resistance`);
    await second.locator('summary', { hasText: 'Raise a signal' }).click();
    const form = second.locator('form', { has: second.getByLabel('What did you see?') });
    await form.getByLabel('Area').selectOption({ label: 'Engineering › Platform' });
    await form.getByLabel('Team').selectOption({ label: 'PAY · Payments' });
    await form.getByLabel('Kind').selectOption({ label: 'Unconvinced' });
    await form.getByLabel('Severity').fill('5');
    await form.getByLabel('Raised on').fill('2026-11-20');
    await form.getByLabel('What did you see?').fill('Payments lead calls OKRs a fad in the all-hands');
    await form.getByRole('button').click();
    await expect.poll(() => second.locator('#signal-list').innerText()).toContain('Payments lead calls OKRs a fad');

    await expect.poll(() => first.locator('#signal-list').innerText(), { timeout: LIVE_MS }).toContain('Payments lead calls OKRs a fad');
    expect(await first.locator('#signal-summary').innerText()).toContain('2 open signals');
    expect(await first.getByLabel('What did you see?').inputValue()).toBe('Half-typed: the sales team');
    expect(await first.locator('details.signal-raise').getAttribute('open')).not.toBeNull();
    expect(await stillSamePage(first)).toBe(true);
  });

  it("puts a check-in recorded in another browser at the top of the timeline's first page, and leaves older pages as they are", async () => {
    const first = await person();
    await openLive(first, '/timeline');
    await first.locator('#timeline-actor').selectOption({ index: 0 });
    const older = await person();
    await openLive(older, '/timeline?before=5');
    const olderText = await older.locator('#timeline-entries').innerText();

    const coach = await person();
    await coach.goto(`${base}/teams/srch`);
    await coach.getByRole('button', { name: 'Record check-in' }).click();
    await expect.poll(() => coach.getByRole('status').innerText()).toBe('Check-in recorded.');

    const newest = first.locator('#timeline-entries tr').first();
    await expect.poll(() => newest.innerText(), { timeout: LIVE_MS }).toContain('Check-in held');
    expect(await newest.innerText()).toContain('Search & <Discovery>');
    expect(await stillSamePage(first)).toBe(true);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(await older.locator('#timeline-entries').innerText()).toBe(olderText);
  });
});

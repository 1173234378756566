/**
 * Strategy and cascade in Debian's Chromium: a coach finds a team's orphan objective on their
 * week, links it to a theme from there in one click and a form, and the leader's heatmap shows the
 * team's align score move live, then move back when the link is removed. The alignment map reads
 * on a phone as an indented tree; axe finds no serious or critical problem. The screenshot is
 * taken on the seeded demo organisation. An admin renames and drops a theme from its page, and
 * a coach renames an objective, with titles that try to be markup or to run right to left.
 */
import type { FastifyInstance } from 'fastify';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { axeViolations, launchBrowser, listenOnLoopback, screenshotPath, signedInContext, skipWithoutBrowser } from '../support/browser.ts';
import { appFor, CYCLE, closeWorld, given, openDemoWorld, openWorld, seedSmallOrganisation, type World } from '../support/webApp.ts';

/** What "live" promises: a change shows within a second of being recorded (a little slack for a shared machine). */
const LIVE_MS = 2000;

describe.skipIf(skipWithoutBrowser('alignment'))('strategy and cascade in Chromium', () => {
  let browser: Browser;
  let world: World;
  let app: FastifyInstance;
  let base: string;
  const contexts: BrowserContext[] = [];

  beforeAll(async () => {
    browser = await launchBrowser();
  });

  afterAll(async () => {
    await browser?.close();
  });

  afterEach(async () => {
    for (const context of contexts.splice(0)) await context.close();
    await app?.close();
    if (world) await closeWorld(world);
  });

  async function person(viewport = { width: 1280, height: 900 }): Promise<Page> {
    const context = await signedInContext(browser, base, world, 'admin', { viewport });
    contexts.push(context);
    return context.newPage();
  }

  const teamAlign = (page: Page, name: string) => page.locator('tr.team-row', { hasText: name }).locator('td.cell').nth(2).innerText();

  it('links an orphan from the coach’s week, and the heatmap’s align column moves live both ways', async () => {
    world = openWorld();
    await seedSmallOrganisation(world);
    await given(world, 'coach', 'ada', '2026-09-20', {
      type: 'CoachRegistered',
      data: { coachId: 'ada', name: 'Ada Lovelace', email: 'ada@example.com' },
    });
    await given(world, 'area', 'eng', '2026-09-20', { type: 'CoachAssignedToArea', data: { areaId: 'eng', coachId: 'ada' } });
    await given(world, 'theme', 'growth', '2026-09-25', {
      type: 'StrategicThemeSet',
      data: { themeId: 'growth', title: 'Grow recurring revenue' },
    });
    await given(world, 'objective', 'srch-o1', '2026-10-02', {
      type: 'ObjectiveSet',
      data: { objectiveId: 'srch-o1', title: 'Answers in one search', cycleId: CYCLE, areaId: 'eng', teamId: 'srch' },
    });
    await world.runner.start();
    await world.runner.waitFor(await world.store.headPosition());
    app = await appFor(world, { onApplied: (listener) => world.runner.onApplied(listener) });
    base = await listenOnLoopback(app);

    const leader = await person();
    const frames: string[] = [];
    leader.on('websocket', (socket) => socket.on('framereceived', ({ payload }) => frames.push(String(payload))));
    await leader.goto(`${base}/heatmap`);
    await expect.poll(() => frames.length, { timeout: 5_000 }).toBeGreaterThan(0);
    const toggle = leader.getByRole('link', { name: 'Engineering' });
    await toggle.click();
    await expect.poll(() => toggle.getAttribute('aria-expanded')).toBe('true');
    expect(await teamAlign(leader, 'Search')).toMatch(/^0\b/);

    const coach = await person();
    const errors: string[] = [];
    coach.on('pageerror', (error) => errors.push(error.message));
    await coach.goto(`${base}/coaches/ada/week`);
    const orphans = coach.locator('#orphans');
    expect(await orphans.locator('.need__title b').allInnerTexts()).toEqual(['Search & <Discovery>']);
    expect(await orphans.innerText()).toContain('“Answers in one search”');
    await coach.getByRole('link', { name: 'Link it up “Answers in one search” of Search & <Discovery>' }).click();
    expect(coach.url()).toBe(`${base}/objectives/srch-o1#link`);
    expect(await axeViolations(coach)).toEqual([]);
    const form = coach.locator('#link');
    await form.getByLabel('Serves').selectOption({ label: 'Theme: Grow recurring revenue' });
    await form.getByRole('button', { name: 'Link' }).click();
    await expect.poll(() => coach.getByRole('status').first().innerText()).toContain('Objective linked.');
    const linkedAt = Date.now();
    await expect.poll(() => teamAlign(leader, 'Search'), { timeout: LIVE_MS, interval: 25 }).toMatch(/^100\b/);
    expect(Date.now() - linkedAt).toBeLessThan(LIVE_MS);

    await coach.goto(`${base}/coaches/ada/week`);
    expect(await coach.locator('#orphans').innerText()).toContain('Nothing here — good.');

    await coach.goto(`${base}/objectives/srch-o1`);
    await coach.locator('#unlink').getByRole('button', { name: 'Unlink from its parent' }).click();
    await expect.poll(() => coach.getByRole('status').first().innerText()).toContain('Objective unlinked.');
    await expect.poll(() => teamAlign(leader, 'Search'), { timeout: LIVE_MS, interval: 25 }).toMatch(/^0\b/);
    expect(errors).toEqual([]);
  });

  it('an admin renames and drops a theme from its page, hostile titles stay text; an objective is renamed in place (docs/screenshots/theme.png)', async () => {
    world = openWorld();
    await seedSmallOrganisation(world);
    await given(world, 'theme', 'growth', '2026-09-25', {
      type: 'StrategicThemeSet',
      data: { themeId: 'growth', title: 'Grow recurring revenue' },
    });
    await given(world, 'objective', 'plat-o1', '2026-10-01', {
      type: 'ObjectiveSet',
      data: { objectiveId: 'plat-o1', title: 'Self-service platform', cycleId: CYCLE, areaId: 'plat' },
    });
    await given(world, 'objective', 'plat-o1', '2026-10-01', {
      type: 'ObjectiveLinked',
      data: { objectiveId: 'plat-o1', parentKind: 'theme', parentId: 'growth', crossArea: false },
    });
    await given(world, 'objective', 'pay-o1', '2026-10-02', {
      type: 'ObjectiveSet',
      data: { objectiveId: 'pay-o1', title: 'Payouts in a day', cycleId: CYCLE, areaId: 'plat', teamId: 'pay' },
    });
    await given(world, 'objective', 'pay-o1', '2026-10-02', {
      type: 'ObjectiveLinked',
      data: { objectiveId: 'pay-o1', parentKind: 'objective', parentId: 'plat-o1', crossArea: false },
    });
    await world.runner.start();
    await world.runner.waitFor(await world.store.headPosition());
    app = await appFor(world);
    base = await listenOnLoopback(app);

    const page = await person();
    const dialogs: string[] = [];
    const errors: string[] = [];
    page.on('dialog', async (dialog) => {
      dialogs.push(dialog.message());
      await dialog.dismiss();
    });
    page.on('pageerror', (error) => errors.push(error.message));
    await page.goto(`${base}/alignment?cycle=${CYCLE}`);
    await page.getByRole('link', { name: 'Grow recurring revenue' }).click();
    expect(new URL(page.url()).pathname).toBe('/themes/growth');
    expect(await page.locator('#served-title + ul').innerText()).toContain('Self-service platform');

    const rename = page.locator('#rename');
    const renameTo = async (title: string) => {
      await rename.getByLabel('Theme').fill(title);
      await rename.getByRole('button', { name: 'Rename theme' }).click();
    };
    await renameTo('x'.repeat(161));
    await expect.poll(() => page.locator('#rename .field__error').innerText()).toBe('Theme must be at most 160 characters');
    await renameTo('<script>alert(1)</script><img src=x onerror=alert(2)>');
    await expect
      .poll(() => page.getByRole('heading', { level: 1 }).innerText())
      .toBe('<script>alert(1)</script><img src=x onerror=alert(2)>');
    expect(await page.locator('#theme img').count()).toBe(0);
    // Right-to-left text is a title like any other; an override character, which can disguise one, is refused.
    await renameTo('نمو الإيرادات المتكررة');
    await expect.poll(() => page.getByRole('heading', { level: 1 }).innerText()).toBe('نمو الإيرادات المتكررة');
    await renameTo('Grow \u202Erevenue');
    await expect
      .poll(() => page.locator('#rename .field__error').innerText())
      .toContain('must not contain control or direction-override characters');
    await renameTo('Customers succeed on their own');
    await expect.poll(() => page.getByRole('status').first().innerText()).toContain('Theme renamed.');
    expect(await page.getByRole('heading', { level: 1 }).innerText()).toBe('Customers succeed on their own');
    expect(await axeViolations(page)).toEqual([]);
    await page.screenshot({ path: screenshotPath('theme.png'), fullPage: true });

    await page.locator('#drop').getByRole('button', { name: 'Drop theme' }).click();
    await expect.poll(() => page.getByRole('status').first().innerText()).toContain('Theme dropped.');
    expect(await page.locator('.page-head .flag').textContent()).toBe('dropped');
    expect(await page.locator('#theme form').count()).toBe(0);
    await page.screenshot({ path: screenshotPath('theme-dropped.png'), fullPage: true });
    await page.goto(`${base}/alignment?cycle=${CYCLE}`);
    expect(await page.locator('.tree__theme--dropped').innerText()).toContain('Customers succeed on their own');
    expect(await page.locator('section[aria-labelledby="orphans-title"]').innerText()).toContain('Self-service platform');

    await page.goto(`${base}/objectives/pay-o1`);
    const objective = page.locator('#rename');
    await objective.getByLabel('Objective').fill('<b>Payouts</b> the same day');
    await objective.getByRole('button', { name: 'Rename objective' }).click();
    await expect.poll(() => page.getByRole('heading', { level: 1 }).innerText()).toBe('<b>Payouts</b> the same day');
    expect(await page.getByRole('status').first().innerText()).toContain('Objective renamed.');
    expect(dialogs).toEqual([]);
    expect(errors).toEqual([]);
  }, 120_000);

  /** How far right the page's content reaches (the site header is the layout's). */
  const contentRight = (page: Page) =>
    page.locator('#main *').evaluateAll((elements) => Math.max(...elements.map((e) => e.getBoundingClientRect().right)));

  it('shows a believable cascade on the seeded demo, readable on a phone (docs/screenshots/alignment.png)', async () => {
    world = await openDemoWorld();
    app = await appFor(world);
    base = await listenOnLoopback(app);

    const page = await person();
    await page.goto(`${base}/`);
    await page.getByRole('link', { name: 'Alignment' }).click();
    expect(await page.getByRole('heading', { level: 1 }).innerText()).toBe('Strategy and cascade');
    // Three themes are served, one is not; some objectives are orphans; Finance's has no key results.
    expect(await page.locator('.tree__theme').count()).toBe(4);
    expect(await page.locator('.tree__theme .flag', { hasText: 'nobody contributes yet' }).count()).toBe(1);
    const orphans = Number(await page.locator('#orphans-title .need-count').innerText());
    expect(orphans).toBeGreaterThan(2);
    // About two dozen of them are Platform's: its head unlinked them four days ago (strategyDispute in src/seed/story.ts).
    expect(orphans).toBeLessThan(60);
    expect(await page.locator('.flag', { hasText: 'no key results' }).count()).toBeGreaterThan(0);
    expect(await axeViolations(page)).toEqual([]);
    await page.screenshot({ path: screenshotPath('alignment.png') });

    const phone = await person({ width: 390, height: 844 });
    await phone.goto(page.url());
    expect(await contentRight(phone)).toBeLessThanOrEqual(390);
    await phone.screenshot({ path: screenshotPath('alignment-phone.png') });
  }, 180_000);
});

/**
 * The coach's week in Debian's Chromium: a coach picks their name, sees a team that has never
 * checked in, follows the one-click action to the team page's check-in form, records it and
 * finds the week clear; on a phone, every action is a full-width button. axe finds no serious or
 * critical problem on either page. The screenshot is taken on the seeded demo organisation.
 */
import type { Browser, Page } from 'playwright-core';
import type { FastifyInstance } from 'fastify';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { axeViolations, launchBrowser, listenOnLoopback, screenshotPath, signedInContext, skipWithoutBrowser } from '../support/browser.ts';
import { appFor, closeWorld, given, openDemoWorld, openWorld, seedSmallOrganisation, type World } from '../support/webApp.ts';

describe.skipIf(skipWithoutBrowser("coach's week"))("coach's week in Chromium", () => {
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

  afterEach(async () => {
    await app?.close();
    if (world) await closeWorld(world);
  });

  describe('on a small organisation', () => {
    beforeEach(async () => {
      world = openWorld();
      await seedSmallOrganisation(world);
      await given(world, 'coach', 'ada', '2026-09-20', {
        type: 'CoachRegistered',
        data: { coachId: 'ada', name: 'Ada Lovelace', email: 'ada@example.com' },
      });
      await given(world, 'area', 'eng', '2026-09-20', { type: 'CoachAssignedToArea', data: { areaId: 'eng', coachId: 'ada' } });
      await given(world, 'stakeholder', 'st-1', '2026-09-22', {
        type: 'StakeholderIdentified',
        data: { stakeholderId: 'st-1', name: 'Grace Hopper', role: 'VP Engineering', areaId: 'plat', influence: 5, interest: 4 },
      });
      await world.runner.start();
      await world.runner.waitFor(await world.store.headPosition());
      app = await appFor(world);
      base = await listenOnLoopback(app);
    });

    const checkIns = (page: Page) => page.locator('#check-ins');

    it('takes a coach from their week to the check-in form in one click, and the week clears once it is recorded', async () => {
      const context = await signedInContext(browser, base, world, 'admin', { viewport: { width: 1280, height: 900 } });
      const page = await context.newPage();
      const errors: string[] = [];
      page.on('pageerror', (error) => errors.push(error.message));

      await page.goto(`${base}/`);
      await page.getByRole('link', { name: 'My week' }).click();
      await page.getByRole('link', { name: 'Ada Lovelace' }).click();
      expect(page.url()).toBe(`${base}/coaches/ada/week`);
      expect(await page.getByRole('heading', { level: 1 }).innerText()).toBe('Ada Lovelace');
      expect(await checkIns(page).locator('.need__title b').allInnerTexts()).toEqual(['Search & <Discovery>']);
      expect(await axeViolations(page)).toEqual([]);

      await page.getByRole('link', { name: 'Record check-in for Search & <Discovery>' }).click();
      expect(page.url()).toBe(`${base}/teams/srch?cycle=2026-q4#check-in-held`);
      const form = page.locator('#check-in-held');
      expect(await form.isVisible()).toBe(true);
      expect(await form.evaluate((el) => el.getBoundingClientRect().top < el.ownerDocument.defaultView!.innerHeight)).toBe(true); // scrolled to it
      await form.getByRole('button', { name: 'Record check-in' }).click();
      await expect.poll(() => page.getByRole('status').innerText()).toBe('Check-in recorded.');

      await page.goto(`${base}/coaches/ada/week`);
      expect(await checkIns(page).innerText()).toContain('Nothing here — good.');
      expect(await page.locator('a[href="#check-ins"] .kpi__value').innerText()).toBe('0');
      expect(errors).toEqual([]);
      await context.close();
    });

    it('opens the missed check-in form, folded on the team page, straight from the week', async () => {
      const context = await signedInContext(browser, base, world, 'admin', { viewport: { width: 1280, height: 900 } });
      const page = await context.newPage();
      await page.goto(`${base}/coaches/ada/week`);
      await page.getByRole('link', { name: 'Record missed check-in for Search & <Discovery>' }).click();
      await expect.poll(() => page.locator('#check-in-missed').isVisible()).toBe(true);
      await context.close();
    });

    /** How far right the page's content reaches (the site header is the layout's). */
    const contentRight = (page: Page) =>
      page.locator('#main *').evaluateAll((elements) => Math.max(...elements.map((e) => e.getBoundingClientRect().right)));

    it('fits a phone: each action a full-width button, nothing reaching past the screen', async () => {
      const context = await signedInContext(browser, base, world, 'admin', {
        viewport: { width: 390, height: 844 },
        isMobile: true,
        hasTouch: true,
        deviceScaleFactor: 2,
      });
      const page = await context.newPage();
      await page.goto(`${base}/coaches/ada/week`);
      expect(await contentRight(page)).toBeLessThanOrEqual(390);
      const action = page.getByRole('link', { name: 'Log an engagement with Grace Hopper' });
      const box = (await action.boundingBox())!;
      expect(box.height).toBeGreaterThanOrEqual(44);
      expect(box.width).toBeGreaterThan(300);

      await page.goto(`${base}/coaches`);
      expect(await contentRight(page)).toBeLessThanOrEqual(390);
      await context.close();
    });
  });

  it('looks right on the seeded demo organisation (docs/screenshots/coach-week.png)', async () => {
    world = await openDemoWorld();
    app = await appFor(world);
    base = await listenOnLoopback(app);

    const context = await signedInContext(browser, base, world, 'admin', { viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    await page.goto(`${base}/coaches`);
    expect(await axeViolations(page)).toEqual([]);
    // The coach with the most on their plate makes the fullest picture.
    const busiest = await page.locator('.coach-card').evaluateAll(
      (cards) =>
        cards
          .map((card) => ({
            href: card.querySelector('h2 a')!.getAttribute('href')!,
            needs: Number(card.querySelector('.need-count')?.textContent ?? 0),
          }))
          .sort((a, b) => b.needs - a.needs)[0]!.href,
    );
    await page.goto(`${base}${busiest}`);
    expect(await axeViolations(page)).toEqual([]);
    await page.screenshot({ path: screenshotPath('coach-week.png'), fullPage: true });
    await context.close();
  }, 120_000);
});

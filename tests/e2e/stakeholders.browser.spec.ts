/**
 * The stakeholder pages in Debian's Chromium: a coach identifies a stakeholder, finds them on the
 * influence × interest grid, opens their page, logs an engagement with the defaults and assesses
 * their attitude, all swapped in place by htmx; the same identification works without
 * JavaScript; a phone gets the grid without sideways scrolling; axe finds no serious or critical
 * problem on either page. The screenshots are taken on the seeded demo organisation.
 */
import type { FastifyInstance } from 'fastify';
import type { Browser, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { axeViolations, launchBrowser, listenOnLoopback, screenshotPath, signedInContext, skipWithoutBrowser } from '../support/browser.ts';
import { appFor, closeWorld, given, openDemoWorld, openWorld, seedSmallOrganisation, type World } from '../support/webApp.ts';

describe.skipIf(skipWithoutBrowser('stakeholder'))('stakeholders in Chromium', () => {
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

  /** The right edge of the page's content (the header's navigation is the layout's, not these pages'). */
  const contentRight = (page: Page) =>
    page.locator('#main *').evaluateAll((elements) => Math.max(...elements.map((e) => e.getBoundingClientRect().right)));

  /** The identify form, unfolded at the top of the list, filled in as a coach would, by label. */
  async function identify(page: Page, name: string): Promise<void> {
    const folded = page.locator('details.identify-stakeholder');
    if ((await folded.getAttribute('open')) === null) await folded.locator('summary').click();
    const form = page.locator('#identify');
    await form.getByLabel('Name').fill(name);
    await form.getByLabel('Role').fill('Head of Sales Ops');
    await form.getByLabel('Area').selectOption({ label: 'Engineering › Platform' });
    await form.getByLabel('Influence').selectOption('4');
    await form.getByLabel('Interest').selectOption('5');
    await form.getByRole('button', { name: 'Identify' }).click();
  }

  describe('on a small organisation', () => {
    beforeEach(async () => {
      world = openWorld();
      await seedSmallOrganisation(world);
      await given(world, 'coach', 'ada', '2026-09-20', {
        type: 'CoachRegistered',
        data: { coachId: 'ada', name: 'Ada Lovelace', email: 'ada@example.org' },
      });
      await given(world, 'area', 'plat', '2026-09-20', { type: 'CoachAssignedToArea', data: { areaId: 'plat', coachId: 'ada' } });
      await given(world, 'stakeholder', 'vera', '2026-09-22', {
        type: 'StakeholderIdentified',
        data: { stakeholderId: 'vera', name: 'Vera Patel', role: 'VP Engineering', areaId: 'eng', influence: 5, interest: 4 },
      });
      await world.runner.start();
      await world.runner.waitFor(await world.store.headPosition());
      app = await appFor(world);
      base = await listenOnLoopback(app);
    });

    it('identifies a stakeholder, places them on the grid, and logs and assesses on their page, in place', async () => {
      const context = await signedInContext(browser, base, world, 'admin', { viewport: { width: 1280, height: 900 } });
      const page = await context.newPage();
      const errors: string[] = [];
      page.on('pageerror', (error) => errors.push(error.message));
      await page.goto(`${base}/stakeholders`);

      await identify(page, 'Noor Haddad');
      await expect.poll(() => page.locator('.stakeholder-status').innerText()).toContain('Noor Haddad is identified.');
      expect(page.url()).toBe(`${base}/stakeholders`);
      const chip = page.getByRole('group', { name: /Influence 4, interest 5/ }).getByRole('link', { name: 'Noor Haddad, Not assessed' });
      expect(await chip.locator('[aria-hidden="true"]').innerText()).toBe('NH?');

      await chip.click();
      await page.waitForURL(/\/stakeholders\/[0-9a-f-]{36}$/);
      expect(await page.getByRole('heading', { level: 1 }).innerText()).toContain('Noor Haddad');

      // One click: kind, today, neutral sentiment and Platform's own coach are the defaults.
      await page.getByRole('button', { name: 'Log engagement' }).click();
      await expect.poll(() => page.getByRole('status').innerText()).toBe('Engagement logged.');
      const log = page.locator('table.engagement-log tbody tr');
      expect(await log.count()).toBe(1);
      expect(await log.first().innerText()).toMatch(/25 Nov 2026\s+Meeting\s+0\s+Neutral\s+Ada Lovelace/);

      await page.locator('#attitude').getByLabel('Attitude').selectOption('supporter');
      await page.locator('#attitude').getByLabel('Why').fill('asked for the pilot data');
      await page.getByRole('button', { name: 'Record attitude' }).click();
      await expect.poll(() => page.getByRole('status').innerText()).toBe('Attitude assessed.');
      expect(await page.locator('h1 .attitude').innerText()).toContain('Supporter');
      expect(await page.locator('table.stakeholder-history tbody tr').first().innerText()).toMatch(
        /Attitude\s+Supporter\s+asked for the pilot data/,
      );

      await page.getByRole('navigation', { name: 'Breadcrumb' }).getByRole('link', { name: 'Stakeholders' }).click();
      await page.waitForURL(`${base}/stakeholders`);
      await page.locator('#stakeholders-attitude').selectOption('supporter');
      await expect.poll(() => page.locator('table.stakeholder-table tbody tr').count()).toBe(1);
      expect(page.url()).toContain('attitude=supporter');
      await page.locator('#stakeholders-attitude').selectOption('');
      await page.getByLabel('Name or role').fill('sales ops');
      await page.getByLabel('Name or role').press('Enter');
      await expect
        .poll(() => page.locator('table.stakeholder-table tbody tr').allInnerTexts())
        .toEqual([expect.stringContaining('Noor Haddad')]);
      expect(page.url()).toContain('q=sales+ops');
      expect(errors).toEqual([]);
      await context.close();
    });

    it('identifies a stakeholder without JavaScript: POST, 303, the list again', async () => {
      const context = await signedInContext(browser, base, world, 'admin', { javaScriptEnabled: false });
      const page = await context.newPage();
      await page.goto(`${base}/stakeholders`);
      await identify(page, 'Noor Haddad');
      await page.waitForURL(/\/stakeholders\?identified=/);
      expect(await page.getByRole('status').innerText()).toContain('Noor Haddad is identified.');
      expect(await page.locator('table.stakeholder-table').innerText()).toContain('Noor Haddad');
      await context.close();
    });

    it('puts a bad value beside its field, keeping what was typed', async () => {
      const context = await signedInContext(browser, base, world, 'admin', { viewport: { width: 1280, height: 900 } });
      const page = await context.newPage();
      await page.goto(`${base}/stakeholders`);
      await identify(page, 'N');
      const name = page.locator('#identify').getByLabel('Name');
      await expect.poll(() => name.getAttribute('aria-invalid')).toBe('true');
      expect(await name.inputValue()).toBe('N');
      expect(await page.evaluate('document.activeElement.id')).toBe('identify-name');
      expect(await axeViolations(page)).toEqual([]);
      await context.close();
    });

    it('fits a phone: the grid, the list and the stakeholder page reach no further than the screen', async () => {
      const context = await signedInContext(browser, base, world, 'admin', { viewport: { width: 390, height: 844 }, hasTouch: true });
      const page = await context.newPage();
      await page.goto(`${base}/stakeholders`);
      expect(await contentRight(page)).toBeLessThanOrEqual(390);
      await page.goto(`${base}/stakeholders/vera`);
      expect(await contentRight(page)).toBeLessThanOrEqual(390);
      await context.close();
    });
  });

  it('has no serious or critical accessibility violations and looks right on the seeded demo organisation (docs/screenshots/stakeholders*.png)', async () => {
    world = await openDemoWorld();
    app = await appFor(world);
    base = await listenOnLoopback(app);

    const context = await signedInContext(browser, base, world, 'admin', { viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    await page.goto(`${base}/stakeholders`);
    expect(await axeViolations(page)).toEqual([]);
    // The grid and the first page of the list, with its pager.
    await page.screenshot({ path: screenshotPath('stakeholders.png'), fullPage: true });
    // Movement over the default 30 days, on its own page linked from the grid: arrows on the grid's map, the biggest moves with their engagements.
    await page.getByRole('link', { name: 'Who moved, and how far' }).click();
    await page.waitForURL(/\/stakeholders\/movement$/);
    expect(await axeViolations(page)).toEqual([]);
    expect(await page.locator('.sh-movement__arrow').count()).toBeGreaterThan(0);
    expect(await page.locator('.sh-move').count()).toBeGreaterThan(0);
    await page.locator('.sh-grid-card').screenshot({ path: screenshotPath('stakeholders-movement.png') });
    await page.locator('.sh-moves').screenshot({ path: screenshotPath('stakeholders-moves.png') });
    // Over 90 days, chosen on the page: the period form swaps the page in place and keeps the choice in the address.
    await page.getByLabel('Movement over', { exact: true }).selectOption('90');
    await page.waitForURL(/days=90/);
    await expect.poll(() => page.locator('#moves-title').textContent()).toBe('Biggest moves in the last 90 days');
    expect(await axeViolations(page)).toEqual([]);

    // The most influential stakeholder, first in the list, has the longest history.
    await page.getByRole('link', { name: 'Back to the list' }).click();
    await page.waitForURL(/\/stakeholders\?days=90$/);
    await page.locator('table.stakeholder-table tbody tr').first().getByRole('link').first().click();
    await page.waitForURL(/\/stakeholders\/[0-9a-f-]{36}$/);
    expect(await axeViolations(page)).toEqual([]);
    await page.screenshot({ path: screenshotPath('stakeholders-detail.png'), fullPage: true });

    const phone = await signedInContext(browser, base, world, 'admin', { viewport: { width: 390, height: 844 }, hasTouch: true });
    const small = await phone.newPage();
    await small.goto(`${base}/stakeholders`);
    expect(await contentRight(small)).toBeLessThanOrEqual(390);
    await small.screenshot({ path: screenshotPath('stakeholders-phone.png'), fullPage: false });
    await phone.close();
    await context.close();
  }, 120_000);
});

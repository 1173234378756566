/**
 * The resistance log in Debian's Chromium: a coach raises a signal from the log (htmx swaps the
 * log in place), opens it, acknowledges it, plans an intervention that is already overdue and
 * sees it stand out, completes it with an outcome, cancels another with its reason and resolves
 * the signal, ticking the box that cancels the one still planned; the heatmap's
 * resistance column leads back to the area's log. The same raise works without JavaScript.
 * axe finds no serious or critical problem on either page; screenshots are taken on the seeded
 * demo organisation.
 */
import type { FastifyInstance } from 'fastify';
import type { Browser, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { axeViolations, launchBrowser, listenOnLoopback, screenshotPath, signedInContext, skipWithoutBrowser } from '../support/browser.ts';
import { appFor, closeWorld, given, openDemoWorld, openWorld, seedSmallOrganisation, type World } from '../support/webApp.ts';

describe.skipIf(skipWithoutBrowser('resistance log'))('resistance log in Chromium', () => {
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
      await world.runner.start();
      app = await appFor(world);
      base = await listenOnLoopback(app);
    });

    async function raiseInPlatform(page: Page) {
      const form = page.locator('#raise');
      await form.getByLabel('Area').selectOption({ label: 'Engineering › Platform' });
      await form.getByLabel('Team').selectOption({ label: 'PAY · Payments' });
      await form.getByLabel('Kind').selectOption({ label: 'Unconvinced' });
      await form.getByLabel('Severity').fill('5');
      await form.getByLabel('Raised on').fill('2026-11-20');
      await form.getByLabel('What did you see?').fill('Payments lead calls OKRs a fad in the all-hands');
      await form.getByRole('button', { name: 'Raise signal' }).click();
    }

    it('raises a signal, works it to resolved, and the heatmap leads back to it', async () => {
      const context = await signedInContext(browser, base, world, 'admin', { viewport: { width: 1280, height: 900 } });
      const page = await context.newPage();
      const errors: string[] = [];
      page.on('pageerror', (error) => errors.push(error.message));

      await page.goto(`${base}/resistance`);
      const signalRows = page.locator('tr.signal-row');
      await expect.poll(() => signalRows.count()).toBe(1);
      await page.locator('summary', { hasText: 'Raise a signal' }).click();
      await raiseInPlatform(page);
      // htmx swaps the log in place: the new signal heads it, the counts move, the URL stays.
      await expect.poll(() => page.locator('.signal-status').innerText()).toContain('Signal raised.');
      expect(page.url()).toBe(`${base}/resistance`);
      expect(await signalRows.count()).toBe(2);
      expect(await signalRows.first().innerText()).toContain('Payments lead calls OKRs a fad');
      expect(await signalRows.first().locator('.severity').textContent()).toBe('5 Critical');
      expect(await page.locator('.signal-summary__title').innerText()).toContain('2 open signals');
      expect(await axeViolations(page)).toEqual([]);

      await page.getByRole('link', { name: 'Open it to plan an intervention' }).click();
      await page.waitForURL(/\/resistance\/[0-9a-f-]{36}$/);
      expect(await page.locator('h1').innerText()).toContain('Unconvinced');

      await page.locator('#acknowledge').getByRole('button', { name: 'Acknowledge' }).click();
      await expect.poll(() => page.getByRole('status').innerText()).toBe('Signal acknowledged.');
      expect(await page.locator('#acknowledge').count()).toBe(0);

      const plan = page.locator('#plan');
      expect(await plan.getByLabel('Owner').inputValue()).toBe('ada');
      await plan.getByLabel('Intervention').selectOption({ label: 'One-on-one' });
      await plan.getByLabel('Due on').fill('2026-11-25');
      await plan.getByRole('button', { name: 'Plan intervention' }).click();
      await expect.poll(() => page.getByRole('status').innerText()).toBe('Intervention planned.');
      const intervention = page.locator('li.intervention');
      expect(await intervention.innerText()).toContain('owner Ada Lovelace · due 25 Nov 2026');
      expect(await intervention.locator('.overdue').count()).toBe(0);

      // Due today is not overdue; one planned for an earlier day stands out, in words.
      await plan.getByLabel('Due on').fill('2026-11-24');
      await plan.getByRole('button', { name: 'Plan intervention' }).click();
      await expect.poll(() => page.locator('li.intervention--overdue').count()).toBe(1);
      expect(await page.locator('li.intervention--overdue .overdue').innerText()).toBe('Overdue');
      expect(await axeViolations(page)).toEqual([]);

      const overdue = page.locator('li.intervention--overdue');
      await overdue.getByLabel('Outcome').fill('Talked it through; will try one cycle');
      await overdue.getByRole('button', { name: 'Record outcome' }).click();
      await expect.poll(() => page.getByRole('status').innerText()).toBe('Intervention completed.');
      expect(await page.locator('li.intervention--overdue').count()).toBe(0);
      expect(await page.locator('.intervention__outcome').innerText()).toContain('Talked it through; will try one cycle');

      // One that will not happen is cancelled, with its reason, and stays on the page as cancelled.
      const stillPlanned = page.locator('li.intervention').filter({ has: page.getByLabel('Outcome') });
      await stillPlanned.locator('summary', { hasText: 'Cancel this intervention' }).click();
      await stillPlanned.getByLabel('Why it will not happen').fill('Ada is away that week');
      await stillPlanned.getByRole('button', { name: 'Cancel intervention' }).click();
      await expect.poll(() => page.getByRole('status').innerText()).toBe('Intervention cancelled.');
      const cancelled = page.locator('li.intervention', { has: page.locator('.status--cancelled') });
      expect(await cancelled.innerText()).toContain('Ada is away that week');
      expect(await cancelled.locator('form').count()).toBe(0);

      // Resolving with an intervention still planned: refused beside the box that cancels it, then ticked.
      await plan.getByLabel('Due on').fill('2026-11-30');
      await plan.getByRole('button', { name: 'Plan intervention' }).click();
      await expect.poll(() => page.locator('#resolve').getByLabel('Cancel the planned intervention').count()).toBe(1);
      await page.locator('#resolve').getByLabel('Resolution').fill('Lead now runs the check-ins');
      await page.locator('#resolve').getByRole('button', { name: 'Resolve signal' }).click();
      await expect
        .poll(() => page.locator('#resolve-cancelOpenInterventions-error').innerText())
        .toBe('An intervention is still planned: complete or cancel it first, or cancel it with the resolution');
      expect(await page.locator('#resolve').getByLabel('Resolution').inputValue()).toBe('Lead now runs the check-ins');
      expect(await axeViolations(page)).toEqual([]);
      await page.locator('#resolve').getByLabel('Cancel the planned intervention').check();
      await page.locator('#resolve').getByRole('button', { name: 'Resolve signal' }).click();
      await expect.poll(() => page.getByRole('status').innerText()).toBe('Signal resolved.');
      expect(await page.locator('main form').count()).toBe(0);
      expect(await page.locator('h1 .status').innerText()).toBe('Resolved');
      expect(await page.locator('li.intervention .status--cancelled').count()).toBe(2);
      expect(await page.locator('.signal-history tbody tr').count()).toBe(9);

      // The heatmap's resistance column is a link to the area's log.
      await page.goto(`${base}/heatmap`);
      await page.locator('a.resistance-link[href="/resistance?area=eng"]').click();
      await page.waitForURL(`${base}/resistance?area=eng`);
      expect(await page.locator('h1').innerText()).toBe('Resistance in Engineering');
      expect(await signalRows.count()).toBe(1);
      expect(errors).toEqual([]);
      await context.close();
    });

    it('raises a signal without JavaScript: POST, 303, the log again', async () => {
      const context = await signedInContext(browser, base, world, 'admin', { javaScriptEnabled: false });
      const page = await context.newPage();
      await page.goto(`${base}/resistance?area=eng`);
      await page.locator('summary', { hasText: 'Raise a signal' }).click();
      await raiseInPlatform(page);
      await page.waitForURL(/\/resistance\?area=eng&raised=[0-9a-f-]{36}$/);
      expect(await page.getByRole('status').innerText()).toContain('Signal raised.');
      expect(await page.locator('tr.signal-row--new').innerText()).toContain('Payments lead calls OKRs a fad');
      await context.close();
    });

    it('puts a rejected severity beside its field, in place, keeping the description', async () => {
      const context = await signedInContext(browser, base, world, 'admin', { viewport: { width: 1280, height: 900 } });
      const page = await context.newPage();
      await page.goto(`${base}/resistance`);
      await page.locator('summary', { hasText: 'Raise a signal' }).click();
      const form = page.locator('#raise');
      await form.getByLabel('Severity').fill('8');
      await form.getByLabel('What did you see?').fill('Nobody came to the training');
      await form.getByRole('button', { name: 'Raise signal' }).click();
      await expect.poll(() => page.locator('#raise-severity').getAttribute('aria-invalid')).toBe('true');
      expect(await page.locator('#raise-severity-error').isVisible()).toBe(true);
      expect(await page.locator('#raise-description').inputValue()).toBe('Nobody came to the training');
      expect(await page.locator('tr.signal-row').count()).toBe(1);
      expect(await axeViolations(page)).toEqual([]);
      await context.close();
    });
  });

  it('looks right on the seeded demo organisation, on a desktop and a phone (docs/screenshots/resistance*.png)', async () => {
    world = await openDemoWorld();
    app = await appFor(world);
    base = await listenOnLoopback(app);

    const context = await signedInContext(browser, base, world, 'admin', { viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    await page.goto(`${base}/resistance`);
    expect(await page.locator('tr.signal-row').count()).toBeGreaterThan(10);
    expect(await page.locator('tr.signal-row--overdue').count()).toBeGreaterThan(0);
    expect(await axeViolations(page)).toEqual([]);
    await page.screenshot({ path: screenshotPath('resistance.png'), fullPage: true });

    // The most severe signal with an overdue intervention: the page at its busiest.
    await page.locator('tr.signal-row--overdue a.signal-row__kind').first().click();
    await page.waitForURL(/\/resistance\/[0-9a-f-]{36}$/);
    expect(await page.locator('li.intervention--overdue').count()).toBeGreaterThan(0);
    expect(await axeViolations(page)).toEqual([]);
    await page.screenshot({ path: screenshotPath('resistance-signal.png'), fullPage: true });
    await context.close();

    const phone = await signedInContext(browser, base, world, 'admin', {
      viewport: { width: 390, height: 844 },
      deviceScaleFactor: 2,
      isMobile: true,
      hasTouch: true,
    });
    const small = await phone.newPage();
    // The critical signals only: the summary, the filter and a few signals as cards fit one picture.
    await small.goto(`${base}/resistance?severity=5`);
    // Nothing of the log's own is wider than the phone.
    const widest = await small
      .locator('#resistance')
      .evaluate((el) => Math.max(...[...el.querySelectorAll('*')].map((e) => e.getBoundingClientRect().right)));
    expect(widest).toBeLessThanOrEqual(390);
    await small.screenshot({ path: screenshotPath('resistance-phone.png'), fullPage: true });
    await phone.close();
  }, 120_000);
});

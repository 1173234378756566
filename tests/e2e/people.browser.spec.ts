/**
 * The People page in Debian's Chromium: an admin invites a coach account for a registered coach
 * (htmx answers in place with the generated password), the coach signs in with it in a second
 * browser and "My week" opens on their own week; the admin deactivates them and the coach's open
 * page is sent to sign in at once (their live socket closes). Both pages pass axe; the
 * screenshot is of the page with the password just shown.
 */
import type { FastifyInstance } from 'fastify';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { axeViolations, launchBrowser, listenOnLoopback, screenshotPath, skipWithoutBrowser } from '../support/browser.ts';
import {
  appFor,
  closeWorld,
  given,
  openTestAccount,
  openWorld,
  seedSmallOrganisation,
  TEST_ACCOUNTS,
  TEST_PASSWORD,
  TODAY,
  type World,
} from '../support/webApp.ts';

describe.skipIf(skipWithoutBrowser('people'))('the People page in Chromium', () => {
  let browser: Browser;
  let world: World;
  let app: FastifyInstance;
  let base: string;

  beforeAll(async () => {
    browser = await launchBrowser();
    world = openWorld();
    await seedSmallOrganisation(world);
    await given(world, 'coach', 'coach-bo', TODAY, {
      type: 'CoachRegistered',
      data: { coachId: 'coach-bo', name: 'Bo Berg', email: 'bo@test.example' },
    });
    await given(world, 'area', 'plat', TODAY, { type: 'CoachAssignedToArea', data: { areaId: 'plat', coachId: 'coach-bo' } });
    await openTestAccount(world, 'admin');
    await openTestAccount(world, 'leader');
    await world.runner.start();
    // A clock that moves from TODAY, as sessions and the events that end them need.
    const started = performance.now();
    const now = () => new Date(Date.parse(`${TODAY}T10:00:00.000Z`) + (performance.now() - started));
    app = await appFor(world, { now, onApplied: (listener) => world.runner.onApplied(listener) }, null);
    base = await listenOnLoopback(app);
  });

  afterAll(async () => {
    await browser?.close();
    await app?.close();
    if (world) await closeWorld(world);
  });

  async function signedIn(email: string, password: string): Promise<{ context: BrowserContext; page: Page; errors: string[] }> {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));
    await page.goto(`${base}/signin`);
    await page.getByLabel('E-mail').fill(email);
    await page.getByLabel('Password').fill(password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL(`${base}/`);
    return { context, page, errors };
  }

  it('an admin invites a coach; the coach signs in with the shown password and sees their week; deactivated, they are signed out', async () => {
    const admin = await signedIn(TEST_ACCOUNTS.admin.email, TEST_PASSWORD);
    await admin.page.getByRole('link', { name: 'People' }).click();
    await admin.page.waitForURL(`${base}/people`);
    expect(await axeViolations(admin.page)).toEqual([]);

    const invite = admin.page.locator('#invite');
    await invite.getByLabel('Name').fill('Bo Berg');
    await invite.getByLabel('E-mail').fill('bo.account@test.example');
    await invite.getByLabel('Role').selectOption('coach');
    await invite.getByLabel('Coach').selectOption({ label: 'Bo Berg (bo@test.example)' });
    await invite.getByRole('button', { name: 'Invite' }).click();
    const password = admin.page.locator('.shown-once__password');
    await password.waitFor();
    expect(admin.page.url()).toBe(`${base}/people`);
    expect(await admin.page.getByRole('status').first().innerText()).toBe('Account opened.');
    const row = admin.page.locator('tr', { has: admin.page.getByRole('rowheader', { name: 'Bo Berg' }) });
    expect(await row.innerText()).toContain('bo.account@test.example');
    expect(await row.getByRole('link', { name: 'Platform' }).getAttribute('href')).toBe('/organisation?area=plat#area-plat');
    expect(await axeViolations(admin.page)).toEqual([]);
    // Lee's forms open, to show what managing an account offers.
    await admin.page.locator('#account-acct-lee summary').click();
    await admin.page.screenshot({ path: screenshotPath('people.png'), fullPage: true });

    const coach = await signedIn('bo.account@test.example', await password.innerText());
    let pushes = 0;
    coach.page.on('websocket', (ws) => {
      if (ws.url().includes('coach-bo')) ws.on('framereceived', () => pushes++);
    });
    await coach.page.getByRole('link', { name: 'My week' }).click();
    await coach.page.waitForURL(`${base}/coaches/coach-bo/week`);
    expect(await coach.page.getByRole('heading', { level: 1 }).innerText()).toBe('Bo Berg');
    expect(await coach.page.getByRole('link', { name: 'All coaches' }).getAttribute('href')).toBe('/coaches?all=1');
    expect(await axeViolations(coach.page)).toEqual([]);
    // The week follows live (its regions arrive on connect); a deactivation closes that socket and the page goes to sign-in.
    await expect.poll(() => pushes).toBeGreaterThan(0);

    await row.locator('summary').click();
    await row.getByRole('button', { name: 'Deactivate' }).click();
    await expect.poll(() => admin.page.getByRole('status').first().innerText()).toBe('Account deactivated; their sessions have ended.');
    await coach.page.waitForURL(/\/signin\?next=%2Fcoaches%2Fcoach-bo%2Fweek$/, { timeout: 5000 });

    expect(admin.errors).toEqual([]);
    expect(coach.errors).toEqual([]);
    await admin.context.close();
    await coach.context.close();
  });
});

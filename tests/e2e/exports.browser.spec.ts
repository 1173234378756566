/**
 * The CSV downloads as a leader uses them in Debian's Chromium on the seeded demo organisation:
 * filter a page, follow its "Download" link, and the file the browser saves carries the page's
 * filters (and its date), parses as CSV (Python's csv module) and has as many rows as the page
 * counts. Screenshots of each page with its link go to docs/screenshots/exports-*.png.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import type { FastifyInstance } from 'fastify';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser, listenOnLoopback, screenshotPath, signedInContext, skipWithoutBrowser } from '../support/browser.ts';
import { appFor, closeWorld, openDemoWorld, type World } from '../support/webApp.ts';

/** The records of a CSV file as Python's csv module reads them, header first. */
function parse(path: string): string[][] {
  const program = 'import csv,json,sys; print(json.dumps(list(csv.reader(open(sys.argv[1], encoding="utf-8-sig", newline="")))))';
  return JSON.parse(execFileSync('python3', ['-c', program, path]).toString('utf8'));
}

describe.skipIf(skipWithoutBrowser('exports'))('the CSV downloads in Chromium', () => {
  let browser: Browser;
  let world: World;
  let app: FastifyInstance;
  let base: string;
  let context: BrowserContext;

  beforeAll(async () => {
    browser = await launchBrowser();
    world = await openDemoWorld();
    app = await appFor(world);
    base = await listenOnLoopback(app);
    context = await signedInContext(browser, base, world, 'leader', { viewport: { width: 1280, height: 900 }, acceptDownloads: true });
  }, 120_000);

  afterAll(async () => {
    await context?.close();
    await app?.close();
    if (world) await closeWorld(world);
    await browser?.close();
  });

  /** Clicks the page's download link and returns the saved file's name and records. */
  async function download(page: Page, link: string) {
    const [file] = await Promise.all([page.waitForEvent('download'), page.locator(link).click()]);
    const path = await file.path();
    expect(readFileSync(path).subarray(0, 3)).toEqual(Buffer.from([0xef, 0xbb, 0xbf]));
    return { name: file.suggestedFilename(), records: parse(path) };
  }

  it('the heatmap as of a past date: every area and team row (docs/screenshots/exports-heatmap.png)', async () => {
    const page = await context.newPage();
    await page.goto(`${base}/heatmap`);
    await page.getByLabel('As of').fill('2026-11-01');
    await page.getByRole('button', { name: 'Show' }).click();
    await page.waitForURL(/asOf=2026-11-01/);
    const link = page.locator('#heatmap a.download');
    await expect.poll(() => link.getAttribute('href')).toContain('asOf=2026-11-01');
    await page.locator('.page-head').screenshot({ path: screenshotPath('exports-heatmap.png') });
    const { name, records } = await download(page, '#heatmap a.download');
    expect(name).toBe('uptake-heatmap-2026-Q4-2026-11-01.csv');
    const [header, ...rows] = records;
    expect(header).toContain('Overall');
    const areas = rows.filter((r) => r[0] === 'Area').length;
    expect(areas).toBe(await page.locator('#heatmap tr.area-row').count());
    expect(rows.filter((r) => r[0] === 'Team').length).toBeGreaterThan(areas);
    await page.close();
  });

  it('the resistance log with its filters: every matching signal (docs/screenshots/exports-resistance.png)', async () => {
    const page = await context.newPage();
    await page.goto(`${base}/resistance`);
    await page.locator('.signal-filter').getByLabel('Status').selectOption('all');
    await page.waitForURL(/status=all/);
    const link = page.locator('#signal-list a.download');
    await expect.poll(() => link.getAttribute('href')).toBe('/resistance.csv?status=all');
    const total = Number(/Download all (\d+) as CSV/.exec((await link.textContent()) ?? '')?.[1]);
    expect(total).toBeGreaterThan(0);
    await page.locator('#signal-list .card__head').screenshot({ path: screenshotPath('exports-resistance.png') });
    const { name, records } = await download(page, '#signal-list a.download');
    expect(name).toMatch(/^uptake-resistance-\d{4}-\d{2}-\d{2}\.csv$/);
    expect(records.length - 1).toBe(total);
    await page.close();
  });

  it('the stakeholder list with its filters and order (docs/screenshots/exports-stakeholders.png)', async () => {
    const page = await context.newPage();
    await page.goto(`${base}/stakeholders`);
    await page.locator('.stakeholder-filter').getByLabel('Sort by').selectOption('name');
    await page.waitForURL(/sort=name/);
    await page.locator('.stakeholder-filter').getByLabel('Attitude').selectOption('supporter');
    await page.waitForURL(/attitude=supporter/);
    const link = page.locator('#stakeholders a.download');
    await expect.poll(() => link.getAttribute('href')).toBe('/stakeholders.csv?attitude=supporter&sort=name');
    const count = Number(/(\d+) stakeholders?/.exec((await page.locator('.stakeholder-count').textContent()) ?? '')?.[1]);
    await page
      .locator('section[aria-labelledby="list-title"] .card__head')
      .screenshot({ path: screenshotPath('exports-stakeholders.png') });
    const { records } = await download(page, '#stakeholders a.download');
    const [header, ...rows] = records;
    expect(rows.length).toBe(count);
    const name = header!.indexOf('Name');
    expect(rows.every((r) => r[header!.indexOf('Attitude')] === 'Supporter')).toBe(true);
    expect(rows.map((r) => r[name])).toEqual(rows.map((r) => r[name]).toSorted());
    await page.close();
  });
});

/**
 * The Content-Security-Policy in Debian's Chromium, on the demo organisation: every page opens
 * with no violation (no inline style or script of ours, htmx and its websocket extension
 * working within 'self'), an htmx form post swaps its answer in and the live socket pushes the
 * change, all without a violation either. A violation is seen as the page's own
 * `securitypolicyviolation` event (listened for before any script of the page runs) and as
 * Chromium's console error; a control first proves both are caught.
 */
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser, listenOnLoopback, signedInContext, skipWithoutBrowser } from '../support/browser.ts';
import { appFor, closeWorld, openDemoWorld, type World } from '../support/webApp.ts';

interface Violation {
  directive: string;
  blocked: string;
  sample: string;
}

describe.skipIf(skipWithoutBrowser('content security policy'))('the content security policy in Chromium', () => {
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let world: World;
  let app: FastifyInstance;
  let base: string;
  /** Chromium's console errors about the policy, and the page's own violation events, per page visited. */
  const consoleErrors: string[] = [];
  const frames: string[] = [];

  beforeAll(async () => {
    browser = await launchBrowser();
    world = await openDemoWorld();
    await world.runner.start();
    app = await appFor(world, { onApplied: (listener) => world.runner.onApplied(listener) });
    base = await listenOnLoopback(app);
    context = await signedInContext(browser, base, world, 'admin', { viewport: { width: 1280, height: 900 } });
    // Injected by the browser itself ahead of the page's scripts: the policy does not apply to it.
    await context.addInitScript({
      content: `globalThis.violations = [];
        document.addEventListener('securitypolicyviolation', (event) =>
          globalThis.violations.push({ directive: event.effectiveDirective, blocked: event.blockedURI, sample: event.sample }));`,
    });
    page = await context.newPage();
    page.on('console', (message) => {
      if (message.type() === 'error' && /Content Security Policy/i.test(message.text())) consoleErrors.push(message.text());
    });
    page.on('pageerror', (error) => consoleErrors.push(`page error: ${error.message}`));
    page.on('websocket', (socket) => socket.on('framereceived', ({ payload }) => frames.push(String(payload))));
  }, 60_000);

  afterAll(async () => {
    await context?.close();
    await browser?.close();
    await app?.close();
    if (world) await closeWorld(world);
  });

  const violations = () => page.evaluate(() => (globalThis as unknown as { violations: Violation[] }).violations);

  /** Opens a page, waits for its live socket's first push when it has live regions, and returns what the policy refused. */
  async function visit(path: string, { live }: { live: boolean }) {
    consoleErrors.length = 0;
    frames.length = 0;
    const response = await page.goto(`${base}${path}`);
    expect(response?.status(), path).toBe(200);
    expect(response?.headers()['content-security-policy']).toContain("style-src 'self'");
    if (live) await expect.poll(() => frames.length, { timeout: 5_000, message: `${path}: no live push` }).toBeGreaterThan(0);
    else await page.waitForLoadState('networkidle');
    return { events: await violations(), console: [...consoleErrors] };
  }

  const href = async (selector: string) => {
    const value = await page.locator(selector).first().getAttribute('href');
    if (value === null) throw new Error(`no link ${selector} on ${page.url()}`);
    return value;
  };

  it('catches a violation when there is one: an inline style attribute and an inline script are refused and reported', async () => {
    await visit('/organisation', { live: false });
    await page.evaluate(`
      document.body.insertAdjacentHTML('beforeend', '<p id="styled" style="color: rgb(255, 0, 0)">styled</p>');
      const script = document.createElement('script');
      script.textContent = 'document.body.dataset.ran = "yes"';
      document.body.append(script);
    `);
    await expect.poll(async () => (await violations()).map((v) => v.directive).sort()).toEqual(['script-src-elem', 'style-src-attr']);
    expect(await page.evaluate(`getComputedStyle(document.getElementById('styled')).color`)).not.toBe('rgb(255, 0, 0)');
    expect(await page.evaluate('document.body.dataset.ran')).toBeUndefined();
    expect(consoleErrors.length).toBeGreaterThanOrEqual(2);
  });

  it('opens every page with no violation, its live socket connected', async () => {
    const seen = new Map<string, Awaited<ReturnType<typeof visit>>>();
    const open = async (path: string, live = true) => seen.set(path, await visit(path, { live }));

    await open('/heatmap');
    const area = await href('a.area-toggle');
    await open(area);
    const team = await href('a[href^="/teams/"]');
    const evidence = await href('a[href^="/evidence?"]');
    await open(evidence, false);
    await open(team);
    await open('/coaches', false);
    await open(await href('a[href^="/coaches/"][href$="/week"]'));
    await open('/stakeholders', false);
    await open(await href('.sh-chip'));
    await open('/resistance');
    await open(await href('a[href^="/resistance/"]'));
    await open('/timeline');
    await open('/organisation', false);
    await open('/cycles', false);
    await open('/digest', false);

    expect([...seen.keys()]).toHaveLength(14);
    const offending = [...seen].filter(([, v]) => v.events.length > 0 || v.console.length > 0);
    expect(offending).toEqual([]);
  }, 120_000);

  it('posts an htmx form, swaps the answer in, and the live socket pushes the change, with no violation', async () => {
    await visit('/heatmap', { live: true });
    const team = await href('a.area-toggle').then(async (area) => {
      await visit(area, { live: true });
      return href('a[href^="/teams/"]');
    });
    await visit(team, { live: true });
    const pushesBefore = frames.length;
    const reloaded = page.waitForEvent('load', { timeout: 2_000 }).then(
      () => true,
      () => false,
    );
    await page.getByRole('button', { name: 'Record check-in' }).click();
    await expect.poll(() => page.getByRole('status').innerText()).toBe('Check-in recorded.');
    await expect.poll(() => frames.length, { timeout: 5_000 }).toBeGreaterThan(pushesBefore);
    // htmx swapped the answer in: the page was not loaded again.
    expect(await reloaded).toBe(false);
    expect(await violations()).toEqual([]);
    expect(consoleErrors).toEqual([]);
  });

  it('lays out the heatmap indented by depth and the stakeholder grid by rating, from classes alone', async () => {
    await visit('/heatmap', { live: true });
    const toggles = page.locator('a.area-toggle');
    const depths = await page.evaluate<
      { depth: string; padding: string }[]
    >(`[...document.querySelectorAll('tbody th.matrix__name')].map((c) =>
      ({ depth: /depth-(\\d)/.exec(c.className)?.[1] ?? '0', padding: getComputedStyle(c).paddingLeft }))`);
    const padding = new Map(depths.map((d) => [d.depth, Number.parseFloat(d.padding)]));
    expect(padding.size).toBeGreaterThan(1);
    // Each level in further than the one above it.
    const levels = [...padding.keys()].sort();
    for (const [i, level] of levels.entries()) if (i > 0) expect(padding.get(level)!).toBeGreaterThan(padding.get(levels[i - 1]!)!);
    await toggles.first().click();
    await page.screenshot({ path: join(tmpdir(), 'uptake-csp-heatmap.png') });

    await visit('/stakeholders', { live: false });
    const cells = await page.evaluate<{ influence: number; interest: number; x: number; y: number }[]>(
      `[...document.querySelectorAll('.sh-cell')].map((c) => ({
        influence: Number(/sh-influence-(\\d)/.exec(c.className)[1]),
        interest: Number(/sh-interest-(\\d)/.exec(c.className)[1]),
        x: c.getBoundingClientRect().x,
        y: c.getBoundingClientRect().y,
      }))`,
    );
    expect(cells).toHaveLength(25);
    // Influence rises upwards, interest to the right: 25 distinct places in a 5 × 5 grid.
    const at = (influence: number, interest: number) => cells.find((c) => c.influence === influence && c.interest === interest)!;
    for (let rating = 1; rating < 5; rating++) {
      expect(at(rating + 1, 3).y).toBeLessThan(at(rating, 3).y);
      expect(at(3, rating + 1).x).toBeGreaterThan(at(3, rating).x);
    }
    await page.locator('.sh-grid-card').screenshot({ path: join(tmpdir(), 'uptake-csp-stakeholder-grid.png') });
    expect(await violations()).toEqual([]);
  });
});

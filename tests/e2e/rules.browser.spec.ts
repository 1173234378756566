/**
 * Inferred resistance in Debian's Chromium, on the seeded demo organisation after the rules have
 * run over it: a signal a rule raised says why in words, links to its causing events on the
 * timeline (where the linked row is the event), and shows the rule's proposal to resolve it.
 * axe finds no serious or critical problem. The screenshot goes to docs/screenshots/.
 */
import type { FastifyInstance } from 'fastify';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { axeViolations, launchBrowser, listenOnLoopback, screenshotPath, signedInContext, skipWithoutBrowser } from '../support/browser.ts';
import { appFor, closeWorld, openDemoWorldWithRules, type World } from '../support/webApp.ts';

describe.skipIf(skipWithoutBrowser('inferred resistance'))('inferred resistance in Chromium', () => {
  let browser: Browser;
  let world: World;
  let app: FastifyInstance;
  let base: string;

  beforeAll(async () => {
    browser = await launchBrowser();
    world = await openDemoWorldWithRules((message) => expect.fail(message));
    app = await appFor(world);
    base = await listenOnLoopback(app);
  }, 600_000);

  afterAll(async () => {
    await app?.close();
    await browser?.close();
    if (world) await closeWorld(world);
  });

  it('fires at least three rules on the demo organisation', () => {
    const rules = world.db
      .prepare<[], { rule: string }>("SELECT DISTINCT rule FROM signals WHERE source = 'rule' AND signal_id LIKE 'rule-%'")
      .all()
      .map((r) => r.rule);
    expect(rules.length).toBeGreaterThanOrEqual(3);
  });

  it("explains a signal a rule raised, links to its causes, and shows the rule's proposal", async () => {
    const proposed = world.db
      .prepare<[], { signal_id: string }>(
        `SELECT s.signal_id FROM signals s JOIN signal_history h ON h.signal_id = s.signal_id
         WHERE h.type = 'ResistanceSignalResolutionProposed' AND s.status <> 'resolved' AND s.rule = 'missed-check-ins'
         ORDER BY s.raised_on DESC LIMIT 1`,
      )
      .get();
    expect(proposed).toBeDefined();
    const context = await signedInContext(browser, base, world, 'admin', { viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    await page.goto(`${base}/resistance/${proposed!.signal_id}`);
    const why = page.locator('#signal-inference');
    expect(await why.innerText()).toMatch(
      /Raised by the rule Check-ins missed in a row missed-check-ins: 2 check-ins in a row were missed \(due /,
    );
    expect(await why.innerText()).toContain('The rule proposes resolving this signal');
    expect(await axeViolations(page)).toEqual([]);
    await page.screenshot({ path: screenshotPath('signal-inferred.png'), fullPage: true });

    const link = why.getByRole('link', { name: 'causing event 2 of 2' });
    const eventId = new URL((await link.getAttribute('href')) ?? '', base).hash.slice(1);
    await link.click();
    expect(await page.locator(`#${eventId}`).innerText()).toContain('missed');
    await context.close();
  });

  it("explains the area's score drop the demo's unlinked objectives caused, on the signal's page", async () => {
    const dropped = world.db
      .prepare<[], { signal_id: string; description: string }>(
        "SELECT signal_id, description FROM signals WHERE rule = 'area-score-drop' ORDER BY raised_on DESC LIMIT 1",
      )
      .get();
    expect(dropped).toBeDefined();
    const context = await signedInContext(browser, base, world, 'admin', { viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    await page.goto(`${base}/resistance/${dropped!.signal_id}`);
    const why = page.locator('#signal-inference');
    expect(await why.innerText()).toMatch(
      /Raised by the rule .* area-score-drop: The area's overall adoption score fell from \d+ to \d+ \(\d+ points\)/,
    );
    expect(await why.getByRole('link').count()).toBeGreaterThan(0);
    expect(await axeViolations(page)).toEqual([]);
    await page.screenshot({ path: screenshotPath('signal-area-score-drop.png'), fullPage: true });
    await context.close();
  });
});

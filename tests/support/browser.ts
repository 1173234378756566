/**
 * The browser specs' shared conventions: Debian's Chromium driven by playwright-core (never
 * `npx playwright install`), the app listening on loopback, and axe-core's accessibility check.
 * Without Chromium the specs skip and say why, except under REQUIRE_BROWSER=1 (CI), where a
 * missing browser fails them.
 */
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { chromium, type Browser, type BrowserContext, type BrowserContextOptions, type Page } from 'playwright-core';
import { findPackageRoot } from '../../src/http/packageRoot.ts';
import { openTestAccount, TEST_ACCOUNTS, TEST_PASSWORD, type TestRole, type World } from './webApp.ts';

export const CHROMIUM = '/usr/bin/chromium';
/** Flags that work on these machines (STACK.md); never `--user-data-dir`: each launch gets a fresh profile. */
const ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

const missing = !existsSync(CHROMIUM);
const required = process.env.REQUIRE_BROWSER === '1';

/** For `describe.skipIf`: true when the suite must skip, after warning why. */
export function skipWithoutBrowser(suite: string): boolean {
  if (missing && !required)
    console.warn(
      `skipping the ${suite} browser tests: ${CHROMIUM} is missing (apt-get install chromium; REQUIRE_BROWSER=1 makes this a failure)`,
    );
  return missing && !required;
}

export async function launchBrowser(): Promise<Browser> {
  if (missing) throw new Error(`REQUIRE_BROWSER=1 but there is no Chromium at ${CHROMIUM}: install Debian's chromium package`);
  return chromium.launch({ executablePath: CHROMIUM, args: ARGS });
}

/** Listens on loopback (port 0: any free port) and returns the base URL. */
export async function listenOnLoopback(app: FastifyInstance, port = 0): Promise<string> {
  await app.listen({ port, host: '127.0.0.1' });
  return `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
}

/**
 * A browser context signed in as one of the test accounts (opened in the world if it is not yet)
 * through the sign-in form, as a person would: its pages then carry that session.
 */
export async function signedInContext(
  browser: Browser,
  base: string,
  world: World,
  as: TestRole,
  options: BrowserContextOptions = {},
): Promise<BrowserContext> {
  await openTestAccount(world, as);
  const context = await browser.newContext(options);
  const page = await context.newPage();
  await page.goto(`${base}/signin`);
  await page.getByLabel('E-mail').fill(TEST_ACCOUNTS[as].email);
  await page.getByLabel('Password').fill(TEST_PASSWORD);
  const answer = page.waitForResponse((res) => res.request().method() === 'POST' && new URL(res.url()).pathname === '/signin');
  await page.getByRole('button', { name: 'Sign in' }).click();
  const signIn = await answer;
  if (signIn.status() !== 303) throw new Error(`sign-in as ${as} failed: ${signIn.status()} ${await signIn.text()}`);
  await page.waitForURL((url) => url.pathname !== '/signin');
  await page.close();
  return context;
}

/** axe-core's serious and critical violations on the page as it is now. */
export async function axeViolations(page: Page) {
  // Evaluated through the browser's own channel: a <script> tag of it would be refused by the page's CSP, as it should be.
  await page.evaluate(readFileSync(join(findPackageRoot(), 'node_modules', 'axe-core', 'axe.min.js'), 'utf8'));
  const results = await page.evaluate(async () => {
    const axe = (
      globalThis as unknown as {
        axe: { run: () => Promise<{ violations: { id: string; impact: string | null; nodes: { target: unknown }[] }[] }> };
      }
    ).axe;
    return axe.run();
  });
  return results.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => ({ id: v.id, impact: v.impact, targets: v.nodes.map((n) => n.target) }));
}

/** Where a page's screenshot goes: `docs/screenshots/<name>`, the folder the README shows. */
export function screenshotPath(name: string): string {
  const folder = join(findPackageRoot(), 'docs', 'screenshots');
  mkdirSync(folder, { recursive: true });
  return join(folder, name);
}

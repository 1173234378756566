/**
 * Output escaping, proven in Chromium: a corpus of payloads (script tags, event handlers, htmx
 * attributes, `javascript:` URLs, template syntax, SVG, iframes…) goes into every free-text
 * field through the forms; then every page reachable from the home page is opened, as are the
 * forms that refuse a payload and show it back, and the sign-in page that reflects `next` and the
 * e-mail. Nothing may run (the payloads try to set `window.__pwned` or open a dialog), no injected
 * element or attribute may survive, and the app's own pages may cause no CSP violation.
 */
import type { FastifyInstance } from 'fastify';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser, listenOnLoopback, skipWithoutBrowser } from '../support/browser.ts';
import {
  appFor,
  closeWorld,
  openTestAccount,
  openWorld,
  postForm,
  seedSmallOrganisation,
  TEST_ACCOUNTS,
  TEST_PASSWORD,
  TODAY,
  type World,
} from '../support/webApp.ts';
import { type FormPost, seedWriteTargets, type TargetIds, writeTargets } from '../support/writeTargets.ts';
import { Attitude, AdkarStage } from '../../src/stakeholder/events.ts';

const ATTITUDES = Attitude.options;
const STAGES = AdkarStage.options;

/** Every payload carries `data-xss` on what it injects, or sets `__pwned`, so a surviving one is found. */
const PAYLOADS = [
  `<script data-xss>window.__pwned='script'</script>`,
  `"><img src=x data-xss onerror="window.__pwned='img'">`,
  `'><svg data-xss onload="window.__pwned='svg'"></svg>`,
  `<iframe data-xss srcdoc="<script>parent.__pwned='srcdoc'</script>"></iframe>`,
  `<a data-xss href="javascript:window.__pwned='href'">link</a>`,
  `javascript:window.__pwned='bare-url'`,
  `<div data-xss hx-get="/signout" hx-trigger="load">hx</div>`,
  `<div data-xss hx-on:htmx:load="window.__pwned='hx-on'" hx-on::load="window.__pwned='hx-on2'">x</div>`,
  `<form data-xss hx-post="/organisation/register-coach" hx-trigger="load"></form>`,
  `" autofocus onfocus="window.__pwned='attr'" data-xss="`,
  `' autofocus onfocus='window.__pwned=1' data-xss='`,
  `<details data-xss open ontoggle="window.__pwned='toggle'">`,
  `</textarea></title></style><script data-xss>window.__pwned='breakout'</script>`,
  `<%= window.__pwned='eta' %><% it.page = 1 %>`,
  `{{constructor.constructor('window.__pwned=1')()}}`,
  // A JavaScript template literal's placeholder, as plain text.
  ['$', '{window.__pwned="template"}'].join(''),
  `<math><mtext><table><mglyph><style><img data-xss src=x onerror="window.__pwned='mxss'">`,
  `<base data-xss href="http://evil.example/">`,
  `<meta data-xss http-equiv="refresh" content="0;url=javascript:window.__pwned=1">`,
  `<object data-xss data="javascript:window.__pwned=1"></object>`,
  `<!-- <img data-xss src=x onerror="window.__pwned='comment'"> -->`,
  `\u202eevil\u0000<b data-xss>bold</b>`,
];

// Browser-side code is written as strings: the project compiles without the DOM library.

/** What escaping failures leave in the DOM; htmx and the app's own scripts are the only scripts. */
const INJECTED = `Array.from(document.querySelectorAll('*')).flatMap((element) => {
  const found = [];
  const tag = element.tagName.toLowerCase();
  if (element.hasAttribute('data-xss')) found.push(tag + '[data-xss]');
  if (['iframe', 'object', 'embed', 'base'].includes(tag) || (tag === 'meta' && element.hasAttribute('http-equiv'))) found.push('<' + tag + '>');
  if (tag === 'script' && !/^\\/(assets|vendor\\/htmx)\\//.test(element.getAttribute('src') ?? '')) found.push('inline <script>');
  for (const { name, value } of Array.from(element.attributes)) {
    if (/^on|^hx-on|^data-hx-on/i.test(name)) found.push(tag + '[' + name + ']');
    if (/^(href|src|action|formaction|data|xlink:href)$/i.test(name) && /^\\s*javascript:/i.test(value)) found.push(tag + '[' + name + '=javascript:]');
  }
  return found;
})`;
const PWNED = 'window.__pwned ?? null';
/** Every page records the CSP violations it causes, from before its first script. */
const LISTEN_FOR_CSP = `window.__csp = [];
document.addEventListener('securitypolicyviolation', (e) => window.__csp.push(e.violatedDirective + ' ' + e.blockedURI + ' ' + e.sourceFile + ':' + e.lineNumber));`;
/** Posts `fields` to `url` as a form on the current page would, with the session's CSRF token from the page. */
const submitForm = (url: string, fields: Record<string, string>) => `(() => {
  const form = document.createElement('form');
  form.method = 'post';
  form.action = ${JSON.stringify(url)};
  const fields = { ...${JSON.stringify(fields)}, _csrf: document.querySelector('meta[name="csrf-token"]')?.getAttribute('content') ?? '' };
  for (const [name, value] of Object.entries(fields)) {
    const input = document.createElement('input');
    input.type = 'hidden';
    input.name = name;
    input.value = value;
    form.append(input);
  }
  document.body.append(form);
  form.submit();
})()`;

describe.skipIf(skipWithoutBrowser('XSS'))('payloads in every free-text field, every page in Chromium', () => {
  let browser: Browser;
  let context: BrowserContext;
  /** The signed-in tab every page is opened in, and the dialogs the current one opened. */
  let page: Page;
  const dialogs: string[] = [];
  let world: World;
  let app: FastifyInstance;
  let base: string;
  let ids: TargetIds;
  const accepted: string[] = [];
  const refused: { url: string; fields: Record<string, string>; name: string; field: string }[] = [];

  beforeAll(async () => {
    world = openWorld();
    await seedSmallOrganisation(world);
    world.runner.start();
    app = await appFor(world);
    ids = await seedWriteTargets(app);
    const targets = writeTargets(world, ids);
    // Each payload in each text field, through the forms; what a rule refuses is shown back by its form, tried below.
    for (const target of targets) {
      for (const field of target.text) {
        for (const [index, payload] of PAYLOADS.entries()) {
          const { url, fields: valid } = await freshFor(target.route, target.outside, index);
          const fields = { ...valid, [field]: payload };
          const response = await postForm(app, url, fields);
          if (response.statusCode === 303) accepted.push(`${target.route} ${field}`);
          else if (response.statusCode === 422) refused.push({ url, fields, name: field, field: `${target.route} ${field}` });
          else throw new Error(`${url} ${field}: ${response.statusCode} ${response.body.slice(0, 300)}`);
        }
      }
    }
    await openTestAccount(world, 'admin');
    base = await listenOnLoopback(app);
    browser = await launchBrowser();
    context = await browser.newContext();
    await context.addInitScript(LISTEN_FOR_CSP);
    page = await context.newPage();
    page.on('dialog', async (dialog) => {
      dialogs.push(dialog.message());
      await dialog.dismiss();
    });
    await page.goto(`${base}/signin`);
    await page.getByLabel('E-mail').fill(TEST_ACCOUNTS.admin.email);
    await page.getByLabel('Password').fill(TEST_PASSWORD);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL(`${base}/`);
  }, 240_000);

  afterAll(async () => {
    await browser?.close();
    await app?.close();
    if (world) await closeWorld(world);
  });

  /** Opens (or submits) in the signed-in tab, waits for htmx to settle, and returns what ran or survived. */
  async function inspect(open: (page: Page) => Promise<unknown>) {
    dialogs.length = 0;
    await open(page);
    await page.waitForLoadState('load');
    await page.waitForTimeout(50);
    const result = {
      url: page.url(),
      pwned: await page.evaluate(PWNED),
      dialogs,
      injected: (await page.evaluate(INJECTED)) as string[],
      csp: await page.evaluate('window.__csp'),
    };
    const links = (await page.evaluate("Array.from(document.querySelectorAll('a[href]'), (a) => a.href)")) as string[];
    return { result, links };
  }

  /**
   * A target's post, made fit for the `index`-th payload: a one-time write (completing,
   * cancelling, resolving) gets a thing of its own, an assessment a value that changes, a cycle
   * dates of its own; otherwise each payload after the first would be refused for the repeat.
   */
  async function freshFor(route: string, post: FormPost, index: number): Promise<{ url: string; fields: Record<string, string> }> {
    const fields = await post.fields();
    const created = async (url: string, body: Record<string, string>) => {
      const key = crypto.randomUUID();
      const response = await postForm(app, url, { ...body, key });
      if (response.statusCode !== 303) throw new Error(`${url}: ${response.statusCode}`);
      return key;
    };
    const signal = () => created('/resistance', { areaId: 'eng', kind: 'unable', severity: '2', raisedOn: TODAY, description: 'Fresh' });
    const action = /interventions\/:interventionId\/(complete|cancel)$/.exec(route)?.[1];
    if (action !== undefined) {
      const signalId = await signal();
      const interventionId = await created(`/resistance/${signalId}/plan`, { kind: 'workshop', ownerId: ids.coach, dueOn: '2026-12-10' });
      return { url: `/resistance/${signalId}/interventions/${interventionId}/${action}`, fields: { ...fields, revision: '1' } };
    }
    if (route.endsWith('/resolve')) return { url: `/resistance/${await signal()}/resolve`, fields: { ...fields, revision: '0' } };
    if (route.endsWith('/attitude')) return { url: post.url, fields: { ...fields, attitude: ATTITUDES[index % ATTITUDES.length]! } };
    if (route.endsWith('/adkar')) return { url: post.url, fields: { ...fields, stage: STAGES[index % STAGES.length]! } };
    if (route === '/cycles')
      return { url: post.url, fields: { ...fields, startsOn: `${2030 + index}-01-01`, endsOn: `${2030 + index}-03-31` } };
    return { url: post.url, fields };
  }

  const clean = (url: string) => ({ url, pwned: null, dialogs: [], injected: [], csp: [] });

  it('stored the payloads in every free-text field that takes free text', () => {
    const count = (list: string[]) => [...new Set(list)].map((f) => `${f}: ${list.filter((g) => g === f).length}`);
    console.info(
      `${accepted.length} payloads stored in ${new Set(accepted).size} fields`,
      count(accepted),
      'refused by a rule',
      count(refused.map((r) => r.field)),
    );
    expect(new Set(accepted).size).toBeGreaterThanOrEqual(19);
    expect(accepted.length).toBeGreaterThanOrEqual(350);
  });

  it('would see a payload that was not escaped: the checks can fail', async () => {
    const bare = await browser.newPage();
    await bare.setContent(`<main>${PAYLOADS.join('')}</main>`);
    await bare.waitForTimeout(50);
    expect(await bare.evaluate(PWNED)).not.toBeNull();
    expect(((await bare.evaluate(INJECTED)) as string[]).length).toBeGreaterThan(5);
    await bare.close();
  });

  it('runs nothing and injects nothing on any page reachable from the home page', async () => {
    const seen = new Set<string>();
    const queue = [`${base}/`];
    // CSV downloads are not pages (their cells' escaping is tests/api/exports.spec.ts's).
    const skip = /\/(signout|live)\b|\/assets\/|\/vendor\/|\/api\/|\.csv\b/;
    while (queue.length > 0 && seen.size < 80) {
      const url = queue.shift()!;
      // One visit per path: the same page under another filter shows the same names.
      const key = new URL(url).pathname;
      if (seen.has(key)) continue;
      seen.add(key);
      const { result, links } = await inspect((page) => page.goto(url));
      expect(result).toEqual(clean(result.url));
      for (const link of links) if (link.startsWith(base) && !skip.test(link)) queue.push(link.replace(/#.*$/, ''));
    }
    expect(seen.size).toBeGreaterThan(30);
    // The injected hx-get="/signout" never ran: still signed in.
    expect((await inspect((page) => page.goto(`${base}/account`))).result.url).toBe(`${base}/account`);
  }, 600_000);

  it('runs nothing and injects nothing on the digest of the week the payloads were stored in, nor when it shows a bad week back', async () => {
    // The crawl opens /digest once, on the last complete week; the payloads were stored this week.
    const week = (await inspect((page) => page.goto(`${base}/digest?week=2026-W48`))).result;
    expect(week).toEqual(clean(week.url));
    for (const payload of PAYLOADS) {
      const { result } = await inspect((page) => page.goto(`${base}/digest?week=${encodeURIComponent(payload)}`));
      expect(result).toEqual(clean(result.url));
    }
  }, 120_000);

  it('runs nothing and injects nothing when a form refuses a payload and shows it back', async () => {
    // Once per field a rule refuses, with the whole corpus in it at once: the form shows it all back.
    const fields = new Map(refused.map((r) => [r.field, r]));
    expect(fields.size).toBeGreaterThan(0);
    for (const { url, fields: valid, name } of fields.values()) {
      const { result } = await inspect(async (tab) => {
        await tab.goto(`${base}/account`);
        // A browser form posted from the app's own page: the same origin, the session's CSRF token.
        await tab.evaluate(submitForm(url, { ...valid, [name]: PAYLOADS.join(' ') }));
        await tab.waitForURL((u) => u.pathname === url);
      });
      expect(result).toEqual(clean(result.url));
    }
  }, 120_000);

  it('runs nothing and injects nothing when the sign-in page reflects `next` and the e-mail', async () => {
    const anonymous = await browser.newContext();
    try {
      const tab = await anonymous.newPage();
      for (let i = 0; i < PAYLOADS.length; i += 4) {
        const payload = PAYLOADS.slice(i, i + 4).join(' ');
        await tab.goto(`${base}/signin?next=${encodeURIComponent(`/${payload}`)}`);
        await tab.getByLabel('E-mail').fill(payload.slice(0, 200));
        await tab.getByLabel('Password').fill('wrong password');
        const answered = tab.waitForEvent('framenavigated');
        // The e-mail field's own check would stop most payloads before they reach the server.
        await tab.evaluate("document.querySelector('[name=email]').type = 'text'; document.querySelector('form.form').submit()");
        await answered;
        await tab.waitForLoadState('load');
        expect(await tab.locator('[role=alert]').innerText()).toContain('do not match');
        expect(await tab.evaluate(PWNED)).toBeNull();
        expect(await tab.evaluate(INJECTED)).toEqual([]);
      }
    } finally {
      await anonymous.close();
    }
  }, 120_000);
});

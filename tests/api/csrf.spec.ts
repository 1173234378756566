import { parseHost } from '../../src/http/hosts.ts';
/**
 * Another site cannot write through a visitor's browser, a form without its session's CSRF token
 * records nothing, and a session that has ended sends its owner to sign in and back where they were.
 */
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SqliteSessionStore } from '../../infra/sqlite/sessionStore.ts';
import { SESSION_IDLE_MS, SESSION_LIFETIME_MS } from '../../src/http/auth.ts';
import {
  appFor,
  closeWorld,
  openWorld,
  seedSmallOrganisation,
  signIn,
  TEST_ACCOUNTS,
  TEST_PASSWORD,
  TODAY,
  type Session,
  type World,
} from '../support/webApp.ts';

const SIGNED_IN_AT = new Date(`${TODAY}T10:00:00.000Z`);

let world: World;
let app: FastifyInstance;
let admin: Session;
/** The app's clock (when a session signed in, how old it is) and the session store's (idle expiry). */
let clock = SIGNED_IN_AT;
let storeClock = new Date();

beforeAll(async () => {
  world = openWorld();
  await seedSmallOrganisation(world);
  world.runner.start();
  app = await appFor(world, { now: () => clock, sessions: new SqliteSessionStore(world.db, () => storeClock) }, null);
  admin = await signIn(app, world, 'admin');
});
afterAll(async () => {
  await app.close();
  await closeWorld(world);
});

// Payments already has check-ins up to 12 November; TODAY is the 25th.
let day = 12;
/** A check-in for Payments, each on a day of its own: what every request here tries to record. */
const checkIn = (headers: Record<string, string>, csrf?: string) =>
  app.inject({
    method: 'POST',
    url: '/teams/pay/check-in-held',
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
    payload: new URLSearchParams({
      heldOn: `2026-11-${String(++day).padStart(2, '0')}`,
      cycleId: '2026-q4',
      key: crypto.randomUUID(),
      ...(csrf !== undefined && { _csrf: csrf }),
    }).toString(),
  });

async function refusedWithoutAnEvent(send: () => ReturnType<typeof checkIn>) {
  const before = await world.store.headPosition();
  const response = await send();
  expect(response.statusCode, response.body.slice(0, 300)).toBe(403);
  expect(await world.store.headPosition()).toBe(before);
  return response;
}

describe('cross-site requests', () => {
  it.each([
    ['an Origin of another site', { origin: 'http://evil.example' }],
    ['Origin null (a sandboxed or auto-submitting frame)', { origin: 'null' }],
    ['Sec-Fetch-Site: cross-site', { 'sec-fetch-site': 'cross-site' }],
    ['Sec-Fetch-Site: same-site (a sibling subdomain)', { 'sec-fetch-site': 'same-site' }],
    ['the right scheme and host on another port', { origin: 'http://localhost:81' }],
  ])('%s → 403, nothing recorded, even with a valid session and CSRF token', async (_what, headers) => {
    const response = await refusedWithoutAnEvent(() => checkIn({ cookie: admin.cookie, ...headers }, admin.csrfToken));
    expect(response.body).toContain('came from another site');
  });

  it('the same request from the app’s own page is recorded (so the refusals above are about the site)', async () => {
    const before = await world.store.headPosition();
    const response = await checkIn(
      { cookie: admin.cookie, origin: 'http://localhost:80', 'sec-fetch-site': 'same-origin', host: 'localhost:80' },
      admin.csrfToken,
    );
    expect(response.statusCode, response.body.slice(0, 300)).toBe(303);
    expect(await world.store.headPosition()).toBeGreaterThan(before);
  });
});

describe('CSRF token', () => {
  it('missing → 403, nothing recorded', async () => {
    await refusedWithoutAnEvent(() => checkIn({ cookie: admin.cookie }));
  });

  it('wrong → 403, nothing recorded', async () => {
    await refusedWithoutAnEvent(() => checkIn({ cookie: admin.cookie }, `${admin.csrfToken.slice(0, -2)}xx`));
    await refusedWithoutAnEvent(() => checkIn({ cookie: admin.cookie, 'x-csrf-token': 'not-a-token' }));
  });

  it("another session's token → 403, nothing recorded", async () => {
    const coach = await signIn(app, world, 'coach');
    await refusedWithoutAnEvent(() => checkIn({ cookie: admin.cookie }, coach.csrfToken));
  });

  it('the right one, in the hidden field or the htmx header, is recorded', async () => {
    for (const send of [
      () => checkIn({ cookie: admin.cookie }, admin.csrfToken),
      () => checkIn({ cookie: admin.cookie, 'x-csrf-token': admin.csrfToken }),
    ]) {
      const before = await world.store.headPosition();
      const response = await send();
      expect(response.statusCode, response.body.replace(/<[^>]*>/g, ' ').replace(/\s+/g, ' ')).toBe(303);
      expect(await world.store.headPosition()).toBeGreaterThan(before);
    }
  });
});

describe('a session that has ended', () => {
  /** Signs in through the sign-in page the redirect named, as a browser would, and returns where it lands. */
  async function signInAt(location: string): Promise<string | undefined> {
    const form = await app.inject({ url: location });
    expect(form.statusCode).toBe(200);
    const csrf = /name="_csrf" value="([^"]+)"/.exec(form.body)?.[1] ?? '';
    const next = /name="next" value="([^"]*)"/.exec(form.body)?.[1]?.replaceAll('&amp;', '&');
    const signedIn = await app.inject({
      method: 'POST',
      url: '/signin',
      headers: { cookie: form.cookies.map((c) => `${c.name}=${c.value}`).join('; '), 'content-type': 'application/x-www-form-urlencoded' },
      payload: new URLSearchParams({
        email: TEST_ACCOUNTS.leader.email,
        password: TEST_PASSWORD,
        _csrf: csrf,
        next: next ?? '',
      }).toString(),
    });
    expect(signedIn.statusCode, signedIn.body.slice(0, 300)).toBe(303);
    return signedIn.headers.location as string | undefined;
  }

  it('past its lifetime: a page sends the visitor to sign in with `next`, and signing in there lands on that page', async () => {
    clock = SIGNED_IN_AT;
    const lee = await signIn(app, world, 'leader');
    expect((await app.inject({ url: '/teams/pay?cycle=2026-q4', headers: { cookie: lee.cookie } })).statusCode).toBe(200);

    clock = new Date(SIGNED_IN_AT.getTime() + SESSION_LIFETIME_MS + 1);
    const page = await app.inject({ url: '/teams/pay?cycle=2026-q4', headers: { cookie: lee.cookie } });
    expect(page.statusCode).toBe(303);
    expect(page.headers.location).toBe(`/signin?next=${encodeURIComponent('/teams/pay?cycle=2026-q4')}`);
    expect(await signInAt(page.headers.location as string)).toBe('/teams/pay?cycle=2026-q4');
    clock = SIGNED_IN_AT;
  });

  it('idle too long (the store no longer has it): the same, and an htmx request sends the whole window there', async () => {
    const lee = await signIn(app, world, 'leader');
    storeClock = new Date(Date.now() + SESSION_IDLE_MS + 60_000);
    try {
      const page = await app.inject({ url: '/resistance', headers: { cookie: lee.cookie } });
      expect(page.statusCode).toBe(303);
      expect(page.headers.location).toBe('/signin?next=%2Fresistance');

      const htmx = await app.inject({
        url: '/resistance?kind=no-time',
        headers: { cookie: lee.cookie, 'hx-request': 'true', 'hx-current-url': 'http://localhost/resistance?kind=no-time' },
      });
      expect(htmx.statusCode).toBe(401);
      expect(htmx.headers['hx-redirect']).toBe(`/signin?next=${encodeURIComponent('/resistance?kind=no-time')}`);
    } finally {
      storeClock = new Date();
    }
    expect(await signInAt('/signin?next=%2Fresistance')).toBe('/resistance');
  });

  it('a write from an ended session is refused and records nothing', async () => {
    const ann = await signIn(app, world, 'admin');
    world.db.prepare('DELETE FROM web_sessions').run();
    const before = await world.store.headPosition();
    const response = await checkIn({ cookie: ann.cookie }, ann.csrfToken);
    expect(response.statusCode).toBe(401);
    expect(await world.store.headPosition()).toBe(before);
    admin = await signIn(app, world, 'admin');
  });

  it('`next` never leads to another site', async () => {
    expect(await signInAt('/signin?next=%2F%2Fevil.example%2F')).toBe('/');
    expect(await signInAt('/signin?next=https%3A%2F%2Fevil.example%2F')).toBe('/');
  });
});

describe('behind a proxy that terminates TLS (the `tls` setting)', () => {
  /** What the browser sends through the proxy: its https origin, the proxy's X-Forwarded-Proto. */
  const viaProxy = {
    host: 'uptake.example',
    origin: 'https://uptake.example',
    'sec-fetch-site': 'same-origin',
    'x-forwarded-proto': 'https',
  };
  const form = { 'content-type': 'application/x-www-form-urlencoded' };
  const cookieOf = (response: { cookies: { name: string; value: string }[] }) =>
    response.cookies.map((c) => `${c.name}=${c.value}`).join('; ');

  it("signing in and posting a form from the app's own https page work, and are not taken for another site", async () => {
    const behindTls = await appFor(world, { tls: true, allowedHosts: [parseHost('uptake.example')!] }, null);
    try {
      const page = await behindTls.inject({ url: '/signin', headers: { host: viaProxy.host, 'x-forwarded-proto': 'https' } });
      const csrf = /name="_csrf" value="([^"]+)"/.exec(page.body)?.[1] ?? '';
      expect(cookieOf(page), 'the sign-in page sets its session cookie').not.toBe('');
      const signedIn = await behindTls.inject({
        method: 'POST',
        url: '/signin',
        headers: { ...viaProxy, ...form, cookie: cookieOf(page) },
        payload: new URLSearchParams({ email: TEST_ACCOUNTS.admin.email, password: TEST_PASSWORD, _csrf: csrf }).toString(),
      });
      expect(signedIn.statusCode, signedIn.body.slice(0, 300)).toBe(303);
      const cookie = cookieOf(signedIn);
      const account = await behindTls.inject({ url: '/account', headers: { host: viaProxy.host, 'x-forwarded-proto': 'https', cookie } });
      const token = /name="csrf-token" content="([^"]+)"/.exec(account.body)?.[1] ?? '';
      const before = await world.store.headPosition();
      const response = await behindTls.inject({
        method: 'POST',
        url: '/teams/pay/check-in-held',
        headers: { ...viaProxy, ...form, cookie, 'x-csrf-token': token },
        payload: new URLSearchParams({ heldOn: '2026-11-05', cycleId: '2026-q4', key: crypto.randomUUID() }).toString(),
      });
      expect(response.statusCode, response.body.slice(0, 300)).toBe(303);
      expect(await world.store.headPosition()).toBeGreaterThan(before);
    } finally {
      await behindTls.close();
    }
  });
});

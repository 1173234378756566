/**
 * The People page and "My week" over real components: accounts listed with their coach and its
 * areas; invite, change role, deactivate / reactivate and reset password through the shared form
 * path, each refused for anyone but an admin; a generated password shown once; a deactivation or
 * a new password ending that person's sessions, their live sockets included.
 */
import { randomUUID } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SqliteAccounts } from '../../projections/accounts.ts';
import {
  appFor,
  closeWorld,
  openWorld,
  postForm,
  seedSmallOrganisation,
  signIn,
  TEST_ACCOUNTS,
  TODAY,
  given,
  type Session,
  type World,
} from '../support/webApp.ts';

let world: World;
let app: FastifyInstance;
/** The same app's routes, signed in as nobody: where the other people sign in (the admin's app sends its own session). */
let visitor: FastifyInstance;

beforeEach(async () => {
  world = openWorld();
  await seedSmallOrganisation(world);
  await given(world, 'coach', 'coach-bo', TODAY, {
    type: 'CoachRegistered',
    data: { coachId: 'coach-bo', name: 'Bo Berg', email: 'bo@test.example' },
  });
  await world.runner.start();
  // A clock that moves: a session ends when its password is set after it signed in.
  const now = () => new Date();
  app = await appFor(world, { now, onApplied: (listener) => world.runner.onApplied(listener) });
  visitor = await appFor(world, { now }, null);
  // Ada (a coach account, coaching Platform) and Lee (a leader) exist beside the admin.
  await signIn(visitor, world, 'coach');
  await signIn(visitor, world, 'leader');
});

afterEach(async () => {
  await app?.close();
  await visitor?.close();
  if (world) await closeWorld(world);
});

const htmx = { 'hx-request': 'true' };
const post = (url: string, fields: Record<string, string>, headers: Record<string, string> = {}) => postForm(app, url, fields, headers);
const accounts = () => new SqliteAccounts(world.db);
const accountEvents = () =>
  (world.db.prepare("SELECT type FROM events WHERE stream_id LIKE 'account-%' ORDER BY position").all() as { type: string }[]).map(
    (e) => e.type,
  );
const as = (session: Session) => ({ cookie: session.cookie, 'x-csrf-token': session.csrfToken });

/** The value of the hidden field of that name inside the element with that id. */
function hidden(html: string, formId: string, name: string): string {
  const form = new RegExp(`<form[^>]* id="${formId}"[\\s\\S]*?</form>`).exec(html)?.[0];
  const value = form && new RegExp(`name="${name}" value="([^"]*)"`).exec(form)?.[1];
  if (value === undefined) throw new Error(`no ${name} in #${formId}`);
  return value;
}

const shownPassword = (html: string) => /<code class="shown-once__password">([^<]+)<\/code>/.exec(html)?.[1];

async function signInWith(email: string, password: string) {
  const form = await visitor.inject({ url: '/signin' });
  const anonymous = form.cookies.map((c) => `${c.name}=${c.value}`).join('; ');
  const csrf = /name="_csrf" value="([^"]+)"/.exec(form.body)?.[1] ?? '';
  return visitor.inject({
    method: 'POST',
    url: '/signin',
    headers: { cookie: anonymous, 'content-type': 'application/x-www-form-urlencoded' },
    payload: new URLSearchParams({ email, password, _csrf: csrf }).toString(),
  });
}

describe('the People page', () => {
  it('lists every account with e-mail, role, the coach and the areas it coaches (linked to where assignments are made), status and opening', async () => {
    const res = await app.inject('/people');
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain('<a href="/people" aria-current="page">People</a>');
    for (const account of Object.values(TEST_ACCOUNTS)) {
      expect(res.body).toContain(`<th scope="row" class="people-list__name">${account.name}</th>`);
      expect(res.body).toContain(`<td>${account.email}</td>`);
    }
    const ada = /<tr id="account-acct-ada"[\s\S]*?<\/tr>/.exec(res.body)![0];
    expect(ada).toContain('<td>coach</td>');
    expect(ada).toContain('Ada Lovelace<br><span class="muted"><a href="/organisation?area=plat#area-plat">Platform</a></span>');
    expect(ada).toContain('Active');
    expect(ada).toContain('25 Nov 2026, 09:00 UTC');
    expect(res.body).toContain('<a href="/integrations">integration tokens</a>');
    // The invite form offers only the coach nobody signs in as yet.
    const invite = /<select id="invite-coachId"[\s\S]*?<\/select>/.exec(res.body)![0];
    expect(invite).toContain('value="coach-bo"');
    expect(invite).not.toContain('value="coach-ada"');
  });

  it('is for admins only: a coach or a leader is refused (403) every route, a visitor is sent to sign in', async () => {
    const routes = [
      '/people',
      '/people/acct-lee/role',
      '/people/acct-lee/deactivate',
      '/people/acct-lee/reactivate',
      '/people/acct-lee/password',
    ];
    for (const role of ['coach', 'leader'] as const) {
      const session = await signIn(visitor, world, role);
      for (const url of routes) {
        const method = url === '/people' ? 'GET' : 'POST';
        const res = await app.inject({ method, url, headers: as(session), ...(method === 'POST' ? { payload: {} } : {}) });
        expect(res.statusCode, `${role} ${method} ${url}`).toBe(403);
      }
      expect((await app.inject({ method: 'POST', url: '/people', headers: as(session), payload: {} })).statusCode).toBe(403);
    }
    const signedOut = await app.inject({ url: '/people', headers: { cookie: '' } });
    expect(signedOut.statusCode).toBe(303);
    expect(signedOut.headers.location).toBe('/signin?next=%2Fpeople');
    expect(accountEvents()).toHaveLength(6);
  });
});

describe('inviting someone', () => {
  const invite = (fields: Record<string, string>, headers: Record<string, string> = {}) =>
    post(
      '/people',
      { key: randomUUID(), name: 'Bo Berg', email: 'bo.account@test.example', role: 'coach', coachId: 'coach-bo', ...fields },
      headers,
    );

  it('opens the account with a generated password shown once (after the redirect), which signs them in', async () => {
    const res = await invite({});
    expect(res.statusCode).toBe(303);
    expect(res.headers.location).toBe('/people?recorded=invite');
    const page = await app.inject(res.headers.location!);
    expect(page.body).toContain('Account opened.');
    expect(page.body).toContain(
      'Hand this to Bo Berg (bo.account@test.example); they change it under Your account. It is not shown again.',
    );
    const password = shownPassword(page.body)!;
    expect(password).toMatch(/^[A-Za-z0-9_-]{24}$/);
    expect(shownPassword((await app.inject('/people')).body)).toBeUndefined();
    expect(accounts().credentialsOf('bo.account@test.example')?.account).toMatchObject({
      role: 'coach',
      coachId: 'coach-bo',
      active: true,
    });
    expect(accountEvents().slice(-2)).toEqual(['AccountOpened', 'PasswordSet']);
    expect((await signInWith('bo.account@test.example', password)).statusCode).toBe(303);

    // The audit trail says it in words, and who did it.
    const timeline = (await app.inject('/timeline')).body;
    expect(timeline).toContain('Account opened for Bo Berg (bo.account@test.example) as coach (Bo Berg)');
    expect(timeline).toContain('New password for Bo Berg; sessions signed in before it ended');
    expect(timeline).toContain('Ann Admin');
    expect(timeline).not.toContain(password);
  });

  it('answers htmx with the page part holding the password; a retried form records the account once', async () => {
    const key = randomUUID();
    const first = await invite({ key, role: 'leader', coachId: '' }, htmx);
    expect(first.statusCode).toBe(200);
    expect(first.body).toMatch(/^<div id="people"/);
    const password = shownPassword(first.body)!;
    expect(first.headers['cache-control']).toBe('no-store');
    const retried = await invite({ key, role: 'leader', coachId: '' }, htmx);
    expect(retried.statusCode).toBe(200);
    const again = shownPassword(retried.body)!;
    expect(again).not.toBe(password);
    expect(accountEvents().filter((t) => t === 'AccountOpened')).toHaveLength(4);
    // The password the latest answer showed is the one that counts.
    expect((await signInWith('bo.account@test.example', password)).statusCode).toBe(401);
    expect((await signInWith('bo.account@test.example', again)).statusCode).toBe(303);
  });

  it('refuses bad, duplicate and hostile input beside the field (422), recording nothing', async () => {
    const before = accountEvents().length;
    const cases: [Record<string, string>, string, string][] = [
      [{ name: '' }, 'invite-name', 'Name '],
      [{ email: 'not an e-mail' }, 'invite-email', 'E-mail '],
      [
        { email: TEST_ACCOUNTS.leader.email.toUpperCase() },
        'invite-email',
        `Another account already signs in as ${TEST_ACCOUNTS.leader.email.toUpperCase()}`,
      ],
      [{ role: 'superuser' }, 'invite-role', 'Role '],
      [{ coachId: '' }, 'invite-coachId', 'Coach is needed for a coach account: the coach it is'],
      [{ role: 'leader' }, 'invite-coachId', 'Coach must be empty for a leader: a leader writes nothing'],
      [{ coachId: 'coach-nobody' }, 'invite-coachId', 'Coach must be a registered coach (none has the id &quot;coach-nobody&quot;)'],
      [{ name: 'x'.repeat(5000) }, 'invite-name', 'Name '],
      // Not offered, but crafted: Ada is the coach of Ada Coach's account.
      [{ coachId: 'coach-ada' }, 'invite-coachId', 'Coach is linked to another account already: a coach signs in as one account'],
      [{ key: 'not-a-uuid' }, 'invite', 'The form you sent is missing or damaged'],
    ];
    for (const [fields, id, message] of cases) {
      const res = await invite(fields, htmx);
      expect(res.statusCode, JSON.stringify(fields).slice(0, 80)).toBe(422);
      const error =
        id === 'invite'
          ? /<div class="form__problems" role="alert">([\s\S]*?)<\/div>/.exec(res.body)?.[1]
          : new RegExp(`id="${id}-error">([^<]*)<`).exec(res.body)?.[1];
      expect(error, `${id} for ${JSON.stringify(fields).slice(0, 80)}`).toContain(message);
      expect(shownPassword(res.body)).toBeUndefined();
    }
    expect(accountEvents()).toHaveLength(before);
  });

  it('shows markup in a name as text', async () => {
    const res = await invite({ name: '<img src=x onerror=alert(1)>', role: 'admin', coachId: '' }, htmx);
    expect(res.statusCode).toBe(200);
    expect(res.body).not.toContain('<img src=x');
    expect(res.body).toContain('&lt;img src=x onerror=alert(1)&gt;');
  });
});

describe('managing an account', () => {
  it('changes a role with the revision the page showed; from a stale page it is a conflict (409) that says what changed', async () => {
    const page = (await app.inject('/people')).body;
    const revision = hidden(page, 'role-acct-lee', 'revision');
    const res = await post('/people/acct-lee/role', { role: 'coach', coachId: 'coach-bo', revision });
    expect(res.statusCode).toBe(303);
    expect(res.headers.location).toBe('/people?recorded=change-role');
    expect(accounts().byId('acct-lee')).toMatchObject({ role: 'coach', coachId: 'coach-bo' });

    const stale = await post('/people/acct-lee/role', { role: 'admin', coachId: '', revision }, htmx);
    expect(stale.statusCode).toBe(409);
    expect(stale.body).toContain('This changed since you loaded the page.');
    expect(stale.body).toContain('Lee Leader is now coach (Bo Berg)');
    expect(accounts().byId('acct-lee')?.role).toBe('coach');
    expect((await post('/people/acct-lee/role', { role: 'admin', coachId: '' })).statusCode).toBe(422);
    const current = hidden((await app.inject('/people')).body, 'role-acct-lee', 'revision');
    const taken = await post('/people/acct-lee/role', { role: 'coach', coachId: 'coach-ada', revision: current }, htmx);
    expect(taken.statusCode).toBe(422);
    expect(taken.body).toContain('Coach is linked to another account already: a coach signs in as one account');
    // Their own coach stays theirs: the same grant again records nothing.
    expect((await post('/people/acct-lee/role', { role: 'coach', coachId: 'coach-bo', revision: current })).statusCode).toBe(303);
    expect(accounts().byId('acct-lee')?.coachId).toBe('coach-bo');
  });

  it('refuses to demote or deactivate the only active admin, saying why in the form', async () => {
    const page = (await app.inject('/people')).body;
    const demote = await post(
      '/people/acct-admin/role',
      { role: 'leader', coachId: '', revision: hidden(page, 'role-acct-admin', 'revision') },
      htmx,
    );
    expect(demote.statusCode).toBe(422);
    expect(demote.body).toContain('Ann Admin is the only active admin: this change would leave nobody to manage people');
    const res = await post('/people/acct-admin/deactivate', {}, htmx);
    expect(res.statusCode).toBe(422);
    const form = /<form[^>]* id="deactivate-acct-admin"[\s\S]*?<\/form>/.exec(res.body)![0];
    expect(form).toContain('Ann Admin is the only active admin: deactivating it would leave nobody to manage people');
    expect(res.body).toMatch(/<details class="people-list__manage" open>\s*<summary>Manage<span class="visually-hidden"> Ann Admin/);
    expect(accounts().byId('acct-admin')?.active).toBe(true);
  });

  it('deactivation ends their session at once; reactivation lets them sign in again', async () => {
    const lee = await signIn(visitor, world, 'leader');
    expect((await app.inject({ url: '/heatmap', headers: as(lee) })).statusCode).toBe(200);
    const res = await post('/people/acct-lee/deactivate', {});
    expect(res.statusCode).toBe(303);
    expect((await app.inject('/people')).body).toMatch(/id="account-acct-lee" class="people-list__inactive"[\s\S]*?Deactivated/);
    const next = await app.inject({ url: '/heatmap', headers: as(lee) });
    expect(next.statusCode).toBe(303);
    expect(next.headers.location).toBe('/signin?next=%2Fheatmap');
    expect((await signInWith(TEST_ACCOUNTS.leader.email, 'correct horse battery staple')).statusCode).toBe(401);
    expect((await post('/people/acct-lee/deactivate', {})).statusCode).toBe(303);
    expect(accountEvents().filter((t) => t === 'AccountDeactivated')).toHaveLength(1);

    expect((await post('/people/acct-lee/reactivate', {}, htmx)).body).toContain('Account reactivated.');
    expect((await signInWith(TEST_ACCOUNTS.leader.email, 'correct horse battery staple')).statusCode).toBe(303);
  });

  it('resetting a password shows the new one once and ends their sessions', async () => {
    const ada = await signIn(visitor, world, 'coach');
    const res = await post('/people/acct-ada/password', {}, htmx);
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain('Password reset; their sessions have ended.');
    const password = shownPassword(res.body)!;
    expect(res.body).toContain('Hand this to Ada Coach (ada@test.example)');
    expect((await app.inject({ url: '/heatmap', headers: as(ada) })).statusCode).toBe(303);
    expect((await signInWith(TEST_ACCOUNTS.coach.email, 'correct horse battery staple')).statusCode).toBe(401);
    expect((await signInWith(TEST_ACCOUNTS.coach.email, password)).statusCode).toBe(303);
  });

  it('closes the live sockets of a deactivated account, or of one whose password was reset (4401), and only theirs', async () => {
    const sessions = { lee: await signIn(visitor, world, 'leader'), ada: await signIn(visitor, world, 'coach') };
    const closes = new Map<string, { code: number; reason: string }>();
    const sockets = await Promise.all(
      (['lee', 'ada', 'admin'] as const).map(async (who) => {
        const socket = await app.injectWS(
          `/live?page=${encodeURIComponent('/heatmap')}`,
          who === 'admin' ? {} : { headers: as(sessions[who]) },
        );
        socket.on('close', (code: number, reason: Buffer) => closes.set(who, { code, reason: reason.toString() }));
        return socket;
      }),
    );
    await post('/people/acct-lee/deactivate', {});
    await expect.poll(() => closes.get('lee'), { timeout: 2000 }).toEqual({ code: 4401, reason: 'your account was deactivated' });
    await post('/people/acct-ada/password', {});
    await expect.poll(() => closes.get('ada'), { timeout: 2000 }).toEqual({ code: 4401, reason: 'your password changed: sign in again' });
    expect(closes.has('admin')).toBe(false);
    for (const socket of sockets) socket.terminate();
  });

  it('answers 404 for an account that does not exist and 422 for an id that cannot be one', async () => {
    expect((await post('/people/acct-nobody/deactivate', {})).statusCode).toBe(404);
    const hostile = await post('/people/%3Cscript%3E/deactivate', {});
    expect(hostile.statusCode).toBe(422);
    expect(hostile.body).toContain('accountId');
    expect(hostile.body).not.toContain('<script>');
  });
});

describe('My week', () => {
  it('opens on a coach account’s own week, with a link to every coach; admins and leaders see the list', async () => {
    const ada = await signIn(visitor, world, 'coach');
    const mine = await app.inject({ url: '/coaches', headers: as(ada) });
    expect(mine.statusCode).toBe(303);
    expect(mine.headers.location).toBe('/coaches/coach-ada/week');
    const week = await app.inject({ url: mine.headers.location!, headers: as(ada) });
    expect(week.body).toContain('<a class="coach-week__switch" href="/coaches?all=1">All coaches</a>');
    const all = await app.inject({ url: '/coaches?all=1', headers: as(ada) });
    expect(all.statusCode).toBe(200);
    expect(all.body).toContain('Bo Berg');
    for (const role of ['admin', 'leader'] as const) {
      const res = await app.inject({ url: '/coaches', headers: as(await signIn(visitor, world, role)) });
      expect(res.statusCode, role).toBe(200);
      expect(res.body).toContain('<h1>Coaches</h1>');
    }
    const bad = await app.inject({ url: '/coaches?all=yes', headers: as(ada) });
    expect(bad.statusCode).toBe(422);
    expect(bad.body).toContain('must be 1 or left out');
  });
});

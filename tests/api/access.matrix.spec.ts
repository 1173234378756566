import { randomUUID } from 'node:crypto';
/**
 * Every route Fastify knows × everyone who may ask: the status each gets, and no event stored by
 * a refused request. The route table is Fastify's own (an onRoute hook on the instance buildApp
 * creates), so a new route fails this spec until it has a row here — and one without an access
 * rule stops the app from building at all.
 */
import type { FastifyInstance, RouteOptions } from 'fastify';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import {
  appFor,
  grantTestToken,
  closeWorld,
  openWorld,
  seedSmallOrganisation,
  signIn,
  signInEveryRequest,
  type Session,
  type World,
} from '../support/webApp.ts';
import { seedWriteTargets, writeTargets, type TargetIds, type WriteTarget } from '../support/writeTargets.ts';

const table = vi.hoisted(() => ({ routes: [] as RouteOptions[] }));
vi.mock('fastify', async (importOriginal) => {
  const actual = await importOriginal<typeof import('fastify')>();
  const withRouteTable = ((options?: Parameters<typeof actual.default>[0]) => {
    const app = actual.default(options);
    app.addHook('onRoute', (route) => {
      table.routes.push(route);
    });
    return app;
  }) as typeof actual.default;
  return { ...actual, default: withRouteTable };
});

const WHO = ['anonymous', 'token', 'leader', 'coachOutside', 'coachInside', 'admin'] as const;
type Who = (typeof WHO)[number];
type Statuses = Record<Who, number>;

const everyone = (status: number): Statuses => ({
  anonymous: status,
  token: status,
  leader: status,
  coachOutside: status,
  coachInside: status,
  admin: status,
});
/** A page: signed out (a token is no session) → the sign-in page; any role reads it. */
const page: Statuses = { ...everyone(200), anonymous: 303, token: 303 };
/** A form: an admin anywhere, a coach inside her areas; a leader records nothing. */
const write: Statuses = { anonymous: 401, token: 401, leader: 403, coachOutside: 403, coachInside: 303, admin: 303 };
/** About the whole organisation (a coach's assignments, cycles, coaches): admins only. */
const adminWrite: Statuses = { ...write, coachInside: 403 };
/** People, tokens and integrations: admins only, to read as well. */
const adminPage: Statuses = { ...page, leader: 403, coachOutside: 403, coachInside: 403 };
/** An admin-only form; `admin` is what an admin gets for the body sent. */
const adminForm = (admin: number): Statuses => ({ ...adminWrite, admin });

/** Each route and method: the statuses, and how to fill its parameters (`inside` Ada's area, `outside` not). */
interface Row {
  statuses: Statuses;
  url?: (ids: TargetIds) => { inside: string; outside: string };
}
const same = (url: string) => () => ({ inside: url, outside: url });
const read = (url: Row['url']): Row => ({ statuses: page, url });

const GETS: Record<string, Row> = {
  '/': read(same('/')),
  '/heatmap': read(same('/heatmap')),
  // The CSV downloads are read as the pages they export are.
  '/heatmap.csv': read(same('/heatmap.csv')),
  '/resistance.csv': read(same('/resistance.csv?status=all')),
  '/stakeholders.csv': read(same('/stakeholders.csv')),
  '/evidence': read(same('/evidence?team=pay&cycle=2026-q4&dimension=overall')),
  '/timeline': read(same('/timeline')),
  '/digest': read(same('/digest?week=2026-W46')),
  // A coach is sent on to her own week.
  '/coaches': { statuses: { ...page, coachInside: 303, coachOutside: 303 }, url: same('/coaches') },
  '/coaches/:coachId/week': read((ids) => ({ inside: '/coaches/coach-ada/week', outside: `/coaches/${ids.coach}/week` })),
  '/areas/:areaId': read(() => ({ inside: '/areas/plat', outside: '/areas/eng' })),
  '/teams/:teamId': read(() => ({ inside: '/teams/pay', outside: '/teams/srch' })),
  '/resistance': read(same('/resistance')),
  '/resistance/:signalId': read((ids) => ({ inside: `/resistance/${ids.signal.inside}`, outside: `/resistance/${ids.signal.outside}` })),
  '/stakeholders': read(same('/stakeholders')),
  '/stakeholders/movement': read(same('/stakeholders/movement')),
  '/stakeholders/:stakeholderId': read((ids) => ({
    inside: `/stakeholders/${ids.stakeholder.inside}`,
    outside: `/stakeholders/${ids.stakeholder.outside}`,
  })),
  '/organisation': read(same('/organisation')),
  '/cycles': read(same('/cycles')),
  '/alignment': read(same('/alignment')),
  '/objectives/:objectiveId': read((ids) => ({
    inside: `/objectives/${ids.objective.inside}`,
    outside: `/objectives/${ids.objective.outside}`,
  })),
  '/themes/:themeId': read((ids) => ({ inside: `/themes/${ids.theme}`, outside: `/themes/${ids.theme}` })),
  '/account': read(same('/account')),
  '/people': { statuses: adminPage, url: same('/people') },
  '/integrations': { statuses: adminPage, url: same('/integrations') },
  // No message was ever dead-lettered here.
  '/integrations/dead-letters/:seq': { statuses: { ...adminPage, admin: 404 }, url: same('/integrations/dead-letters/1') },
  // A plain GET is no websocket upgrade: signed out it is sent to sign in, signed in there is nothing to GET.
  '/live': { statuses: { ...everyone(404), anonymous: 303, token: 303 }, url: same('/live?page=/') },
  // Signed in, the sign-in page sends you on.
  '/signin': { statuses: { ...everyone(303), anonymous: 200, token: 200 }, url: same('/signin') },
  '/healthz': { statuses: everyone(200), url: same('/healthz') },
  '/api/v1/openapi.json': { statuses: everyone(200), url: same('/api/v1/openapi.json') },
  '/api/v1/asyncapi.json': { statuses: everyone(200), url: same('/api/v1/asyncapi.json') },
  '/api/v1/schemas': { statuses: everyone(200), url: same('/api/v1/schemas') },
  '/assets/*': { statuses: everyone(200), url: same('/assets/uptake.css') },
  '/vendor/htmx/*': { statuses: everyone(200), url: same('/vendor/htmx/htmx.min.js') },
};

/** Writes that are not form targets: the statuses, the body each sends, and the URL when the route has parameters. */
const OTHER_WRITES: Record<string, Row & { fields: Record<string, string>; path?: string }> = {
  // A wrong password whoever sends it; the signed-in are refused the same way.
  // A token is no browser: without the sign-in page's session it has no CSRF token.
  'POST /signin': { statuses: { ...everyone(401), token: 403 }, fields: { email: 'admin@test.example', password: 'not the password' } },
  // The current password is wrong: signed-in roles get the form back, nothing is recorded.
  'POST /account/password': {
    statuses: { ...everyone(422), anonymous: 401, token: 401 },
    fields: { current: 'not the password', password: 'a new password long enough', confirm: 'a new password long enough' },
  },
  // The token is shown on the answer itself, never behind a redirect.
  'POST /integrations/tokens': { statuses: adminForm(200), fields: { key: randomUUID(), name: 'Matrix', source: 'urn:matrix' } },
  'POST /integrations/tokens/:tokenId/revoke': {
    statuses: adminForm(404),
    fields: {},
    path: '/integrations/tokens/no-such-token/revoke',
  },
  'POST /integrations/dead-letters/redrive': {
    statuses: adminForm(422),
    fields: { key: randomUUID() },
    path: '/integrations/dead-letters/redrive?reason=no%20such%20reason',
  },
  'POST /integrations/dead-letters/:seq/redrive': {
    statuses: adminForm(404),
    fields: { key: randomUUID() },
    path: '/integrations/dead-letters/1/redrive',
  },
  // Without JavaScript the new password waits in the session for the page the redirect opens.
  'POST /people': {
    statuses: adminForm(303),
    fields: { key: randomUUID(), name: 'Max Matrix', email: 'max@test.example', role: 'leader', coachId: '' },
  },
  'POST /people/:accountId/role': {
    statuses: adminForm(404),
    fields: { role: 'leader', coachId: '', revision: '0' },
    path: '/people/acct-nobody/role',
  },
  'POST /people/:accountId/deactivate': { statuses: adminForm(404), fields: {}, path: '/people/acct-nobody/deactivate' },
  'POST /people/:accountId/reactivate': { statuses: adminForm(404), fields: {}, path: '/people/acct-nobody/reactivate' },
  'POST /people/:accountId/password': { statuses: adminForm(404), fields: {}, path: '/people/acct-nobody/password' },
};

const FORM_STATUSES: Record<string, Statuses> = {
  '/organisation/register-area': write,
  '/organisation/register-team': write,
  '/organisation/register-coach': adminWrite,
  '/organisation/areas/:areaId/rename-area': write,
  '/organisation/areas/:areaId/move-area': write,
  '/organisation/areas/:areaId/assign-coach': adminWrite,
  '/organisation/areas/:areaId/unassign-coach': adminWrite,
  '/cycles': adminWrite,
  '/cycles/:cycleId/close': adminWrite,
  '/alignment/themes': adminWrite,
  '/themes/:themeId/rename': adminWrite,
  '/themes/:themeId/drop': adminWrite,
};

const SOURCE = 'urn:okr-tool';
/** The ingest route's own event, on a day no form records a check-in. */
const ingestEvent = (id: string) => ({
  specversion: '1.0',
  id,
  source: SOURCE,
  type: 'org.okr.checkin.held.v1',
  time: '2026-11-19T09:30:00Z',
  datacontenttype: 'application/json',
  data: { teamKey: 'SRCH', cycleName: '2026-Q4', heldOn: '2026-11-19', attendance: 0.8 },
});

let world: World;
let app: FastifyInstance;
let ids: TargetIds;
let targets: WriteTarget[];
let token: string;
const sessions = {} as Record<Who, Session | null>;

beforeAll(async () => {
  world = openWorld();
  await seedSmallOrganisation(world);
  world.runner.start();
  token = (await grantTestToken(world, SOURCE)).token;
  table.routes.length = 0;
  app = await appFor(world, {}, null);
  await app.ready();
  const admin = await signIn(app, world, 'admin');
  const coach = await signIn(app, world, 'coach');
  Object.assign(sessions, {
    anonymous: await visitor(app),
    token: null,
    leader: await signIn(app, world, 'leader'),
    coachOutside: coach,
    coachInside: coach,
    admin,
  });
  // The things the targets act on, made by an admin through a second instance of the app.
  const asAdmin = await appFor(world, {}, null);
  signInEveryRequest(asAdmin, admin);
  ids = await seedWriteTargets(asAdmin);
  await asAdmin.close();
  targets = writeTargets(world, ids);
}, 60_000);

afterAll(async () => {
  await app?.close();
  await closeWorld(world);
});

/** Someone who opened the sign-in page: a session cookie and its CSRF token, signed in as nobody. */
async function visitor(app: FastifyInstance): Promise<Session> {
  const form = await app.inject({ url: '/signin' });
  const csrfToken = /name="_csrf" value="([^"]+)"/.exec(form.body)?.[1];
  if (csrfToken === undefined) throw new Error('no CSRF field on the sign-in page');
  return { cookie: form.cookies.map((c) => `${c.name}=${c.value}`).join('; '), csrfToken };
}

const credentials = (who: Who): Record<string, string> => {
  const session = sessions[who];
  return session === null ? { authorization: `Bearer ${token}` } : { cookie: session.cookie, 'x-csrf-token': session.csrfToken };
};
/** Refused ones try the inside instance; coachOutside is refused the outside one, which an admin then writes. */
const sideOf = (who: Who) => (who === 'coachOutside' || who === 'admin' ? 'outside' : 'inside');

/** Sends the request; a refusal must leave the store's head where it was. */
async function answer(who: Who, method: string, url: string, fields?: Record<string, string>, json?: unknown) {
  const before = await world.store.headPosition();
  const response = await app.inject({
    method: method as 'GET',
    url,
    headers: {
      ...credentials(who),
      ...(fields && { 'content-type': 'application/x-www-form-urlencoded' }),
      ...(json !== undefined && { 'content-type': 'application/cloudevents+json' }),
    },
    ...(fields && { payload: new URLSearchParams(fields).toString() }),
    ...(json !== undefined && { payload: JSON.stringify(json) }),
  });
  const after = await world.store.headPosition();
  if (response.statusCode >= 400 || method === 'GET' || method === 'HEAD')
    expect(after, `${who} ${method} ${url} stored an event`).toBe(before);
  else expect(after, `${who} ${method} ${url} stored nothing`).toBeGreaterThan(before);
  return response;
}

const statusesOf = (who: Who, statuses: Statuses, response: { statusCode: number; body: string }) =>
  expect(
    response.statusCode,
    `${who}: ${response.body
      .replace(/<[^>]*>/g, ' ')
      .replace(/\s+/g, ' ')
      .slice(0, 3000)}`,
  ).toBe(statuses[who]);

describe('the route table', () => {
  it('has a row here for every route and method Fastify serves, and no row for a route it does not', () => {
    const served = table.routes
      .flatMap((route) => [route.method].flat().map((method) => `${method} ${route.url}`))
      .filter((key, index, all) => all.indexOf(key) === index)
      .sort();
    const rows = [
      ...Object.keys(GETS).flatMap((url) => [`GET ${url}`, `HEAD ${url}`]),
      ...Object.keys(OTHER_WRITES),
      ...writeTargetRoutes.map((route) => `POST ${route}`),
      'POST /api/v1/events',
      'OPTIONS /api/v1/events',
      'POST /signout',
    ].sort();
    expect(served).toEqual(rows);
  });

  it('names an access rule on every route', () => {
    expect(table.routes.filter((route) => route.config?.access === undefined).map((r) => `${String(r.method)} ${r.url}`)).toEqual([]);
  });
});

/** The form targets, known before the world exists so each gets its own test. */
const writeTargetRoutes = [
  ...Object.keys(FORM_STATUSES),
  ...[
    'check-in-held',
    'check-in-missed',
    'training-completed',
    'okrs-drafted',
    'okrs-published',
    'key-result-progress',
    'cycle-review',
    'retrospective',
    'resize',
    'move',
  ].map((form) => `/teams/:teamId/${form}`),
  '/resistance',
  '/resistance/:signalId/acknowledge',
  '/resistance/:signalId/plan',
  ...['complete', 'cancel'].map((action) => `/resistance/:signalId/interventions/:interventionId/${action}`),
  // Resolving ends what the others need: last.
  '/resistance/:signalId/escalate',
  '/resistance/:signalId/resolve',
  '/stakeholders',
  ...['engagement', 'attitude', 'desired', 'adkar', 'map'].map((form) => `/stakeholders/:stakeholderId/${form}`),
  '/alignment/objectives',
  '/alignment/team-objectives',
  // Linked before unlinked; dropping ends the rest: last.
  ...['rename', 'link', 'key-result', 'unlink', 'drop'].map((form) => `/objectives/:objectiveId/${form}`),
];

describe.each(['GET', 'HEAD'])('%s', (method) => {
  it.each(Object.entries(GETS))(`${method} %s`, async (_route, row) => {
    const urls = row.url!(ids);
    // Only a GET page is worth a redirect to sign in; a signed-out HEAD is just refused.
    const statuses = method === 'HEAD' && row.statuses.anonymous === 303 ? { ...row.statuses, anonymous: 401, token: 401 } : row.statuses;
    for (const who of WHO) statusesOf(who, statuses, await answer(who, method, urls[sideOf(who)]));
  });
});

describe('POST form targets, in the order their effects allow', () => {
  it.each(writeTargetRoutes.map((route) => [route]))('POST %s', async (route) => {
    const target = targets.find((t) => t.route === route);
    expect(target, `writeTargets() has no body for ${route}`).toBeDefined();
    const statuses = FORM_STATUSES[route] ?? write;
    for (const who of WHO) {
      const post = target![sideOf(who)];
      statusesOf(who, statuses, await answer(who, 'POST', post.url, await post.fields()));
    }
  });
});

describe('other writes', () => {
  it.each(Object.entries(OTHER_WRITES))('%s', async (key, row) => {
    const url = row.path ?? key.split(' ')[1]!;
    for (const who of WHO) statusesOf(who, row.statuses, await answer(who, 'POST', url, row.fields));
  });

  it('POST /signout: signed out there is nothing to end; any signed-in role ends its own session', async () => {
    for (const who of ['anonymous', 'token'] as const) statusesOf(who, everyone(401), await answer(who, 'POST', '/signout', {}));
    for (const role of ['leader', 'coach', 'admin'] as const) {
      const own = await signIn(app, world, role);
      const out = await app.inject({ method: 'POST', url: '/signout', headers: { cookie: own.cookie, 'x-csrf-token': own.csrfToken } });
      expect(out.statusCode).toBe(303);
      expect((await app.inject({ url: '/account', headers: { cookie: own.cookie } })).statusCode).toBe(303);
    }
  });

  it('POST /api/v1/events: only an integration token records; a session is no token', async () => {
    let n = 0;
    const statuses: Statuses = { ...everyone(401), token: 200 };
    for (const who of WHO) statusesOf(who, statuses, await answer(who, 'POST', '/api/v1/events', undefined, ingestEvent(`matrix-${++n}`)));
  });

  it('OPTIONS /api/v1/events: the webhook handshake answers anyone who names their origin', async () => {
    for (const who of WHO) {
      const response = await app.inject({
        method: 'OPTIONS',
        url: '/api/v1/events',
        headers: { ...credentials(who), 'webhook-request-origin': 'okr-tool.example.com' },
      });
      expect(response.statusCode, who).toBe(200);
      expect(response.headers['webhook-allowed-origin']).toBe('okr-tool.example.com');
    }
  });
});

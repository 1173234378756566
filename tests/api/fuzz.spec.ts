/**
 * Property-based fuzzing (fast-check) of every form target, every page's parameters and
 * querystring, and the ingest API: malformed, huge, unicode and type-confused input is answered
 * with a 4xx, never a 5xx, and a refused request never stores an event. Runs are few per route
 * so the suite stays fast; a failure prints the seed that reproduces it.
 */
import fc from 'fast-check';
import type { FastifyInstance, InjectOptions } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appFor, closeWorld, grantTestToken, openWorld, seedSmallOrganisation, type World } from '../support/webApp.ts';
import { seedWriteTargets, writeTargets, type WriteTarget } from '../support/writeTargets.ts';

const RUNS = 12;

/** Text a careless or hostile client sends where a field, id or parameter goes. */
const nasty = fc.oneof(
  fc.string(),
  fc.string({ unit: 'grapheme', maxLength: 40 }),
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.integer().map(String),
  fc.double().map(String),
  fc.constantFrom(
    '',
    ' ',
    '-1',
    '1e308',
    'NaN',
    '9'.repeat(400),
    '2026-02-30',
    '0000-00-00',
    '9999-99-99T99:99',
    'null',
    '[]',
    '{}',
    '__proto__',
    'constructor',
    '\u0000',
    '\uFFFF\uD800',
    '%00%',
    '../../etc/passwd',
    '<script>alert(1)</script>',
    'x'.repeat(100_000),
  ),
);
const fieldName = (known: readonly string[]) =>
  fc.oneof(fc.constantFrom(...known, 'revision', 'key', '_csrf', '__proto__', 'constructor'), fc.string());
const contentTypes = fc.constantFrom(
  'application/x-www-form-urlencoded',
  'application/json',
  'text/plain',
  'multipart/form-data; boundary=x',
  'application/xml',
  'application/x-www-form-urlencoded; charset=utf-16',
);

let world: World;
let app: FastifyInstance;
let targets: WriteTarget[];
let token: string;

beforeAll(async () => {
  world = openWorld();
  await seedSmallOrganisation(world);
  world.runner.start();
  token = (await grantTestToken(world, 'urn:okr-tool')).token;
  app = await appFor(world);
  targets = writeTargets(world, await seedWriteTargets(app));
}, 60_000);
afterAll(async () => {
  await app.close();
  await closeWorld(world);
});

/** Sends a request: never a 5xx, and a 4xx leaves the store's head where it was. */
async function answered(request: InjectOptions) {
  const before = await world.store.headPosition();
  const response = await app.inject(request);
  const what = `${request.method ?? 'GET'} ${String(request.url).slice(0, 200)} → ${response.statusCode} ${response.body.slice(0, 200)}`;
  expect(response.statusCode, what).toBeLessThan(500);
  if (response.statusCode >= 400) expect(await world.store.headPosition(), `a refused request stored an event: ${what}`).toBe(before);
  return response;
}

/** encodeURIComponent throws on these; the raw bytes they would be are tried below. */
const loneSurrogate = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;
/** A path segment: any text, percent-encoded, or one that is not valid percent-encoding or UTF-8 at all. */
const segment = fc.oneof(
  nasty.filter((id) => id !== '').map((id) => encodeURIComponent(id.replace(loneSurrogate, '\uFFFD'))),
  fc.constantFrom('%ED%A0%80', '%FF%FE', '%', '%zz', '%2e%2e', '..', '%00'),
);
/** The url with its first id (a team, an area, a signal…) replaced by `segment`. */
const withId = (url: string, encoded: string) =>
  url.replace(/\/(sig|int|[0-9a-f]{8}-)[^/]*|\/(pay|srch|plat|eng|rnd|coach-ada)\b/, `/${encoded}`);

describe('form targets', () => {
  const routes = () => targets.map((t) => [t.route, t] as const);

  it('has targets to fuzz', () => expect(targets.length).toBeGreaterThan(30));

  it('a valid form with fields replaced, repeated or added: never a 5xx, no event from a refusal', async () => {
    for (const [route, target] of routes()) {
      const valid = await target.outside.fields();
      await fc
        .assert(
          fc.asyncProperty(
            fc.array(fc.tuple(fieldName(Object.keys(valid)), nasty), { maxLength: 6 }),
            fc.boolean(),
            async (changes, repeat) => {
              const body = new URLSearchParams(valid);
              for (const [name, value] of changes) repeat ? body.append(name, value) : body.set(name, value);
              await answered({
                method: 'POST',
                url: target.outside.url,
                payload: body.toString(),
                headers: { 'content-type': 'application/x-www-form-urlencoded' },
              });
            },
          ),
          { numRuns: RUNS, interruptAfterTimeLimit: 20_000 },
        )
        .catch((error: Error) => {
          throw new Error(`${route}: ${error.message}`);
        });
    }
  }, 240_000);

  it('type-confused and malformed bodies, any content type: never a 5xx, no event', async () => {
    for (const [route, target] of routes()) {
      await fc
        .assert(
          fc.asyncProperty(
            fc.oneof(
              fc.jsonValue().map((v) => JSON.stringify(v)),
              fc.string(),
              fc.string({ unit: 'binary' }),
            ),
            contentTypes,
            async (payload, contentType) => {
              await answered({ method: 'POST', url: target.outside.url, payload, headers: { 'content-type': contentType } });
            },
          ),
          { numRuns: RUNS, interruptAfterTimeLimit: 20_000 },
        )
        .catch((error: Error) => {
          throw new Error(`${route}: ${error.message}`);
        });
    }
  }, 240_000);

  it('a body over the limit is refused with 413', async () => {
    const target = targets[0]!;
    const response = await answered({
      method: 'POST',
      url: target.outside.url,
      payload: `name=${'x'.repeat(2 * 1024 * 1024)}`,
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    expect(response.statusCode).toBe(413);
  });

  it('ids in the path that do not exist or are not ids: never a 5xx, no event', async () => {
    for (const [route, target] of routes().filter(([r]) => r.includes(':'))) {
      const valid = await target.outside.fields();
      await fc
        .assert(
          fc.asyncProperty(segment, async (id) => {
            await answered({
              method: 'POST',
              url: withId(target.outside.url, id),
              payload: new URLSearchParams(valid).toString(),
              headers: { 'content-type': 'application/x-www-form-urlencoded' },
            });
          }),
          { numRuns: RUNS },
        )
        .catch((error: Error) => {
          throw new Error(`${route}: ${error.message}`);
        });
    }
  }, 240_000);
});

describe('pages', () => {
  const pages = [
    '/',
    '/heatmap',
    '/heatmap.csv',
    '/evidence',
    '/timeline',
    '/digest',
    '/coaches',
    '/coaches/coach-ada/week',
    '/areas/plat',
    '/teams/pay',
    '/resistance',
    '/resistance/sig-1',
    '/resistance.csv',
    '/stakeholders',
    '/stakeholders.csv',
    '/organisation',
    '/cycles',
    '/account',
    '/signin',
  ];
  const known = [
    'asOf',
    'cycle',
    'area',
    'team',
    'dimension',
    'kind',
    'status',
    'severity',
    'actor',
    'page',
    'next',
    'recorded',
    'sort',
    'q',
    'days',
    'week',
  ];

  it.each(pages)(
    '%s with any querystring or id: never a 5xx',
    async (page) => {
      await fc.assert(
        fc.asyncProperty(
          fc.array(fc.tuple(fieldName(known), nasty), { maxLength: 5 }),
          segment,
          fc.boolean(),
          async (query, id, swapId) => {
            const url = swapId ? withId(page, id) : page;
            const search = new URLSearchParams(query.map(([k, v]): [string, string] => [k, v.slice(0, 2000)])).toString();
            await answered({ method: 'GET', url: search === '' ? url : `${url}?${search}`, headers: { 'hx-request': String(swapId) } });
          },
        ),
        { numRuns: RUNS },
      );
    },
    60_000,
  );
});

describe('POST /api/v1/events', () => {
  const valid = {
    specversion: '1.0',
    id: 'fuzz',
    source: 'urn:okr-tool',
    type: 'org.okr.checkin.held.v1',
    time: '2026-11-20T09:00:00Z',
    datacontenttype: 'application/json',
    data: { teamKey: 'SRCH', cycleName: '2026-Q4', heldOn: '2026-11-20', attendance: 0.5 },
  };
  const post = (payload: string, contentType: string, headers: Record<string, string> = {}) =>
    answered({
      method: 'POST',
      url: '/api/v1/events',
      payload,
      headers: { authorization: `Bearer ${token}`, 'content-type': contentType, ...headers },
    });

  it('envelopes and data with fields replaced by anything JSON: never a 5xx, no event from a refusal', async () => {
    const anything = fc.oneof(fc.jsonValue(), nasty);
    await fc.assert(
      fc.asyncProperty(
        fc.dictionary(fc.constantFrom(...Object.keys(valid), 'extension', '__proto__'), anything, { maxKeys: 4 }),
        fc.dictionary(fc.constantFrom(...Object.keys(valid.data), 'extra'), anything, { maxKeys: 3 }),
        fc.constantFrom('application/cloudevents+json', 'application/cloudevents-batch+json'),
        async (envelope, data, contentType) => {
          const event = { ...valid, id: crypto.randomUUID(), ...envelope, data: { ...valid.data, ...data } };
          await post(JSON.stringify(contentType.includes('batch') ? [event, event] : event), contentType);
        },
      ),
      { numRuns: 80 },
    );
  }, 120_000);

  it('bodies that are not envelopes, in every mode: never a 5xx, no event', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          fc.jsonValue().map((v) => JSON.stringify(v)),
          fc.string(),
          fc.constant('['.repeat(5000)),
        ),
        fc.constantFrom('application/cloudevents+json', 'application/cloudevents-batch+json', 'application/json', 'text/plain', ''),
        fc.dictionary(
          fc.constantFrom('ce-specversion', 'ce-id', 'ce-source', 'ce-type', 'ce-time'),
          fc.string({ maxLength: 30 }).map((s) => s.replace(/[^\x20-\x7e]/g, '')),
          {
            maxKeys: 5,
          },
        ),
        async (payload, contentType, ceHeaders) => {
          await post(payload, contentType, ceHeaders);
        },
      ),
      { numRuns: 80 },
    );
  }, 120_000);
});

/**
 * CloudEvents over HTTP into a real SQLite world: each event accepted, duplicate or rejected with
 * its reason; the token decides who may send for which source.
 */
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cloudEventKey } from '../../src/ingest/ingest.ts';
import { revokeIntegrationToken } from '../../src/integration/handlers.ts';
import {
  appFor,
  byCli,
  closeWorld,
  CYCLE,
  grantTestToken,
  openWorld,
  seedSmallOrganisation,
  TODAY,
  type World,
} from '../support/webApp.ts';

const SOURCE = 'urn:okr-tool';

let world: World;
let app: FastifyInstance;
const tokens: Record<'okrTool' | 'calendar' | 'revoked', string> = { okrTool: '', calendar: '', revoked: '' };

beforeAll(async () => {
  world = openWorld();
  await seedSmallOrganisation(world);
  tokens.okrTool = (await grantTestToken(world, SOURCE)).token;
  tokens.calendar = (await grantTestToken(world, 'urn:calendar')).token;
  const revoked = await grantTestToken(world, SOURCE);
  await revokeIntegrationToken(world, { type: 'RevokeIntegrationToken', data: { tokenId: revoked.tokenId } }, byCli);
  tokens.revoked = revoked.token;
  await world.runner.catchUp();
  app = await appFor(world);
});
afterAll(async () => {
  await app.close();
  await closeWorld(world);
});

const checkIn = (id: string, data: Record<string, unknown> = {}) => ({
  specversion: '1.0',
  id,
  source: SOURCE,
  type: 'org.okr.checkin.held.v1',
  time: '2026-11-24T15:30:00+01:00',
  datacontenttype: 'application/json',
  data: { teamKey: 'PAY', cycleName: '2026-Q4', heldOn: '2026-11-24', attendance: 0.8, ...data },
});

const post = (body: unknown, contentType: string, token = tokens.okrTool, headers: Record<string, string> = {}) =>
  app.inject({
    method: 'POST',
    url: '/api/v1/events',
    payload: typeof body === 'string' ? body : JSON.stringify(body),
    headers: { 'content-type': contentType, ...(token && { authorization: `Bearer ${token}` }), ...headers },
  });

const storedWith = async (source: string, id: string) => {
  const events = await world.store.readStream('team-pay');
  return events.filter((e) => e.metadata.cloudEvent?.source === source && e.metadata.cloudEvent.id === id);
};

describe('POST /api/v1/events', () => {
  it('records a structured CloudEvent once, however often it is delivered, keeping its source, id and time', async () => {
    const first = await post(checkIn('ci-1'), 'application/cloudevents+json');
    expect(first.statusCode, first.body).toBe(200);
    expect(first.json()).toEqual({ results: [{ id: 'ci-1', source: SOURCE, status: 'accepted' }] });

    const again = await post(checkIn('ci-1'), 'application/cloudevents+json');
    expect(again.json()).toEqual({ results: [{ id: 'ci-1', source: SOURCE, status: 'duplicate' }] });

    const stored = await storedWith(SOURCE, 'ci-1');
    expect(stored).toHaveLength(1);
    expect(stored[0]!.type).toBe('CheckInHeld');
    expect(stored[0]!.data).toEqual({ teamId: 'pay', cycleId: CYCLE, heldOn: '2026-11-24', attendance: 0.8 });
    expect(stored[0]!.metadata).toMatchObject({
      eventId: cloudEventKey(SOURCE, 'ci-1'),
      actor: { kind: 'integration', id: SOURCE },
      source: 'http',
      occurredAt: '2026-11-24T14:30:00.000Z',
      cloudEvent: { source: SOURCE, id: 'ci-1', time: '2026-11-24T15:30:00+01:00' },
    });
  });

  it('answers each event of a batch: accepted, duplicate or rejected with the reason', async () => {
    const res = await post(
      [
        checkIn('b-1', { heldOn: '2026-11-20' }),
        checkIn('ci-1'),
        checkIn('b-2', { teamKey: 'SALES9' }),
        checkIn('b-3', { heldOn: '2026-11-30' }),
        checkIn('b-4', { attendance: 2 }),
        { ...checkIn('b-5'), type: 'org.okr.unknown.v1' },
        { ...checkIn('b-6'), specversion: '0.3' },
        'not an event',
      ],
      'application/cloudevents-batch+json',
    );
    expect(res.statusCode, res.body).toBe(200);
    const results = res.json().results as { id: string | null; status: string; reason?: string }[];
    expect(results.map((r) => [r.id, r.status])).toEqual([
      ['b-1', 'accepted'],
      ['ci-1', 'duplicate'],
      ['b-2', 'rejected'],
      ['b-3', 'rejected'],
      ['b-4', 'rejected'],
      ['b-5', 'rejected'],
      ['b-6', 'rejected'],
      [null, 'rejected'],
    ]);
    expect(results[2]!.reason).toBe('data.teamKey: no team with key SALES9');
    expect(results[3]!.reason).toMatch(/^heldOn: cannot be after today/);
    expect(results[4]!.reason).toMatch(/^data\.attendance: /);
    expect(results[5]!.reason).toMatch(/^type: no mapping for "org\.okr\.unknown\.v1"; accepted types: org\.okr\.checkin\.held\.v1/);
    expect(results[6]!.reason).toBe('specversion: must be "1.0" (CloudEvents 1.0)');
    expect(results[7]!.reason).toBe('envelope: must be a JSON object (a CloudEvent)');
  });

  it('answers 422 when every event of the request was rejected', async () => {
    const res = await post([checkIn('r-1', { cycleName: '1999-Q1' })], 'application/cloudevents-batch+json');
    expect(res.statusCode).toBe(422);
    expect(res.json().results[0]).toMatchObject({ status: 'rejected', reason: 'data.cycleName: no cycle named 1999-Q1' });
  });

  it('takes binary mode: attributes in ce-* headers, the data as a JSON body', async () => {
    const { data, specversion, id, source, type, time } = checkIn('bin-1', { heldOn: '2026-11-23' });
    const headers = { 'ce-specversion': specversion, 'ce-id': id, 'ce-source': source, 'ce-type': type, 'ce-time': time };
    const res = await post(data, 'application/json; charset=utf-8', tokens.okrTool, headers);
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json().results).toEqual([{ id: 'bin-1', source: SOURCE, status: 'accepted' }]);
    expect(await storedWith(SOURCE, 'bin-1')).toHaveLength(1);
  });

  it("creates a team from its area code, and takes the team's check-ins by its key", async () => {
    const team = {
      specversion: '1.0',
      id: 't-1',
      source: SOURCE,
      type: 'org.okr.team.created.v1',
      data: { key: 'SALES', name: 'Sales', areaCode: 'RND', size: 6 },
    };
    expect((await post(team, 'application/cloudevents+json')).json().results[0].status).toBe('accepted');
    await world.runner.catchUp();
    expect((await post(checkIn('t-2', { teamKey: 'SALES' }), 'application/cloudevents+json')).json().results[0].status).toBe('accepted');
    expect((await post(team, 'application/cloudevents+json')).json().results[0].status).toBe('duplicate');
  });

  it('shows an ingested check-in on the timeline, from its source, and as evidence of the run score', async () => {
    await world.runner.catchUp();
    const timeline = await app.inject('/timeline');
    expect(timeline.body).toContain(`<span class="actor actor--integration">integration</span> <span title="${SOURCE}">${SOURCE}</span>`);
    expect(timeline.body).toMatch(/actor--integration.*\s*<small>from <code>http<\/code><\/small>/);
    const evidence = world.queries.evidence('pay', CYCLE, 'run', TODAY).map((e) => e.eventId);
    expect(evidence).toContain(cloudEventKey(SOURCE, 'ci-1'));
  });

  it('refuses a request without a token, with an unknown or revoked one (401), and a token of another source (403)', async () => {
    const noToken = await post(checkIn('a-1'), 'application/cloudevents+json', '');
    expect(noToken.statusCode).toBe(401);
    expect(noToken.json().message).toMatch(/Authorization: Bearer <token>/);
    expect((await post(checkIn('a-1'), 'application/cloudevents+json', 'upt_nobody')).statusCode).toBe(401);
    const revoked = await post(checkIn('a-1'), 'application/cloudevents+json', tokens.revoked);
    expect(revoked.statusCode).toBe(401);
    expect(revoked.json().message).toMatch(/revoked/);
    const foreign = await post(checkIn('a-1'), 'application/cloudevents+json', tokens.calendar);
    expect(foreign.statusCode).toBe(403);
    expect(foreign.json().message).toBe(`this token may ingest events from source urn:calendar only; event a-1 claims source ${SOURCE}`);
    expect(await storedWith(SOURCE, 'a-1')).toEqual([]);
  });

  it('refuses what it cannot read, saying what is wrong: 415, 400, 413', async () => {
    const text = await post('hello', 'text/plain');
    expect(text.statusCode).toBe(415);
    expect(text.json().message).toMatch(/^Content-Type must be application\/cloudevents\+json/);
    expect((await post('a=1', 'application/x-www-form-urlencoded')).statusCode).toBe(415);

    const badJson = await post('{"specversion":', 'application/cloudevents+json');
    expect(badJson.statusCode).toBe(400);

    const noHeaders = await post({ teamKey: 'PAY' }, 'application/json');
    expect(noHeaders.statusCode).toBe(400);
    expect(noHeaders.json().message).toMatch(/^ce-specversion: is required in binary mode/);

    const malformed = await post({ ...checkIn('m-1'), id: '' }, 'application/cloudevents+json');
    expect(malformed.statusCode).toBe(400);
    expect(malformed.json().message).toMatch(/^id: /);

    const notArray = await post(checkIn('m-2'), 'application/cloudevents-batch+json');
    expect(notArray.statusCode).toBe(400);
    expect(notArray.json().message).toBe('body: a batch must be a JSON array of CloudEvents');

    const tooMany = await post(
      Array.from({ length: 1001 }, (_, i) => checkIn(`many-${i}`)),
      'application/cloudevents-batch+json',
    );
    expect(tooMany.statusCode).toBe(413);
    expect(tooMany.json().message).toBe('a batch holds at most 1000 events; this one has 1001');
    expect(await storedWith(SOURCE, 'many-0')).toEqual([]);

    const huge = await post(checkIn('h-1', { keyResultRef: 'x'.repeat(3 * 1024 * 1024) }), 'application/cloudevents+json');
    expect(huge.statusCode).toBe(413);
    expect(huge.json().message).toMatch(/larger than 2 MiB/);
  });
});

describe('GET /api/v1/schemas', () => {
  it("publishes each accepted type's data as JSON Schema, from the zod schemas", async () => {
    const res = await app.inject('/api/v1/schemas');
    expect(res.statusCode).toBe(200);
    const schemas = res.json() as Record<string, { type: string; required: string[]; properties: Record<string, unknown> }>;
    expect(Object.keys(schemas).sort()).toEqual([
      'org.okr.checkin.held.v1',
      'org.okr.checkin.missed.v1',
      'org.okr.keyresult.defined.v1',
      'org.okr.keyresult.progress.v1',
      'org.okr.objective.linked.v1',
      'org.okr.objective.set.v1',
      'org.okr.objective.unlinked.v1',
      'org.okr.team.created.v1',
      'org.okr.theme.set.v1',
      'org.okr.training.completed.v1',
    ]);
    expect(schemas['org.okr.checkin.held.v1']!.required.sort()).toEqual(['cycleName', 'heldOn', 'teamKey']);
    expect(schemas['org.okr.keyresult.progress.v1']!.properties.progress).toEqual({ type: 'number', minimum: 0, maximum: 1 });
  });
});

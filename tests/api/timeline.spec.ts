/**
 * The timeline / audit page over real components: a SQLite file, the SQLite event store and
 * the projection runner with the timeline read model. Events are appended by several kinds of
 * actor from several sources, the projections catch up, and the page is asked for with
 * `app.inject`.
 */
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { UptakeEvent } from '../../src/events.ts';
import { withMetadata } from '../../src/shared/commandHandler.ts';
import type { Actor } from '../../src/shared/event.ts';
import { appFor, closeWorld, CYCLE, openWorld, type World } from '../support/webApp.ts';

const ada: Actor = { kind: 'user', id: 'coach-ada' };
const okrTool: Actor = { kind: 'integration', id: 'okr-tool' };
const staleCheckIns: Actor = { kind: 'rule', id: 'stale-check-ins' };
const system: Actor = { kind: 'system', id: 'seed' };

async function record(world: World, streamId: string, actor: Actor, source: string, on: string, ...events: UptakeEvent[]): Promise<bigint> {
  const stored = withMetadata(events, { actor, source, occurredAt: `${on}T09:30:00.000Z`, now: new Date('2026-11-25T10:00:00.000Z') });
  return (await world.store.appendToStream(streamId, stored, 'any')).position;
}

/** Positions of the entries a page lists, in the order shown. */
const positionsIn = (html: string): number[] => [...html.matchAll(/· position (\d+)</g)].map((m) => Number(m[1]));

/** The rows of the entries, one string each. */
const rowsIn = (html: string): string[] => html.split('<td class="timeline__when">').slice(1);
/** A row's event type, as the page words it. */
const typeOf = (row: string): string => /timeline__type">([^<]+?) · position/.exec(row)![1]!;

const CHECK_INS = 60;

/**
 * Engineering with Platform under it, and R&D; Payments (Platform) with 60 check-ins sent by the
 * OKR tool over Kafka, Search (Engineering), Lab <X> (R&D) with a signal a rule raised; a
 * stakeholder in Engineering whom Ada met.
 */
async function seedTimeline(world: World): Promise<{ last: bigint }> {
  await record(world, `cycle-${CYCLE}`, system, 'seed', '2026-09-20', {
    type: 'CycleOpened',
    data: { cycleId: CYCLE, name: '2026-Q4', startsOn: '2026-10-01', endsOn: '2026-12-31', checkInCadenceDays: 14 },
  });
  await record(world, 'coach-coach-ada', system, 'seed', '2026-09-20', {
    type: 'CoachRegistered',
    data: { coachId: 'coach-ada', name: 'Ada Lovelace', email: 'ada@example.org' },
  });
  await record(world, 'area-eng', system, 'seed', '2026-09-20', {
    type: 'AreaRegistered',
    data: { areaId: 'eng', code: 'ENG', name: 'Engineering', parentAreaId: null },
  });
  await record(world, 'area-plat', system, 'seed', '2026-09-20', {
    type: 'AreaRegistered',
    data: { areaId: 'plat', code: 'PLAT', name: 'Platform', parentAreaId: 'eng' },
  });
  await record(world, 'area-rnd', system, 'seed', '2026-09-20', {
    type: 'AreaRegistered',
    data: { areaId: 'rnd', code: 'RND', name: 'R&D', parentAreaId: null },
  });
  await record(world, 'team-pay', ada, 'ui', '2026-09-21', {
    type: 'TeamRegistered',
    data: { teamId: 'pay', key: 'PAY', name: 'Payments', areaId: 'plat', size: 8 },
  });
  await record(world, 'team-srch', ada, 'ui', '2026-09-21', {
    type: 'TeamRegistered',
    data: { teamId: 'srch', key: 'SRCH', name: 'Search', areaId: 'eng', size: 4 },
  });
  await record(world, 'team-lab', ada, 'cli', '2026-09-21', {
    type: 'TeamRegistered',
    data: { teamId: 'lab', key: 'LAB', name: 'Lab <X>', areaId: 'rnd', size: 3 },
  });
  for (let i = 0; i < CHECK_INS; i++) {
    const heldOn = new Date(Date.parse('2026-10-01T00:00:00Z') + i * 86_400_000).toISOString().slice(0, 10);
    await record(world, 'team-pay', okrTool, 'kafka:okr-events', heldOn, {
      type: 'CheckInHeld',
      data: { teamId: 'pay', cycleId: CYCLE, heldOn, attendance: 0.8 },
    });
  }
  await record(world, 'team-srch', ada, 'ui', '2026-11-20', {
    type: 'CheckInMissed',
    data: { teamId: 'srch', cycleId: CYCLE, dueOn: '2026-11-20' },
  });
  await record(world, 'stakeholder-vp', ada, 'ui', '2026-11-21', {
    type: 'StakeholderIdentified',
    data: { stakeholderId: 'vp', name: 'Val Pryor', role: 'VP Engineering', areaId: 'eng', influence: 5, interest: 3 },
  });
  await record(world, 'stakeholder-vp', ada, 'ui', '2026-11-22', {
    type: 'EngagementLogged',
    data: { stakeholderId: 'vp', engagementId: 'e1', kind: 'one-on-one', occurredOn: '2026-11-22', sentiment: 1, coachId: 'coach-ada' },
  });
  const last = await record(world, 'signal-s1', staleCheckIns, 'http', '2026-11-23', {
    type: 'ResistanceSignalRaised',
    data: {
      signalId: 's1',
      areaId: 'rnd',
      teamId: 'lab',
      kind: 'no-time',
      severity: 3,
      description: 'No check-in for three weeks',
      source: 'rule',
      rule: 'stale-check-ins',
      raisedOn: '2026-11-23',
    },
  });
  await world.runner.catchUp();
  return { last };
}

describe('timeline page', () => {
  let world: World;
  let app: FastifyInstance;
  let last: bigint;

  beforeAll(async () => {
    world = openWorld();
    ({ last } = await seedTimeline(world));
    app = await appFor(world);
  });

  afterAll(async () => {
    await app?.close();
    if (world) await closeWorld(world);
  });

  it('lists every event newest first: who, what, when and from where, linked to its area and team', async () => {
    const res = await app.inject('/timeline');
    expect(res.statusCode).toBe(200);
    expect(res.body).toMatch(/^<!doctype html>/);
    expect(res.body).toContain('<link rel="stylesheet" href="/assets/timeline.css">');
    const positions = positionsIn(res.body);
    expect(positions).toHaveLength(50);
    expect(positions[0]).toBe(Number(last));
    expect(positions).toEqual([...positions].sort((a, b) => b - a));

    const [newest, engagement] = rowsIn(res.body);
    expect(newest).toContain('Resistance signal raised in Lab &lt;X&gt;: No time, moderate (3), by rule stale-check-ins');
    expect(typeOf(newest!)).toBe('Resistance signal raised');
    expect(newest).toContain('<span class="actor actor--rule">rule</span> <span title="stale-check-ins">stale-check-ins</span>');
    expect(newest).toContain('from <code>http</code>');
    expect(newest).toContain('<time datetime="2026-11-23T09:30:00.000Z">23 Nov 2026, 09:30 UTC</time>');
    expect(newest).toContain('recorded <time datetime="2026-11-25T10:00:00.000Z">25 Nov 2026, 10:00 UTC</time>');
    expect(newest).toContain('<a href="/areas/rnd">R&amp;D</a>');
    expect(newest).toContain('href="/teams/lab"><span class="team-key">LAB</span> Lab &lt;X&gt;</a>');
    expect(newest).not.toContain('Lab <X>');
    expect(engagement).toContain('<span class="actor actor--user">user</span> <span title="coach-ada">Ada Lovelace</span>');
    expect(engagement).toContain('Val Pryor');

    const checkIn = rowsIn(res.body).find((r) => typeOf(r) === 'Check-in held')!;
    expect(checkIn).toContain('<span class="actor actor--integration">integration</span>');
    expect(checkIn).toContain('from <code>kafka:okr-events</code>');
    expect(checkIn).toContain('<a href="/areas/plat">Platform</a>');
    expect(checkIn).toContain('Check-in held on 29 Nov 2026 (attendance 80%)');
  });

  it('pages by position: Older continues exactly where the page ended, and the last page has no Older', async () => {
    const first = await app.inject('/timeline');
    const firstPositions = positionsIn(first.body);
    const boundary = firstPositions.at(-1)!;
    expect(first.body).toContain(`href="/timeline?before=${boundary}"`);
    expect(first.body).not.toContain('>Newest</a>');

    const second = await app.inject(`/timeline?before=${boundary}`);
    expect(second.statusCode).toBe(200);
    const secondPositions = positionsIn(second.body);
    expect(secondPositions[0]).toBe(boundary - 1);
    expect(second.body).toContain('Showing events before position <strong>' + boundary + '</strong>');
    expect(second.body).toMatch(/<a href="\/timeline" [^>]*>Newest<\/a>/);

    const total = Number(last);
    expect(secondPositions).toEqual(Array.from({ length: total - 50 }, (_, i) => total - 50 - i));
    expect(second.body).not.toContain('rel="next"');

    const beyond = await app.inject('/timeline?before=1');
    expect(beyond.statusCode).toBe(200);
    expect(beyond.body).toContain('There are no older events');
  });

  it('keeps the filters on the Older link', async () => {
    const res = await app.inject('/timeline?team=pay&actor=integration');
    const positions = positionsIn(res.body);
    expect(positions).toHaveLength(50);
    expect(res.body).toContain(`href="/timeline?team=pay&amp;actor=integration&amp;before=${positions.at(-1)}"`);
    const older = await app.inject(`/timeline?team=pay&actor=integration&before=${positions.at(-1)}`);
    expect(positionsIn(older.body)).toHaveLength(CHECK_INS - 50);
  });

  it('filters by team', async () => {
    const res = await app.inject('/timeline?team=srch');
    const rows = rowsIn(res.body);
    expect(rows.map(typeOf)).toEqual(['Check-in missed', 'Team registered']);
    expect(res.body).toContain('<option value="srch" selected>SRCH · Search</option>');
    expect(res.body).toContain('Clear filters');
  });

  it('filters by area, finding the events of its teams and of the areas below it', async () => {
    const res = await app.inject('/timeline?area=eng&type=TeamRegistered');
    const rows = rowsIn(res.body);
    expect(rows).toHaveLength(2);
    expect(rows[0]).toContain('Search');
    expect(rows[1]).toContain('Payments');

    const platform = await app.inject('/timeline?area=plat&type=CheckInHeld&before=1000');
    expect(positionsIn(platform.body)).toHaveLength(50);
    const rnd = await app.inject('/timeline?area=rnd');
    expect(rowsIn(rnd.body).map(typeOf)).toEqual(['Resistance signal raised', 'Team registered', 'Area registered']);
  });

  it('words every event type: the rows and the type filter show no type names', async () => {
    const res = await app.inject('/timeline');
    expect(res.body).toContain('<option value="CheckInHeld">Check-in held</option>');
    expect(res.body).toContain('<option value="ResistanceSignalRaised">Resistance signal raised</option>');
    const visible = res.body.replace(/<[^>]*>/g, ' ');
    expect(visible).not.toMatch(/\b(?:[A-Z][a-z]+){2,}\b/);
  });

  it('filters by stakeholder, type and actor', async () => {
    const stakeholder = await app.inject('/timeline?stakeholder=vp');
    expect(rowsIn(stakeholder.body).map(typeOf)).toEqual(['Engagement logged', 'Stakeholder identified']);

    const type = await app.inject('/timeline?type=AreaRegistered');
    expect(positionsIn(type.body)).toEqual([5, 4, 3]);

    const rule = await app.inject('/timeline?actor=rule');
    expect(positionsIn(rule.body)).toEqual([Number(last)]);
    const system = await app.inject('/timeline?actor=system');
    expect(positionsIn(system.body)).toEqual([5, 4, 3, 2, 1]);
  });

  it('says so when no event matches the filters', async () => {
    const res = await app.inject('/timeline?team=lab&actor=integration');
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain('No event matches these filters.');
    expect(res.body).toContain('<a href="/timeline">clear the filters</a>');
  });

  it('answers the htmx filter form with the timeline section only', async () => {
    const res = await app.inject({ url: '/timeline?type=CheckInMissed', headers: { 'hx-request': 'true' } });
    expect(res.statusCode).toBe(200);
    expect(res.headers.vary).toMatch(/HX-Request/i);
    expect(res.body).not.toContain('<html');
    expect(res.body.trimStart()).toMatch(/^<div id="timeline"/);
    expect(positionsIn(res.body)).toHaveLength(1);
  });

  it.each([
    ['before=abc', 'before', '&quot;abc&quot; must be an event position, a whole number from 1'],
    ['before=0', 'before', '&quot;0&quot; must be an event position'],
    ['before=99999999999999999999', 'before', 'must be an event position'],
    ['before=-3', 'before', 'must be an event position'],
  ])('rejects %s with 422, naming before', async (query, field, message) => {
    const res = await app.inject(`/timeline?${query}`);
    expect(res.statusCode).toBe(422);
    expect(res.body).toContain(`role="alert">${field} `);
    expect(res.body).toContain(message);
    // The rest of the page still works: the newest events are listed.
    expect(positionsIn(res.body)[0]).toBe(Number(last));
  });

  it('rejects an unknown type or actor kind with 422, the message beside the field', async () => {
    const type = await app.inject('/timeline?type=CheckInSkipped&team=pay');
    expect(type.statusCode).toBe(422);
    expect(type.body).toContain(
      'id="timeline-type-error">type &quot;CheckInSkipped&quot; must be one of the event types the filter offers</p>',
    );
    expect(type.body).toMatch(/id="timeline-type" name="type" aria-invalid="true"/);
    expect(type.body).toContain('<option value="pay" selected>');

    const actor = await app.inject('/timeline?actor=robot');
    expect(actor.statusCode).toBe(422);
    expect(actor.body).toContain('id="timeline-actor-error">actor &quot;robot&quot; must be one of user, integration, rule, system</p>');

    const area = await app.inject('/timeline?area=not%20an%20id');
    expect(area.statusCode).toBe(422);
    expect(area.body).toContain('id="timeline-area-error">area');
  });
});

describe('timeline page on an empty store', () => {
  let world: World;
  let app: FastifyInstance;

  beforeAll(async () => {
    world = openWorld();
    app = await appFor(world);
  });

  afterAll(async () => {
    await app?.close();
    if (world) await closeWorld(world);
  });

  it('says what to do', async () => {
    const res = await app.inject('/timeline');
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain('No events yet');
    expect(res.body).toContain('<code>npm run seed</code>');
  });
});

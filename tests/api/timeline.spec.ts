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

/** When an entry happened. */
const occurredOf = (row: string): string => /<time datetime="([^"]+)"/.exec(row)![1]!;
/** When each entry a page lists happened, in the order shown. */
const occurredIn = (html: string): string[] => rowsIn(html).map(occurredOf);

/** A pager link's address, as a browser would follow it. */
const linkIn = (html: string, rel: 'next' | 'prev'): string | null =>
  new RegExp(`rel="${rel}" href="([^"]+)"`).exec(html)?.[1]?.replaceAll('&amp;', '&') ?? null;

/** Positions of the entries a page lists, in the order shown. */
const positionsIn = (html: string): number[] => [...html.matchAll(/· position (\d+)</g)].map((m) => Number(m[1]));

/** The rows of the entries, one string each. */
const rowsIn = (html: string): string[] => html.split('<td class="timeline__when">').slice(1);
/** A row's event type, as the page words it. */
const typeOf = (row: string): string => /timeline__type">([^<]+?) · position/.exec(row)![1]!;

const CHECK_INS = 60;

/**
 * Engineering with Platform under it, and R&D; Payments (Platform) with 60 daily check-ins sent
 * by the OKR tool over Kafka (22 Sep to 20 Nov), Search (Engineering), Lab <X> (R&D) with a
 * signal a rule raised; a stakeholder in Engineering whom Ada met; last, a training Search held
 * on 15 Oct, recorded after everything else.
 */
async function seedTimeline(world: World): Promise<{ last: bigint; signal: bigint }> {
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
    const heldOn = new Date(Date.parse('2026-09-22T00:00:00Z') + i * 86_400_000).toISOString().slice(0, 10);
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
  const signal = await record(world, 'signal-s1', staleCheckIns, 'http', '2026-11-23', {
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
  const last = await record(world, 'team-srch', ada, 'ui', '2026-10-15', {
    type: 'TrainingCompleted',
    data: { teamId: 'srch', kind: 'okr-basics', participants: 4, completedOn: '2026-10-15' },
  });
  await world.runner.catchUp();
  return { last, signal };
}

describe('timeline page', () => {
  let world: World;
  let app: FastifyInstance;
  let last: bigint;
  let signal: bigint;
  /** The admin the spec signs in as is opened today, after the seed: AccountOpened, then PasswordSet. */
  let newest: number;

  beforeAll(async () => {
    world = openWorld();
    ({ last, signal } = await seedTimeline(world));
    app = await appFor(world);
    newest = Number(last) + 2;
  });

  afterAll(async () => {
    await app?.close();
    if (world) await closeWorld(world);
  });

  it('lists every event by when it happened, latest first: who, what, when and from where, linked to its area and team', async () => {
    const res = await app.inject('/timeline');
    expect(res.statusCode).toBe(200);
    expect(res.body).toMatch(/^<!doctype html>/);
    expect(res.body).toContain('<link rel="stylesheet" href="/assets/timeline.css">');
    const positions = positionsIn(res.body);
    expect(positions).toHaveLength(50);
    expect(positions.slice(0, 3)).toEqual([newest, newest - 1, Number(signal)]);
    const occurred = occurredIn(res.body);
    expect(occurred).toEqual([...occurred].sort().reverse());

    // Recorded last, it happened on 15 Oct: it sits among that day's check-ins, both times shown.
    const rows = rowsIn(res.body);
    const training = rows.findIndex((r) => typeOf(r) === 'Training completed');
    expect(rows[training]).toContain('<time datetime="2026-10-15T09:30:00.000Z">15 Oct 2026, 09:30 UTC</time>');
    expect(rows[training]).toContain('recorded <time datetime="2026-11-25T10:00:00.000Z">25 Nov 2026, 10:00 UTC</time>');
    expect(rows[training - 1]).toContain('Check-in held on 16 Oct 2026');
    expect(rows[training + 1]).toContain('Check-in held on 15 Oct 2026');
    expect(positions[training]).toBe(Number(last));

    const [passwordSet, accountOpened, raised, engagement] = rowsIn(res.body);
    expect(typeOf(passwordSet!)).toBe('Password set');
    expect(accountOpened).toContain('Account opened for Ann Admin (admin@test.example) as admin');
    expect(accountOpened).toContain('<span class="actor actor--system">system</span> <span title="cli">cli</span>');
    expect(accountOpened).toContain('from <code>cli</code>');
    expect(raised).toContain('Resistance signal raised in Lab &lt;X&gt;: No time, moderate (3), by rule stale-check-ins');
    expect(typeOf(raised!)).toBe('Resistance signal raised');
    expect(raised).toContain('<span class="actor actor--rule">rule</span> <span title="stale-check-ins">stale-check-ins</span>');
    expect(raised).toContain('from <code>http</code>');
    expect(raised).toContain('<time datetime="2026-11-23T09:30:00.000Z">23 Nov 2026, 09:30 UTC</time>');
    expect(raised).toContain('recorded <time datetime="2026-11-25T10:00:00.000Z">25 Nov 2026, 10:00 UTC</time>');
    expect(raised).toContain('<a href="/areas/rnd">R&amp;D</a>');
    expect(raised).toContain('href="/teams/lab"><span class="team-key">LAB</span> Lab &lt;X&gt;</a>');
    expect(raised).not.toContain('Lab <X>');
    expect(engagement).toContain('<span class="actor actor--user">user</span> <span title="coach-ada">Ada Lovelace</span>');
    expect(engagement).toContain('Val Pryor');

    const checkIn = rowsIn(res.body).find((r) => typeOf(r) === 'Check-in held')!;
    expect(checkIn).toContain('<span class="actor actor--integration">integration</span>');
    expect(checkIn).toContain('from <code>kafka:okr-events</code>');
    expect(checkIn).toContain('<a href="/areas/plat">Platform</a>');
    expect(checkIn).toContain('Check-in held on 20 Nov 2026 (attendance 80%)');
  });

  it('pages both ways: Older continues where the page ended, Newer returns to the same page', async () => {
    const first = await app.inject('/timeline');
    expect(first.body).not.toContain('>Newest</a>');
    expect(linkIn(first.body, 'prev')).toBeNull();
    const boundary = rowsIn(first.body).at(-1)!;
    const older = linkIn(first.body, 'next')!;
    expect(older).toBe(`/timeline?before=${encodeURIComponent(`${occurredOf(boundary)}_${positionsIn(boundary)[0]}`)}`);

    const second = await app.inject(older);
    expect(second.statusCode).toBe(200);
    expect(second.body).toContain('Showing events that happened before <strong>');
    expect(second.body).toMatch(/<a href="\/timeline" [^>]*>Newest<\/a>/);
    expect(linkIn(second.body, 'next')).toBeNull();
    const all = [...positionsIn(first.body), ...positionsIn(second.body)];
    expect(all.toSorted((a, b) => a - b)).toEqual(Array.from({ length: newest }, (_, i) => i + 1));
    expect([...occurredIn(first.body), ...occurredIn(second.body)]).toEqual(
      [...occurredIn(first.body), ...occurredIn(second.body)].sort().reverse(),
    );

    const back = await app.inject(linkIn(second.body, 'prev')!);
    expect(back.statusCode).toBe(200);
    expect(positionsIn(back.body)).toEqual(positionsIn(first.body));
    expect(linkIn(back.body, 'prev')).toBeNull();
    expect(linkIn(back.body, 'next')).toBe(older);
  });

  it('keeps older links by position working: the page starts before that event', async () => {
    const first = await app.inject('/timeline');
    const byCursor = await app.inject(linkIn(first.body, 'next')!);
    const byPosition = await app.inject(`/timeline?before=${positionsIn(first.body).at(-1)}`);
    expect(byPosition.statusCode).toBe(200);
    expect(positionsIn(byPosition.body)).toEqual(positionsIn(byCursor.body));

    const oldest = await app.inject('/timeline?before=1');
    expect(oldest.statusCode).toBe(200);
    expect(oldest.body).toContain('There are no older events');
  });

  it('keeps the filters on the Older and Newer links', async () => {
    const res = await app.inject('/timeline?team=pay&actor=integration:okr-tool');
    const positions = positionsIn(res.body);
    expect(positions).toHaveLength(50);
    const olderHref = linkIn(res.body, 'next')!;
    expect(olderHref).toMatch(/^\/timeline\?team=pay&actor=integration%3Aokr-tool&before=/);
    const older = await app.inject(olderHref);
    expect(positionsIn(older.body)).toHaveLength(CHECK_INS - 50);
    expect(older.body).toContain('<option value="integration:okr-tool" selected>');
    const newerHref = linkIn(older.body, 'prev')!;
    expect(newerHref).toMatch(/^\/timeline\?team=pay&actor=integration%3Aokr-tool&after=/);
    expect(positionsIn((await app.inject(newerHref)).body)).toEqual(positions);
  });

  it('filters by team', async () => {
    const res = await app.inject('/timeline?team=srch');
    const rows = rowsIn(res.body);
    expect(rows.map(typeOf)).toEqual(['Check-in missed', 'Training completed', 'Team registered']);
    expect(res.body).toContain('<option value="srch" selected>SRCH · Search</option>');
    expect(res.body).toContain('Clear filters');
  });

  it("lists the chosen area's teams to filter by, keeping a chosen team the list leaves out", async () => {
    const teamOptions = (html: string) =>
      [.../<select id="timeline-team"[^>]*>([\s\S]*?)<\/select>/.exec(html)![1]!.matchAll(/<option value="([^"]*)"/g)].map((m) => m[1]);
    const everywhere = teamOptions((await app.inject('/timeline')).body);
    expect(everywhere).toContain('srch');
    const platform = teamOptions((await app.inject('/timeline?area=plat')).body);
    expect(platform).not.toContain('srch');
    expect(teamOptions((await app.inject('/timeline?area=plat&team=srch')).body)).toEqual(['', 'srch', ...platform.slice(1)]);
  });

  it('filters by area, finding the events of its teams and of the areas below it', async () => {
    const res = await app.inject('/timeline?area=eng&type=TeamRegistered');
    const rows = rowsIn(res.body);
    expect(rows).toHaveLength(2);
    expect(rows[0]).toContain('Search');
    expect(rows[1]).toContain('Payments');

    const platform = await app.inject('/timeline?area=plat&type=CheckInHeld');
    expect(positionsIn(platform.body)).toHaveLength(50);
    const olderInPlatform = await app.inject(linkIn(platform.body, 'next')!);
    expect(positionsIn(olderInPlatform.body)).toHaveLength(CHECK_INS - 50);
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

  it('offers the actors by name: people, each integration, each rule and Uptake itself', async () => {
    const res = await app.inject('/timeline');
    const select = /<select id="timeline-actor"[\s\S]*?<\/select>/.exec(res.body)![0];
    expect(res.body).toContain('<label for="timeline-actor">Recorded by</label>');
    expect([...select.matchAll(/<optgroup label="([^"]+)">/g)].map((m) => m[1])).toEqual(['People', 'Integrations', 'Rules', 'Uptake']);
    expect([...select.matchAll(/<option value="([^"]*)">([^<]*)</g)].map((m) => [m[1], m[2]])).toEqual([
      ['', 'Anyone'],
      ['user:coach-ada', 'Ada Lovelace'],
      ['integration:okr-tool', 'integration okr-tool'],
      ['rule:stale-check-ins', 'rule stale-check-ins'],
      ['system:cli', 'Uptake command line'],
      ['system:seed', 'Uptake demo seed'],
    ]);

    const byAda = await app.inject('/timeline?actor=user:coach-ada');
    expect(rowsIn(byAda.body).map(typeOf)).toEqual([
      'Engagement logged',
      'Stakeholder identified',
      'Check-in missed',
      'Training completed',
      'Team registered',
      'Team registered',
      'Team registered',
    ]);
    expect(byAda.body).toContain('<option value="user:coach-ada" selected>Ada Lovelace</option>');
  });

  it('filters by stakeholder, type and actor', async () => {
    const stakeholder = await app.inject('/timeline?stakeholder=vp');
    expect(rowsIn(stakeholder.body).map(typeOf)).toEqual(['Engagement logged', 'Stakeholder identified']);

    const type = await app.inject('/timeline?type=AreaRegistered');
    expect(positionsIn(type.body)).toEqual([5, 4, 3]);

    const rule = await app.inject('/timeline?actor=rule:stale-check-ins');
    expect(positionsIn(rule.body)).toEqual([Number(signal)]);
    const system = await app.inject('/timeline?actor=system:seed');
    expect(positionsIn(system.body)).toEqual([5, 4, 3, 2, 1]);
  });

  it('says so when no event matches the filters', async () => {
    const res = await app.inject('/timeline?team=lab&actor=integration:okr-tool');
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
    ['before=abc', 'before', '&quot;abc&quot; must be a place on the timeline, as its Older and Newer links give'],
    ['before=0', 'before', '&quot;0&quot; must be a place on the timeline'],
    ['before=99999999999999999999', 'before', 'must be a place on the timeline'],
    ['before=-3', 'before', 'must be a place on the timeline'],
    ['before=1000', 'before', '&quot;1000&quot; must be the position of an event on the timeline'],
    ['before=2026-02-30T09:30:00.000Z_5', 'before', 'must be a place on the timeline'],
    ['after=5', 'after', '&quot;5&quot; must be a place on the timeline'],
    ['after=2026-11-20T09:30:00Z_5', 'after', 'must be a place on the timeline'],
  ])('rejects %s with 422, naming it beside nothing', async (query, field, message) => {
    const res = await app.inject(`/timeline?${query}`);
    expect(res.statusCode).toBe(422);
    expect(res.body).toContain(`role="alert">${field} `);
    expect(res.body).toContain(message);
    // The rest of the page still works: the newest events are listed.
    expect(positionsIn(res.body)[0]).toBe(newest);
  });

  it('rejects Newer and Older at once with 422, keeping Older', async () => {
    const first = await app.inject('/timeline');
    const older = linkIn(first.body, 'next')!;
    const both = await app.inject(`${older}&after=2026-11-20T09:30:00.000Z_5`);
    expect(both.statusCode).toBe(422);
    expect(both.body).toContain('role="alert">after &quot;2026-11-20T09:30:00.000Z_5&quot; cannot be given with before</p>');
    expect(positionsIn(both.body)).toEqual(positionsIn((await app.inject(older)).body));
  });

  it('rejects an unknown type or actor kind with 422, the message beside the field', async () => {
    const type = await app.inject('/timeline?type=CheckInSkipped&team=pay');
    expect(type.statusCode).toBe(422);
    expect(type.body).toContain(
      'id="timeline-type-error">type &quot;CheckInSkipped&quot; must be one of the event types the filter offers</p>',
    );
    expect(type.body).toMatch(/id="timeline-type" name="type" aria-invalid="true"/);
    expect(type.body).toContain('<option value="pay" selected>');

    const actor = await app.inject('/timeline?actor=robot:r2');
    expect(actor.statusCode).toBe(422);
    expect(actor.body).toContain(
      'id="timeline-actor-error">actor &quot;robot:r2&quot; must be one of the people and systems the filter offers</p>',
    );

    const area = await app.inject('/timeline?area=not%20an%20id');
    expect(area.statusCode).toBe(422);
    expect(area.body).toContain('id="timeline-area-error">area');
  });
});

/**
 * A truly empty store has no account, so no one can see the timeline; the emptiest timeline a
 * signed-in person sees holds the two events that let them in.
 */
describe('timeline page on a store holding only the account signed in', () => {
  let world: World;

  beforeAll(() => {
    world = openWorld();
  });

  afterAll(async () => {
    if (world) await closeWorld(world);
  });

  it('sends a visitor of the empty store to sign in, and shows the admin the events that opened their account', async () => {
    const anonymous = await appFor(world, {}, null);
    const visit = await anonymous.inject('/timeline');
    await anonymous.close();
    expect(visit.statusCode).toBe(303);
    expect(visit.headers.location).toBe('/signin?next=%2Ftimeline');

    const app = await appFor(world);
    const res = await app.inject('/timeline');
    await app.close();
    expect(res.statusCode).toBe(200);
    expect(rowsIn(res.body).map(typeOf)).toEqual(['Password set', 'Account opened']);
    expect(positionsIn(res.body)).toEqual([2, 1]);
    expect(res.body).not.toContain('No events yet');
  });
});

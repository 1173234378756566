import type Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openDatabase } from '../../infra/sqlite/database.ts';
import { SqliteEventStore } from '../../infra/sqlite/sqliteEventStore.ts';
import { readModels } from '../../projections/index.ts';
import { ProjectionRunner } from '../../projections/runner.ts';
import { skippedEvents } from '../../projections/support.ts';
import { SqliteNames } from '../../projections/org/names.ts';
import { cursorFromText, cursorText, SqliteTimelineQueries, type TimelineFilter } from '../../projections/timeline.ts';
import { describeEvent } from '../../src/describe.ts';
import type { UptakeEvent } from '../../src/events.ts';
import type { Actor } from '../../src/shared/event.ts';
import { withMetadata } from '../../src/shared/commandHandler.ts';
import { appendOrganisation, dumpReadModels, ev } from './projections.events.ts';

describe('timeline projection', () => {
  let db: Database.Database;
  let store: SqliteEventStore;
  let runner: ProjectionRunner;
  let timeline: SqliteTimelineQueries;

  const coach: Actor = { kind: 'user', id: 'c' };
  const okrTool: Actor = { kind: 'integration', id: 'okr-tool' };

  /** Appends as `actor` from `source` as it happens (at the instant the organisation was registered), then brings the read models up to date. */
  async function given(streamId: string, actor: Actor, source: string, ...events: UptakeEvent[]): Promise<void> {
    await store.appendToStream(
      streamId,
      withMetadata(events, { actor, source, occurredAt: '2026-11-25T12:00:00.000Z', now: new Date('2026-11-25T12:00:01.000Z') }),
      'any',
    );
    await runner.catchUp();
  }

  const positions = (filter: TimelineFilter = {}, size = 100) => timeline.page(filter, size).entries.map((e) => e.event.type);

  beforeEach(async () => {
    db = openDatabase(':memory:');
    store = new SqliteEventStore(db);
    runner = new ProjectionRunner(db, store, readModels);
    timeline = new SqliteTimelineQueries(db);
    // Area R (root) with child S; team A in R, team B in S; cycle q4. All by the system actor.
    await appendOrganisation(store);
    await given(
      'coach-c',
      { kind: 'system', id: 'seed' },
      'seed',
      ev('CoachRegistered', { coachId: 'c', name: 'Chris', email: 'chris@example.org' }),
    );
    await given(
      'stakeholder-p',
      coach,
      'ui',
      ev('StakeholderIdentified', { stakeholderId: 'p', name: 'Pat', role: 'VP Sales', areaId: 's', influence: 5, interest: 2 }),
    );
    await given(
      'team-b',
      okrTool,
      'kafka:okr-events',
      ev('CheckInHeld', { teamId: 'b', cycleId: 'q4', heldOn: '2026-11-19', attendance: 0.8 }),
    );
    await given(
      'signal-x',
      coach,
      'ui',
      ev('ResistanceSignalRaised', {
        signalId: 'x',
        areaId: 's',
        teamId: 'b',
        stakeholderId: 'p',
        kind: 'unconvinced',
        severity: 2,
        description: 'doubts the value',
        source: 'observed',
        raisedOn: '2026-11-19',
      }),
      ev('InterventionPlanned', { signalId: 'x', interventionId: 'i', kind: 'one-on-one', ownerId: 'c', dueOn: '2026-11-30' }),
    );
    await given(
      'stakeholder-p',
      coach,
      'ui',
      ev('EngagementLogged', {
        stakeholderId: 'p',
        engagementId: 'e',
        kind: 'meeting',
        occurredOn: '2026-11-20',
        sentiment: -1,
        coachId: 'c',
      }),
    );
  });
  afterEach(() => db.close());

  it('keeps one row per event, newest first, with who, when, from where and a summary', () => {
    const { entries, older } = timeline.page({}, 100);
    expect(entries).toHaveLength(11);
    expect(older).toBeNull();
    expect(entries.map((e) => Number(e.position))).toEqual([...entries.map((e) => Number(e.position))].sort((a, b) => b - a));
    const checkIn = entries.find((e) => e.event.type === 'CheckInHeld')!;
    expect(checkIn).toMatchObject({
      streamId: 'team-b',
      occurredAt: '2026-11-25T12:00:00.000Z',
      recordedAt: '2026-11-25T12:00:01.000Z',
      actor: { kind: 'integration', id: 'okr-tool', name: null },
      source: 'kafka:okr-events',
      area: { areaId: 's', name: 'Stores' },
      team: { teamId: 'b', key: 'BETA', name: 'Beta' },
      stakeholder: null,
      cycleId: 'q4',
      event: { type: 'CheckInHeld', data: { teamId: 'b', cycleId: 'q4', heldOn: '2026-11-19', attendance: 0.8 } },
    });
    expect(entries[0]).toMatchObject({ event: { type: 'EngagementLogged' }, actor: { kind: 'user', id: 'c', name: 'Chris' } });
    expect(skippedEvents(db, 'timeline')).toEqual([]);
  });

  it('keeps each event to be put in words when read: a renamed area reads with its new name, without a rebuild', async () => {
    const names = new SqliteNames(db);
    const inWords = () => timeline.page({}, 100).entries.map((e) => describeEvent(e.event, names));
    expect(inWords()).toContain('Team Beta (BETA) registered in Stores, 6 people');
    expect(inWords()).toContain('Check-in held on 19 Nov 2026 (attendance 80%)');
    expect(inWords()).toContain('One-on-one planned, owned by Chris, due 30 Nov 2026');
    expect(inWords()).toContain('Meeting on 20 Nov 2026 with Chris (sentiment −1)');
    await given('area-s', coach, 'ui', ev('AreaRenamed', { areaId: 's', name: 'Shops' }));
    expect(inWords()).toContain('Team Beta (BETA) registered in Shops, 6 people');
  });

  it('files events about a team, stakeholder or signal under the area, team and stakeholder they concern', () => {
    const planned = timeline.page({ type: 'InterventionPlanned' }, 10).entries[0]!;
    expect(planned).toMatchObject({
      signalId: 'x',
      area: { areaId: 's' },
      team: { teamId: 'b' },
      stakeholder: { stakeholderId: 'p', name: 'Pat' },
    });
    const engaged = timeline.page({ type: 'EngagementLogged' }, 10).entries[0]!;
    expect(engaged).toMatchObject({ area: { areaId: 's' }, team: null, stakeholder: { stakeholderId: 'p' } });
  });

  it('filters by area, including the areas below it', () => {
    expect(positions({ areaId: 's' })).toEqual([
      'EngagementLogged',
      'InterventionPlanned',
      'ResistanceSignalRaised',
      'CheckInHeld',
      'StakeholderIdentified',
      'TeamRegistered',
      'AreaRegistered',
    ]);
    const inS = positions({ areaId: 's' });
    expect(positions({ areaId: 'r' })).toEqual([...inS.slice(0, -1), 'TeamRegistered', 'AreaRegistered', 'AreaRegistered']);
    expect(positions({ areaId: 'nowhere' })).toEqual([]);
  });

  it('filters by team, stakeholder, type and actor, and combines filters', () => {
    expect(positions({ teamId: 'b' })).toEqual(['InterventionPlanned', 'ResistanceSignalRaised', 'CheckInHeld', 'TeamRegistered']);
    expect(positions({ stakeholderId: 'p' })).toEqual([
      'EngagementLogged',
      'InterventionPlanned',
      'ResistanceSignalRaised',
      'StakeholderIdentified',
    ]);
    expect(positions({ type: 'TeamRegistered' })).toEqual(['TeamRegistered', 'TeamRegistered']);
    expect(positions({ actor: okrTool })).toEqual(['CheckInHeld']);
    expect(positions({ actor: { kind: 'integration', id: 'hr-system' } })).toEqual([]);
    expect(positions({ actor: { kind: 'system', id: 'seed' } })).toEqual(['CoachRegistered']);
    expect(positions({ areaId: 'r', actor: coach, teamId: 'b' })).toEqual(['InterventionPlanned', 'ResistanceSignalRaised']);
  });

  it('pages by cursor both ways: Older continues where a page ended, Newer returns to the same page', () => {
    const all = timeline.page({}, 100).entries.map((e) => e.position);
    const first = timeline.page({}, 4);
    expect(first.newer).toBeNull();
    expect(first.older).toEqual({ occurredAt: first.entries.at(-1)!.occurredAt, position: BigInt(first.entries.at(-1)!.position) });
    const second = timeline.page({}, 4, { direction: 'before', cursor: first.older! });
    const third = timeline.page({}, 4, { direction: 'before', cursor: second.older! });
    expect(third.entries).toHaveLength(3);
    expect(third.older).toBeNull();
    expect([...first.entries, ...second.entries, ...third.entries].map((e) => e.position)).toEqual(all);

    const backToSecond = timeline.page({}, 4, { direction: 'after', cursor: third.newer! });
    expect(backToSecond).toEqual(second);
    const backToFirst = timeline.page({}, 4, { direction: 'after', cursor: second.newer! });
    expect(backToFirst.entries).toEqual(first.entries);
    expect(backToFirst.newer).toBeNull();
    const oldest = third.entries.at(-1)!;
    expect(
      timeline.page({}, 4, { direction: 'before', cursor: { occurredAt: oldest.occurredAt, position: BigInt(oldest.position) } }),
    ).toEqual({
      entries: [],
      older: null,
      newer: null,
    });
  });

  it('orders by when it happened, then by position, whatever order the events were recorded in', async () => {
    const at = async (occurredAt: string, heldOn: string) =>
      store.appendToStream(
        'team-a',
        withMetadata([ev('CheckInHeld', { teamId: 'a', cycleId: 'q4', heldOn })], {
          actor: coach,
          source: 'ui',
          occurredAt,
          now: new Date('2026-11-21T09:00:00.000Z'),
        }),
        'any',
      );
    await at('2026-11-05T12:00:00.000Z', '2026-11-05');
    await at('2026-11-26T08:00:00+02:00', '2026-11-26'); // 06:00 UTC: after everything else
    await at('2026-11-03T12:00:00Z', '2026-11-03');
    await at('2026-11-05T12:00:00.000Z', '2026-11-05'); // same instant as the first: the later position first
    await runner.catchUp();
    const page = timeline.page({ teamId: 'a' }, 10);
    expect(page.entries.map((e) => [e.occurredAt, e.position])).toEqual([
      ['2026-11-26T06:00:00.000Z', '13'],
      ['2026-11-25T12:00:00.000Z', '3'],
      ['2026-11-05T12:00:00.000Z', '15'],
      ['2026-11-05T12:00:00.000Z', '12'],
      ['2026-11-03T12:00:00.000Z', '14'],
    ]);
    // Two to a page, each way: the same pages, and a filter keeps to its own events.
    const older = timeline.page({ teamId: 'a' }, 2, {
      direction: 'before',
      cursor: { occurredAt: '2026-11-25T12:00:00.000Z', position: 3n },
    });
    expect(older.entries.map((e) => e.position)).toEqual(['15', '12']);
    expect(older.newer).toEqual({ occurredAt: '2026-11-05T12:00:00.000Z', position: 15n });
    const newer = timeline.page({ teamId: 'a' }, 2, { direction: 'after', cursor: older.newer! });
    expect(newer.entries.map((e) => e.position)).toEqual(['13', '3']);
    expect(newer.newer).toBeNull();
    expect(timeline.cursorAt(12n)).toEqual({ occurredAt: '2026-11-05T12:00:00.000Z', position: 12n });
    expect(timeline.cursorAt(999n)).toBeNull();
  });

  it('reads a cursor back from the text a link carries, and nothing else', () => {
    const cursor = { occurredAt: '2026-11-05T12:00:00.000Z', position: 15n };
    expect(cursorFromText(cursorText(cursor))).toEqual(cursor);
    for (const text of [
      '15',
      '2026-11-05T12:00:00Z_15',
      '2026-11-05T12:00:00.000Z_0',
      '2026-02-30T12:00:00.000Z_1',
      '2026-11-05T12:00:00.000Z_99999999999999999999',
      '',
    ]) {
      expect(cursorFromText(text), text).toBeNull();
    }
  });

  it('keeps a moved team’s earlier events where they happened', async () => {
    await given(
      'team-b',
      coach,
      'ui',
      ev('TeamMoved', { teamId: 'b', areaId: 'r' }),
      ev('CycleReviewHeld', { teamId: 'b', cycleId: 'q4', heldOn: '2026-11-20' }),
    );
    expect(timeline.page({ teamId: 'b' }, 10).entries.map((e) => [e.event.type, e.area?.areaId])).toEqual([
      ['CycleReviewHeld', 'r'],
      ['TeamMoved', 'r'],
      ['InterventionPlanned', 's'],
      ['ResistanceSignalRaised', 's'],
      ['CheckInHeld', 's'],
      ['TeamRegistered', 's'],
    ]);
  });

  it('lists an event about a team it never saw, without an area', async () => {
    await given('team-ghost', okrTool, 'http', ev('CheckInHeld', { teamId: 'ghost', cycleId: 'q4', heldOn: '2026-11-20' }));
    expect(timeline.page({}, 1).entries[0]).toMatchObject({
      event: { type: 'CheckInHeld' },
      area: null,
      team: { teamId: 'ghost', key: null, name: null },
    });
  });

  it('reads an event’s data from the store in this file, and keeps a copy where the read models are apart (EventStoreDB)', async () => {
    const copied = db.prepare<[], { n: number }>('SELECT count(*) AS n FROM timeline_events WHERE data IS NOT NULL');
    expect(copied.get()?.n).toBe(0);
    const apart = openDatabase(':memory:');
    await new ProjectionRunner(apart, store, readModels).catchUp();
    expect(apart.prepare<[], { n: number }>('SELECT count(*) AS n FROM timeline_events WHERE data IS NULL').get()?.n).toBe(0);
    const pages = (queries: SqliteTimelineQueries) => [
      queries.page({}, 100),
      queries.page({ teamId: 'b' }, 2),
      queries.atPositions(['3', '5']),
    ];
    expect(pages(new SqliteTimelineQueries(apart))).toEqual(pages(timeline));
    apart.close();
  });

  it('rebuilds to exactly the same rows', async () => {
    const before = dumpReadModels(db);
    await runner.rebuild();
    expect(dumpReadModels(db)).toEqual(before);
  });

  it('offers the areas in tree order, the teams and stakeholders of an area or the first of all, and actors to filter by', () => {
    expect(timeline.teamsAndStakeholders(undefined, 10)).toEqual({
      teams: {
        listed: [
          { teamId: 'a', key: 'ALPHA', name: 'Alpha' },
          { teamId: 'b', key: 'BETA', name: 'Beta' },
        ],
        total: 2,
      },
      stakeholders: { listed: [{ stakeholderId: 'p', name: 'Pat', role: expect.any(String) }], total: 1 },
    });
    expect(timeline.teamsAndStakeholders('s', 1).teams).toEqual({ listed: [{ teamId: 'b', key: 'BETA', name: 'Beta' }], total: 1 });
    expect(timeline.teamsAndStakeholders(undefined, 1).teams.total).toBe(2);
    expect(timeline.choices()).toEqual({
      areas: [
        { areaId: 'r', name: 'Retail', depth: 0 },
        { areaId: 's', name: 'Stores', depth: 1 },
      ],
      actors: [
        { kind: 'integration', id: 'okr-tool' },
        { kind: 'system', id: 'seed' },
        { kind: 'system', id: 'test' },
        { kind: 'user', id: 'c' },
      ],
    });
  });
});

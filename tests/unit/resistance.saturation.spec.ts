/**
 * Change saturation: the ISO weeks it counts in, the roll-up to the areas above, the threshold,
 * and the counts of its read model over real SQLite, built by the real runner from appended
 * events: week boundaries, an intervention done before the week, a signal resolved mid-week, a
 * backdated end, the as-of date inside the week.
 */
import type Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openDatabase } from '../../infra/sqlite/database.ts';
import { SqliteEventStore } from '../../infra/sqlite/sqliteEventStore.ts';
import { readModels } from '../../projections/index.ts';
import { ProjectionRunner } from '../../projections/runner.ts';
import { SqliteSaturationQueries } from '../../projections/saturation/queries.ts';
import { addDays, isoWeekStart } from '../../src/adoption/calendar.ts';
import { isoWeekOf, weekText } from '../../src/adoption/isoWeek.ts';
import { loadConfig } from '../../src/config.ts';
import type { UptakeEvent } from '../../src/events.ts';
import {
  isSaturated,
  type Load,
  SaturationSettingsFromEnv,
  type SaturationWeek,
  subtreeLoads,
  weekOf,
  weeksBetween,
} from '../../src/resistance/saturation.ts';
import { withMetadata } from '../../src/shared/commandHandler.ts';
import { appendOrganisation, ev } from './projections.events.ts';

const isoWeekText = (date: string): string => weekText(isoWeekOf(date));

describe('ISO weeks', () => {
  it('numbers a week in the year of its Thursday, Monday to Sunday', () => {
    expect(isoWeekText('2026-11-25')).toBe('2026-W48');
    expect(isoWeekText('2026-11-23')).toBe('2026-W48'); // Monday
    expect(isoWeekText('2026-11-29')).toBe('2026-W48'); // Sunday
    expect(isoWeekText('2026-11-30')).toBe('2026-W49');
    expect(isoWeekText('2027-01-01')).toBe('2026-W53'); // a Friday: its Thursday is in 2026
    expect(isoWeekText('2024-12-30')).toBe('2025-W01'); // a Monday: its Thursday is in 2025
    expect(isoWeekText('2026-01-01')).toBe('2026-W01');
  });

  it('starts on the Monday on or before the date', () => {
    expect(isoWeekStart('2026-11-29')).toBe('2026-11-23');
    expect(isoWeekStart('2026-11-23')).toBe('2026-11-23');
    expect(isoWeekStart('2027-01-01')).toBe('2026-12-28');
    expect(isoWeekStart('1969-12-31')).toBe('1969-12-29');
  });

  it('cuts the week of a date at that date, and lists a cycle week by week up to it', () => {
    expect(weekOf('2026-11-25')).toEqual({ week: '2026-W48', from: '2026-11-23', to: '2026-11-25' });
    expect(weeksBetween('2026-10-01', '2026-10-13')).toEqual([
      { week: '2026-W40', from: '2026-09-28', to: '2026-10-04' },
      { week: '2026-W41', from: '2026-10-05', to: '2026-10-11' },
      { week: '2026-W42', from: '2026-10-12', to: '2026-10-13' },
    ]);
    expect(weeksBetween('2026-10-01', '2026-09-30')).toEqual([]);
  });
});

describe('the roll-up and the threshold', () => {
  // top ← mid ← low, and top ← side; stray's parent is unknown, so it is a root.
  const areas = [
    { areaId: 'top', parentAreaId: null },
    { areaId: 'mid', parentAreaId: 'top' },
    { areaId: 'low', parentAreaId: 'mid' },
    { areaId: 'side', parentAreaId: 'top' },
    { areaId: 'stray', parentAreaId: 'gone' },
  ];
  const own = new Map<string, Load>([
    ['top', { signals: 1, interventions: 0 }],
    ['low', { signals: 2, interventions: 3 }],
    ['side', { signals: 0, interventions: 4 }],
    ['stray', { signals: 5, interventions: 5 }],
  ]);

  it("counts an area's own load and every area's below it, never a sibling's", () => {
    const loads = subtreeLoads(areas, own);
    expect(loads.get('low')).toEqual({ signals: 2, interventions: 3 });
    expect(loads.get('mid')).toEqual({ signals: 2, interventions: 3 });
    expect(loads.get('side')).toEqual({ signals: 0, interventions: 4 });
    expect(loads.get('top')).toEqual({ signals: 3, interventions: 7 });
    expect(loads.get('stray')).toEqual({ signals: 5, interventions: 5 });
  });

  it('flags a load that reaches the threshold, not one below it', () => {
    expect(isSaturated({ signals: 5, interventions: 3 }, 8)).toBe(true);
    expect(isSaturated({ signals: 5, interventions: 2 }, 8)).toBe(false);
  });

  it('reads the threshold from UPTAKE_SATURATION_THRESHOLD: 15 by default, a whole number from 1', () => {
    expect(SaturationSettingsFromEnv.parse({}).UPTAKE_SATURATION_THRESHOLD).toBe(15);
    expect(SaturationSettingsFromEnv.parse({ UPTAKE_SATURATION_THRESHOLD: '3' }).UPTAKE_SATURATION_THRESHOLD).toBe(3);
    const issue = (value: string) => SaturationSettingsFromEnv.safeParse({ UPTAKE_SATURATION_THRESHOLD: value }).error?.issues[0];
    expect(issue('0')).toMatchObject({ path: ['UPTAKE_SATURATION_THRESHOLD'], message: 'must be at least 1' });
    expect(issue('eight')).toMatchObject({ path: ['UPTAKE_SATURATION_THRESHOLD'], message: 'must be a whole number' });
    expect(loadConfig({ UPTAKE_SATURATION_THRESHOLD: '9' }).UPTAKE_SATURATION_THRESHOLD).toBe(9);
    expect(() => loadConfig({ UPTAKE_SATURATION_THRESHOLD: '-3' })).toThrow('UPTAKE_SATURATION_THRESHOLD="-3": must be a whole number');
  });
});

describe('the saturation read model', () => {
  let db: Database.Database;
  let store: SqliteEventStore;
  let saturation: SqliteSaturationQueries;

  /** Appends events as recorded on `on` (their business date: an intervention's plan has no date of its own). */
  const on = (day: string, streamId: string, ...events: UptakeEvent[]) =>
    store.appendToStream(
      streamId,
      withMetadata(events, { actor: { kind: 'system', id: 'test' }, source: 'test', now: new Date(`${day}T12:00:00Z`) }),
      'any',
    );
  const raise = (signalId: string, areaId: string, raisedOn: string) =>
    on(
      raisedOn,
      `signal-${signalId}`,
      ev('ResistanceSignalRaised', {
        signalId,
        areaId,
        kind: 'no-time',
        severity: 3,
        description: `signal ${signalId}`,
        source: 'observed',
        raisedOn,
      }),
    );
  const resolve = (signalId: string, resolvedOn: string, recordedOn = resolvedOn) =>
    on(recordedOn, `signal-${signalId}`, ev('ResistanceSignalResolved', { signalId, resolution: 'talked it through', resolvedOn }));
  const plan = (signalId: string, interventionId: string, plannedOn: string) =>
    on(
      plannedOn,
      `signal-${signalId}`,
      ev('InterventionPlanned', { signalId, interventionId, kind: 'workshop', ownerId: 'c', dueOn: '2026-12-01' }),
    );
  const complete = (signalId: string, interventionId: string, completedOn: string) =>
    on(completedOn, `signal-${signalId}`, ev('InterventionCompleted', { signalId, interventionId, outcome: 'held it', completedOn }));

  const catchUp = () => new ProjectionRunner(db, store, readModels).catchUp();
  /** The whole week starting on a Monday. */
  const week = (monday: string): SaturationWeek => ({ week: isoWeekText(monday), from: monday, to: addDays(monday, 6) });
  const loadOf = (areaId: string, w: SaturationWeek) => saturation.ownLoads([areaId], w).get(areaId);

  beforeEach(async () => {
    db = openDatabase(':memory:');
    store = new SqliteEventStore(db);
    // Area R (root) with child S.
    await appendOrganisation(store);
    saturation = new SqliteSaturationQueries(db);
  });
  afterEach(() => db.close());

  it('counts a signal from the week it is raised to the week it is resolved, both included, even resolved on a Monday', async () => {
    await raise('a', 'r', '2026-11-08'); // Sunday of W45
    await resolve('a', '2026-11-16'); // Monday of W47
    await catchUp();
    expect(loadOf('r', week('2026-11-01'))).toEqual({ signals: 0, interventions: 0 }); // W44
    expect(loadOf('r', week('2026-11-02'))).toEqual({ signals: 1, interventions: 0 }); // W45
    expect(loadOf('r', week('2026-11-09'))).toEqual({ signals: 1, interventions: 0 }); // W46
    expect(loadOf('r', week('2026-11-16'))).toEqual({ signals: 1, interventions: 0 }); // W47: open on its Monday
    expect(loadOf('r', week('2026-11-23'))).toEqual({ signals: 0, interventions: 0 }); // W48
  });

  it('counts a signal resolved mid-week in that week and not after it', async () => {
    await raise('a', 'r', '2026-11-02');
    await resolve('a', '2026-11-11'); // Wednesday of W46
    await catchUp();
    expect(loadOf('r', week('2026-11-09'))?.signals).toBe(1);
    expect(loadOf('r', week('2026-11-16'))?.signals).toBe(0);
  });

  it('leaves out an intervention done before the week, and counts one in progress from the day it was planned', async () => {
    await raise('a', 'r', '2026-10-26');
    await plan('a', 'done-early', '2026-10-27');
    await complete('a', 'done-early', '2026-11-06'); // Friday of W45
    await plan('a', 'ongoing', '2026-11-12'); // Thursday of W46
    await catchUp();
    expect(loadOf('r', week('2026-11-02'))).toEqual({ signals: 1, interventions: 1 }); // W45: done that Friday
    expect(loadOf('r', week('2026-11-09'))).toEqual({ signals: 1, interventions: 1 }); // W46: done-early gone, ongoing planned
    expect(loadOf('r', { week: '2026-W46', from: '2026-11-09', to: '2026-11-11' })).toEqual({ signals: 1, interventions: 0 });
  });

  it('as of a day inside the week, leaves out what starts after it', async () => {
    await raise('a', 'r', '2026-11-23');
    await raise('b', 'r', '2026-11-27');
    await catchUp();
    expect(loadOf('r', weekOf('2026-11-25'))?.signals).toBe(1);
    expect(loadOf('r', weekOf('2026-11-29'))?.signals).toBe(2);
  });

  it("keeps each area's own count (the roll-up is the reader's) and lists the items behind it", async () => {
    await raise('a', 'r', '2026-11-02');
    await raise('b', 's', '2026-11-03');
    await plan('b', 'talk', '2026-11-04');
    await catchUp();
    const w = week('2026-11-02');
    expect(saturation.ownLoads(['r', 's', 'nowhere'], w)).toEqual(
      new Map([
        ['r', { signals: 1, interventions: 0 }],
        ['s', { signals: 1, interventions: 1 }],
        ['nowhere', { signals: 0, interventions: 0 }],
      ]),
    );
    const signals = saturation.items(['s'], w, 'signal', 10);
    expect([signals.total, signals.items.map((i) => [i.itemId, i.signalId, i.itemKind])]).toEqual([1, [['b', 'b', 'no-time']]]);
    const interventions = saturation.items(['s'], w, 'intervention', 10);
    expect([interventions.total, interventions.items.map((i) => [i.itemId, i.signalId, i.itemKind, i.dueOn])]).toEqual([
      1,
      [['talk', 'b', 'workshop', '2026-12-01']],
    ]);
    expect(saturation.items(['r', 's'], w, 'signal', 1)).toMatchObject({ total: 2, items: [{ kind: 'signal' }] });
    expect(saturation.items(['r', 's'], week('2026-10-26'), 'signal', 10)).toEqual({ total: 0, items: [] });
  });

  it('moves the later weeks when an end is recorded late, and never counts below zero', async () => {
    await raise('a', 'r', '2026-11-02');
    await raise('b', 'r', '2026-11-20');
    await raise('c', 'r', '2026-11-20');
    await resolve('a', '2026-11-04', '2026-11-24'); // recorded three weeks on, dated back
    await resolve('c', '2026-11-10', '2026-11-24'); // dated before it was raised: read as resolved the day it was raised
    await catchUp();
    expect(loadOf('r', week('2026-11-02'))?.signals).toBe(1);
    expect(loadOf('r', week('2026-11-09'))?.signals).toBe(0);
    expect(loadOf('r', week('2026-11-16'))?.signals).toBe(2);
    expect(loadOf('r', week('2026-11-23'))?.signals).toBe(1);
  });

  it('counts nothing twice when the same events are folded again from scratch', async () => {
    await raise('a', 'r', '2026-11-02');
    await plan('a', 'talk', '2026-11-03');
    await catchUp();
    const before = loadOf('r', week('2026-11-02'));
    for (const projection of readModels) projection.reset(db);
    db.exec('DELETE FROM projection_checkpoints');
    await catchUp();
    expect(loadOf('r', week('2026-11-02'))).toEqual(before);
    expect(before).toEqual({ signals: 1, interventions: 1 });
  });
});

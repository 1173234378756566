import type Database from 'better-sqlite3';
import { beforeAll, afterAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../../infra/sqlite/database.ts';
import { SqliteEventStore } from '../../infra/sqlite/sqliteEventStore.ts';
import { readModels, ProjectionRunner, SqliteDirectory, SqliteHeatmapQueries } from '../../projections/index.ts';
import type { Directory } from '../../src/shared/directory.ts';
import type { Dimension } from '../../src/adoption/model.ts';
import { append, appendOrganisation, ev } from './projections.events.ts';

// Area R (root) holds team A (size 2) and area S, which holds team B (size 6). Weekly cycle from 1 Oct.
let db: Database.Database;
let store: SqliteEventStore;
let queries: SqliteHeatmapQueries;
let directory: Directory;

beforeAll(async () => {
  db = openDatabase(':memory:');
  store = new SqliteEventStore(db);
  await appendOrganisation(store);
  await append(
    store,
    'cycle-q3',
    ev('CycleOpened', { cycleId: 'q3', name: '2026-Q3', startsOn: '2026-07-01', endsOn: '2026-09-30', checkInCadenceDays: 14 }),
  );
  await append(store, 'cycle-q3', ev('CycleClosed', { cycleId: 'q3', closedOn: '2026-10-01' }));
  await append(
    store,
    'team-a',
    ev('TrainingCompleted', { teamId: 'a', kind: 'okr-basics', participants: 2, completedOn: '2026-09-01' }),
    ev('OkrsDrafted', { teamId: 'a', cycleId: 'q4', objectives: 2, keyResults: 5, draftedOn: '2026-09-20' }),
    ev('OkrsPublished', { teamId: 'a', cycleId: 'q4', publishedOn: '2026-09-25' }),
    ev('CheckInHeld', { teamId: 'a', cycleId: 'q4', heldOn: '2026-10-06' }),
    ev('CheckInHeld', { teamId: 'a', cycleId: 'q4', heldOn: '2026-10-13' }),
    ev('OkrsPublished', { teamId: 'a', cycleId: 'q3', publishedOn: '2026-07-02' }), // another cycle: not counted in q4
  );
  await append(
    store,
    'team-b',
    ev('OkrsDrafted', { teamId: 'b', cycleId: 'q4', objectives: 1, keyResults: 3, draftedOn: '2026-09-20' }),
    ev('OkrsAligned', { teamId: 'b', cycleId: 'q4', parentRef: 'retail-o1', alignedOn: '2026-10-02' }),
    ev('CheckInHeld', { teamId: 'b', cycleId: 'q4', heldOn: '2026-10-06', attendance: 0.8 }),
    ev('KeyResultProgressReported', { teamId: 'b', cycleId: 'q4', keyResultRef: 'kr1', progress: 0.25, reportedOn: '2026-10-10' }),
    ev('CheckInHeld', { teamId: 'b', cycleId: 'q4', heldOn: '2026-10-13' }),
    ev('CheckInHeld', { teamId: 'b', cycleId: 'q4', heldOn: '2026-10-20' }),
  );
  const signal = (signalId: string, areaId: string, severity: number, raisedOn: string) =>
    ev('ResistanceSignalRaised', {
      signalId,
      areaId,
      kind: 'no-time',
      severity,
      description: 'no slot for check-ins',
      source: 'observed',
      raisedOn,
    });
  await append(store, 'signal-1', signal('1', 's', 4, '2026-10-05'));
  await append(
    store,
    'signal-2',
    signal('2', 'r', 2, '2026-10-01'),
    ev('ResistanceSignalResolved', { signalId: '2', resolution: 'slot found', resolvedOn: '2026-10-10' }),
  );
  await new ProjectionRunner(db, store, readModels).catchUp();
  queries = new SqliteHeatmapQueries(db);
  directory = new SqliteDirectory(db);
});

afterAll(() => db.close());

describe('heatmap as of 22 October (21 days in: 3 check-ins expected)', () => {
  it('scores each area over its own and its descendants’ teams, weighted by size', () => {
    const heatmap = queries.heatmap('q4', '2026-10-22')!;
    expect(heatmap.areas.map((a) => [a.code, a.depth, a.teamCount, a.people])).toEqual([
      ['R', 0, 2, 8],
      ['S', 1, 1, 6],
    ]);
    const [r, s] = heatmap.areas;
    // A: learn 100, set 100, align 0, run 2/3 = 67 → (1500 + 2000 + 35×67) / 85 = 68.8 → 69
    // B: learn 0, set 50, align 100, run 3/3 = 100 → (1000 + 1500 + 3500) / 85 = 70.6 → 71
    expect(s!.scores).toEqual({ learn: 0, set: 50, align: 100, run: 100, reflect: 0, overall: 71 });
    // R = (2×A + 6×B) / 8: learn 25, set 62.5, align 75, run (134 + 600)/8 = 91.75, overall (138 + 426)/8 = 70.5
    expect(r!.scores).toEqual({ learn: 25, set: 63, align: 75, run: 92, reflect: 0, overall: 71 });
    expect(heatmap.organisation).toEqual(r!.scores);
    // 28 days earlier (24 Sep) R was (2×50 + 6×20)/8 = 27.5: rising, so embedded from 65
    expect(r!.stage).toBe('embedded');
    expect(r!.freshness).toEqual({ fresh: 2, late: 0, never: 0 });
  });

  it('counts resistance open on that date, the area’s and its descendants’', () => {
    const [r, s] = queries.heatmap('q4', '2026-10-22')!.areas;
    expect([r!.openSignals, r!.highestSeverity]).toEqual([1, 4]); // signal 2 was resolved on 10 Oct
    expect([s!.openSignals, s!.highestSeverity]).toEqual([1, 4]);
  });

  it('drills into an area: its own teams and its child areas', () => {
    const detail = queries.area('r', 'q4', '2026-10-22')!;
    expect(detail.teams).toMatchObject([
      {
        key: 'ALPHA',
        size: 2,
        scores: { learn: 100, set: 100, align: 0, run: 67, reflect: 0, overall: 69 },
        stage: 'embedded',
        checkIn: { freshness: 'fresh', lastHeldOn: '2026-10-13', held: 2, expected: 3 },
      },
    ]);
    expect(detail.children.map((c) => c.code)).toEqual(['S']);
    expect(queries.area('nowhere', 'q4', '2026-10-22')).toBeNull();
  });
});

describe('heatmap as of a past date', () => {
  it('reads only the facts and signals dated on or before it', () => {
    // 8 Oct: 7 days in, 1 check-in expected and each team held one.
    const detail = queries.area('s', 'q4', '2026-10-08')!;
    expect(detail.teams[0]!.scores).toEqual({ learn: 0, set: 50, align: 100, run: 100, reflect: 0, overall: 71 });
    const r = queries.heatmap('q4', '2026-10-08')!.areas[0]!;
    // A: (1500 + 2000 + 3500) / 85 = 82.4 → 82; R overall (2×82 + 6×71)/8 = 73.75
    expect(r.scores?.overall).toBe(74);
    expect([r.openSignals, r.highestSeverity]).toEqual([2, 4]); // signal 2 not yet resolved
  });

  it('scores a team with nothing in the cycle yet as not started', () => {
    const r = queries.heatmap('q4', '2026-08-01')!.areas[0]!;
    expect(r.scores?.overall).toBe(0);
    expect(r.stage).toBe('not-started');
    expect(r.freshness).toEqual({ fresh: 0, late: 0, never: 2 });
  });
});

describe('evidence', () => {
  it('lists the events behind a cell, up to asOf, with the fact each recorded', () => {
    expect(queries.evidence('b', 'q4', 'run', '2026-10-12').map((e) => [e.type, e.on, e.fact])).toEqual([
      ['CheckInHeld', '2026-10-06', { kind: 'check-in-held', on: '2026-10-06' }],
      ['KeyResultProgressReported', '2026-10-10', { kind: 'key-result-progress', on: '2026-10-10' }],
    ]);
    const [training] = queries.evidence('a', 'q4', 'learn', '2026-10-22');
    expect(training).toMatchObject({ type: 'TrainingCompleted', fact: { kind: 'training', trainingKind: 'okr-basics', participants: 2 } });
    expect(training!.eventId).toMatch(/^[0-9a-f-]{36}$/);
    expect(queries.evidence('a', 'q4', 'set', '2026-10-22').map((e) => e.type)).toEqual(['OkrsDrafted', 'OkrsPublished']);
  });

  it('lists the events behind every dimension for the overall score', () => {
    const all = queries.evidence('a', 'q4', null, '2026-10-22').map((e) => e.type);
    expect(all).toEqual(expect.arrayContaining(['TrainingCompleted', 'OkrsDrafted', 'OkrsPublished', 'CheckInHeld']));
    expect(all.length).toBe(
      ['learn', 'set', 'align', 'run', 'reflect'].reduce((n, d) => n + queries.evidence('a', 'q4', d as Dimension, '2026-10-22').length, 0),
    );
  });

  it('pages the events by cursor, forwards and backwards, each page continuing where the last stopped', () => {
    const all = queries.evidence('a', 'q4', null, '2026-10-22');
    expect(all.length).toBeGreaterThan(3);
    const forwards = [];
    for (let page = queries.evidence('a', 'q4', null, '2026-10-22', { limit: 2 }); page.length > 0; ) {
      forwards.push(...page);
      page = queries.evidence('a', 'q4', null, '2026-10-22', { limit: 2, after: page.at(-1)!.cursor });
    }
    expect(forwards).toEqual(all);
    const backwards = queries.evidence('a', 'q4', null, '2026-10-22', { limit: 2, before: all.at(-1)!.cursor });
    expect(backwards).toEqual(all.slice(-3, -1));
  });

  it('summarises a cell from the read model: the facts that move its score, and its events counted by type', () => {
    const summary = queries.evidenceSummary('b', 'q4', 'run', '2026-10-12');
    expect(summary.scored).toEqual([{ kind: 'check-in-held', on: '2026-10-06' }]);
    expect(summary.byType).toEqual([
      { type: 'CheckInHeld', count: 1 },
      { type: 'KeyResultProgressReported', count: 1 },
    ]);
  });
});

describe('cycles', () => {
  it('lists cycles, latest first, and picks the open one containing today, else the latest', () => {
    expect(queries.cycles().map((c) => c.cycleId)).toEqual(['q4', 'q3']);
    expect(queries.defaultCycle('2026-11-01')?.cycleId).toBe('q4');
    expect(queries.defaultCycle('2026-08-01')?.cycleId).toBe('q4'); // q3 contains it but is closed
    expect(queries.heatmap('nope', '2026-10-22')).toBeNull();
  });
});

describe('directory', () => {
  it('answers the handlers’ directory questions from the org tables', async () => {
    expect(await directory.areasUnder(null)).toEqual([{ areaId: 'r', name: 'Retail' }]);
    expect(await directory.areasUnder('r')).toEqual([{ areaId: 's', name: 'Stores' }]);
    expect(await directory.descendantsOf('r')).toEqual(['s']);
    expect(await directory.descendantsOf('s')).toEqual([]);
    expect(await directory.teamKeys()).toEqual(['ALPHA', 'BETA']);
    expect(await directory.areaCodes()).toEqual(['R', 'S']);
    expect(await directory.cycles()).toEqual([
      { cycleId: 'q3', name: '2026-Q3', startsOn: '2026-07-01', endsOn: '2026-09-30' },
      { cycleId: 'q4', name: '2026-Q4', startsOn: '2026-10-01', endsOn: '2026-12-31' },
    ]);
  });
});

describe('the cached heatmap', () => {
  it('is computed afresh once the read models move on', async () => {
    const before = queries.area('r', 'q4', '2026-10-22')!.teams[0]!;
    expect(before.checkIn.held).toBe(2);
    await append(store, 'team-a', ev('CheckInHeld', { teamId: 'a', cycleId: 'q4', heldOn: '2026-10-20' }));
    await new ProjectionRunner(db, store, readModels).catchUp();
    const after = queries.area('r', 'q4', '2026-10-22')!.teams[0]!;
    expect(after.checkIn.held).toBe(3);
    expect(after.scores.run).toBe(100);
  });
});

import type Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../../infra/sqlite/database.ts';
import { SqliteEventStore } from '../../infra/sqlite/sqliteEventStore.ts';
import { SqliteCoachWeekQueries } from '../../projections/coachWeek/queries.ts';
import { ProjectionRunner, readModels, SqliteHeatmapQueries } from '../../projections/index.ts';
import { append, appendOrganisation, ev } from './projections.events.ts';

/**
 * Retail (R) with Stores (S) under it, and Online (X) beside them; weekly cycle q4 from 1 Oct;
 * today is 25 Nov. Ada coaches Retail (and, redundantly, Stores); Bo coaches Online; Cy nothing.
 */
const TODAY = '2026-11-25';
let db: Database.Database;
let heatmap: SqliteHeatmapQueries;
let queries: SqliteCoachWeekQueries;

beforeAll(async () => {
  db = openDatabase(':memory:');
  const store = new SqliteEventStore(db);
  await appendOrganisation(store); // team a in R, team b in S, cycle q4
  await append(store, 'area-x', ev('AreaRegistered', { areaId: 'x', code: 'X', name: 'Online', parentAreaId: null }));
  await append(store, 'team-c', ev('TeamRegistered', { teamId: 'c', key: 'GAMMA', name: 'Gamma', areaId: 's', size: 3 }));
  await append(store, 'team-x', ev('TeamRegistered', { teamId: 'x', key: 'XRAY', name: 'X-ray', areaId: 'x', size: 4 }));
  for (const [coachId, name] of [
    ['ada', 'Ada'],
    ['bo', 'Bo'],
    ['cy', 'Cy'],
  ] as const) {
    await append(store, `coach-${coachId}`, ev('CoachRegistered', { coachId, name, email: `${coachId}@example.com` }));
  }
  await append(store, 'area-r', ev('CoachAssignedToArea', { areaId: 'r', coachId: 'ada' }));
  await append(store, 'area-s', ev('CoachAssignedToArea', { areaId: 's', coachId: 'ada' }));
  await append(store, 'area-x', ev('CoachAssignedToArea', { areaId: 'x', coachId: 'bo' }));

  // Check-ins: a fresh, b late (last 1 Nov), c and x never.
  await append(store, 'team-a', ev('CheckInHeld', { teamId: 'a', cycleId: 'q4', heldOn: '2026-11-20' }));
  await append(
    store,
    'team-b',
    ev('CheckInHeld', { teamId: 'b', cycleId: 'q4', heldOn: '2026-10-25' }),
    ev('CheckInHeld', { teamId: 'b', cycleId: 'q4', heldOn: '2026-11-01' }),
  );

  const raise = (signalId: string, areaId: string, severity: number, raisedOn: string, teamId?: string) =>
    append(
      store,
      `signal-${signalId}`,
      ev('ResistanceSignalRaised', {
        signalId,
        areaId,
        teamId,
        kind: 'no-time',
        severity,
        description: `signal ${signalId}`,
        source: 'observed',
        raisedOn,
      }),
    );
  const acknowledge = (signalId: string, acknowledgedOn: string) =>
    append(store, `signal-${signalId}`, ev('ResistanceSignalAcknowledged', { signalId, acknowledgedOn }));
  const plan = (signalId: string, interventionId: string, ownerId: string, dueOn: string) =>
    append(store, `signal-${signalId}`, ev('InterventionPlanned', { signalId, interventionId, kind: 'coaching-session', ownerId, dueOn }));

  // Interventions: i1 (Bo's, in Stores) and i3 (Ada's, in Online) are overdue; i2 is due today;
  // i4 was done; i5 belongs to a resolved signal.
  await raise('s1', 's', 3, '2026-11-01', 'b');
  await acknowledge('s1', '2026-11-02');
  await plan('s1', 'i1', 'bo', '2026-11-20');
  await plan('s1', 'i2', 'ada', TODAY);
  await plan('s1', 'i4', 'ada', '2026-11-05');
  await append(
    store,
    'signal-s1',
    ev('InterventionCompleted', { signalId: 's1', interventionId: 'i4', outcome: 'slot agreed', completedOn: '2026-11-06' }),
  );
  await raise('s2', 'x', 4, '2026-10-20');
  await acknowledge('s2', '2026-10-21');
  await plan('s2', 'i3', 'ada', '2026-11-10');
  await raise('s7', 'r', 2, '2026-10-01');
  await plan('s7', 'i5', 'ada', '2026-10-15');
  await append(store, 'signal-s7', ev('ResistanceSignalResolved', { signalId: 's7', resolution: 'went away', resolvedOn: '2026-10-20' }));

  // New signals: s3 and s4 (raised 13 days ago) are new; s5 (14 days ago) is not; s6 was acknowledged.
  await raise('s3', 'r', 2, '2026-11-20');
  await raise('s4', 's', 5, '2026-11-12', 'c');
  await raise('s5', 'r', 5, '2026-11-11');
  await raise('s6', 's', 5, '2026-11-22');
  await acknowledge('s6', '2026-11-23');

  // Stakeholders: h1 never engaged, h2 more than four weeks ago, h4 exactly four weeks ago (quiet); h3 a day less, h5 recently.
  const stakeholder = async (stakeholderId: string, areaId: string, influence: number, lastEngagedOn?: string) => {
    await append(
      store,
      `stakeholder-${stakeholderId}`,
      ev('StakeholderIdentified', { stakeholderId, name: `Person ${stakeholderId}`, role: 'Lead', areaId, influence, interest: 3 }),
    );
    if (lastEngagedOn) {
      await append(
        store,
        `stakeholder-${stakeholderId}`,
        ev('EngagementLogged', {
          stakeholderId,
          engagementId: `e-${stakeholderId}`,
          kind: 'meeting',
          occurredOn: lastEngagedOn,
          sentiment: 0,
          coachId: 'ada',
        }),
      );
    }
  };
  await stakeholder('h2', 'r', 5, '2026-10-01');
  await stakeholder('h1', 's', 5);
  await stakeholder('h3', 'r', 3, '2026-10-29');
  await stakeholder('h4', 's', 4, '2026-10-28');
  await stakeholder('h5', 'r', 2, '2026-11-20');
  await stakeholder('hx', 'x', 5);

  // Objectives: Gamma's serves Retail's objective, which serves the theme; Beta's two and X-ray's serve nothing.
  await append(store, 'theme-growth', ev('StrategicThemeSet', { themeId: 'growth', title: 'Grow' }));
  const objective = (objectiveId: string, areaId: string, teamId?: string) =>
    append(
      store,
      `objective-${objectiveId}`,
      ev('ObjectiveSet', { objectiveId, title: `Objective ${objectiveId}`, cycleId: 'q4', areaId, teamId }),
    );
  await objective('or', 'r');
  await append(
    store,
    'objective-or',
    ev('ObjectiveLinked', { objectiveId: 'or', parentKind: 'theme', parentId: 'growth', crossArea: false }),
  );
  await objective('oc', 's', 'c');
  await append(
    store,
    'objective-oc',
    ev('ObjectiveLinked', { objectiveId: 'oc', parentKind: 'objective', parentId: 'or', crossArea: false }),
  );
  await objective('ob1', 's', 'b');
  await objective('ob2', 's', 'b');
  await objective('ox', 'x', 'x');

  await new ProjectionRunner(db, store, readModels).catchUp();
  heatmap = new SqliteHeatmapQueries(db);
  queries = new SqliteCoachWeekQueries(db, heatmap);
});

afterAll(() => db.close());

describe("a coach's week", () => {
  it('lists teams with late or missing check-ins across the coach’s areas and sub-areas, never-held first', () => {
    const week = queries.week('ada', TODAY, 'q4')!;
    expect(week.checkIns.map((t) => [t.key, t.area.code, t.checkIn.freshness, t.checkIn.lastHeldOn])).toEqual([
      ['GAMMA', 'S', 'never', null],
      ['BETA', 'S', 'late', '2026-11-01'],
    ]);
    // The same rule as the heatmap: its count of late and missing check-ins in Retail.
    const retail = heatmap.heatmap('q4', TODAY)!.areas.find((a) => a.areaId === 'r')!;
    expect(week.checkIns).toHaveLength(retail.freshness.late + retail.freshness.never);
  });

  it('lists teams with objectives in the open cycle that reach no strategic theme, each with its orphans', () => {
    const week = queries.week('ada', TODAY, 'q4')!;
    expect(week.orphans.map((t) => [t.key, t.area.code, t.objectives.map((o) => o.objectiveId)])).toEqual([['BETA', 'S', ['ob1', 'ob2']]]);
    expect(queries.week('bo', TODAY, 'q4')!.orphans.map((t) => t.key)).toEqual(['XRAY']);
    expect(queries.week('ada', TODAY, null)!.orphans).toEqual([]);
  });

  it('lists overdue interventions it owns or that lie in its areas, most overdue first', () => {
    const week = queries.week('ada', TODAY, 'q4')!;
    expect(week.interventions.map((i) => [i.interventionId, i.dueOn, i.owner, i.area.code, i.team?.key ?? null])).toEqual([
      ['i3', '2026-11-10', { coachId: 'ada', name: 'Ada' }, 'X', null],
      ['i1', '2026-11-20', { coachId: 'bo', name: 'Bo' }, 'S', 'BETA'],
    ]);
    expect(week.interventions[1]!.signal).toEqual({ kind: 'no-time', severity: 3, description: 'signal s1' });
    expect(queries.week('bo', TODAY, 'q4')!.interventions.map((i) => i.interventionId)).toEqual(['i3', 'i1']);
  });

  it('lists signals raised in the last 14 days and not yet acknowledged, most severe first', () => {
    const week = queries.week('ada', TODAY, 'q4')!;
    expect(week.signals.map((s) => [s.signalId, s.severity, s.raisedOn, s.area.code, s.team?.key ?? null])).toEqual([
      ['s4', 5, '2026-11-12', 'S', 'GAMMA'],
      ['s3', 2, '2026-11-20', 'R', null],
    ]);
  });

  it('lists stakeholders not engaged for four weeks or more, highest influence first, never engaged before long ago', () => {
    const week = queries.week('ada', TODAY, 'q4')!;
    expect(week.stakeholders.map((s) => [s.stakeholderId, s.influence, s.lastEngagedOn])).toEqual([
      ['h1', 5, null],
      ['h2', 5, '2026-10-01'],
      ['h4', 4, '2026-10-28'],
    ]);
  });

  it('leaves out check-ins when no cycle is open, and answers null for an unknown coach', () => {
    const week = queries.week('ada', TODAY, null)!;
    expect(week.checkIns).toEqual([]);
    expect(week.coach.needs.checkIns).toBe(0);
    expect(week.interventions).toHaveLength(2);
    expect(queries.week('nobody', TODAY, 'q4')).toBeNull();
  });

  it('gives a coach without areas an empty week', () => {
    const week = queries.week('cy', TODAY, 'q4')!;
    expect(week.coach.areas).toEqual([]);
    expect([week.checkIns, week.interventions, week.signals, week.stakeholders]).toEqual([[], [], [], []]);
  });

  it('moves with time: tomorrow i2 is overdue too, and s4 is no longer new', () => {
    const week = queries.week('ada', '2026-11-26', 'q4')!;
    expect(week.interventions.map((i) => i.interventionId)).toEqual(['i3', 'i1', 'i2']);
    expect(week.signals.map((s) => s.signalId)).toEqual(['s3']);
  });
});

describe('the coaches', () => {
  it('lists every coach by name with their areas and the count of each kind of need, as their weeks have them', () => {
    const { coaches, more } = queries.coaches(TODAY, 'q4', { limit: 10 })!;
    expect(more).toBe(false);
    expect(coaches.map((c) => [c.coachId, c.areas.map((a) => a.code), c.needs])).toEqual([
      ['ada', ['R', 'S'], { checkIns: 2, orphans: 1, interventions: 2, signals: 2, stakeholders: 3 }],
      ['bo', ['X'], { checkIns: 1, orphans: 1, interventions: 2, signals: 0, stakeholders: 1 }],
      ['cy', [], { checkIns: 0, orphans: 0, interventions: 0, signals: 0, stakeholders: 0 }],
    ]);
    for (const coach of coaches) expect(queries.week(coach.coachId, TODAY, 'q4')!.coach).toEqual(coach);
  });

  it('pages by name: a page says whether more follow, the next starts after its last coach, and each coach counts the same', () => {
    const all = queries.coaches(TODAY, 'q4', { limit: 10 })!.coaches;
    const first = queries.coaches(TODAY, 'q4', { limit: 2 })!;
    expect(first.coaches.map((c) => c.coachId)).toEqual(['ada', 'bo']);
    expect(first.more).toBe(true);
    const second = queries.coaches(TODAY, 'q4', { limit: 2, after: 'bo' })!;
    expect(second.coaches.map((c) => c.coachId)).toEqual(['cy']);
    expect(second.more).toBe(false);
    expect([...first.coaches, ...second.coaches]).toEqual(all);
    expect(queries.coaches(TODAY, 'q4', { limit: 2, after: 'nobody' })).toBeNull();
  });
});

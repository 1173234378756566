import type Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openDatabase } from '../../infra/sqlite/database.ts';
import { SqliteEventStore } from '../../infra/sqlite/sqliteEventStore.ts';
import { readModels } from '../../projections/index.ts';
import { SqliteOrgQueries } from '../../projections/org/queries.ts';
import { ProjectionRunner } from '../../projections/runner.ts';
import type { UptakeEvent } from '../../src/events.ts';
import { append, appendOrganisation, ev } from './projections.events.ts';

/**
 * The org queries over the real projections: the organisation of projections.events.ts (Retail
 * with Stores under it, Alpha in Retail, Beta in Stores) plus Wholesale at the top level, two
 * coaches, signals and stakeholders.
 */
let db: Database.Database;
let store: SqliteEventStore;
let runner: ProjectionRunner;
let org: SqliteOrgQueries;

const given = async (streamId: string, ...events: UptakeEvent[]) => {
  await append(store, streamId, ...events);
  await runner.catchUp();
};

const raised = (signalId: string, areaId: string, severity: number, raisedOn: string, teamId?: string) =>
  ev('ResistanceSignalRaised', {
    signalId,
    areaId,
    teamId,
    kind: 'no-time',
    severity,
    description: `signal ${signalId}`,
    source: 'observed',
    raisedOn,
  });

const identified = (stakeholderId: string, name: string, areaId: string, influence: number, interest: number) =>
  ev('StakeholderIdentified', { stakeholderId, name, role: 'Director', areaId, influence, interest });

beforeEach(async () => {
  db = openDatabase(':memory:');
  store = new SqliteEventStore(db);
  runner = new ProjectionRunner(db, store, readModels);
  org = new SqliteOrgQueries(db);
  await appendOrganisation(store);
  await given('area-w', ev('AreaRegistered', { areaId: 'w', code: 'W', name: 'Wholesale', parentAreaId: null }));
  await given('coach-ada', ev('CoachRegistered', { coachId: 'ada', name: 'Ada Lovelace', email: 'ada@example.com' }));
  await given('coach-bo', ev('CoachRegistered', { coachId: 'bo', name: 'Bo Diddley', email: 'bo@example.com' }));
});

afterEach(() => {
  db.close();
});

describe('the area tree', () => {
  it('lists areas depth first, siblings by code, with their own teams and the teams within', async () => {
    await given('team-c', ev('TeamRegistered', { teamId: 'c', key: 'GAMMA', name: 'Gamma', areaId: 's', size: 3 }));
    expect(org.areas().map(({ areaId, depth, teams, teamsWithin }) => ({ areaId, depth, teams, teamsWithin }))).toEqual([
      { areaId: 'r', depth: 0, teams: 1, teamsWithin: 3 },
      { areaId: 's', depth: 1, teams: 2, teamsWithin: 2 },
      { areaId: 'w', depth: 0, teams: 0, teamsWithin: 0 },
    ]);
  });

  it('follows a move: the moved area and its teams count under the new parent', async () => {
    await given('area-r', ev('AreaMoved', { areaId: 'r', parentAreaId: 'w' }));
    expect(org.areas().map(({ areaId, depth, teamsWithin }) => ({ areaId, depth, teamsWithin }))).toEqual([
      { areaId: 'w', depth: 0, teamsWithin: 2 },
      { areaId: 'r', depth: 1, teamsWithin: 2 },
      { areaId: 's', depth: 2, teamsWithin: 1 },
    ]);
  });

  it('names each area’s coaches, and each coach’s areas, as assignments come and go', async () => {
    await given(
      'area-r',
      ev('CoachAssignedToArea', { areaId: 'r', coachId: 'bo' }),
      ev('CoachAssignedToArea', { areaId: 'r', coachId: 'ada' }),
    );
    await given('area-s', ev('CoachAssignedToArea', { areaId: 's', coachId: 'ada' }));
    expect(org.areas().find((a) => a.areaId === 'r')!.coaches).toEqual([
      { coachId: 'ada', name: 'Ada Lovelace' },
      { coachId: 'bo', name: 'Bo Diddley' },
    ]);
    expect(org.coaches()).toEqual([
      {
        coachId: 'ada',
        name: 'Ada Lovelace',
        email: 'ada@example.com',
        areas: [
          { areaId: 'r', name: 'Retail' },
          { areaId: 's', name: 'Stores' },
        ],
      },
      { coachId: 'bo', name: 'Bo Diddley', email: 'bo@example.com', areas: [{ areaId: 'r', name: 'Retail' }] },
    ]);
    expect(org.coachesOf('r')).toEqual([
      { coachId: 'ada', name: 'Ada Lovelace', email: 'ada@example.com' },
      { coachId: 'bo', name: 'Bo Diddley', email: 'bo@example.com' },
    ]);
    expect(org.coachesOf('w')).toEqual([]);
    await given('area-r', ev('CoachUnassignedFromArea', { areaId: 'r', coachId: 'ada' }));
    expect(
      org
        .areas()
        .find((a) => a.areaId === 'r')!
        .coaches.map((c) => c.coachId),
    ).toEqual(['bo']);
    expect(org.coaches()[0]!.areas).toEqual([{ areaId: 's', name: 'Stores' }]);
  });

  it('lists the teams directly in an area, by key, with their size', async () => {
    await given('team-c', ev('TeamRegistered', { teamId: 'c', key: 'AARDVARK', name: 'Aardvark', areaId: 's', size: 3 }));
    expect(org.teamsIn('s')).toEqual([
      { teamId: 'c', key: 'AARDVARK', name: 'Aardvark', size: 3 },
      { teamId: 'b', key: 'BETA', name: 'Beta', size: 6 },
    ]);
    expect(org.teamsIn('w')).toEqual([]);
  });

  it("lists the first teams directly in each area, by key, and none of an area's beyond them", async () => {
    await given('team-c', ev('TeamRegistered', { teamId: 'c', key: 'AARDVARK', name: 'Aardvark', areaId: 's', size: 3 }));
    await given('team-d', ev('TeamRegistered', { teamId: 'd', key: 'ZULU', name: 'Zulu', areaId: 's', size: 3 }));
    const first = (limit: number) => org.firstTeams(limit).map((t) => `${t.areaId}:${t.key}`);
    expect(first(1)).toEqual(['s:AARDVARK', 'r:ALPHA']);
    expect(first(2)).toEqual(['s:AARDVARK', 'r:ALPHA', 's:BETA']);
    expect(first(10)).toEqual(['s:AARDVARK', 'r:ALPHA', 's:BETA', 's:ZULU']);
    expect(org.firstTeams(1)[0]).toEqual({ teamId: 'c', key: 'AARDVARK', name: 'Aardvark', size: 3, areaId: 's' });
  });
});

describe('an area’s open signals', () => {
  beforeEach(async () => {
    await given('signal-1', raised('1', 'r', 2, '2026-11-01'));
    await given('signal-2', raised('2', 's', 4, '2026-11-03', 'b'));
    await given('signal-3', raised('3', 's', 4, '2026-11-10'));
    await given('signal-4', raised('4', 'w', 5, '2026-11-10'));
    await given(
      'signal-5',
      raised('5', 'r', 2, '2026-11-05'),
      ev('ResistanceSignalResolved', { signalId: '5', resolution: 'talked it through', resolvedOn: '2026-11-20' }),
    );
  });

  it('counts the area’s and its sub-areas’ signals by severity and lists the most severe, newest first', () => {
    const open = org.openSignals('r', '2026-11-25', 2);
    expect(open.total).toBe(3);
    expect(open.bySeverity).toEqual([
      { severity: 4, count: 2 },
      { severity: 2, count: 1 },
    ]);
    expect(open.top.map((s) => s.signalId)).toEqual(['3', '2']);
    expect(open.top[1]).toMatchObject({
      areaId: 's',
      areaName: 'Stores',
      teamId: 'b',
      teamName: 'Beta',
      severity: 4,
      status: 'open',
      raisedOn: '2026-11-03',
    });
  });

  it('counts what was open on a past date: raised by then and not yet resolved', () => {
    expect(org.openSignals('r', '2026-11-06', 5).top.map((s) => s.signalId)).toEqual(['2', '5', '1']);
    expect(org.openSignals('r', '2026-10-01', 5)).toEqual({ total: 0, bySeverity: [], top: [] });
  });
});

describe('an area’s stakeholders', () => {
  it('lists those in the area and below, most influential first, then most interested', async () => {
    await given('stakeholder-p', identified('p', 'Pat', 'r', 3, 5));
    await given('stakeholder-q', identified('q', 'Quinn', 's', 5, 2), ev('AttitudeAssessed', { stakeholderId: 'q', attitude: 'skeptic' }));
    await given('stakeholder-z', identified('z', 'Zoe', 's', 3, 4));
    await given('stakeholder-x', identified('x', 'Xan', 'w', 5, 5));
    const { total, top } = org.stakeholders('r', 2);
    expect(total).toBe(3);
    expect(top.map((s) => s.name)).toEqual(['Quinn', 'Pat']);
    expect(top[0]).toMatchObject({
      stakeholderId: 'q',
      role: 'Director',
      influence: 5,
      interest: 2,
      attitude: 'skeptic',
      adkarStage: null,
      lastEngagedOn: null,
    });
    expect(org.stakeholders('s', 5).top.map((s) => s.name)).toEqual(['Quinn', 'Zoe']);
  });
});

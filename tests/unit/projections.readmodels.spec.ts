import type Database from 'better-sqlite3';
import { beforeEach, afterEach, describe, expect, it } from 'vitest';
import { openDatabase } from '../../infra/sqlite/database.ts';
import { SqliteEventStore } from '../../infra/sqlite/sqliteEventStore.ts';
import { readModels, ProjectionRunner } from '../../projections/index.ts';
import { skippedEvents } from '../../projections/support.ts';
import type { UptakeEvent } from '../../src/events.ts';
import { append, appendOrganisation, ev } from './projections.events.ts';

let db: Database.Database;
let store: SqliteEventStore;

beforeEach(async () => {
  db = openDatabase(':memory:');
  store = new SqliteEventStore(db);
  await appendOrganisation(store);
});
afterEach(() => db.close());

/** Appends the events and brings the read models up to date. */
async function given(streamId: string, ...events: UptakeEvent[]): Promise<void> {
  await append(store, streamId, ...events);
  await new ProjectionRunner(db, store, readModels).catchUp();
}

const rows = (sql: string) => db.prepare(sql).all();
const reasons = (projection: string) => skippedEvents(db, projection).map((s) => s.reason);

describe('org', () => {
  it('follows renames, moves and resizes, and refuses a move that would make a loop', async () => {
    await given(
      'area-r',
      ev('AreaRenamed', { areaId: 'r', name: 'Retail & Stores' }),
      ev('AreaMoved', { areaId: 'r', parentAreaId: 's' }), // s is under r
      ev('AreaMoved', { areaId: 'r', parentAreaId: 'r' }),
    );
    await given(
      'team-a',
      ev('TeamMoved', { teamId: 'a', areaId: 's' }),
      ev('TeamResized', { teamId: 'a', size: 9 }),
      ev('TeamMoved', { teamId: 'a', areaId: 'x' }),
    );
    expect(rows('SELECT area_id, name, parent_area_id FROM org_areas ORDER BY area_id')).toEqual([
      { area_id: 'r', name: 'Retail & Stores', parent_area_id: null },
      { area_id: 's', name: 'Stores', parent_area_id: 'r' },
    ]);
    expect(rows("SELECT area_id, size FROM org_teams WHERE team_id = 'a'")).toEqual([{ area_id: 's', size: 9 }]);
    expect(reasons('org')).toEqual([
      'moving area r under s would make a loop',
      'moving area r under r would make a loop',
      'unknown area x',
    ]);
  });

  it('keeps coaches and who coaches where, and closes cycles', async () => {
    await given('coach-c', ev('CoachRegistered', { coachId: 'c', name: 'Chris', email: 'chris@example.org' }));
    await given(
      'area-r',
      ev('CoachAssignedToArea', { areaId: 'r', coachId: 'c' }),
      ev('CoachAssignedToArea', { areaId: 's', coachId: 'c' }),
      ev('CoachUnassignedFromArea', { areaId: 'r', coachId: 'c' }),
      ev('CoachAssignedToArea', { areaId: 'r', coachId: 'nobody' }),
    );
    await given('cycle-q4', ev('CycleClosed', { cycleId: 'q4', closedOn: '2027-01-02' }));
    expect(rows('SELECT area_id, coach_id FROM org_area_coaches')).toEqual([{ area_id: 's', coach_id: 'c' }]);
    expect(rows('SELECT closed_on FROM org_cycles')).toEqual([{ closed_on: '2027-01-02' }]);
    expect(reasons('org')).toEqual(['unknown coach nobody']);
  });
});

describe('adoption', () => {
  it('keeps one row per fact with its business date, event and position; skips unknown teams and cycles', async () => {
    await given(
      'team-a',
      ev('CheckInHeld', { teamId: 'a', cycleId: 'q4', heldOn: '2026-10-06', confidence: 0.7 }),
      ev('TrainingCompleted', { teamId: 'a', kind: 'writing-okrs', participants: 2, completedOn: '2026-09-02' }),
      ev('CheckInMissed', { teamId: 'a', cycleId: 'q9', dueOn: '2026-10-13' }),
    );
    await given('team-z', ev('OkrsPublished', { teamId: 'z', cycleId: 'q4', publishedOn: '2026-10-01' }));
    const facts = rows(
      'SELECT event_type, team_id, cycle_id, kind, on_date, confidence, training_kind, participants, position FROM adoption_facts ORDER BY rowid',
    );
    expect(facts).toEqual([
      {
        event_type: 'CheckInHeld',
        team_id: 'a',
        cycle_id: 'q4',
        kind: 'check-in-held',
        on_date: '2026-10-06',
        confidence: 0.7,
        training_kind: null,
        participants: null,
        position: '6',
      },
      {
        event_type: 'TrainingCompleted',
        team_id: 'a',
        cycle_id: null,
        kind: 'training',
        on_date: '2026-09-02',
        confidence: null,
        training_kind: 'writing-okrs',
        participants: 2,
        position: '7',
      },
    ]);
    expect(reasons('adoption')).toEqual(['unknown cycle q9', 'unknown team z']);
  });
});

describe('signals', () => {
  it('tracks a signal from raised to resolved and its interventions with due dates', async () => {
    await given(
      'signal-1',
      ev('ResistanceSignalRaised', {
        signalId: '1',
        areaId: 's',
        teamId: 'b',
        kind: 'unconvinced',
        severity: 3,
        description: 'sees no value',
        source: 'observed',
        raisedOn: '2026-10-03',
      }),
      ev('ResistanceSignalAcknowledged', { signalId: '1', acknowledgedOn: '2026-10-04' }),
      ev('InterventionPlanned', { signalId: '1', interventionId: 'i1', kind: 'coaching-session', ownerId: 'c', dueOn: '2026-10-15' }),
      ev('InterventionCompleted', { signalId: '1', interventionId: 'i1', outcome: 'agreed to try', completedOn: '2026-10-14' }),
      ev('ResistanceSignalResolved', { signalId: '1', resolution: 'trying it', resolvedOn: '2026-10-20' }),
      ev('ResistanceSignalResolved', { signalId: '1', resolution: 'again', resolvedOn: '2026-10-21' }),
      ev('InterventionPlanned', { signalId: '9', interventionId: 'i9', kind: 'workshop', ownerId: 'c', dueOn: '2026-10-15' }),
    );
    expect(rows('SELECT area_id, status, severity, acknowledged_on, resolved_on, resolution FROM signals')).toEqual([
      { area_id: 's', status: 'resolved', severity: 3, acknowledged_on: '2026-10-04', resolved_on: '2026-10-20', resolution: 'trying it' },
    ]);
    expect(rows('SELECT intervention_id, area_id, due_on, status, completed_on FROM interventions')).toEqual([
      { intervention_id: 'i1', area_id: 's', due_on: '2026-10-15', status: 'done', completed_on: '2026-10-14' },
    ]);
    expect(reasons('signals')).toEqual(['signal 1 unknown or already resolved', 'unknown signal 9']);
  });
});

describe('stakeholders', () => {
  it('keeps the latest assessment and the last engagement date, whatever the order they arrive in', async () => {
    await given(
      'stakeholder-p',
      ev('StakeholderIdentified', { stakeholderId: 'p', name: 'Pat', role: 'Director', areaId: 'r', influence: 4, interest: 2 }),
      ev('StakeholderMapped', { stakeholderId: 'p', influence: 5, interest: 4 }),
      ev('AttitudeAssessed', { stakeholderId: 'p', attitude: 'skeptic' }),
      ev('AdkarStageAssessed', { stakeholderId: 'p', stage: 'desire' }),
      ev('EngagementLogged', {
        stakeholderId: 'p',
        engagementId: 'e2',
        kind: 'one-on-one',
        occurredOn: '2026-10-09',
        sentiment: 1,
        coachId: 'c',
      }),
      ev('EngagementLogged', {
        stakeholderId: 'p',
        engagementId: 'e1',
        kind: 'meeting',
        occurredOn: '2026-10-02',
        sentiment: 0,
        coachId: 'c',
      }),
      ev('AttitudeAssessed', { stakeholderId: 'q', attitude: 'champion' }),
    );
    expect(
      rows('SELECT name, area_id, influence, interest, attitude, adkar_stage, last_engaged_on, engagements FROM stakeholders'),
    ).toEqual([
      {
        name: 'Pat',
        area_id: 'r',
        influence: 5,
        interest: 4,
        attitude: 'skeptic',
        adkar_stage: 'desire',
        last_engaged_on: '2026-10-09',
        engagements: 2,
      },
    ]);
    expect(reasons('stakeholders')).toEqual(['unknown stakeholder q']);
  });
});

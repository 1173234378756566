/**
 * The resistance log's read side over real SQLite read models, built by the real projection
 * runner from appended events.
 */
import type Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openDatabase } from '../../infra/sqlite/database.ts';
import { SqliteEventStore } from '../../infra/sqlite/sqliteEventStore.ts';
import { readModels } from '../../projections/index.ts';
import { type SignalFilter, type SignalPaging, signalCursor, SqliteResistanceQueries } from '../../projections/resistance/queries.ts';
import { ProjectionRunner } from '../../projections/runner.ts';
import { append, appendOrganisation, ev } from './projections.events.ts';

const TODAY = '2026-11-25';

let db: Database.Database;
let store: SqliteEventStore;
let resistance: SqliteResistanceQueries;

const raised = (signalId: string, areaId: string, severity: number, raisedOn: string, extra: Record<string, string> = {}) =>
  ev('ResistanceSignalRaised', {
    signalId,
    areaId,
    kind: 'no-time',
    severity,
    description: `signal ${signalId}`,
    source: 'observed',
    raisedOn,
    ...extra,
  });

const ids = (filter: Partial<SignalFilter> = {}) => resistance.signals({ status: 'open', ...filter }, TODAY).map((s) => s.signalId);

beforeEach(async () => {
  db = openDatabase(':memory:');
  store = new SqliteEventStore(db);
  // Area R (root) with child S; team A in R, team B in S.
  await appendOrganisation(store);
  await append(store, 'coach-c', ev('CoachRegistered', { coachId: 'c', name: 'Chris', email: 'chris@example.org' }));
  await append(store, 'coach-d', ev('CoachRegistered', { coachId: 'd', name: 'Dana', email: 'dana@example.org' }));
  await append(store, 'area-r', ev('CoachAssignedToArea', { areaId: 'r', coachId: 'd' }));
  await append(
    store,
    'stakeholder-p',
    ev('StakeholderIdentified', { stakeholderId: 'p', name: 'Pat', role: 'VP Sales', areaId: 's', influence: 5, interest: 2 }),
  );
  // Open in R, severity 2; open in S about team B and Pat, severity 4, with interventions; resolved in S; escalated in R by a rule.
  await append(store, 'signal-low', raised('low', 'r', 2, '2026-11-01'));
  await append(
    store,
    'signal-high',
    raised('high', 's', 4, '2026-11-02', { teamId: 'b', stakeholderId: 'p' }),
    ev('ResistanceSignalAcknowledged', { signalId: 'high', acknowledgedOn: '2026-11-03' }),
    ev('InterventionPlanned', { signalId: 'high', interventionId: 'late', kind: 'workshop', ownerId: 'c', dueOn: '2026-11-20' }),
    ev('InterventionPlanned', { signalId: 'high', interventionId: 'soon', kind: 'one-on-one', ownerId: 'c', dueOn: '2026-11-30' }),
    ev('InterventionPlanned', { signalId: 'high', interventionId: 'done', kind: 'training', ownerId: 'd', dueOn: '2026-11-10' }),
    ev('InterventionCompleted', { signalId: 'high', interventionId: 'done', outcome: 'they came', completedOn: '2026-11-10' }),
  );
  await append(
    store,
    'signal-gone',
    raised('gone', 's', 5, '2026-10-20'),
    ev('InterventionPlanned', { signalId: 'gone', interventionId: 'never', kind: 'workshop', ownerId: 'c', dueOn: '2026-10-25' }),
    ev('ResistanceSignalResolved', { signalId: 'gone', resolution: 'moved on', resolvedOn: '2026-11-05' }),
  );
  await append(
    store,
    'signal-rule',
    ev('ResistanceSignalRaised', {
      signalId: 'rule',
      areaId: 'r',
      kind: 'passive-non-participation',
      severity: 3,
      description: 'three missed',
      source: 'rule',
      rule: 'missed-check-ins',
      raisedOn: '2026-11-02',
    }),
    ev('ResistanceSignalEscalated', { signalId: 'rule', to: 'Head of Retail', reason: 'no response', escalatedOn: '2026-11-12' }),
  );
  await new ProjectionRunner(db, store, readModels).catchUp();
  resistance = new SqliteResistanceQueries(db);
});

afterEach(() => db.close());

describe('the log', () => {
  it('lists open signals (raised, acknowledged, escalated), most severe first', () => {
    expect(ids()).toEqual(['high', 'rule', 'low']);
    expect(resistance.signals({ status: 'open' }, TODAY).map((s) => s.status)).toEqual(['acknowledged', 'escalated', 'open']);
  });

  it('lists resolved signals, or all of them', () => {
    expect(ids({ status: 'resolved' })).toEqual(['gone']);
    expect(ids({ status: 'all' })).toEqual(['gone', 'high', 'rule', 'low']);
  });

  it('orders signals of the same severity newest first', async () => {
    await append(store, 'signal-later', raised('later', 'r', 2, '2026-11-04'));
    await new ProjectionRunner(db, store, readModels).catchUp();
    expect(ids()).toEqual(['high', 'rule', 'later', 'low']);
  });

  it('filters by area, including the areas below it', () => {
    expect(ids({ areaId: 's' })).toEqual(['high']);
    expect(ids({ areaId: 'r' })).toEqual(['high', 'rule', 'low']);
    expect(ids({ areaId: 'nowhere' })).toEqual([]);
  });

  it('filters by minimum severity, kind and source, and combines filters', () => {
    expect(ids({ minSeverity: 3 })).toEqual(['high', 'rule']);
    expect(ids({ minSeverity: 5 })).toEqual([]);
    expect(ids({ kind: 'passive-non-participation' })).toEqual(['rule']);
    expect(ids({ source: 'rule' })).toEqual(['rule']);
    expect(ids({ source: 'observed', minSeverity: 2, areaId: 'r' })).toEqual(['high', 'low']);
    expect(ids({ status: 'all', minSeverity: 5, areaId: 's' })).toEqual(['gone']);
  });

  it('pages the log by cursor, forwards and backwards, and counts every match without a page', async () => {
    const all = resistance.signals({ status: 'all' }, TODAY);
    expect(all.map((s) => s.signalId)).toEqual(['gone', 'high', 'rule', 'low']);
    const page = (paging: SignalPaging) => resistance.signals({ status: 'all' }, TODAY, paging).map((s) => s.signalId);
    expect(page({ limit: 2 })).toEqual(['gone', 'high']);
    expect(page({ limit: 2, after: signalCursor(all[1]!) })).toEqual(['rule', 'low']);
    expect(page({ limit: 2, after: signalCursor(all[3]!) })).toEqual([]);
    expect(page({ limit: 2, before: signalCursor(all[3]!) })).toEqual(['high', 'rule']);
    expect(page({ limit: 2, before: signalCursor(all[0]!) })).toEqual([]);
    expect(resistance.countSignals({ status: 'all' })).toBe(4);
    expect(resistance.countSignals({ status: 'open', areaId: 's' })).toBe(1);
  });

  it("filters by the team a signal names, for the team's page", () => {
    expect(ids({ teamId: 'b' })).toEqual(['high']);
    expect(ids({ teamId: 'a' })).toEqual([]);
  });

  it('names where each signal was raised, and says so when a name is unknown', async () => {
    const [high] = resistance.signals({ status: 'open', areaId: 's' }, TODAY);
    expect(high).toMatchObject({
      area: { areaId: 's', name: 'Stores' },
      team: { teamId: 'b', key: 'BETA', name: 'Beta' },
      stakeholder: { stakeholderId: 'p', name: 'Pat' },
      source: 'observed',
      rule: null,
      acknowledgedOn: '2026-11-03',
    });
    expect(resistance.signals({ status: 'open', source: 'rule' }, TODAY)[0]).toMatchObject({
      rule: 'missed-check-ins',
      escalatedTo: 'Head of Retail',
      team: null,
      stakeholder: null,
    });

    await append(store, 'signal-lost', raised('lost', 'gone-area', 1, '2026-11-01', { teamId: 'gone-team' }));
    await new ProjectionRunner(db, store, readModels).catchUp();
    expect(resistance.signal('lost', TODAY)).toMatchObject({
      area: { areaId: 'gone-area', name: null },
      team: { teamId: 'gone-team', key: null, name: null },
    });
  });

  it('counts interventions: planned, overdue (planned and due before today) and the next one due', () => {
    const counts = (id: string, today = TODAY) =>
      resistance.signals({ status: 'all' }, today).find((s) => s.signalId === id)!.interventions;
    expect(counts('high')).toEqual({ total: 3, planned: 2, cancelled: 0, overdue: 1, nextDueOn: '2026-11-20' });
    // Due today is not overdue yet.
    expect(counts('high', '2026-11-20')).toEqual({ total: 3, planned: 2, cancelled: 0, overdue: 0, nextDueOn: '2026-11-20' });
    expect(counts('high', '2026-12-01').overdue).toBe(2);
    expect(counts('low')).toEqual({ total: 0, planned: 0, cancelled: 0, overdue: 0, nextDueOn: null });
    // A page counts its signals' interventions as the whole list does.
    const paged = resistance.signals({ status: 'all' }, TODAY, { limit: 2 });
    expect(paged.map((s) => s.signalId)).toEqual(['gone', 'high']);
    expect(paged.map((s) => s.interventions)).toEqual([counts('gone'), counts('high')]);
  });
});

describe('one signal', () => {
  it('has its interventions, soonest due first, with owners and outcomes', () => {
    const signal = resistance.signal('high', TODAY)!;
    expect(signal.interventionList).toEqual([
      {
        interventionId: 'done',
        kind: 'training',
        owner: { coachId: 'd', name: 'Dana' },
        dueOn: '2026-11-10',
        status: 'done',
        completedOn: '2026-11-10',
        cancelledOn: null,
        outcome: 'they came',
        overdue: false,
      },
      {
        interventionId: 'late',
        kind: 'workshop',
        owner: { coachId: 'c', name: 'Chris' },
        dueOn: '2026-11-20',
        status: 'planned',
        completedOn: null,
        cancelledOn: null,
        outcome: null,
        overdue: true,
      },
      {
        interventionId: 'soon',
        kind: 'one-on-one',
        owner: { coachId: 'c', name: 'Chris' },
        dueOn: '2026-11-30',
        status: 'planned',
        completedOn: null,
        cancelledOn: null,
        outcome: null,
        overdue: false,
      },
    ]);
  });

  it('shows a cancelled intervention as cancelled, with its reason, no longer counted as planned or overdue', async () => {
    await append(
      store,
      'signal-high',
      ev('InterventionCancelled', { signalId: 'high', interventionId: 'late', reason: 'signal resolved', cancelledOn: '2026-11-21' }),
    );
    await new ProjectionRunner(db, store, readModels).catchUp();
    expect(resistance.signal('high', TODAY)!.interventionList.find((i) => i.interventionId === 'late')).toMatchObject({
      status: 'cancelled',
      cancelledOn: '2026-11-21',
      outcome: 'signal resolved',
      overdue: false,
    });
    expect(resistance.signals({ status: 'all' }, TODAY).find((s) => s.signalId === 'high')!.interventions).toMatchObject({
      planned: 1,
      overdue: 0,
    });
  });

  it('is null when unknown', () => {
    expect(resistance.signal('nope', TODAY)).toBeNull();
  });

  it('has its own events as recorded, oldest first, and no other signal’s', async () => {
    const stored = await store.readStream('signal-gone');
    expect(resistance.history('gone')).toEqual(stored.map(({ type, data, metadata }) => ({ type, data, metadata })));
    expect(resistance.history('high').map((e) => e.type)).toEqual([
      'ResistanceSignalRaised',
      'ResistanceSignalAcknowledged',
      'InterventionPlanned',
      'InterventionPlanned',
      'InterventionPlanned',
      'InterventionCompleted',
    ]);
    expect(resistance.history('nope')).toEqual([]);
  });
});

describe('the summary', () => {
  it('counts open signals by severity, 5 down to 1, and the overdue interventions of open signals', () => {
    expect(resistance.openSummary(undefined, TODAY)).toEqual({
      bySeverity: [
        { severity: 5, open: 0 },
        { severity: 4, open: 1 },
        { severity: 3, open: 1 },
        { severity: 2, open: 1 },
        { severity: 1, open: 0 },
      ],
      // The resolved signal's never-done intervention is not counted.
      overdueInterventions: 1,
    });
  });

  it('counts within an area and the areas below it', () => {
    const summary = resistance.openSummary('s', TODAY);
    expect(summary.bySeverity.filter((s) => s.open > 0)).toEqual([{ severity: 4, open: 1 }]);
    expect(summary.overdueInterventions).toBe(1);
    expect(resistance.openSummary('s', '2026-11-01').overdueInterventions).toBe(0);
  });
});

describe('choices', () => {
  it('offers areas in tree order and coaches', () => {
    expect(resistance.choices()).toEqual({
      areas: [
        { areaId: 'r', name: 'Retail', depth: 0 },
        { areaId: 's', name: 'Stores', depth: 1 },
      ],
      coaches: [
        { coachId: 'c', name: 'Chris' },
        { coachId: 'd', name: 'Dana' },
      ],
    });
  });

  it('names the teams and stakeholders of an area and the areas below it, or everywhere', () => {
    const pat = { stakeholderId: 'p', name: 'Pat', role: 'VP Sales' };
    const alpha = { teamId: 'a', key: 'ALPHA', name: 'Alpha' };
    const beta = { teamId: 'b', key: 'BETA', name: 'Beta' };
    expect(resistance.teamsAndStakeholders(undefined, 10)).toEqual({
      teams: { listed: [alpha, beta], total: 2 },
      stakeholders: { listed: [pat], total: 1 },
    });
    expect(resistance.teamsAndStakeholders('r', 10)).toEqual(resistance.teamsAndStakeholders(undefined, 10));
    expect(resistance.teamsAndStakeholders('s', 10)).toEqual({
      teams: { listed: [beta], total: 1 },
      stakeholders: { listed: [pat], total: 1 },
    });
    expect(resistance.teamsAndStakeholders('nowhere', 10)).toEqual({
      teams: { listed: [], total: 0 },
      stakeholders: { listed: [], total: 0 },
    });
  });

  it('lists the first by key or name and counts the rest', () => {
    expect(resistance.teamsAndStakeholders(undefined, 1).teams).toEqual({
      listed: [{ teamId: 'a', key: 'ALPHA', name: 'Alpha' }],
      total: 2,
    });
  });

  it('names a team registered since it last answered', async () => {
    expect(resistance.teamsAndStakeholders('s', 10).teams.total).toBe(1);
    await append(store, 'team-c', ev('TeamRegistered', { teamId: 'c', key: 'CHARLIE', name: 'Charlie', areaId: 's', size: 3 }));
    await new ProjectionRunner(db, store, readModels).catchUp();
    expect(resistance.teamsAndStakeholders('s', 10).teams.listed.map((t) => t.key)).toEqual(['BETA', 'CHARLIE']);
  });

  it("finds the area's coach, or the nearest one above it", async () => {
    expect(resistance.coachFor('r')).toBe('d');
    expect(resistance.coachFor('s')).toBe('d');
    await append(store, 'area-s', ev('CoachAssignedToArea', { areaId: 's', coachId: 'c' }));
    await new ProjectionRunner(db, store, readModels).catchUp();
    expect(resistance.coachFor('s')).toBe('c');
    expect(resistance.coachFor('nowhere')).toBeNull();
  });
});

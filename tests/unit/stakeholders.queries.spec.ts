import type Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openDatabase } from '../../infra/sqlite/database.ts';
import { SqliteEventStore } from '../../infra/sqlite/sqliteEventStore.ts';
import { readModels } from '../../projections/index.ts';
import { ProjectionRunner } from '../../projections/runner.ts';
import { SqliteStakeholderQueries, type StakeholderFilter } from '../../projections/stakeholders/queries.ts';
import { append, appendOrganisation, ev } from './projections.events.ts';

describe('stakeholder queries', () => {
  let db: Database.Database;
  let store: SqliteEventStore;
  let queries: SqliteStakeholderQueries;

  const identified = (stakeholderId: string, name: string, areaId: string, influence: number, interest: number) =>
    ev('StakeholderIdentified', { stakeholderId, name, role: 'Director', areaId, influence, interest });
  const engaged = (stakeholderId: string, occurredOn: string) =>
    ev('EngagementLogged', {
      stakeholderId,
      engagementId: `${stakeholderId}-${occurredOn}`,
      kind: 'meeting',
      occurredOn,
      sentiment: 0,
      coachId: 'c',
    });

  const names = (filter: StakeholderFilter = {}) => queries.list(filter).map((s) => s.name);

  beforeEach(async () => {
    db = openDatabase(':memory:');
    store = new SqliteEventStore(db);
    // Retail (r) with Stores (s) under it, and Online (o) beside it.
    await appendOrganisation(store);
    await append(store, 'area-o', ev('AreaRegistered', { areaId: 'o', code: 'O', name: 'Online', parentAreaId: null }));
    await append(store, 'coach-c', ev('CoachRegistered', { coachId: 'c', name: 'Chris', email: 'chris@example.org' }));
    await append(store, 'coach-d', ev('CoachRegistered', { coachId: 'd', name: 'Dana', email: 'dana@example.org' }));
    await append(store, 'area-s', ev('CoachAssignedToArea', { areaId: 's', coachId: 'd' }));
    await append(
      store,
      'stakeholder-ann',
      identified('ann', 'Ann', 'r', 5, 2),
      ev('AttitudeAssessed', { stakeholderId: 'ann', attitude: 'champion' }),
      engaged('ann', '2026-11-20'),
    );
    await append(
      store,
      'stakeholder-bo',
      identified('bo', 'Bo', 's', 3, 5),
      ev('AttitudeAssessed', { stakeholderId: 'bo', attitude: 'resistor' }),
      ev('AdkarStageAssessed', { stakeholderId: 'bo', stage: 'awareness' }),
      engaged('bo', '2026-10-01'),
    );
    await append(store, 'stakeholder-cy', identified('cy', 'Cy', 'o', 3, 4));
    await append(store, 'stakeholder-di', identified('di', 'Di', 's', 1, 1), engaged('di', '2026-10-28'), engaged('di', '2026-10-14'));
    await new ProjectionRunner(db, store, readModels).catchUp();
    queries = new SqliteStakeholderQueries(db);
  });
  afterEach(() => db.close());

  it('lists everyone by influence, then interest, with where they sit in the area tree', () => {
    expect(names()).toEqual(['Ann', 'Bo', 'Cy', 'Di']);
    expect(queries.list({})[1]).toEqual({
      stakeholderId: 'bo',
      name: 'Bo',
      role: 'Director',
      areaId: 's',
      areaPath: 'Retail › Stores',
      influence: 3,
      interest: 5,
      attitude: 'resistor',
      adkarStage: 'awareness',
      lastEngagedOn: '2026-10-01',
      engagements: 1,
    });
  });

  it('sorts by interest, by name, or by the longest without an engagement (never engaged first)', () => {
    expect(names({ sort: 'interest' })).toEqual(['Bo', 'Cy', 'Ann', 'Di']);
    expect(names({ sort: 'name' })).toEqual(['Ann', 'Bo', 'Cy', 'Di']);
    expect(names({ sort: 'engagement' })).toEqual(['Cy', 'Bo', 'Di', 'Ann']);
  });

  it('filters by area including the areas below it', () => {
    expect(names({ areaId: 'r' })).toEqual(['Ann', 'Bo', 'Di']);
    expect(names({ areaId: 's' })).toEqual(['Bo', 'Di']);
    expect(names({ areaId: 'o' })).toEqual(['Cy']);
    expect(names({ areaId: 'nowhere' })).toEqual([]);
  });

  it('filters by attitude and ADKAR stage, including those not assessed yet', () => {
    expect(names({ attitude: 'resistor' })).toEqual(['Bo']);
    expect(names({ attitude: 'unassessed' })).toEqual(['Cy', 'Di']);
    expect(names({ adkarStage: 'awareness' })).toEqual(['Bo']);
    expect(names({ adkarStage: 'unassessed', attitude: 'champion' })).toEqual(['Ann']);
  });

  it('finds those not engaged since a date, or never', () => {
    expect(names({ notEngagedSince: '2026-10-28' })).toEqual(['Bo', 'Cy', 'Di']);
    expect(names({ notEngagedSince: '2026-10-27' })).toEqual(['Bo', 'Cy']);
    expect(names({ notEngagedSince: '2026-10-27', areaId: 'r' })).toEqual(['Bo']);
  });

  it('searches name and role, ignoring case, taking % and _ literally', async () => {
    await append(
      store,
      'stakeholder-ed',
      ev('StakeholderIdentified', {
        stakeholderId: 'ed',
        name: 'Ed 100%_Sure',
        role: 'Head of Sales',
        areaId: 'o',
        influence: 2,
        interest: 2,
      }),
    );
    await new ProjectionRunner(db, store, readModels).catchUp();
    expect(names({ search: 'bo' })).toEqual(['Bo']);
    expect(names({ search: 'SALES' })).toEqual(['Ed 100%_Sure']);
    expect(names({ search: 'director', areaId: 's' })).toEqual(['Bo', 'Di']);
    expect(names({ search: '%' })).toEqual(['Ed 100%_Sure']);
    expect(names({ search: '0_S' })).toEqual([]);
    expect(names({ search: '%_' })).toEqual(['Ed 100%_Sure']);
  });

  it('pages the list and counts matches and quiet ones without reading the rows', () => {
    expect(queries.list({}, { limit: 2, offset: 0 }).map((s) => s.name)).toEqual(['Ann', 'Bo']);
    expect(queries.list({}, { limit: 2, offset: 2 }).map((s) => s.name)).toEqual(['Cy', 'Di']);
    expect(queries.list({ sort: 'name' }, { limit: 2, offset: 3 }).map((s) => s.name)).toEqual(['Di']);
    expect(queries.count({}, '2026-10-28')).toEqual({ total: 4, quiet: 2 });
    expect(queries.count({ areaId: 's' }, '2026-11-01')).toEqual({ total: 2, quiet: 2 });
    expect(queries.count({ attitude: 'skeptic' }, '2026-11-01')).toEqual({ total: 0, quiet: 0 });
  });

  it('answers one stakeholder, or null', () => {
    expect(queries.stakeholder('di')).toMatchObject({
      name: 'Di',
      areaPath: 'Retail › Stores',
      lastEngagedOn: '2026-10-28',
      engagements: 2,
      attitude: null,
    });
    expect(queries.stakeholder('nobody')).toBeNull();
    expect(queries.hasAny()).toBe(true);
  });

  it('logs engagements newest first by the day they happened, with the coach by name', () => {
    expect(queries.engagements('di')).toEqual([
      { engagementId: 'di-2026-10-28', kind: 'meeting', occurredOn: '2026-10-28', sentiment: 0, note: null, coachId: 'c', coach: 'Chris' },
      { engagementId: 'di-2026-10-14', kind: 'meeting', occurredOn: '2026-10-14', sentiment: 0, note: null, coachId: 'c', coach: 'Chris' },
    ]);
    expect(queries.engagements('cy')).toEqual([]);
  });

  it('keeps the history of identification, re-mapping and assessments, newest first, each with where they stood before', async () => {
    await append(
      store,
      'stakeholder-bo',
      ev('StakeholderMapped', { stakeholderId: 'bo', influence: 4, interest: 5 }),
      ev('AttitudeAssessed', { stakeholderId: 'bo', attitude: 'skeptic', note: 'came to the review' }),
    );
    await new ProjectionRunner(db, store, readModels).catchUp();
    const history = queries.history('bo');
    expect(
      history.map((h) => [
        h.aspect,
        h.before && [h.before.influence, h.before.interest, h.before.attitude, h.before.adkarStage],
        [h.after.influence, h.after.interest, h.after.attitude, h.after.adkarStage],
      ]),
    ).toEqual([
      ['attitude', [4, 5, 'resistor', 'awareness'], [4, 5, 'skeptic', 'awareness']],
      ['mapping', [3, 5, 'resistor', 'awareness'], [4, 5, 'resistor', 'awareness']],
      ['adkar', [3, 5, 'resistor', null], [3, 5, 'resistor', 'awareness']],
      ['attitude', [3, 5, null, null], [3, 5, 'resistor', null]],
      ['identified', null, [3, 5, null, null]],
    ]);
    expect(history[0]).toMatchObject({
      role: 'Director',
      note: 'came to the review',
      occurredAt: '2026-11-25T12:00:00.000Z',
      actor: { kind: 'system', id: 'test' },
    });
    expect(queries.history('nobody')).toEqual([]);
  });

  it('offers the areas in tree order and the coaches, those of the area first', () => {
    expect(queries.areas()).toEqual([
      { areaId: 'o', name: 'Online', path: 'Online', depth: 0 },
      { areaId: 'r', name: 'Retail', path: 'Retail', depth: 0 },
      { areaId: 's', name: 'Stores', path: 'Retail › Stores', depth: 1 },
    ]);
    expect(queries.coaches('s')).toEqual([
      { coachId: 'd', name: 'Dana', inArea: true },
      { coachId: 'c', name: 'Chris', inArea: false },
    ]);
    expect(queries.coaches().map((c) => c.name)).toEqual(['Chris', 'Dana']);
  });

  it('knows when there is no stakeholder yet', () => {
    const empty = new SqliteStakeholderQueries(openDatabase(':memory:'));
    expect(empty.hasAny()).toBe(false);
    expect(empty.list({})).toEqual([]);
  });
});

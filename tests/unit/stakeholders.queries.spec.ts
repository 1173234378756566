import type Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openDatabase } from '../../infra/sqlite/database.ts';
import { SqliteEventStore } from '../../infra/sqlite/sqliteEventStore.ts';
import { readModels } from '../../projections/index.ts';
import { ProjectionRunner } from '../../projections/runner.ts';
import { SqliteStakeholderQueries, type Paging, type StakeholderFilter } from '../../projections/stakeholders/queries.ts';
import { withMetadata } from '../../src/shared/commandHandler.ts';
import type { UptakeEvent } from '../../src/events.ts';
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
      desiredAttitude: null,
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

  it('pages the list by keyset in each order, either way from a stakeholder, and counts matches and quiet ones without reading the rows', () => {
    const names = (filter: StakeholderFilter, paging: Paging) => queries.list(filter, paging).map((s) => s.name);
    expect(names({}, { limit: 2 })).toEqual(['Ann', 'Bo']);
    expect(names({}, { limit: 2, after: 'bo' })).toEqual(['Cy', 'Di']);
    expect(names({}, { limit: 2, before: 'di' })).toEqual(['Bo', 'Cy']);
    expect(names({}, { limit: 2, before: 'ann' })).toEqual([]);
    expect(names({ sort: 'name' }, { limit: 2, after: 'cy' })).toEqual(['Di']);
    // Never engaged first, then the longest since.
    expect(names({ sort: 'engagement' }, { limit: 2, after: 'cy' })).toEqual(['Bo', 'Di']);
    expect(names({ sort: 'engagement' }, { limit: 3, before: 'ann' })).toEqual(['Cy', 'Bo', 'Di']);
    expect(names({ sort: 'interest' }, { limit: 1, after: 'bo' })).toEqual(['Cy']);
    // The filters apply on either side of the stakeholder paged from.
    expect(names({ areaId: 's' }, { limit: 2, after: 'ann' })).toEqual(['Bo', 'Di']);
    expect(queries.position({}, 'cy')).toBe(2);
    expect(queries.position({ sort: 'engagement' }, 'cy')).toBe(0);
    expect(queries.position({ areaId: 's' }, 'di')).toBe(1);
    expect(queries.count({}, '2026-10-28')).toEqual({ total: 4, quiet: 2 });
    expect(queries.count({ areaId: 's' }, '2026-11-01')).toEqual({ total: 2, quiet: 2 });
    expect(queries.count({ attitude: 'skeptic' }, '2026-11-01')).toEqual({ total: 0, quiet: 0 });
  });

  it('puts on the grid the first of each cell by name, counting the whole cell, with the filters applied', async () => {
    await append(store, 'stakeholder-al', identified('al', 'Al', 's', 3, 5));
    await new ProjectionRunner(db, store, readModels).catchUp();
    const chips = (filter: StakeholderFilter, perCell: number) =>
      queries.grid(filter, perCell).map((s) => [s.name, s.influence, s.interest, s.inCell]);
    expect(chips({}, 1)).toEqual([
      ['Ann', 5, 2, 1],
      ['Cy', 3, 4, 1],
      ['Al', 3, 5, 2],
      ['Di', 1, 1, 1],
    ]);
    expect(chips({}, 2)).toEqual([
      ['Ann', 5, 2, 1],
      ['Cy', 3, 4, 1],
      ['Al', 3, 5, 2],
      ['Bo', 3, 5, 2],
      ['Di', 1, 1, 1],
    ]);
    expect(chips({ areaId: 's', attitude: 'unassessed' }, 1)).toEqual([
      ['Al', 3, 5, 1],
      ['Di', 1, 1, 1],
    ]);
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
  describe('over time', () => {
    /** Appends as having happened at noon on the day. */
    const on = (day: string, streamId: string, ...events: UptakeEvent[]) =>
      store.appendToStream(
        streamId,
        withMetadata(events, { actor: { kind: 'system', id: 'test' }, source: 'test', now: new Date(`${day}T12:00:00Z`) }),
        'any',
      );
    const engagedWith = (stakeholderId: string, occurredOn: string, sentiment: number) =>
      ev('EngagementLogged', {
        stakeholderId,
        engagementId: `${stakeholderId}-${occurredOn}`,
        kind: 'meeting',
        occurredOn,
        sentiment,
        coachId: 'c',
      });

    /**
     * Eve (Retail): skeptic at awareness on (2, 2) from September; neutral and re-mapped to (4, 4)
     * on 25 Oct; supporter at knowledge on 10 Nov. Fay (Online): neutral, skeptic on 5 Nov and
     * neutral again on 20 Nov.
     */
    beforeEach(async () => {
      await on(
        '2026-09-01',
        'stakeholder-eve',
        identified('eve', 'Eve', 'r', 2, 2),
        ev('AttitudeAssessed', { stakeholderId: 'eve', attitude: 'skeptic' }),
        ev('AdkarStageAssessed', { stakeholderId: 'eve', stage: 'awareness' }),
      );
      await on('2026-09-15', 'stakeholder-eve', engagedWith('eve', '2026-09-15', 0));
      await on('2026-10-20', 'stakeholder-eve', engagedWith('eve', '2026-10-20', -1));
      await on(
        '2026-10-25',
        'stakeholder-eve',
        ev('AttitudeAssessed', { stakeholderId: 'eve', attitude: 'neutral' }),
        ev('StakeholderMapped', { stakeholderId: 'eve', influence: 4, interest: 4 }),
      );
      await on(
        '2026-11-10',
        'stakeholder-eve',
        ev('AttitudeAssessed', { stakeholderId: 'eve', attitude: 'supporter' }),
        ev('AdkarStageAssessed', { stakeholderId: 'eve', stage: 'knowledge' }),
        ev('StakeholderDesiredAttitudeSet', { stakeholderId: 'eve', attitude: 'champion', reason: 'sponsor of the pilot' }),
      );
      await on('2026-11-12', 'stakeholder-eve', engagedWith('eve', '2026-11-12', 1));
      await on(
        '2026-09-01',
        'stakeholder-fay',
        identified('fay', 'Fay', 'o', 1, 5),
        ev('AttitudeAssessed', { stakeholderId: 'fay', attitude: 'neutral' }),
      );
      await on('2026-11-05', 'stakeholder-fay', ev('AttitudeAssessed', { stakeholderId: 'fay', attitude: 'skeptic' }));
      await on('2026-11-20', 'stakeholder-fay', ev('AttitudeAssessed', { stakeholderId: 'fay', attitude: 'neutral' }));
      await new ProjectionRunner(db, store, readModels).catchUp();
    });

    it('keeps the desired attitude on the stakeholder and in their history', () => {
      expect(queries.stakeholder('eve')).toMatchObject({ attitude: 'supporter', desiredAttitude: 'champion' });
      expect(queries.history('eve')[0]).toMatchObject({
        aspect: 'desired',
        note: 'sponsor of the pilot',
        before: { desiredAttitude: null },
        after: { attitude: 'supporter', desiredAttitude: 'champion' },
      });
    });

    it('finds who was re-mapped since a day, with where they stood at the end of the day before', () => {
      expect(queries.gridMoves({}, '2026-10-20', 10)).toEqual([
        {
          stakeholderId: 'eve',
          name: 'Eve',
          attitude: 'supporter',
          was: { influence: 2, interest: 2 },
          now: { influence: 4, interest: 4 },
        },
      ]);
      // Re-mapped on the 25th: since the 26th nobody moved on the grid.
      expect(queries.gridMoves({}, '2026-10-26', 10)).toEqual([]);
      expect(queries.gridMoves({ areaId: 'o' }, '2026-10-20', 10)).toEqual([]);
      expect(queries.gridMoves({ areaId: 'r' }, '2026-10-20', 0)).toEqual([]);
    });

    it('gives the biggest moves of attitude or ADKAR stage in a period, from where they stood before it to after it', () => {
      // Fay went to skeptic and back to neutral: back where she started, no move.
      const moves = queries.biggestMovesBetween('2026-10-27', '2026-11-24', 10);
      expect(moves.map((m) => [m.name, m.attitude, m.adkarStage, m.firstOn, m.lastOn])).toEqual([
        ['Eve', { from: 'neutral', to: 'supporter' }, { from: 'awareness', to: 'knowledge' }, '2026-11-10', '2026-11-10'],
      ]);
      // Fay is a move of one step up to the 20th (skeptic → neutral), Eve of two (awareness → knowledge): Eve first.
      expect(queries.biggestMovesBetween('2026-11-06', '2026-11-24', 10).map((m) => m.name)).toEqual(['Eve', 'Fay']);
      expect(queries.biggestMovesBetween('2026-11-06', '2026-11-24', 1).map((m) => m.name)).toEqual(['Eve']);
      // Both ends are days included; the setup's first assessments on the 25th are from "not assessed", no move.
      expect(queries.biggestMovesBetween('2026-11-20', '2026-11-20', 10).map((m) => [m.name, m.attitude])).toEqual([
        ['Fay', { from: 'skeptic', to: 'neutral' }],
      ]);
      expect(queries.biggestMovesBetween('2026-11-25', '2026-11-25', 10)).toEqual([]);
      expect(queries.biggestMovesBetween('2026-10-27', '2026-11-24', 10, 'o')).toEqual([]);
      expect(queries.biggestMovesBetween('2026-10-27', '2026-11-24', 10, 'r').map((m) => m.name)).toEqual(['Eve']);
      expect(queries.biggestMovesBetween('2026-11-11', '2026-11-19', 10)).toEqual([]);
    });

    it('gives the engagements between two days and those relationship health reads', () => {
      expect(queries.engagementsBetween('eve', '2026-10-20', '2026-11-12').map((e) => e.occurredOn)).toEqual(['2026-11-12', '2026-10-20']);
      expect(queries.engagementsBetween('eve', '2026-10-21', '2026-11-11')).toEqual([]);
      // Since 1 Nov, and Di's last engagement though it is older.
      const since = [
        { stakeholderId: 'eve', since: '2026-11-01' },
        { stakeholderId: 'di', since: '2026-11-01' },
        { stakeholderId: 'cy', since: '2026-11-01' },
      ];
      // Eve once since 1 Nov; Di not since, but last on 28 Oct; Cy never.
      expect(queries.engagedSince(since, '2026-11-25')).toEqual([
        { stakeholderId: 'cy', lastEngagedOn: null, inLookback: 0, sentimentSum: 0 },
        { stakeholderId: 'di', lastEngagedOn: '2026-10-28', inLookback: 0, sentimentSum: 0 },
        { stakeholderId: 'eve', lastEngagedOn: '2026-11-12', inLookback: 1, sentimentSum: 1 },
      ]);
      // Each from their own day, up to the day given.
      expect(queries.engagedSince([{ stakeholderId: 'eve', since: '2026-10-01' }], '2026-11-25')).toEqual([
        { stakeholderId: 'eve', lastEngagedOn: '2026-11-12', inLookback: 2, sentimentSum: 0 },
      ]);
      expect(queries.engagedSince([{ stakeholderId: 'eve', since: '2026-10-01' }], '2026-11-11')[0]).toMatchObject({
        inLookback: 1,
        sentimentSum: -1,
      });
      expect(queries.engagedSince([], '2026-11-25')).toEqual([]);
    });
  });
});

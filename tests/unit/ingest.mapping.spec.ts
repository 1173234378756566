/**
 * The mapping table over a real SQLite world: each CloudEvents type becomes its slice's command
 * (the stored event shows which), references resolve through the read models, and what cannot
 * be resolved is refused by name.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SqliteDirectory } from '../../projections/index.ts';
import { SqliteReferences } from '../../projections/org/references.ts';
import { cloudEventKey } from '../../src/ingest/ingest.ts';
import { recordMapped, type IngestDeps } from '../../src/ingest/mapping.ts';
import { ValidationError } from '../../src/shared/errors.ts';
import { closeWorld, CYCLE, openWorld, seedSmallOrganisation, TODAY, type World } from '../support/webApp.ts';

let world: World;
let deps: IngestDeps;
beforeAll(async () => {
  world = openWorld();
  await seedSmallOrganisation(world);
  deps = { store: world.store, directory: new SqliteDirectory(world.db), references: new SqliteReferences(world.db) };
});
afterAll(() => closeWorld(world));

const record = async (type: string, data: unknown, id = `${type}/${JSON.stringify(data)}`) => {
  const key = cloudEventKey('urn:test', id);
  const result = await recordMapped(deps, type, data, {
    actor: { kind: 'integration', id: 'urn:test' },
    source: 'http',
    now: new Date(`${TODAY}T10:00:00Z`),
    idempotencyKey: key,
  });
  return result.events.map(({ type, data }) => ({ type, data }));
};

const refusal = async (type: string, data: unknown) => {
  const error = await record(type, data).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ValidationError);
  return (error as ValidationError).message;
};

describe('the mapping table', () => {
  it('objectives, key results and links from an OKR tool, resolved by its own ids', async () => {
    const [theme] = await record('org.okr.theme.set.v1', { themeRef: 'T-1', title: 'Grow recurring revenue' });
    const themeId = (theme!.data as { themeId: string }).themeId;
    const [objective] = await record('org.okr.objective.set.v1', {
      objectiveRef: 'O-7',
      title: 'Payouts in a day',
      cycleName: '2026-Q4',
      teamKey: 'PAY',
    });
    expect(objective).toMatchObject({
      type: 'ObjectiveSet',
      data: { title: 'Payouts in a day', cycleId: CYCLE, teamId: 'pay', areaId: 'plat' },
    });
    const objectiveId = (objective!.data as { objectiveId: string }).objectiveId;
    expect(
      await record('org.okr.keyresult.defined.v1', { objectiveRef: 'O-7', keyResultRef: 'KR-71', title: 'Payout under 24 h' }),
    ).toEqual([{ type: 'KeyResultDefined', data: { objectiveId, keyResultId: 'KR-71', title: 'Payout under 24 h' } }]);
    expect(await record('org.okr.objective.linked.v1', { objectiveRef: 'O-7', parentKind: 'theme', parentRef: 'T-1' })).toEqual([
      { type: 'ObjectiveLinked', data: { objectiveId, parentKind: 'theme', parentId: themeId, crossArea: false } },
    ]);
    expect(await record('org.okr.objective.unlinked.v1', { objectiveRef: 'O-7' })).toEqual([
      { type: 'ObjectiveUnlinked', data: { objectiveId } },
    ]);
    // The same tool id from another source is another objective.
    const other = await recordMapped(
      deps,
      'org.okr.objective.unlinked.v1',
      { objectiveRef: 'O-7' },
      {
        actor: { kind: 'integration', id: 'urn:other-tool' },
        source: 'http',
        now: new Date(`${TODAY}T10:00:00Z`),
        idempotencyKey: cloudEventKey('urn:other-tool', 'x'),
      },
    ).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect((other as ValidationError).issues[0]!.field).toBe('objectiveId');
  });

  it('refuses an objective naming both a team and an area, or a link to a parent the tool never sent', async () => {
    expect(
      await refusal('org.okr.objective.set.v1', {
        objectiveRef: 'O-8',
        title: 'Both',
        cycleName: '2026-Q4',
        teamKey: 'PAY',
        areaCode: 'ENG',
      }),
    ).toMatch(/^data\.teamKey: name either teamKey or areaCode/);
    await record('org.okr.objective.set.v1', { objectiveRef: 'O-9', title: 'Search that answers', cycleName: '2026-Q4', areaCode: 'ENG' });
    expect(await refusal('org.okr.objective.linked.v1', { objectiveRef: 'O-9', parentKind: 'objective', parentRef: 'NOPE' })).toMatch(
      /^parentId: /,
    );
  });

  it('org.okr.checkin.held.v1 → HoldCheckIn', async () => {
    expect(
      await record('org.okr.checkin.held.v1', { teamKey: 'PAY', cycleName: '2026-Q4', heldOn: '2026-11-20', confidence: 0.6 }),
    ).toEqual([{ type: 'CheckInHeld', data: { teamId: 'pay', cycleId: CYCLE, heldOn: '2026-11-20', confidence: 0.6 } }]);
  });

  it('org.okr.checkin.missed.v1 → MissCheckIn', async () => {
    expect(
      await record('org.okr.checkin.missed.v1', { teamKey: 'SRCH', cycleName: '2026-Q4', dueOn: '2026-11-19', reason: 'release' }),
    ).toEqual([{ type: 'CheckInMissed', data: { teamId: 'srch', cycleId: CYCLE, dueOn: '2026-11-19', reason: 'release' } }]);
  });

  it('org.okr.keyresult.progress.v1 → ReportKeyResultProgress', async () => {
    expect(
      await record('org.okr.keyresult.progress.v1', {
        teamKey: 'PAY',
        cycleName: '2026-Q4',
        keyResultRef: 'KR-1',
        progress: 0.4,
        reportedOn: '2026-11-21',
      }),
    ).toEqual([
      {
        type: 'KeyResultProgressReported',
        data: { teamId: 'pay', cycleId: CYCLE, keyResultRef: 'KR-1', progress: 0.4, reportedOn: '2026-11-21' },
      },
    ]);
  });

  it('org.okr.training.completed.v1 → CompleteTraining, in a cycle or not', async () => {
    expect(
      await record('org.okr.training.completed.v1', { teamKey: 'SRCH', kind: 'writing-okrs', participants: 4, completedOn: '2026-11-02' }),
    ).toEqual([{ type: 'TrainingCompleted', data: { teamId: 'srch', kind: 'writing-okrs', participants: 4, completedOn: '2026-11-02' } }]);
    expect(
      await record('org.okr.training.completed.v1', {
        teamKey: 'SRCH',
        cycleName: '2026-Q4',
        kind: 'okr-basics',
        participants: 3,
        completedOn: '2026-11-03',
      }),
    ).toEqual([
      {
        type: 'TrainingCompleted',
        data: { teamId: 'srch', cycleId: CYCLE, kind: 'okr-basics', participants: 3, completedOn: '2026-11-03' },
      },
    ]);
  });

  it('org.okr.team.created.v1 → RegisterTeam, the team id derived from the CloudEvent', async () => {
    expect(await record('org.okr.team.created.v1', { key: 'OPS', name: 'Operations', areaCode: 'ENG', size: 5 }, 'team-ops')).toEqual([
      {
        type: 'TeamRegistered',
        data: { teamId: cloudEventKey('urn:test', 'team-ops'), key: 'OPS', name: 'Operations', areaId: 'eng', size: 5 },
      },
    ]);
  });

  it('refuses an unknown reference by name, never guessing', async () => {
    expect(await refusal('org.okr.checkin.held.v1', { teamKey: 'SALES9', cycleName: '2026-Q4', heldOn: '2026-11-20' })).toBe(
      'data.teamKey: no team with key SALES9',
    );
    expect(await refusal('org.okr.checkin.held.v1', { teamKey: 'PAY', cycleName: '2026-q4', heldOn: '2026-11-20' })).toBe(
      'data.cycleName: no cycle named 2026-q4',
    );
    expect(await refusal('org.okr.team.created.v1', { key: 'NEW', name: 'New', areaCode: 'NOPE', size: 2 })).toBe(
      'data.areaCode: no area with code NOPE',
    );
  });

  it('refuses data that breaks its schema, naming the field, and a type nobody mapped', async () => {
    expect(
      await refusal('org.okr.keyresult.progress.v1', {
        teamKey: 'PAY',
        cycleName: '2026-Q4',
        keyResultRef: 'KR-1',
        progress: 1.5,
        reportedOn: '2026-11-21',
      }),
    ).toMatch(/^data\.progress: /);
    expect(await refusal('org.okr.checkin.held.v1', null)).toMatch(/^data: /);
    expect(await refusal('org.pulse.stakeholder.sentiment.v1', {})).toMatch(
      /^type: no mapping for "org\.pulse\.stakeholder\.sentiment\.v1"/,
    );
  });

  it("applies the slice's own rules, as a form would", async () => {
    expect(await refusal('org.okr.team.created.v1', { key: 'PAY', name: 'Payments again', areaCode: 'ENG', size: 5 })).toMatch(/^key: /);
  });
});

describe('references', () => {
  it('resolve team keys, area codes and cycle names exactly, and nothing else', () => {
    const references = new SqliteReferences(world.db);
    expect([references.teamIdByKey('PAY'), references.areaIdByCode('PLAT'), references.cycleIdByName('2026-Q4')]).toEqual([
      'pay',
      'plat',
      CYCLE,
    ]);
    expect([references.teamIdByKey('pay'), references.areaIdByCode('Plat'), references.cycleIdByName('2026-Q5')]).toEqual([
      undefined,
      undefined,
      undefined,
    ]);
  });
});

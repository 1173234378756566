import type Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openDatabase } from '../../infra/sqlite/database.ts';
import { SqliteEventStore } from '../../infra/sqlite/sqliteEventStore.ts';
import { readModels } from '../../projections/index.ts';
import type { Projection } from '../../projections/projection.ts';
import { type RebuildProgress, ProjectionRunner } from '../../projections/runner.ts';
import { skippedEvents } from '../../projections/support.ts';
import type { RecordedEvent } from '../../src/shared/event.ts';
import { append, appendHistory, appendOrganisation, dumpReadModels, ev, generatedHistory } from './projections.events.ts';

let db: Database.Database;
let store: SqliteEventStore;
const runners: ProjectionRunner[] = [];

beforeEach(() => {
  db = openDatabase(':memory:');
  store = new SqliteEventStore(db, { pollIntervalMs: 20 });
});

afterEach(async () => {
  for (const runner of runners.splice(0)) await runner.stop();
  db.close();
});

const runnerOn = (target: Database.Database, projections: readonly Projection[] = readModels, batchSize = 500) => {
  const runner = new ProjectionRunner(target, store, projections, { batchSize });
  runners.push(runner);
  return runner;
};

const count = (table: string, target = db) => (target.prepare(`SELECT count(*) AS n FROM ${table}`).get() as { n: number }).n;

/** Counts the events it sees; throws on an event of team `boom` while `failing` is set. */
function countingProjection(version = 1) {
  const state = { failing: false };
  const projection: Projection = {
    name: 'counting',
    version,
    setUp: (target) => target.exec('CREATE TABLE IF NOT EXISTS counted (position TEXT PRIMARY KEY)'),
    reset: (target) => target.exec('DELETE FROM counted'),
    apply(target, events: readonly RecordedEvent[]) {
      for (const event of events) {
        target.prepare('INSERT INTO counted (position) VALUES (?)').run(event.position.toString());
        if (state.failing && (event.data as { teamId?: string }).teamId === 'boom') throw new Error('boom');
      }
    },
  };
  return { projection, state };
}

describe('catch-up', () => {
  it('applies every stored event to the read models and moves each checkpoint to the head', async () => {
    const { position: head } = await appendOrganisation(store);
    const runner = runnerOn(db);
    expect(await runner.catchUp()).toBe(head);
    expect(count('org_areas')).toBe(2);
    expect(count('org_teams')).toBe(2);
    expect(count('adoption_teams')).toBe(2);
    expect(runner.statuses().map((s) => [s.name, s.position, s.rebuilding])).toEqual(readModels.map((p) => [p.name, head, false]));
  });

  it('skips an event for an unknown team and counts it instead of throwing', async () => {
    await appendOrganisation(store);
    await append(store, 'team-ghost', ev('CheckInHeld', { teamId: 'ghost', cycleId: 'q4', heldOn: '2026-10-06' }));
    const runner = runnerOn(db);
    await runner.catchUp();
    expect(skippedEvents(db, 'adoption')).toMatchObject([{ type: 'CheckInHeld', reason: 'unknown team ghost' }]);
    expect(runner.statuses().find((s) => s.name === 'adoption')?.skipped).toBe(1);
    expect(count('adoption_facts')).toBe(0);
  });
});

describe('live', () => {
  it('applies an appended event and tells the listeners and the waiters', async () => {
    await appendOrganisation(store);
    const runner = runnerOn(db);
    await runner.start();
    const batches: string[][] = [];
    runner.onApplied((events) => batches.push(events.map((e) => e.type)));

    const { position } = await append(store, 'team-a', ev('CheckInHeld', { teamId: 'a', cycleId: 'q4', heldOn: '2026-10-06' }));
    expect(await runner.waitFor(position)).toBe(true);
    expect(count('adoption_facts')).toBe(1);
    expect(batches).toEqual([['CheckInHeld']]);
  });

  it('gives up waiting for a position that never comes', async () => {
    const runner = runnerOn(db);
    await runner.start();
    expect(await runner.waitFor(99n, 50)).toBe(false);
  });
});

describe('a batch and its checkpoint in one transaction', () => {
  it('keeps the batch before a failure and neither applies nor checkpoints the failing one', async () => {
    const { position: first } = await appendOrganisation(store); // 5 events: batches [1,2] [3,4] [5]
    await append(store, 'team-boom', ev('TeamRegistered', { teamId: 'boom', key: 'BOOM', name: 'Boom', areaId: 'r', size: 3 }));
    const { projection, state } = countingProjection();
    state.failing = true;
    // The boom team registers at position 6: batch [5, 6] fails.
    const runner = runnerOn(db, [...readModels, projection], 2);
    await expect(runner.catchUp()).rejects.toThrow('boom');
    expect(count('counted')).toBe(4);
    expect(count('org_teams')).toBe(2); // team-a (3) and team-b (4) kept; the cycle (5) rolled back with the batch
    expect(count('org_cycles')).toBe(0);
    expect(runner.statuses().every((s) => s.position === first - 1n)).toBe(true);

    state.failing = false;
    expect(await runner.catchUp()).toBe(first + 1n);
    expect(count('counted')).toBe(6); // nothing counted twice
    expect(count('org_cycles')).toBe(1);
  });
});

describe('versions', () => {
  it('resets and replays a projection whose version changed, leaving the others alone', async () => {
    await appendOrganisation(store);
    await runnerOn(db, [...readModels, countingProjection(1).projection]).catchUp();
    db.prepare("INSERT INTO counted (position) VALUES ('stale')").run();

    const runner = runnerOn(db, [...readModels, countingProjection(2).projection]);
    expect(count('counted')).toBe(0);
    expect(runner.statuses().find((s) => s.name === 'counting')).toMatchObject({ version: 2, position: 0n, rebuilding: true });
    expect(runner.position).toBe(0n);
    await runner.catchUp();
    expect(count('counted')).toBe(5);
    expect(count('org_areas')).toBe(2); // org was not replayed over itself
  });
});

describe('rebuild', () => {
  const history = generatedHistory(3_000, 12);

  it('ends with the same read models as a fresh replay', async () => {
    await appendHistory(store, history);
    const runner = runnerOn(db, readModels, 250);
    await runner.catchUp();
    const progress: RebuildProgress[] = [];
    const result = await runner.rebuild({ onProgress: (p) => progress.push(p) });
    const head = await store.headPosition();
    expect(result).toEqual({ status: 'completed', position: head, startedFrom: 0n });
    expect(progress.at(-1)).toMatchObject({ done: head, total: head });
    expect(progress.length).toBeGreaterThan(5);
    expect(progress.every((p) => p.eventsPerSecond > 0)).toBe(true);

    const fresh = openDatabase(':memory:');
    await runnerOn(fresh).catchUp();
    expect(dumpReadModels(db)).toEqual(dumpReadModels(fresh));
    expect(count('adoption_facts')).toBeGreaterThan(2_500);
    fresh.close();
  });

  it('stops at an abort between batches and resumes from its checkpoint', async () => {
    await appendHistory(store, history);
    const runner = runnerOn(db, readModels, 250);
    await runner.catchUp();
    const controller = new AbortController();
    const interrupted = await runner.rebuild({ signal: controller.signal, onProgress: (p) => p.done >= 1_000n && controller.abort() });
    expect(interrupted.status).toBe('interrupted');
    expect(interrupted.position).toBe(1_000n);
    expect(runner.statuses().every((s) => s.rebuilding)).toBe(true);

    const resumed = await runner.rebuild();
    expect(resumed).toMatchObject({ status: 'completed', startedFrom: 1_000n, position: await store.headPosition() });
    const fresh = openDatabase(':memory:');
    await runnerOn(fresh).catchUp();
    expect(dumpReadModels(db)).toEqual(dumpReadModels(fresh));
    fresh.close();
  });

  it('lets a live runner carry on after an in-process rebuild', async () => {
    await appendOrganisation(store);
    const runner = runnerOn(db);
    await runner.start();
    await runner.rebuild();
    const { position } = await append(store, 'team-a', ev('OkrsPublished', { teamId: 'a', cycleId: 'q4', publishedOn: '2026-10-01' }));
    expect(await runner.waitFor(position)).toBe(true);
    expect(count('adoption_facts')).toBe(1);
    expect(count('org_teams')).toBe(2);
  });
});

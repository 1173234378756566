import type Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openDatabase } from '../../infra/sqlite/database.ts';
import { SqliteEventStore } from '../../infra/sqlite/sqliteEventStore.ts';
import { readModels } from '../../projections/index.ts';
import type { Projection } from '../../projections/projection.ts';
import { type ProjectionFailure, type RebuildProgress, ProjectionRunner } from '../../projections/runner.ts';
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

/** The read models' indexes that are not rules (PRIMARY KEY, UNIQUE): those a replay builds at its end. */
const secondaryIndexes = (target = db): string[] =>
  target
    .prepare<[], { name: string }>(
      "SELECT name FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL AND sql NOT LIKE 'CREATE UNIQUE%' ORDER BY name",
    )
    .all()
    .map((r) => r.name);

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
    expect(await runner.waitFor(position)).toEqual({ caughtUp: true, lagging: [] });
    expect(count('adoption_facts')).toBe(1);
    expect(batches).toEqual([['CheckInHeld']]);
  });

  it('gives up waiting for a position that never comes', async () => {
    const runner = runnerOn(db);
    await runner.start();
    expect(await runner.waitFor(99n, 50)).toEqual({ caughtUp: false, lagging: readModels.map((p) => p.name) });
  });
});

describe('a projection that throws', () => {
  const boom = ev('TeamRegistered', { teamId: 'boom', key: 'BOOM', name: 'Boom', areaId: 'r', size: 3 });

  it('stops at its last good batch while the others apply everything, and a restart resumes it from there', async () => {
    const { position: first } = await appendOrganisation(store); // 5 events: batches [1,2] [3,4] [5,6]
    await append(store, 'team-boom', boom);
    const { projection, state } = countingProjection();
    state.failing = true;
    const failures: ProjectionFailure[] = [];
    const runner = new ProjectionRunner(db, store, [...readModels, projection], { batchSize: 2, onFailure: (f) => failures.push(f) });
    runners.push(runner);
    // The boom team registers at position 6: batch [5, 6] fails for the counting projection only.
    expect(await runner.catchUp()).toBe(first + 1n);
    expect(failures).toMatchObject([{ projection: 'counting', position: first + 1n, eventType: 'TeamRegistered', error: 'boom' }]);
    expect(count('counted')).toBe(4); // the rows it wrote for 5 and 6 were rolled back with its savepoint
    expect(count('org_teams')).toBe(3);
    expect(count('org_cycles')).toBe(1);
    const statuses = runner.statuses();
    expect(statuses.find((s) => s.name === 'counting')).toMatchObject({ position: first - 1n, rebuilding: true, failed: failures[0] });
    expect(statuses.filter((s) => s.name !== 'counting').every((s) => s.position === first + 1n && !s.rebuilding && !s.failed)).toBe(true);

    state.failing = false;
    const restarted = runnerOn(db, [...readModels, projection], 2);
    expect(restarted.failed).toEqual([]);
    expect(await restarted.catchUp()).toBe(first + 1n);
    expect(count('counted')).toBe(6); // nothing counted twice
    expect(count('org_teams')).toBe(3);
  });

  it('fails live once, and the waiters and the other projections do not wait for it', async () => {
    await appendOrganisation(store);
    const { projection, state } = countingProjection();
    state.failing = true;
    const failures: ProjectionFailure[] = [];
    const runner = new ProjectionRunner(db, store, [...readModels, projection], { onFailure: (f) => failures.push(f) });
    runners.push(runner);
    await runner.start();

    const { position } = await append(store, 'team-boom', boom);
    // A day-long timeout: the test would time out if the failed projection were waited for.
    expect(await runner.waitFor(position, 86_400_000)).toEqual({ caughtUp: false, lagging: ['counting'] });
    expect(count('org_teams')).toBe(3);
    const { position: later } = await append(
      store,
      'team-a',
      ev('OkrsPublished', { teamId: 'a', cycleId: 'q4', publishedOn: '2026-10-01' }),
    );
    expect(await runner.waitFor(later, 86_400_000)).toEqual({ caughtUp: false, lagging: ['counting'] });
    expect(count('adoption_facts')).toBe(1);
    expect(failures).toMatchObject([{ projection: 'counting', position, eventType: 'TeamRegistered' }]);
    expect(runner.failed).toEqual(failures);
    expect(runner.position).toBe(later);
  });

  it('is not waited for when every projection has failed', async () => {
    await appendOrganisation(store);
    const { projection, state } = countingProjection();
    state.failing = true;
    const runner = runnerOn(db, [projection]);
    await runner.start();
    const { position } = await append(store, 'team-boom', boom);
    expect(await runner.waitFor(position, 86_400_000)).toEqual({ caughtUp: false, lagging: ['counting'] });
    expect(await runner.waitFor(position + 1n, 86_400_000)).toEqual({ caughtUp: false, lagging: ['counting'] });
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
    const replayed = readModels.filter((p) => !p.keptByRebuild).map((p) => p.name);
    expect(runner.statuses().flatMap((s) => (s.rebuilding ? [s.name] : []))).toEqual(replayed);
    // The secondary indexes wait for the end of the replay; the unique ones (rules the folds rely on) and those a fold looks rows up by stay.
    expect(secondaryIndexes()).toEqual(['strategy_objectives_parent', 'strategy_objectives_team']);

    const resumed = await runner.rebuild();
    expect(resumed).toMatchObject({ status: 'completed', startedFrom: 1_000n, position: await store.headPosition() });
    const fresh = openDatabase(':memory:');
    await runnerOn(fresh).catchUp();
    expect(dumpReadModels(db)).toEqual(dumpReadModels(fresh));
    fresh.close();
  });

  it('builds the secondary indexes once the replay reaches the head, as a fresh replay has them', async () => {
    await appendHistory(store, history);
    const runner = runnerOn(db, readModels, 250);
    await runner.catchUp();
    const before = secondaryIndexes();
    expect(before.length).toBeGreaterThan(10);
    await runner.rebuild();
    expect(secondaryIndexes()).toEqual(before);
    const fresh = openDatabase(':memory:');
    await runnerOn(fresh).catchUp();
    expect(secondaryIndexes(fresh)).toEqual(before);
    fresh.close();
  });

  it('keeps the accounts while it replays the rest, so sign-in keeps working', async () => {
    await appendOrganisation(store);
    const accountId = '0193a0aa-0000-7000-8000-000000000001';
    await append(
      store,
      `account-${accountId}`,
      ev('AccountOpened', { accountId, email: 'ada@example.org', name: 'Ada', role: 'admin', coachId: null }),
    );
    await appendHistory(store, history);
    const runner = runnerOn(db, readModels, 250);
    await runner.catchUp();
    const controller = new AbortController();
    await runner.rebuild({ signal: controller.signal, onProgress: () => controller.abort() });
    expect(count('timeline_events')).toBe(250); // stopped after its first batch
    expect(count('accounts')).toBe(1);
    const resumed = await runner.rebuild();
    expect(resumed.status).toBe('completed');
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
    expect(await runner.waitFor(position)).toMatchObject({ caughtUp: true });
    expect(count('adoption_facts')).toBe(1);
    expect(count('org_teams')).toBe(2);
  });
});

describe('a long catch-up handed elsewhere', () => {
  const dir = mkdtempSync(join(tmpdir(), 'uptake-elsewhere-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('waits for the replay done on another connection, answers waitFor from its checkpoints, and applies what is left', async () => {
    const file = join(dir, 'store.db');
    const server = openDatabase(file);
    const serverStore = new SqliteEventStore(server);
    const history = generatedHistory(3_000, 7);
    await appendHistory(serverStore, history);
    const head = await serverStore.headPosition();
    const handedOver: bigint[] = [];
    let runner: ProjectionRunner | undefined;
    const waited: Promise<unknown>[] = [];
    const replayElsewhere = async () => {
      handedOver.push(runner!.position);
      waited.push(runner!.waitFor(head, 60_000));
      // What the worker thread does: a runner of its own on a connection of its own.
      const worker = openDatabase(file);
      await new ProjectionRunner(worker, new SqliteEventStore(worker), readModels).catchUp();
      worker.close();
    };
    runner = new ProjectionRunner(server, serverStore, readModels, { replayElsewhere });
    await runner.catchUp();
    expect(handedOver).toEqual([0n]);
    await expect(waited[0]).resolves.toMatchObject({ caughtUp: true });
    expect(runner.position).toBe(head);

    // A short catch-up stays here.
    const { position } = await append(
      serverStore,
      'team-a',
      ev('OkrsPublished', { teamId: 'a', cycleId: 'q4', publishedOn: '2026-10-01' }),
    );
    expect(await runner.catchUp()).toBe(position);
    expect(handedOver).toHaveLength(1);

    const fresh = openDatabase(':memory:');
    await new ProjectionRunner(fresh, serverStore, readModels).catchUp();
    expect(dumpReadModels(server)).toEqual(dumpReadModels(fresh));
    fresh.close();
    server.close();
  });
});

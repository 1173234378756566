import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { openDatabase } from '../../infra/sqlite/database.ts';
import { SqliteEventStore } from '../../infra/sqlite/sqliteEventStore.ts';
import { readModels, ProjectionRunner } from '../../projections/index.ts';
import { appendHistory, dumpReadModels, generatedHistory } from '../unit/projections.events.ts';

const dir = mkdtempSync(join(tmpdir(), 'uptake-crash-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

// Detached: the child leads its own process group, so a kill reaches the node process behind npx and tsx.
const rebuildChild = (file: string): ChildProcess =>
  spawn('npx', ['tsx', 'tests/support/rebuildChild.ts', file, '100'], { stdio: ['ignore', 'pipe', 'inherit'], detached: true });

const exited = (child: ChildProcess): Promise<{ code: number | null; signal: NodeJS.Signals | null; stdout: string }> => {
  let stdout = '';
  child.stdout?.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  return new Promise((resolve) => child.on('exit', (code, signal) => resolve({ code, signal, stdout })));
};

const groupAlive = (pgid: number): boolean => {
  try {
    process.kill(-pgid, 0);
    return true;
  } catch {
    return false;
  }
};

/** The lowest checkpoint, read through a connection of our own (the child writes in WAL mode). */
const lowestCheckpoint = (file: string): bigint => {
  const db = openDatabase(file);
  try {
    const rows = db.prepare<[], { position: string }>('SELECT position FROM projection_checkpoints').all();
    // biome-ignore lint/complexity/useMathMinMax: positions are bigints, which Math.min does not take.
    return rows.length < readModels.length ? 0n : rows.map((r) => BigInt(r.position)).reduce((a, b) => (b < a ? b : a));
  } finally {
    db.close();
  }
};

/** The indexes that are not rules (PRIMARY KEY, UNIQUE): a replay from scratch builds them at its end. */
const secondaryIndexes = (file: string): string[] => {
  const db = openDatabase(file);
  try {
    return db
      .prepare<[], { name: string }>(
        "SELECT name FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL AND sql NOT LIKE 'CREATE UNIQUE%' ORDER BY name",
      )
      .all()
      .map((r) => r.name);
  } finally {
    db.close();
  }
};

it('a rebuild killed part-way and restarted ends with exactly the read models of a clean replay', { timeout: 240_000 }, async () => {
  const file = join(dir, 'store.db');
  const db = openDatabase(file);
  db.pragma('synchronous = OFF'); // seeding speed only; the child opens the file with the default FULL
  const store = new SqliteEventStore(db);
  await appendHistory(store, generatedHistory(30_000));
  const head = await store.headPosition();
  expect(head).toBeGreaterThanOrEqual(30_000n);
  await new ProjectionRunner(db, store, readModels).catchUp(); // read models exist before the rebuild, as in real life
  db.close();

  // Kill the child once it has committed part of the replay, before the end.
  const first = rebuildChild(file);
  const firstExit = exited(first);
  let killedAt = 0n;
  while (killedAt === 0n) {
    await new Promise((resolve) => setTimeout(resolve, 5));
    const position = lowestCheckpoint(file);
    if (position > 0n && position < head) {
      process.kill(-first.pid!, 'SIGKILL');
      killedAt = position;
    }
  }
  expect(await firstExit).toMatchObject({ signal: 'SIGKILL' });
  // npx exits before the node process it started: wait for the whole group, so no commit lands after we look.
  while (groupAlive(first.pid!)) await new Promise((resolve) => setTimeout(resolve, 5));
  const interruptedAt = lowestCheckpoint(file);
  expect(interruptedAt).toBeGreaterThan(0n);
  expect(interruptedAt).toBeLessThan(head);
  // Killed mid-replay: the secondary indexes wait for its end, but those a fold looks rows up by.
  expect(secondaryIndexes(file)).toEqual(['strategy_objectives_parent', 'strategy_objectives_team']);

  // The second run resumes from the checkpoint and completes.
  const second = await exited(rebuildChild(file));
  expect(second.code).toBe(0);
  expect(JSON.parse(second.stdout)).toEqual({ status: 'completed', startedFrom: String(interruptedAt), position: String(head) });

  // A clean replay of the same store into another file.
  const clean = openDatabase(join(dir, 'clean.db'));
  const source = openDatabase(file);
  await new ProjectionRunner(clean, new SqliteEventStore(source), readModels).catchUp();
  const rebuilt = dumpReadModels(source);
  const replayed = dumpReadModels(clean);
  expect(Object.keys(rebuilt)).toEqual(Object.keys(replayed));
  expect(rebuilt.adoption_facts!.length).toBeGreaterThan(25_000);
  for (const table of Object.keys(replayed)) expect(rebuilt[table], table).toEqual(replayed[table]);
  clean.close();
  source.close();
  // ...and the resumed run built them, as a clean replay has them.
  expect(secondaryIndexes(file)).toEqual(secondaryIndexes(join(dir, 'clean.db')));
  expect(secondaryIndexes(file).length).toBeGreaterThan(10);
});

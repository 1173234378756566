import type Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openDatabase } from '../../infra/sqlite/database.ts';
import { SqliteEventStore } from '../../infra/sqlite/sqliteEventStore.ts';
import { ProjectionRunner, readModels, SqliteHeatmapQueries } from '../../projections/index.ts';
import type { UptakeEvent } from '../../src/events.ts';
import { append, appendOrganisation, ev } from './projections.events.ts';

// Area R holds team A; weekly check-ins in q4 from 1 Oct. Each test starts with one check-in held.
const AS_OF = '2026-10-22';
const STALE_FOR_MS = 1000;

let db: Database.Database;
let store: SqliteEventStore;
let runner: ProjectionRunner;
let clock: number;
let queries: SqliteHeatmapQueries;

const checkIn = (heldOn: string) => ev('CheckInHeld', { teamId: 'a', cycleId: 'q4', heldOn });
/** Events that change no score (progress does not count), so only a check-in tells whether an answer is fresh. */
const progress = (count: number): UptakeEvent[] =>
  Array.from({ length: count }, (_, i) =>
    ev('KeyResultProgressReported', { teamId: 'a', cycleId: 'q4', keyResultRef: 'kr1', progress: (i % 10) / 10, reportedOn: '2026-10-10' }),
  );

/** Appends and applies, as the runner does for a write or an ingest; returns the last position. */
async function applied(...events: UptakeEvent[]): Promise<bigint> {
  const { position } = await append(store, 'team-a', ...events);
  await runner.catchUp();
  return position;
}

const held = () => queries.team('a', 'q4', AS_OF)!.checkIn.held;

beforeEach(async () => {
  db = openDatabase(':memory:');
  store = new SqliteEventStore(db);
  await appendOrganisation(store);
  runner = new ProjectionRunner(db, store, readModels);
  clock = 0;
  queries = new SqliteHeatmapQueries(db, { now: () => clock, staleForMs: STALE_FOR_MS });
  await applied(checkIn('2026-10-06'));
  expect(held()).toBe(1);
});
afterEach(() => db.close());

describe('the cached heatmap', () => {
  it('is answered from the cache, however old, while nothing changed', () => {
    const first = queries.heatmap('q4', AS_OF)!.areas;
    clock += 60_000;
    expect(queries.heatmap('q4', AS_OF)!.areas).toBe(first);
  });

  it('is fresh right after a write: a few events always recompute it', async () => {
    await applied(checkIn('2026-10-13'));
    expect(held()).toBe(2);
    await applied(checkIn('2026-10-20'));
    expect(queries.area('r', 'q4', AS_OF)!.teams[0]!.checkIn.held).toBe(3);
  });

  it('during a burst, stays for up to staleForMs, then is recomputed at most once per staleForMs', async () => {
    await applied(...progress(150), checkIn('2026-10-13'));
    expect(held()).toBe(1);
    clock += STALE_FOR_MS - 1;
    await applied(...progress(150), checkIn('2026-10-20'));
    expect(held()).toBe(1);
    clock += 1;
    expect(held()).toBe(3);
    await applied(...progress(150), checkIn('2026-10-21'));
    clock += STALE_FOR_MS - 1;
    expect(held()).toBe(3);
    clock += 1;
    expect(held()).toBe(4);
  });

  it('is fresh once a burst is over and staleForMs has passed', async () => {
    await applied(...progress(150), checkIn('2026-10-13'));
    expect(held()).toBe(1);
    clock += STALE_FOR_MS;
    expect(held()).toBe(2);
  });

  it('shows a write made during a burst once the writer asks for it', async () => {
    await applied(...progress(150));
    const position = await applied(checkIn('2026-10-13'));
    expect(held()).toBe(1);
    queries.freshAfter(position);
    expect(held()).toBe(2);
  });

  it('is kept during a rebuild, even when it has moved by only a few events', async () => {
    await applied(...progress(20));
    const rebuilding = new ProjectionRunner(db, store, readModels, { batchSize: 5 });
    const stop = new AbortController();
    const result = await rebuilding.rebuild({ signal: stop.signal, onProgress: () => stop.abort() });
    expect(result.status).toBe('interrupted');
    expect(held()).toBe(1);
    clock += STALE_FOR_MS;
    // Recomputed from the read models as far as the rebuild has got: no check-in yet.
    expect(held()).toBe(0);
  });
});

describe('the heatmaps kept', () => {
  /** Kept while the cached heatmaps hold at most `heatmaps` whole heatmaps' team rows (teams A and B each). */
  const keeping = (heatmaps: number) => new SqliteHeatmapQueries(db, { cachedTeamRows: heatmaps * 2 });
  const areasOn = (kept: SqliteHeatmapQueries, asOf: string) => kept.heatmap('q4', asOf)!.areas;

  it('are dropped once they hold more team rows than allowed, the oldest first', () => {
    const kept = keeping(1);
    const first = areasOn(kept, '2026-10-22');
    expect(areasOn(kept, '2026-10-22')).toBe(first);
    areasOn(kept, '2026-10-23');
    expect(areasOn(kept, '2026-10-22')).not.toBe(first);
  });

  it('drop the least recently used, not the least recently computed', () => {
    const kept = keeping(2);
    const first = areasOn(kept, '2026-10-22');
    const second = areasOn(kept, '2026-10-23');
    expect(areasOn(kept, '2026-10-22')).toBe(first);
    areasOn(kept, '2026-10-24');
    expect(areasOn(kept, '2026-10-22')).toBe(first);
    expect(areasOn(kept, '2026-10-23')).not.toBe(second);
  });
});

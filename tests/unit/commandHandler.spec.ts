import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openDatabase } from '../../infra/sqlite/database.ts';
import { SqliteEventStore } from '../../infra/sqlite/sqliteEventStore.ts';
import { registerArea } from '../../src/area/handlers.ts';
import { registerCoach } from '../../src/coach/handlers.ts';
import { eventIdFor, uuidv7, withMetadata, type CommandContext } from '../../src/shared/commandHandler.ts';
import { ConcurrencyConflictError } from '../../src/shared/errors.ts';
import { EventMetadata } from '../../src/shared/event.ts';
import { streamName } from '../../src/shared/streams.ts';
import type { LogEngagement } from '../../src/stakeholder/commands.ts';
import { assessAttitude, identifyStakeholder, logEngagement } from '../../src/stakeholder/handlers.ts';
import { memoryDirectory } from '../support/memoryDirectory.ts';

describe('uuidv7', () => {
  it('is a version-7 UUID the metadata schema accepts', () => {
    const id = uuidv7(Date.parse('2026-11-25T10:00:00Z'));
    expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(EventMetadata.shape.eventId.safeParse(id).success).toBe(true);
  });

  it('sorts by the time it carries, so the event-id index grows at its end', () => {
    const earlier = uuidv7(Date.parse('2026-11-25T10:00:00.000Z'));
    const later = uuidv7(Date.parse('2026-11-25T10:00:00.001Z'));
    expect(earlier < later).toBe(true);
    expect(earlier.slice(0, 13)).toBe('01a21225-d900'); // 48-bit milliseconds, big-endian
  });
});

describe('eventIdFor', () => {
  const key = '0b8f6c2e-4a1d-4c3e-9f5a-2d7e8b1c6a40';

  it('gives the first event the key itself, and each further event its own UUID, the same on every call', () => {
    const ids = [0, 1, 2].map((index) => eventIdFor(key, index));
    expect(ids[0]).toBe(key);
    expect(new Set(ids).size).toBe(3);
    expect([0, 1, 2].map((index) => eventIdFor(key, index))).toEqual(ids);
    for (const id of ids) expect(EventMetadata.shape.eventId.safeParse(id).success).toBe(true);
  });

  it('names a batch’s events by the key and their place in it', () => {
    const events = withMetadata(
      [
        { type: 'A', data: {} },
        { type: 'B', data: {} },
      ],
      { actor: { kind: 'user', id: 'ana' }, source: 'test', now: new Date('2026-10-07T09:00:00Z'), idempotencyKey: key },
    );
    expect(events.map((e) => e.metadata.eventId)).toEqual([key, eventIdFor(key, 1)]);
  });
});

describe('two writers appending to one stream at once', () => {
  let dir: string;
  let databases: Database.Database[];
  let stores: SqliteEventStore[];
  const ctx: CommandContext = { actor: { kind: 'user', id: 'ana' }, source: 'test', now: new Date('2026-10-07T09:00:00Z') };
  const engagement = (engagementId: string): LogEngagement => ({
    type: 'LogEngagement',
    data: { stakeholderId: 'pat', engagementId, kind: 'meeting', occurredOn: '2026-10-06', sentiment: 1, coachId: 'ana' },
  });

  beforeEach(async () => {
    // One SQLite file, two connections: what two processes sharing the store see.
    dir = mkdtempSync(join(tmpdir(), 'uptake-handler-'));
    databases = [openDatabase(join(dir, 'events.db')), openDatabase(join(dir, 'events.db'))];
    stores = databases.map((db) => new SqliteEventStore(db));
    const deps = { store: stores[0]!, directory: memoryDirectory(stores[0]!) };
    await registerArea(deps, { type: 'RegisterArea', data: { areaId: 'eng', code: 'ENG', name: 'Engineering', parentAreaId: null } }, ctx);
    await registerCoach(deps, { type: 'RegisterCoach', data: { coachId: 'ana', name: 'Ana Costa', email: 'ana@example.org' } }, ctx);
    await identifyStakeholder(
      deps,
      {
        type: 'IdentifyStakeholder',
        data: { stakeholderId: 'pat', name: 'Pat Lee', role: 'VP', areaId: 'eng', influence: 4, interest: 3 },
      },
      ctx,
    );
  });

  afterEach(async () => {
    for (const store of stores) await store.close();
    for (const db of databases) db.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const depsOf = (store: SqliteEventStore) => ({ store, directory: memoryDirectory(store) });

  it('records both log entries when neither names a revision: the later one is decided again', async () => {
    await Promise.all([logEngagement(depsOf(stores[0]!), engagement('e1'), ctx), logEngagement(depsOf(stores[1]!), engagement('e2'), ctx)]);
    const history = await stores[0]!.readStream(streamName('stakeholder', 'pat'));
    expect(
      history
        .map((e) => (e.data as { engagementId?: string }).engagementId)
        .filter(Boolean)
        .sort(),
    ).toEqual(['e1', 'e2']);
  });

  it('records a keyed command once, even retried after another write moved the stream on', async () => {
    const deps = depsOf(stores[0]!);
    const keyed = { ...ctx, idempotencyKey: '5a4c1f0e-2b3d-4e6f-8a9b-0c1d2e3f4a5b' };
    const skeptic = { type: 'AssessAttitude', data: { stakeholderId: 'pat', attitude: 'skeptic' } } as const;
    const first = await assessAttitude(deps, skeptic, keyed);
    await logEngagement(deps, engagement('e1'), ctx);
    const retried = await assessAttitude(depsOf(stores[1]!), skeptic, keyed);
    const history = await stores[0]!.readStream(streamName('stakeholder', 'pat'));
    expect(history.filter((e) => e.type === 'AttitudeAssessed')).toHaveLength(1);
    expect(retried.events).toEqual([]);
    expect(retried.position).toBe(first.position);
  });

  it('still reports a conflict to an edit made on a stale page', async () => {
    const [first, second] = await Promise.allSettled([
      logEngagement(depsOf(stores[0]!), engagement('e1'), ctx, 0),
      logEngagement(depsOf(stores[1]!), engagement('e2'), ctx, 0),
    ]);
    expect(first.status).toBe('fulfilled');
    expect(second.status === 'rejected' && second.reason).toBeInstanceOf(ConcurrencyConflictError);
  });
});

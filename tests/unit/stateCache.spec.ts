import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openDatabase, sqliteUnitOfWork } from '../../infra/sqlite/database.ts';
import { SqliteEventStore } from '../../infra/sqlite/sqliteEventStore.ts';
import { registerArea } from '../../src/area/handlers.ts';
import { registerCoach } from '../../src/coach/handlers.ts';
import { withMetadata, type CommandContext } from '../../src/shared/commandHandler.ts';
import { ConcurrencyConflictError, ValidationError } from '../../src/shared/errors.ts';
import type { DomainEvent, RecordedEvent } from '../../src/shared/event.ts';
import type { ReadStreamOptions } from '../../src/shared/eventStore.ts';
import { parseStreamName, streamName } from '../../src/shared/streams.ts';
import type { LogEngagement } from '../../src/stakeholder/commands.ts';
import { areaDecider } from '../../src/area/decider.ts';
import { coachDecider } from '../../src/coach/decider.ts';
import { cycleDecider } from '../../src/cycle/decider.ts';
import { objectiveDecider, themeDecider } from '../../src/objective/decider.ts';
import { resistanceDecider } from '../../src/resistance/decider.ts';
import { seed } from '../../src/seed/seed.ts';
import type { Decider } from '../../src/shared/decider.ts';
import { stakeholderDecider } from '../../src/stakeholder/decider.ts';
import { assessAttitude, identifyStakeholder, logEngagement, stakeholderOf } from '../../src/stakeholder/handlers.ts';
import { teamDecider } from '../../src/team/decider.ts';
import { memoryDirectory } from '../support/memoryDirectory.ts';

/** The real SQLite store, counting the events its stream reads return: what a decision costs in rows. */
class CountingStore extends SqliteEventStore {
  eventsRead = 0;

  override async readStream<E extends DomainEvent = DomainEvent>(
    streamId: string,
    options?: ReadStreamOptions,
  ): Promise<RecordedEvent<E>[]> {
    const events = await super.readStream<E>(streamId, options);
    this.eventsRead += events.length;
    return events;
  }
}

const ctx: CommandContext = { actor: { kind: 'user', id: 'ana' }, source: 'test', now: new Date('2026-10-07T09:00:00Z') };
const pat = streamName('stakeholder', 'pat');
const engagement = (engagementId: string, sentiment = 1): LogEngagement => ({
  type: 'LogEngagement',
  data: { stakeholderId: 'pat', engagementId, kind: 'meeting', occurredOn: '2026-10-06', sentiment, coachId: 'ana' },
});
const LONG = 1000;

describe('a decision on a long stream', () => {
  let dir: string;
  let databases: Database.Database[];
  let stores: CountingStore[];
  const depsOf = (store: CountingStore) => ({ store, directory: memoryDirectory(store) });

  beforeEach(async () => {
    // One SQLite file, two connections: two processes sharing the store, each with its own folded states.
    dir = mkdtempSync(join(tmpdir(), 'uptake-state-cache-'));
    databases = [openDatabase(join(dir, 'events.db')), openDatabase(join(dir, 'events.db'))];
    stores = databases.map((db) => new CountingStore(db));
    const deps = depsOf(stores[0]!);
    await registerArea(deps, { type: 'RegisterArea', data: { areaId: 'eng', code: 'ENG', name: 'Engineering', parentAreaId: null } }, ctx);
    await registerCoach(deps, { type: 'RegisterCoach', data: { coachId: 'ana', name: 'Ana Costa', email: 'ana@example.org' } }, ctx);
    const identify = { stakeholderId: 'pat', name: 'Pat Lee', role: 'VP', areaId: 'eng', influence: 4, interest: 3 };
    await identifyStakeholder(deps, { type: 'IdentifyStakeholder', data: identify }, ctx);
    const logged = Array.from({ length: LONG }, (_, i) => ({ type: 'EngagementLogged', data: engagement(`e${i}`).data }));
    await stores[0]!.appendToStream(pat, withMetadata(logged, ctx), 0);
  });

  afterEach(async () => {
    for (const store of stores) await store.close();
    for (const db of databases) db.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('reads the whole stream once per process, then only the last folded event and what came after it', async () => {
    const [writer, other] = stores as [CountingStore, CountingStore];
    // Each decision also folds the coach's one-event stream (the engagement's coach must be registered).
    other.eventsRead = 0;
    await logEngagement(depsOf(other), engagement('first'), ctx);
    expect(other.eventsRead).toBe(LONG + 1 + 1);

    other.eventsRead = 0;
    await logEngagement(depsOf(other), engagement('second'), ctx);
    expect(other.eventsRead).toBe(1 + 1);

    await logEngagement(depsOf(writer), engagement('by-the-writer'), ctx);
    other.eventsRead = 0;
    const result = await logEngagement(depsOf(other), engagement('third'), ctx);
    expect(other.eventsRead).toBe(2 + 1);
    expect(result.revision).toBe(LONG + 4);
  });

  it('decides on what another writer appended since: a duplicate it recorded is refused, not recorded twice', async () => {
    const [writer, other] = stores as [CountingStore, CountingStore];
    await logEngagement(depsOf(writer), engagement('warm'), ctx);
    await logEngagement(depsOf(other), engagement('shared', 2), ctx);
    const refused = await logEngagement(depsOf(writer), engagement('shared', -1), ctx).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(ValidationError);
    expect((refused as ValidationError).issues.map((i) => i.field)).toEqual(['engagementId']);
    const stored = (await writer.readStream(pat)).filter((e) => (e.data as { engagementId?: string }).engagementId === 'shared');
    expect(stored).toHaveLength(1);
  });

  it('still reports a conflict to an edit made on a page older than the folded state', async () => {
    const [writer] = stores as [CountingStore];
    const page = await writer.streamRevision(pat);
    await logEngagement(depsOf(writer), engagement('meanwhile'), ctx);
    const skeptic = { type: 'AssessAttitude', data: { stakeholderId: 'pat', attitude: 'skeptic' } } as const;
    await expect(assessAttitude(depsOf(writer), skeptic, ctx, page)).rejects.toBeInstanceOf(ConcurrencyConflictError);
    expect((await writer.readStream(pat, { after: page })).map((e) => e.type)).toEqual(['EngagementLogged']);
  });

  it('folds the stream again when a rolled-back unit of work took away events it had folded', async () => {
    const [writer, other] = stores as [CountingStore, CountingStore];
    const failed = sqliteUnitOfWork(databases[0]!)(async () => {
      await logEngagement(depsOf(writer), engagement('rolled-back', 2), ctx);
      throw new Error('the batch fails after its append');
    });
    await expect(failed).rejects.toThrow('the batch fails');
    // Another process takes the revision the rolled-back event had, with other data under the same engagement id.
    await logEngagement(depsOf(other), engagement('rolled-back', -2), ctx);
    writer.eventsRead = 0;
    const again = await logEngagement(depsOf(writer), engagement('rolled-back', -2), ctx);
    expect(again.events).toEqual([]);
    expect(writer.eventsRead).toBeGreaterThan(LONG);
  });

  it('after a rollback nobody wrote over, folds the stream once more, then reads only its last event again', async () => {
    const [writer] = stores as [CountingStore];
    const failed = sqliteUnitOfWork(databases[0]!)(async () => {
      await logEngagement(depsOf(writer), engagement('lost'), ctx);
      throw new Error('the batch fails after its append');
    });
    await expect(failed).rejects.toThrow('the batch fails');
    writer.eventsRead = 0;
    const folded = await stakeholderOf(writer, 'pat');
    const again = await stakeholderOf(writer, 'pat');
    expect(folded.status === 'Identified' && Object.keys(folded.engagements)).not.toContain('lost');
    expect(again).toBe(folded);
    expect(writer.eventsRead).toBe(LONG + 1 + 1);
  });
});

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const inner of Object.values(value)) deepFreeze(inner);
  }
  return value;
}

const deciders: Partial<Record<string, Decider<unknown, never, DomainEvent>>> = {
  area: areaDecider,
  coach: coachDecider,
  cycle: cycleDecider,
  team: teamDecider,
  stakeholder: stakeholderDecider,
  signal: resistanceDecider,
  theme: themeDecider,
  objective: objectiveDecider,
} as never;

describe('every decider folding a real history', () => {
  it('never mutates a state or an event, so a folded state can be shared between decisions', async () => {
    const store = new SqliteEventStore(openDatabase(':memory:'));
    await seed({ store }, { today: '2026-11-20', now: new Date('2026-11-20T12:00:00Z'), scale: 0.3 });
    const states = new Map<string, unknown>();
    const categoriesFolded = new Set<string>();
    // Strict mode: writing to a frozen object throws, so any mutation inside an `evolve` fails here.
    for (
      let page = await store.readAll({ maxCount: 5000 });
      page.length > 0;
      page = await store.readAll({ after: page.at(-1)!.position, maxCount: 5000 })
    ) {
      for (const event of page) {
        const { category } = parseStreamName(event.streamId);
        const decider = deciders[category];
        if (decider === undefined) throw new Error(`no decider for ${event.streamId}`);
        const state = states.get(event.streamId) ?? deepFreeze(decider.initialState());
        states.set(event.streamId, deepFreeze(decider.evolve(state, deepFreeze(event))));
        categoriesFolded.add(category);
      }
    }
    expect([...categoriesFolded].sort()).toEqual(Object.keys(deciders).sort());
    await store.close();
  });
});

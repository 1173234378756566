import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../../infra/sqlite/database.ts';
import { SqliteEventStore } from '../../infra/sqlite/sqliteEventStore.ts';
import { validateNewEvent } from '../../src/events.ts';
import { seed, type SeedDeps, type SeedOptions, type SeedResult } from '../../src/seed/seed.ts';
import { DomainRuleError, ValidationError } from '../../src/shared/errors.ts';
import type { RecordedEvent } from '../../src/shared/event.ts';

const today = '2026-11-25';
const now = new Date('2026-11-25T18:00:00.000Z');
const options: SeedOptions = { today, now };
const SEED_TIMEOUT = 60_000;

interface TempStore {
  deps: SeedDeps;
  events(): Promise<RecordedEvent[]>;
  cleanup(): void;
}

const opened: TempStore[] = [];

/** A real SQLite store in a fresh directory, validating every event as the app's store does. */
function tempStore(): TempStore {
  const dir = mkdtempSync(join(tmpdir(), 'uptake-seed-'));
  const db = openDatabase(join(dir, 'events.db'));
  const store = new SqliteEventStore(db, { validate: validateNewEvent });
  const unitOfWork = async <T>(work: () => Promise<T>): Promise<T> => {
    db.exec('BEGIN IMMEDIATE');
    try {
      const result = await work();
      db.exec('COMMIT');
      return result;
    } catch (error) {
      db.exec('ROLLBACK');
      throw error;
    }
  };
  const temp: TempStore = {
    deps: { store, unitOfWork },
    events: async () => {
      const events: RecordedEvent[] = [];
      for (
        let page = await store.readAll({ maxCount: 5000 });
        page.length > 0;
        page = await store.readAll({ after: page.at(-1)!.position, maxCount: 5000 })
      ) {
        events.push(...page);
      }
      return events;
    },
    cleanup: () => {
      db.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
  opened.push(temp);
  return temp;
}

/** What must be identical between two runs: everything but the store's own positions. */
const fingerprint = (e: RecordedEvent) => JSON.stringify([e.streamId, e.revision, e.type, e.data, e.metadata]);

/** Same events in the same order; a difference is reported as the first event that differs. */
function expectSameStream(actual: readonly RecordedEvent[], expected: readonly RecordedEvent[]): void {
  const at = expected.findIndex((event, i) => actual[i] === undefined || fingerprint(actual[i]) !== fingerprint(event));
  if (at >= 0) expect(actual[at] && fingerprint(actual[at]), `event #${at}`).toBe(fingerprint(expected[at]!));
  expect(actual).toHaveLength(expected.length);
}

const countBy = <T>(items: readonly T[], key: (item: T) => string | undefined): Map<string, number> => {
  const counts = new Map<string, number>();
  for (const item of items) {
    const k = key(item);
    if (k !== undefined) counts.set(k, (counts.get(k) ?? 0) + 1);
  }
  return counts;
};

const plans = new Set(['endsOn', 'dueOn']);

const ofType = <D>(events: readonly RecordedEvent[], type: string) => events.filter((e) => e.type === type).map((e) => e.data as D);

let baseline: TempStore;
let result: SeedResult;
let events: RecordedEvent[];

beforeAll(async () => {
  baseline = tempStore();
  result = await seed(baseline.deps, options);
  events = await baseline.events();
}, SEED_TIMEOUT);

afterAll(() => {
  for (const store of opened) store.cleanup();
});

describe('seed', () => {
  it('records an organisation of at least the promised size', () => {
    expect(result).toMatchObject({ cycles: 2, interrupted: false, alreadyStored: 0 });
    expect(result.areas).toBeGreaterThanOrEqual(8);
    expect(result.teams).toBeGreaterThanOrEqual(40);
    expect(result.stakeholders).toBeGreaterThanOrEqual(120);
    expect(result.coaches).toBeGreaterThanOrEqual(6);
    expect(result.coaches).toBeLessThanOrEqual(8);
    expect(result.recorded).toBeGreaterThanOrEqual(20_000);
    expect(result.recorded).toBeGreaterThanOrEqual(result.steps);
    expect(events).toHaveLength(result.recorded);

    const types = countBy(events, (e) => e.type);
    expect(types.get('AreaRegistered')).toBe(result.areas);
    expect(types.get('TeamRegistered')).toBe(result.teams);
    expect(types.get('StakeholderIdentified')).toBe(result.stakeholders);
    expect(types.get('CoachRegistered')).toBe(result.coaches);
    expect(types.get('ResistanceSignalRaised')).toBe(result.signals);
    const nested = ofType<{ parentAreaId: string | null }>(events, 'AreaRegistered').filter((a) => a.parentAreaId !== null);
    expect(nested.length).toBeGreaterThanOrEqual(3);
  });

  it('stores only events that pass their schema, with seed metadata, dated by today', () => {
    const coachIds = new Set(ofType<{ coachId: string }>(events, 'CoachRegistered').map((c) => c.coachId));
    const actors = countBy(events, (e) => `${e.metadata.actor.kind}:${coachIds.has(e.metadata.actor.id) ? 'coach' : e.metadata.actor.id}`);
    const problems = events.flatMap((event) => {
      const found: string[] = [];
      try {
        validateNewEvent(event);
      } catch (error) {
        found.push(`${event.type}: ${(error as Error).message}`);
      }
      if (event.metadata.source !== 'seed' || event.metadata.recordedAt !== now.toISOString())
        found.push(`${event.type}: metadata ${JSON.stringify(event.metadata)}`);
      if (event.metadata.occurredAt.slice(0, 10) > today) found.push(`${event.type}: occurred at ${event.metadata.occurredAt}`);
      // A cycle's end and an intervention's due date are plans: the only business dates that may lie ahead.
      for (const [field, value] of Object.entries(event.data as Record<string, unknown>)) {
        if (field.endsWith('On') && !plans.has(field) && String(value) > today) found.push(`${event.type}: ${field} ${String(value)}`);
      }
      return found;
    });
    expect(problems).toEqual([]);
    expect(actors.get('user:coach')).toBeGreaterThan(1000);
    expect(actors.get('integration:okr-tool')).toBeGreaterThan(1000);
    expect(new Set(events.map((e) => e.metadata.eventId)).size).toBe(events.length);
  });

  it('closes the previous quarter after everything in it was recorded, and leaves the current one open', () => {
    const opened = ofType<{ cycleId: string; name: string; checkInCadenceDays: number }>(events, 'CycleOpened');
    expect(opened.map((c) => c.name).sort()).toEqual(['2026-Q3', '2026-Q4']);
    const q3 = opened.find((c) => c.name === '2026-Q3')!;
    const closed = events.filter((e) => e.type === 'CycleClosed');
    expect(closed.map((e) => (e.data as { cycleId: string }).cycleId)).toEqual([q3.cycleId]);
    const lastInQ3 = events
      .filter((e) => e.streamId.startsWith('team-') && (e.data as { cycleId?: string }).cycleId === q3.cycleId)
      .at(-1)!;
    expect(lastInQ3.position).toBeLessThan(closed[0]!.position);
  });

  it('tells a story: the embedded area runs its rhythm, the resisting area resists', () => {
    const areaCode = new Map(ofType<{ areaId: string; code: string }>(events, 'AreaRegistered').map((a) => [a.areaId, a.code]));
    const teamArea = new Map(
      ofType<{ teamId: string; areaId: string }>(events, 'TeamRegistered').map((t) => [t.teamId, areaCode.get(t.areaId)!]),
    );
    const teamsIn = countBy([...teamArea.values()], (code) => code);
    const checkIns = countBy(ofType<{ teamId: string }>(events, 'CheckInHeld'), (c) => teamArea.get(c.teamId));
    const perTeam = (code: string) => (checkIns.get(code) ?? 0) / teamsIn.get(code)!;
    expect(perTeam('PLAT')).toBeGreaterThan(2 * perTeam('SALES'));

    const signalArea = new Map(
      ofType<{ signalId: string; areaId: string }>(events, 'ResistanceSignalRaised').map((s) => [s.signalId, areaCode.get(s.areaId)!]),
    );
    const inArea = (type: string) => countBy(ofType<{ signalId: string }>(events, type), (s) => signalArea.get(s.signalId));
    const raised = inArea('ResistanceSignalRaised');
    const resolved = inArea('ResistanceSignalResolved');
    expect((raised.get('SALES') ?? 0) - (resolved.get('SALES') ?? 0)).toBeGreaterThan(3);
    expect(inArea('ResistanceSignalEscalated').get('SALES')).toBeGreaterThan(0);
    expect(inArea('InterventionCompleted').get('SALES')).toBeGreaterThan(0);
    const kinds = new Set(
      ofType<{ kind: string; areaId: string }>(events, 'ResistanceSignalRaised')
        .filter((s) => areaCode.get(s.areaId) === 'SALES')
        .map((s) => s.kind),
    );
    expect(kinds).toContain('active-opposition');

    const stakeholderArea = new Map(
      ofType<{ stakeholderId: string; areaId: string }>(events, 'StakeholderIdentified').map((s) => [
        s.stakeholderId,
        areaCode.get(s.areaId)!,
      ]),
    );
    const meanSentiment = (code: string) => {
      const sentiments = ofType<{ stakeholderId: string; sentiment: number }>(events, 'EngagementLogged')
        .filter((e) => stakeholderArea.get(e.stakeholderId) === code)
        .map((e) => e.sentiment);
      return sentiments.reduce((a, b) => a + b, 0) / sentiments.length;
    };
    expect(meanSentiment('SALES')).toBeLessThan(0);
    expect(meanSentiment('PLAT')).toBeGreaterThan(0);

    const latestAttitude = new Map(
      ofType<{ stakeholderId: string; attitude: string }>(events, 'AttitudeAssessed').map((a) => [a.stakeholderId, a.attitude]),
    );
    const salesAttitudes = [...latestAttitude].filter(([id]) => stakeholderArea.get(id) === 'SALES').map(([, attitude]) => attitude);
    const doubting = salesAttitudes.filter((a) => a === 'skeptic' || a === 'resistor').length;
    expect(doubting / salesAttitudes.length).toBeGreaterThan(0.5);
    const moved = countBy(ofType<{ stakeholderId: string }>(events, 'AttitudeAssessed'), (a) => a.stakeholderId);
    expect([...moved.values()].filter((n) => n > 1).length).toBeGreaterThan(20);
  });

  it(
    'tells the same story twice: a second store gets identical events in the same order',
    async () => {
      const second = tempStore();
      await seed(second.deps, options);
      expectSameStream(await second.events(), events);
    },
    SEED_TIMEOUT,
  );

  it(
    'resumes after an interruption and ends with the same stream as an uninterrupted run',
    async () => {
      const interrupted = tempStore();
      const controller = new AbortController();
      const first = await seed(interrupted.deps, {
        ...options,
        signal: controller.signal,
        // Stops inside a unit of work, so the partial unit is committed too.
        onProgress: (done) => (done >= 7000 ? controller.abort() : undefined),
      });
      expect(first).toMatchObject({ interrupted: true, recorded: 7000 });
      expect(await interrupted.events()).toHaveLength(7000);

      const progress: number[] = [];
      const resumed = await seed(interrupted.deps, { ...options, onProgress: (done) => progress.push(done) });
      expect(resumed).toMatchObject({ interrupted: false, alreadyStored: 7000, recorded: result.recorded - 7000 });
      expect(progress.at(-1)).toBe(result.steps);
      expectSameStream(await interrupted.events(), events);
    },
    SEED_TIMEOUT,
  );

  it(
    'records nothing when run again over a finished seed',
    async () => {
      const again = await seed(baseline.deps, options);
      expect(again).toMatchObject({ interrupted: false, recorded: 0, alreadyStored: result.steps });
      expect(await baseline.events()).toHaveLength(result.recorded);
    },
    SEED_TIMEOUT,
  );

  it('refuses to mix another story into a store that holds one', async () => {
    const error = await seed(baseline.deps, { ...options, today: '2026-11-26' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DomainRuleError);
    expect((error as DomainRuleError).issues[0]?.field).toBe('seed');
    expect(await baseline.deps.store.headPosition()).toBe(events.at(-1)!.position);
  });

  it('names the option that is wrong', async () => {
    const empty = tempStore();
    for (const [bad, field] of [
      [{ today: '25/11/2026' }, 'today'],
      [{ scale: 0 }, 'scale'],
    ] as const) {
      const error = await seed(empty.deps, { ...options, ...bad }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ValidationError);
      expect((error as ValidationError).issues[0]?.field).toBe(field);
    }
    expect(await empty.deps.store.headPosition()).toBe(0n);
  });
});

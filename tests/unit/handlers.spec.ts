import { beforeEach, describe, expect, it } from 'vitest';
import { openDatabase } from '../../infra/sqlite/database.ts';
import { SqliteEventStore } from '../../infra/sqlite/sqliteEventStore.ts';
import * as area from '../../src/area/handlers.ts';
import * as cycle from '../../src/cycle/handlers.ts';
import * as resistance from '../../src/resistance/handlers.ts';
import type { HandlerDeps } from '../../src/shared/directory.ts';
import * as team from '../../src/team/handlers.ts';
import { parseEvent } from '../../src/events.ts';
import type { CommandContext } from '../../src/shared/commandHandler.ts';
import { ConcurrencyConflictError, DomainRuleError, ValidationError } from '../../src/shared/errors.ts';
import type { EventStore } from '../../src/shared/eventStore.ts';
import { streamName } from '../../src/shared/streams.ts';
import type { RaiseResistanceSignal } from '../../src/resistance/commands.ts';
import { memoryDirectory } from '../support/memoryDirectory.ts';

const ctx: CommandContext = { actor: { kind: 'user', id: 'coach-ana' }, source: 'test', now: new Date('2026-10-07T09:00:00Z') };

const rejection = async (promise: Promise<unknown>, kind: typeof ValidationError, field: string) => {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(kind);
  expect((error as ValidationError).issues.map((i) => i.field)).toContain(field);
};

const engineering = { type: 'RegisterArea' as const, data: { areaId: 'eng', code: 'ENG', name: 'Engineering', parentAreaId: null } };
const platform = { type: 'RegisterTeam' as const, data: { teamId: 't1', key: 'PLAT', name: 'Platform', areaId: 'eng', size: 8 } };
const q4 = {
  type: 'OpenCycle' as const,
  data: { cycleId: 'q4', name: '2026-Q4', startsOn: '2026-10-01', endsOn: '2026-12-31', checkInCadenceDays: 7 },
};
const checkIn = (heldOn: string) => ({ type: 'HoldCheckIn' as const, data: { teamId: 't1', cycleId: 'q4', heldOn } });

describe('command handlers on the SQLite event store', () => {
  let store: EventStore;
  let deps: HandlerDeps;

  beforeEach(() => {
    // Validating on append proves every decided event also satisfies its event schema.
    store = new SqliteEventStore(openDatabase(':memory:'), { validate: (event) => parseEvent(event.type, event.data) });
    deps = { store, directory: memoryDirectory(store) };
  });

  it("refuses a team whose area doesn't exist, then registers it once the area does", async () => {
    await rejection(team.registerTeam(deps, platform, ctx), DomainRuleError, 'areaId');
    await area.registerArea(deps, engineering, ctx);
    const result = await team.registerTeam(deps, platform, ctx);
    expect(result.revision).toBe(0);
    const [stored] = await store.readStream(streamName('team', 't1'));
    expect(stored).toMatchObject({
      type: 'TeamRegistered',
      data: platform.data,
      metadata: { actor: ctx.actor, source: 'test', recordedAt: ctx.now.toISOString() },
    });
  });

  it('refuses a team key another team already has', async () => {
    await area.registerArea(deps, engineering, ctx);
    await team.registerTeam(deps, platform, ctx);
    await rejection(team.registerTeam(deps, { ...platform, data: { ...platform.data, teamId: 't2' } }, ctx), DomainRuleError, 'key');
  });

  it('refuses moving an area under its own descendant, read from the directory', async () => {
    await area.registerArea(deps, engineering, ctx);
    await area.registerArea(deps, { type: 'RegisterArea', data: { areaId: 'web', code: 'WEB', name: 'Web', parentAreaId: 'eng' } }, ctx);
    await area.registerArea(deps, { type: 'RegisterArea', data: { areaId: 'mob', code: 'MOB', name: 'Mobile', parentAreaId: 'web' } }, ctx);
    await rejection(
      area.moveArea(deps, { type: 'MoveArea', data: { areaId: 'eng', parentAreaId: 'mob' } }, ctx),
      DomainRuleError,
      'parentAreaId',
    );
    await rejection(
      area.registerArea(deps, { type: 'RegisterArea', data: { areaId: 'web2', code: 'WEB2', name: 'web', parentAreaId: 'eng' } }, ctx),
      DomainRuleError,
      'name',
    );
  });

  describe('a check-in needs its cycle', () => {
    beforeEach(async () => {
      await area.registerArea(deps, engineering, ctx);
      await team.registerTeam(deps, platform, ctx);
    });

    it('is refused before the cycle is opened', async () => {
      await rejection(team.recordAdoption(deps, checkIn('2026-10-07'), ctx), DomainRuleError, 'cycleId');
    });

    it('is held in the open cycle, on a day inside it, once a day', async () => {
      await cycle.openCycle(deps, q4, ctx);
      await rejection(team.recordAdoption(deps, checkIn('2027-01-07'), ctx), DomainRuleError, 'heldOn');
      const held = await team.recordAdoption(deps, checkIn('2026-10-07'), ctx);
      expect(held.events.map((e) => e.type)).toEqual(['CheckInHeld']);
      await rejection(team.recordAdoption(deps, checkIn('2026-10-07'), ctx), DomainRuleError, 'heldOn');
    });

    it("is refused after today, the UTC date of the context's now", async () => {
      await cycle.openCycle(deps, q4, ctx);
      await rejection(team.recordAdoption(deps, checkIn('2026-10-08'), ctx), DomainRuleError, 'heldOn');
      await team.recordAdoption(deps, checkIn('2026-10-08'), { ...ctx, now: new Date('2026-10-08T00:00:00Z') });
    });

    it('is refused once the cycle is closed', async () => {
      await cycle.openCycle(deps, q4, ctx);
      await cycle.closeCycle(deps, { type: 'CloseCycle', data: { cycleId: 'q4', closedOn: '2026-10-07' } }, ctx);
      await rejection(team.recordAdoption(deps, checkIn('2026-10-07'), ctx), DomainRuleError, 'cycleId');
    });
  });

  it('refuses a cycle whose name or dates another cycle already has, read from the directory', async () => {
    await cycle.openCycle(deps, q4, ctx);
    await rejection(
      cycle.openCycle(deps, { type: 'OpenCycle', data: { ...q4.data, cycleId: 'q4b', startsOn: '2027-01-01', endsOn: '2027-03-31' } }, ctx),
      DomainRuleError,
      'name',
    );
    await rejection(
      cycle.openCycle(deps, { type: 'OpenCycle', data: { ...q4.data, cycleId: 'q1', name: '2027-Q1', endsOn: '2027-03-31' } }, ctx),
      DomainRuleError,
      'startsOn',
    );
  });

  it('records a retried registration once, and refuses its id with other data', async () => {
    await area.registerArea(deps, engineering, ctx);
    expect(await area.registerArea(deps, engineering, ctx)).toMatchObject({ events: [], revision: 0 });
    await rejection(
      area.registerArea(deps, { ...engineering, data: { ...engineering.data, code: 'ENG2' } }, ctx),
      DomainRuleError,
      'areaId',
    );
    expect(await store.readStream(streamName('area', 'eng'))).toHaveLength(1);
  });

  it('answers a stale expected revision with a ConcurrencyConflictError', async () => {
    await area.registerArea(deps, engineering, ctx);
    const { revision } = await team.registerTeam(deps, platform, ctx);
    const resize = (size: number) => ({ type: 'ResizeTeam' as const, data: { teamId: 't1', size } });
    await team.resizeTeam(deps, resize(9), ctx, revision);
    await expect(team.resizeTeam(deps, resize(10), ctx, revision)).rejects.toBeInstanceOf(ConcurrencyConflictError);
    expect((await store.readStream(streamName('team', 't1'))).length).toBe(2);
  });

  it('records nothing for a command that changes nothing', async () => {
    await area.registerArea(deps, engineering, ctx);
    const result = await area.renameArea(deps, { type: 'RenameArea', data: { areaId: 'eng', name: ' Engineering ' } }, ctx);
    expect(result).toMatchObject({ events: [], revision: 0 });
  });

  it('validates commands whoever built them', async () => {
    await area.registerArea(deps, engineering, ctx);
    const signal: RaiseResistanceSignal = {
      type: 'RaiseResistanceSignal',
      data: {
        signalId: 's1',
        areaId: 'eng',
        kind: 'unaware',
        severity: 9,
        description: 'never heard of OKRs',
        source: 'observed',
        raisedOn: '2026-10-07',
      },
    };
    await rejection(resistance.raiseResistanceSignal(deps, signal, ctx), ValidationError, 'severity');
    expect(await store.readStream(streamName('signal', 's1'))).toEqual([]);
  });
});

/** Shared by the projection specs and the crash test: events appended straight to a store, and a dump of the read models. */
import type Database from 'better-sqlite3';
import type { UptakeEvent, UptakeEventType } from '../../src/events.ts';
import { withMetadata } from '../../src/shared/commandHandler.ts';
import type { AppendResult, EventStore } from '../../src/shared/eventStore.ts';

type DataOf<T extends UptakeEventType> = Extract<UptakeEvent, { type: T }>['data'];

export const ev = <T extends UptakeEventType>(type: T, data: DataOf<T>): UptakeEvent => ({ type, data }) as UptakeEvent;

const context = { actor: { kind: 'system', id: 'test' }, source: 'test', now: new Date('2026-11-25T12:00:00Z') } as const;

/** Appends without a revision check: these tests are about reading events, not deciding them. */
export const append = (store: EventStore, streamId: string, ...events: UptakeEvent[]): Promise<AppendResult> =>
  store.appendToStream(streamId, withMetadata(events, context), 'any');

export const cycle = ev('CycleOpened', {
  cycleId: 'q4',
  name: '2026-Q4',
  startsOn: '2026-10-01',
  endsOn: '2026-12-31',
  checkInCadenceDays: 7,
});

/** A small organisation: area R (root) with child S; team A (size 2) in R, team B (size 6) in S. */
export async function appendOrganisation(store: EventStore): Promise<AppendResult> {
  await append(store, 'area-r', ev('AreaRegistered', { areaId: 'r', code: 'R', name: 'Retail', parentAreaId: null }));
  await append(store, 'area-s', ev('AreaRegistered', { areaId: 's', code: 'S', name: 'Stores', parentAreaId: 'r' }));
  await append(store, 'team-a', ev('TeamRegistered', { teamId: 'a', key: 'ALPHA', name: 'Alpha', areaId: 'r', size: 2 }));
  await append(store, 'team-b', ev('TeamRegistered', { teamId: 'b', key: 'BETA', name: 'Beta', areaId: 's', size: 6 }));
  return append(store, 'cycle-q4', cycle);
}

const weekly = (from: string, weeks: number): string[] =>
  Array.from({ length: weeks }, (_, i) => new Date(Date.parse(`${from}T00:00:00Z`) + i * 7 * 86_400_000).toISOString().slice(0, 10));

/**
 * About `count` events over `teams` teams in three nested areas: registrations, then per team a
 * year of adoption (trainings, OKRs, weekly check-ins, progress) with signals and stakeholders,
 * and one event for an unknown team. Deterministic.
 */
export function generatedHistory(count: number, teams = 30): { streamId: string; events: UptakeEvent[] }[] {
  const streams: { streamId: string; events: UptakeEvent[] }[] = [
    { streamId: 'area-top', events: [ev('AreaRegistered', { areaId: 'top', code: 'TOP', name: 'Company', parentAreaId: null })] },
    { streamId: 'area-mid', events: [ev('AreaRegistered', { areaId: 'mid', code: 'MID', name: 'Engineering', parentAreaId: 'top' })] },
    { streamId: 'area-low', events: [ev('AreaRegistered', { areaId: 'low', code: 'LOW', name: 'Platform', parentAreaId: 'mid' })] },
    { streamId: 'cycle-q4', events: [cycle] },
    {
      streamId: 'stakeholder-s1',
      events: [ev('StakeholderIdentified', { stakeholderId: 's1', name: 'Sam', role: 'VP', areaId: 'top', influence: 5, interest: 3 })],
    },
  ];
  const areas = ['top', 'mid', 'low'] as const;
  const perTeam = Math.max(10, Math.floor(count / teams));
  for (let t = 0; t < teams; t++) {
    const teamId = `t${t}`;
    const events: UptakeEvent[] = [
      ev('TeamRegistered', { teamId, key: `T${t}`, name: `Team ${t}`, areaId: areas[t % 3]!, size: 3 + (t % 9) }),
    ];
    events.push(ev('TrainingCompleted', { teamId, kind: 'okr-basics', participants: 1 + (t % 5), completedOn: '2026-09-01' }));
    events.push(ev('OkrsDrafted', { teamId, cycleId: 'q4', objectives: 2, keyResults: 6, draftedOn: '2026-09-20' }));
    if (t % 2 === 0) events.push(ev('OkrsPublished', { teamId, cycleId: 'q4', publishedOn: '2026-09-28' }));
    if (t % 3 === 0) events.push(ev('OkrsAligned', { teamId, cycleId: 'q4', parentRef: 'company-o1', alignedOn: '2026-10-02' }));
    const days = weekly('2026-10-05', 13);
    for (let i = 0; events.length < perTeam; i++) {
      const on = days[i % days.length]!;
      if (i % 7 === 3) events.push(ev('CheckInMissed', { teamId, cycleId: 'q4', dueOn: on }));
      else if (i % 2 === 0) events.push(ev('CheckInHeld', { teamId, cycleId: 'q4', heldOn: on, attendance: 0.8, confidence: 0.6 }));
      else
        events.push(
          ev('KeyResultProgressReported', { teamId, cycleId: 'q4', keyResultRef: `kr${i % 6}`, progress: (i % 10) / 10, reportedOn: on }),
        );
    }
    streams.push({ streamId: `team-${teamId}`, events });
    if (t % 4 === 0) {
      const signalId = `sig${t}`;
      const raised = ev('ResistanceSignalRaised', {
        signalId,
        areaId: areas[t % 3]!,
        teamId,
        kind: 'no-time',
        severity: 1 + (t % 5),
        description: 'check-ins keep slipping',
        source: 'observed',
        raisedOn: '2026-10-20',
      });
      const more =
        t % 8 === 0 ? [ev('ResistanceSignalResolved', { signalId, resolution: 'moved the slot', resolvedOn: '2026-11-10' })] : [];
      streams.push({ streamId: `signal-${signalId}`, events: [raised, ...more] });
    }
  }
  streams.push({ streamId: 'team-ghost', events: [ev('CheckInHeld', { teamId: 'ghost', cycleId: 'q4', heldOn: '2026-10-06' })] });
  return streams;
}

/** Appends a generated history in chunks (one transaction each). */
export async function appendHistory(store: EventStore, history: ReturnType<typeof generatedHistory>): Promise<void> {
  for (const { streamId, events } of history) {
    for (let i = 0; i < events.length; i += 500) await append(store, streamId, ...events.slice(i, i + 500));
  }
}

/** Every table but the event store's, rows in a stable order: two read models are equal when their dumps are. */
export function dumpReadModels(db: Database.Database): Record<string, unknown[]> {
  const tables = db
    .prepare<[], { name: string }>("SELECT name FROM sqlite_master WHERE type = 'table' AND name <> 'sqlite_sequence' ORDER BY name")
    .all();
  const holdsEvents = tables.some((t) => t.name === 'events');
  return Object.fromEntries(
    tables.flatMap(({ name }) => {
      if (name === 'events') return [];
      const columns = db
        .prepare<[], { name: string }>(`PRAGMA table_info(${name})`)
        .all()
        .map((c) => c.name);
      // The timeline leaves out the data of an event this file's store holds: compared as read.
      const selected =
        name === 'timeline_events' && holdsEvents
          ? columns.map((c) => (c === 'data' ? 'COALESCE(data, (SELECT data FROM events ev WHERE ev.position = t.position)) AS data' : c))
          : ['*'];
      return [[name, db.prepare(`SELECT ${selected.join(', ')} FROM ${name} t ORDER BY ${columns.join(', ')}`).all()]];
    }),
  );
}

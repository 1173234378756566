/**
 * The floors no code of Uptake can beat, measured on the same files as the figures beside them:
 * better-sqlite3 alone, without the store's validation, revision check or idempotency lookup, and
 * without the projections' SQL.
 */
import Database from 'better-sqlite3';
import { openDatabase } from '../infra/sqlite/database.ts';
import type { Batch } from './events.ts';

/**
 * The same batches inserted as bare rows: one `BEGIN IMMEDIATE` transaction per batch (as
 * `appendToStream` takes), the same columns, data and metadata serialised as the store does, in a
 * file opened as the application opens it (WAL, synchronous = FULL). Events per second.
 */
export function bareInsert(file: string, batches: readonly Batch[]): number {
  const db = openDatabase(file);
  try {
    const insert = db.prepare<[string, string, number, string, string, string]>(
      'INSERT INTO events (event_id, stream_id, revision, type, data, metadata) VALUES (?, ?, ?, ?, ?, ?)',
    );
    // A plan's batches carry the exact revision they follow (bench/events.ts): a floor need not look it up.
    const write = db.transaction((batch: Batch) => {
      let revision = typeof batch.expected === 'number' ? batch.expected + 1 : 0;
      for (const event of batch.events)
        insert.run(
          event.metadata.eventId,
          batch.streamId,
          revision++,
          event.type,
          JSON.stringify(event.data),
          JSON.stringify(event.metadata),
        );
    });
    const started = performance.now();
    for (const batch of batches) write.immediate(batch);
    const seconds = (performance.now() - started) / 1000;
    return batches.reduce((n, b) => n + b.events.length, 0) / seconds;
  } finally {
    db.close();
  }
}

interface Row {
  stream_id: string;
  type: string;
  data: string;
  metadata: string;
}

/** Every row of the events table in position order, its data and metadata JSON-parsed: what any replay must at least do. */
function* scan(db: Database.Database): Generator<{ streamId: string; type: string; data: Record<string, unknown>; metadata: unknown }> {
  for (const row of db.prepare<[], Row>('SELECT stream_id, type, data, metadata FROM events ORDER BY position').iterate())
    yield { streamId: row.stream_id, type: row.type, data: JSON.parse(row.data), metadata: JSON.parse(row.metadata) };
}

export interface Replay {
  events: number;
  seconds: number;
}

/** The bare scan: every event read and parsed, nothing done with it. */
export function bareScan(file: string): Replay {
  const db = new Database(file, { readonly: true, fileMustExist: true });
  try {
    const started = performance.now();
    let events = 0;
    for (const _ of scan(db)) events++;
    return { events, seconds: (performance.now() - started) / 1000 };
  } finally {
    db.close();
  }
}

/**
 * The bare scan plus a fold of every event into plain Maps, the least a read model built in memory
 * costs: each stream's revision and last type, each team's adoption facts by type and day, each
 * area's teams. What it holds is counted at the end, so the fold cannot be skipped.
 */
export function bareFold(file: string): Replay & { held: number } {
  const db = new Database(file, { readonly: true, fileMustExist: true });
  try {
    const started = performance.now();
    const streams = new Map<string, { revision: number; type: string }>();
    const facts = new Map<string, Map<string, number>>();
    const areas = new Map<string, Set<string>>();
    let events = 0;
    for (const { streamId, type, data } of scan(db)) {
      events++;
      const stream = streams.get(streamId);
      if (stream) {
        stream.revision++;
        stream.type = type;
      } else streams.set(streamId, { revision: 0, type });
      const teamId = typeof data.teamId === 'string' ? data.teamId : undefined;
      if (teamId === undefined) continue;
      if (typeof data.areaId === 'string') {
        const teams = areas.get(data.areaId) ?? new Set<string>();
        teams.add(teamId);
        areas.set(data.areaId, teams);
      }
      const byKind = facts.get(teamId) ?? new Map<string, number>();
      const on = Object.values(data).find((v) => typeof v === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(v)) ?? '';
      const key = `${type}/${on}`;
      byKind.set(key, (byKind.get(key) ?? 0) + 1);
      facts.set(teamId, byKind);
    }
    const seconds = (performance.now() - started) / 1000;
    const held = streams.size + [...facts.values()].reduce((n, m) => n + m.size, 0) + [...areas.values()].reduce((n, s) => n + s.size, 0);
    return { events, seconds, held };
  } finally {
    db.close();
  }
}

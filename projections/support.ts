import type { UptakeEvent, UptakeEventType } from '../src/events.ts';
import type { RecordedEvent } from '../src/shared/event.ts';
import type { SqlDatabase } from '../src/shared/sql.ts';
import { isRebuilding } from './checkpoints.ts';
import type { Projection } from './projection.ts';

/** Events a projection skipped (unknown team, data it cannot use), kept with the read model so they are counted, not lost. */
const SKIPS_SCHEMA = `
  CREATE TABLE IF NOT EXISTS projection_skips (
    projection TEXT NOT NULL,
    event_id   TEXT NOT NULL,
    position   TEXT NOT NULL,
    type       TEXT NOT NULL,
    reason     TEXT NOT NULL,
    PRIMARY KEY (projection, event_id)
  );
`;

export interface SkippedEvent {
  projection: string;
  eventId: string;
  position: string;
  type: string;
  reason: string;
}

export function skippedEvents(db: SqlDatabase, projection?: string): SkippedEvent[] {
  db.exec(SKIPS_SCHEMA);
  return db
    .prepare<[string | null, string | null], SkippedEvent>(
      'SELECT projection, event_id AS eventId, position, type, reason FROM projection_skips WHERE ? IS NULL OR projection = ? ORDER BY projection, rowid',
    )
    .all(projection ?? null, projection ?? null);
}

/** A skip reason when a write changed nothing (the row it targets is unknown or already there). */
export const unless = (changes: number, reason: string): string | undefined => (changes === 0 ? reason : undefined);

/** Statements prepared once per connection. */
export function perDatabase<T>(build: (db: SqlDatabase) => T): (db: SqlDatabase) => T {
  const cache = new WeakMap<SqlDatabase, T>();
  return (db) => {
    let value = cache.get(db);
    if (value === undefined) {
      value = build(db);
      cache.set(db, value);
    }
    return value;
  };
}

/**
 * A schema's tables, and its secondary indexes apart: every index entry written row by row
 * during a replay costs more than building the index once over the finished table, unless the
 * fold itself looks rows up by it (`foldIndexes`): without it each look-up scans the table. (Comments go
 * first: they may hold a semicolon.)
 */
function schemaParts(schema: string, foldIndexes: readonly string[]): { tables: string; indexes: string[] } {
  const statements = schema
    .replace(/--.*$/gm, '')
    .split(';')
    .map((s) => s.trim())
    .filter((s) => s !== '');
  // A unique index is a rule the fold relies on (ON CONFLICT), not only a way to find rows: it stays.
  const indexName = (s: string) => /^CREATE\s+INDEX\s+IF\s+NOT\s+EXISTS\s+(\w+)/i.exec(s)?.[1];
  const missing = foldIndexes.filter((name) => !statements.some((s) => indexName(s) === name));
  if (missing.length > 0) throw new Error(`foldIndexes: ${missing.join(', ')} not created by the schema`);
  const builtAtEnd = (s: string) => /^CREATE\s+INDEX\b/i.test(s) && !foldIndexes.includes(indexName(s) ?? '');
  return { tables: statements.filter((s) => !builtAtEnd(s)).join(';\n'), indexes: statements.filter(builtAtEnd) };
}

export interface ProjectionDefinition<Statements> {
  name: string;
  version: number;
  keptByRebuild?: boolean;
  /** The event types `handle` folds; the others are not passed to it. */
  reads: readonly UptakeEventType[];
  /**
   * `CREATE TABLE IF NOT EXISTS` / `CREATE INDEX IF NOT EXISTS` statements. The indexes are left
   * out while the projection is replayed from scratch and built once at its end (`setUp` again).
   */
  schema: string;
  /** Every table the schema creates: a reset drops them, so a changed shape is created afresh. */
  tables: readonly string[];
  /** The secondary indexes `handle`'s own queries look rows up by: created with the tables, kept through a replay. */
  foldIndexes?: readonly string[];
  prepare(db: SqlDatabase): Statements;
  /**
   * Called before each fold (a batch, or one event after a failure) with its events: forget
   * anything `handle` memoised, since the last fold may have been rolled back.
   */
  beginFold?(statements: Statements, events: readonly RecordedEvent<UptakeEvent>[]): void;
  /** Called after each fold: write what `handle` gathered in memory (the last value of a row updated many times). */
  endFold?(statements: Statements): void;
  /**
   * Folds one event into the tables. Returns why the event was skipped, if it was; event types
   * the projection does not read are simply ignored (return nothing).
   */
  handle(statements: Statements, event: RecordedEvent<UptakeEvent>): string | undefined;
}

/**
 * A Projection from a per-event fold. A batch runs in one savepoint; when an event throws (data
 * the fold did not foresee), the batch is rolled back and replayed with a savepoint per event,
 * so only that event is left out, recorded as skipped. A projection never throws and never
 * half-applies an event.
 */
export function defineProjection<Statements>(definition: ProjectionDefinition<Statements>): Projection {
  const reads = new Set<string>(definition.reads);
  const { tables, indexes } = schemaParts(definition.schema, definition.foldIndexes ?? []);
  const statements = perDatabase(definition.prepare);
  const skip = perDatabase((db) =>
    db.prepare<[string, string, string, string, string]>(
      'INSERT OR REPLACE INTO projection_skips (projection, event_id, position, type, reason) VALUES (?, ?, ?, ?, ?)',
    ),
  );
  const record = (db: SqlDatabase, event: RecordedEvent, reason: string | undefined) => {
    if (reason !== undefined) skip(db).run(definition.name, event.metadata.eventId, event.position.toString(), event.type, reason);
  };
  const fold = (db: SqlDatabase, events: readonly RecordedEvent<UptakeEvent>[]) => {
    const sql = statements(db);
    definition.beginFold?.(sql, events);
    for (const event of events) record(db, event, definition.handle(sql, event));
    definition.endFold?.(sql);
  };
  const foldInSavepoint = perDatabase((db) => db.transaction((events: readonly RecordedEvent<UptakeEvent>[]) => fold(db, events)));

  return {
    name: definition.name,
    version: definition.version,
    ...(definition.keptByRebuild && { keptByRebuild: true }),
    setUp(db) {
      db.exec(SKIPS_SCHEMA);
      db.exec(tables);
      if (!isRebuilding(db, definition.name)) for (const index of indexes) db.exec(index);
    },
    reset(db) {
      db.exec(SKIPS_SCHEMA);
      for (const table of definition.tables) db.exec(`DROP TABLE IF EXISTS ${table}`);
      db.prepare('DELETE FROM projection_skips WHERE projection = ?').run(definition.name);
      db.exec(tables);
    },
    buildIndexes(db) {
      for (const index of indexes) db.exec(index);
    },
    apply(db, events) {
      const relevant = events.filter((e) => reads.has(e.type)) as RecordedEvent<UptakeEvent>[];
      if (relevant.length === 0) return;
      try {
        foldInSavepoint(db)(relevant);
      } catch {
        for (const event of relevant) {
          try {
            foldInSavepoint(db)([event]);
          } catch (error) {
            record(db, event, `could not apply: ${error instanceof Error ? error.message : String(error)}`);
          }
        }
      }
    },
  };
}

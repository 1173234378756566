import { EventEmitter } from 'node:events';
import type Database from 'better-sqlite3';
import { ConcurrencyConflictError } from '../../src/shared/errors.ts';
import type { DomainEvent, EventMetadata, NewEvent, RecordedEvent } from '../../src/shared/event.ts';
import type {
  AppendResult,
  EventStore,
  ExpectedRevision,
  ReadAllOptions,
  ReadStreamOptions,
  SubscribeOptions,
  Subscription,
} from '../../src/shared/eventStore.ts';

/** The columns an event is read from, as an array: better-sqlite3's raw rows skip building an object per row. */
type EventRow = [position: number, streamId: string, revision: number, type: string, data: string, metadata: string];
const EVENT_COLUMNS = 'position, stream_id, revision, type, data, metadata';

type StoredRow = [eventId: string, streamId: string, position: number];

/**
 * A retried batch: every event is already stored in this stream. Its answer is the last
 * position among them; `null` when anything is new (then the append goes on, and an event id
 * stored elsewhere fails the unique index, rejecting the whole batch).
 */
function alreadyStored(rows: StoredRow[], events: NewEvent[], streamId: string): bigint | null {
  if (rows.length === 0) return null;
  const byId = new Map(rows.map((row) => [row[0], row]));
  let position = 0;
  for (const event of events) {
    const row = byId.get(event.metadata.eventId);
    if (row === undefined || row[1] !== streamId) return null;
    position = Math.max(position, row[2]);
  }
  return BigInt(position);
}

export interface SqliteEventStoreOptions {
  /** Checks each event before it is stored (schema of its type and metadata); throws to reject the batch. */
  validate?: (event: NewEvent) => void;
  /** How often to look for events appended by another process (the CLI seeding while the server runs). */
  pollIntervalMs?: number;
}

const PAGE = 1000;

const toRecorded = ([position, streamId, revision, type, data, metadata]: EventRow): RecordedEvent => ({
  type,
  data: JSON.parse(data) as unknown,
  metadata: JSON.parse(metadata) as EventMetadata,
  streamId,
  revision,
  position: BigInt(position),
});

export class SqliteEventStore implements EventStore {
  readonly name = 'sqlite';
  private readonly appended = new EventEmitter();
  private readonly statements;

  constructor(
    private readonly db: Database.Database,
    private readonly options: SqliteEventStoreOptions = {},
  ) {
    db.exec(`
      CREATE TABLE IF NOT EXISTS events (
        position  INTEGER PRIMARY KEY AUTOINCREMENT,
        event_id  TEXT    NOT NULL UNIQUE,
        stream_id TEXT    NOT NULL,
        revision  INTEGER NOT NULL,
        type      TEXT    NOT NULL,
        data      TEXT    NOT NULL,
        metadata  TEXT    NOT NULL,
        UNIQUE (stream_id, revision)
      );
    `);
    this.appended.setMaxListeners(0);
    this.statements = {
      lastRevision: db.prepare<[string], { revision: number }>('SELECT max(revision) AS revision FROM events WHERE stream_id = ?'),
      /** The events of a batch already stored, by a JSON array of event ids: one lookup per append, not one per event. */
      stored: db
        .prepare<[string], StoredRow>('SELECT event_id, stream_id, position FROM events WHERE event_id IN (SELECT value FROM json_each(?))')
        .raw(),
      insert: db.prepare<[string, string, number, string, string, string]>(
        'INSERT INTO events (event_id, stream_id, revision, type, data, metadata) VALUES (?, ?, ?, ?, ?, ?)',
      ),
      readStream: db
        .prepare<[string, number], EventRow>(`SELECT ${EVENT_COLUMNS} FROM events WHERE stream_id = ? AND revision > ? ORDER BY revision`)
        .raw(),
      findEvent: db.prepare<[string, string], EventRow>(`SELECT ${EVENT_COLUMNS} FROM events WHERE event_id = ? AND stream_id = ?`).raw(),
      readAll: db
        .prepare<[number, number], EventRow>(`SELECT ${EVENT_COLUMNS} FROM events WHERE position > ? ORDER BY position LIMIT ?`)
        .raw(),
      head: db.prepare<[], { position: number | null }>('SELECT max(position) AS position FROM events'),
    };
  }

  private readonly appendTransaction = (streamId: string, events: NewEvent[], expected: ExpectedRevision): AppendResult => {
    const { lastRevision, stored, insert } = this.statements;
    const current = lastRevision.get(streamId)?.revision ?? null;
    const retried =
      events.length > 0 ? alreadyStored(stored.all(JSON.stringify(events.map((e) => e.metadata.eventId))), events, streamId) : null;
    if (retried !== null) return { nextExpectedRevision: current ?? -1, position: retried };
    const actual = current ?? 'no_stream';
    const ok =
      expected === 'any' ||
      (expected === 'no_stream' && current === null) ||
      (expected === 'stream_exists' && current !== null) ||
      expected === current;
    if (!ok) throw new ConcurrencyConflictError(streamId, expected, actual);
    let revision = current ?? -1;
    let position: number | bigint = 0;
    for (const event of events) {
      revision += 1;
      position = insert.run(
        event.metadata.eventId,
        streamId,
        revision,
        event.type,
        JSON.stringify(event.data),
        JSON.stringify(event.metadata),
      ).lastInsertRowid;
    }
    return { nextExpectedRevision: revision, position: BigInt(position) };
  };

  async appendToStream(streamId: string, events: NewEvent[], expected: ExpectedRevision): Promise<AppendResult> {
    if (this.options.validate) for (const event of events) this.options.validate(event);
    const result = this.db.transaction(this.appendTransaction).immediate(streamId, events, expected);
    this.appended.emit('appended');
    return result;
  }

  async readStream<E extends DomainEvent = DomainEvent>(
    streamId: string,
    { after = -1 }: ReadStreamOptions = {},
  ): Promise<RecordedEvent<E>[]> {
    return this.statements.readStream.all(streamId, after).map(toRecorded) as RecordedEvent<E>[];
  }

  async findEvent(streamId: string, eventId: string): Promise<RecordedEvent | undefined> {
    const row = this.statements.findEvent.get(eventId, streamId);
    return row && toRecorded(row);
  }

  async streamRevision(streamId: string): Promise<number> {
    return this.statements.lastRevision.get(streamId)?.revision ?? -1;
  }

  async readAll(options: ReadAllOptions = {}): Promise<RecordedEvent[]> {
    return this.readAllSync(options.after ?? 0n, options.maxCount ?? PAGE);
  }

  private readAllSync(after: bigint, maxCount: number): RecordedEvent[] {
    return this.statements.readAll.all(Number(after), maxCount).map(toRecorded);
  }

  async headPosition(): Promise<bigint> {
    return BigInt(this.statements.head.get()?.position ?? 0);
  }

  subscribeToAll({ after = 0n, onEvents, onError }: SubscribeOptions): Subscription {
    let position = after;
    let closed = false;
    let wake: (() => void) | undefined;
    const nudge = () => wake?.();
    this.appended.on('appended', nudge);
    const poll = setInterval(nudge, this.options.pollIntervalMs ?? 500);
    poll.unref();

    const loop = async () => {
      while (!closed) {
        const page = this.readAllSync(position, PAGE);
        if (page.length > 0) {
          await onEvents(page);
          position = page[page.length - 1]!.position;
          // A long catch-up with a synchronous handler would otherwise hold the event loop (and close()) until it ends.
          await new Promise(setImmediate);
          continue;
        }
        await new Promise<void>((resolve) => {
          wake = resolve;
        });
        wake = undefined;
      }
    };
    const done = loop().catch((error: unknown) => onError?.(error));

    return {
      close: async () => {
        closed = true;
        this.appended.off('appended', nudge);
        clearInterval(poll);
        wake?.();
        await done;
      },
    };
  }

  async close(): Promise<void> {
    this.appended.removeAllListeners();
  }
}

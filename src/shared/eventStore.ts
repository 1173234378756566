import type { DomainEvent, NewEvent, RecordedEvent } from './event.ts';

/**
 * What the writer believes about the stream: `no_stream` (must not exist yet), `any`
 * (no check), `stream_exists`, or the exact revision of its last event.
 */
export type ExpectedRevision = 'any' | 'no_stream' | 'stream_exists' | number;

export interface AppendResult {
  /** Revision of the stream's last event after the append. */
  nextExpectedRevision: number;
  /** Global position of the last event appended (or already stored, on an idempotent retry). */
  position: bigint;
}

export interface ReadAllOptions {
  /** Exclusive: events strictly after this position. */
  after?: bigint;
  maxCount?: number;
}

export interface ReadStreamOptions {
  /** Exclusive: only the events whose revision is above this one (what a cached state has not seen yet). */
  after?: number;
}

export interface Subscription {
  close(): Promise<void>;
}

export interface SubscribeOptions {
  /** Exclusive start position; omitted = from the beginning. */
  after?: bigint;
  /** Called for each batch in order; the next batch waits for the promise. */
  onEvents(events: RecordedEvent[]): Promise<void> | void;
  onError?(error: unknown): void;
}

/**
 * The event store port. Appends are atomic (all events or none) and idempotent by event id:
 * appending events that are all already stored is a no-op success.
 */
export interface EventStore {
  readonly name: string;
  appendToStream(streamId: string, events: NewEvent[], expected: ExpectedRevision): Promise<AppendResult>;
  /** The stream's events in order; a stream that does not exist is an empty array. */
  readStream<E extends DomainEvent = DomainEvent>(streamId: string, options?: ReadStreamOptions): Promise<RecordedEvent<E>[]>;
  /** The stream's event with this id, if it holds one: how a retried batch finds itself without reading the stream. */
  findEvent(streamId: string, eventId: string): Promise<RecordedEvent | undefined>;
  /** Revision of the stream's last event, -1 when it does not exist: what an edit form carries, without reading the stream. */
  streamRevision(streamId: string): Promise<number>;
  /** All events in global order after a position, one page at a time. */
  readAll(options?: ReadAllOptions): Promise<RecordedEvent[]>;
  /** Catch up from a position, then stay live. */
  subscribeToAll(options: SubscribeOptions): Subscription;
  /** Position of the last stored event (0n when empty). */
  headPosition(): Promise<bigint>;
  close(): Promise<void>;
}

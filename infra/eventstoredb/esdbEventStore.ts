import {
  BACKWARDS,
  END,
  EventStoreDBClient,
  excludeSystemEvents,
  jsonEvent,
  START,
  StreamNotFoundError,
  WrongExpectedVersionError,
  type AllStreamResolvedEvent,
  type JSONType,
  type ReadPosition,
  type RecordedEvent as EsdbRecordedEvent,
  type StreamingRead,
} from '@eventstore/db-client';
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

export interface EsdbEventStoreOptions {
  /** Checks each event before it is sent (schema of its type and metadata); throws to reject the batch. */
  validate?: (event: NewEvent) => void;
}

export class EventStoreUnavailableError extends Error {
  override readonly name = 'EventStoreUnavailableError';
}

const PAGE = 1000;

/**
 * Our position is the event's commit position. Events appended outside explicit transactions
 * (all of ours) have the same prepare position, so the pair can be rebuilt from it.
 */
const readPosition = (position: bigint): ReadPosition => (position === 0n ? START : { commit: position, prepare: position });

/** The same rule as `excludeSystemEvents()`: ESDB's own events (`$>` links, `$metadata`, stats) are not ours. */
const isSystemEvent = (event: EsdbRecordedEvent): boolean => event.type.startsWith('$');

function toRecorded(event: EsdbRecordedEvent): RecordedEvent {
  if (!event.position)
    throw new Error(`EventStoreDB sent ${event.streamId}@${event.revision} without its position (servers before 22.6 do)`);
  return {
    type: event.type,
    data: event.data,
    metadata: event.metadata as EventMetadata,
    streamId: event.streamId,
    revision: Number(event.revision),
    position: event.position.commit,
  };
}

/** Events are JSON; the ESDB event id is ours, which gives ESDB's idempotent appends. */
const toEventData = ({ type, data, metadata }: NewEvent) => jsonEvent({ id: metadata.eventId, type, data: data as JSONType, metadata });

/**
 * The first `maxCount` non-system events of an $all read, strictly after `after` when given (a
 * read from a position includes the event at it). ESDB counts system events in its own maxCount,
 * so the read is unbounded and cancelled once the page is full.
 */
async function firstEvents(read: StreamingRead<AllStreamResolvedEvent>, maxCount: number, after?: bigint): Promise<RecordedEvent[]> {
  const events: RecordedEvent[] = [];
  try {
    for await (const { event } of read) {
      if (!event || isSystemEvent(event) || (after !== undefined && event.position.commit <= after)) continue;
      events.push(toRecorded(event));
      if (events.length === maxCount) break;
    }
  } finally {
    await read.cancel();
  }
  return events;
}

export class EsdbEventStore implements EventStore {
  readonly name = 'eventstoredb';

  constructor(
    private readonly client: EventStoreDBClient,
    private readonly options: EsdbEventStoreOptions = {},
  ) {}

  async appendToStream(streamId: string, events: NewEvent[], expected: ExpectedRevision): Promise<AppendResult> {
    if (this.options.validate) for (const event of events) this.options.validate(event);
    try {
      const result = await this.client.appendToStream(streamId, events.map(toEventData), {
        expectedRevision: typeof expected === 'number' ? BigInt(expected) : expected,
      });
      // An idempotent retry is answered without a position: look up where the batch was stored.
      const position = result.position?.commit ?? (await this.positionAt(streamId, result.nextExpectedRevision));
      return { nextExpectedRevision: Number(result.nextExpectedRevision), position };
    } catch (error) {
      if (!(error instanceof WrongExpectedVersionError)) throw error;
      const actual = error.actualVersion === 'no_stream' ? 'no_stream' : Number(error.actualVersion);
      throw new ConcurrencyConflictError(streamId, expected, actual);
    }
  }

  private async positionAt(streamId: string, revision: bigint): Promise<bigint> {
    for await (const { event } of this.client.readStream(streamId, { fromRevision: revision, maxCount: 1 })) {
      if (event) return toRecorded(event).position;
    }
    throw new Error(`EventStoreDB acknowledged ${streamId}@${revision} but cannot read it back`);
  }

  async readStream<E extends DomainEvent = DomainEvent>(
    streamId: string,
    { after = -1 }: ReadStreamOptions = {},
  ): Promise<RecordedEvent<E>[]> {
    const events: RecordedEvent[] = [];
    try {
      for await (const { event } of this.client.readStream(streamId, { fromRevision: after < 0 ? START : BigInt(after + 1) })) {
        if (event) events.push(toRecorded(event));
      }
    } catch (error) {
      if (error instanceof StreamNotFoundError) return [];
      throw error;
    }
    return events as RecordedEvent<E>[];
  }

  /**
   * EventStoreDB keeps no index of event ids, so this reads the stream backwards until it meets
   * the event: a retry finds its batch among the last events, but an id the stream never held
   * costs a read of the whole stream.
   */
  async findEvent(streamId: string, eventId: string): Promise<RecordedEvent | undefined> {
    try {
      for await (const { event } of this.client.readStream(streamId, { direction: BACKWARDS, fromRevision: END })) {
        if (event?.id === eventId) return toRecorded(event);
      }
    } catch (error) {
      if (!(error instanceof StreamNotFoundError)) throw error;
    }
    return undefined;
  }

  async streamRevision(streamId: string): Promise<number> {
    try {
      for await (const { event } of this.client.readStream(streamId, { direction: BACKWARDS, fromRevision: END, maxCount: 1 })) {
        if (event) return Number(event.revision);
      }
    } catch (error) {
      if (!(error instanceof StreamNotFoundError)) throw error;
    }
    return -1;
  }

  async readAll({ after = 0n, maxCount = PAGE }: ReadAllOptions = {}): Promise<RecordedEvent[]> {
    if (maxCount <= 0) return [];
    return firstEvents(this.client.readAll({ fromPosition: readPosition(after) }), maxCount, after);
  }

  /** The last of our events: the position a subscription reaches once it has caught up. */
  async headPosition(): Promise<bigint> {
    const [last] = await firstEvents(this.client.readAll({ direction: BACKWARDS, fromPosition: END }), 1);
    return last?.position ?? 0n;
  }

  subscribeToAll({ after = 0n, onEvents, onError }: SubscribeOptions): Subscription {
    const subscription = this.client.subscribeToAll({ fromPosition: readPosition(after), filter: excludeSystemEvents() });
    let closed = false;
    const done = (async () => {
      for await (const { event } of subscription) {
        if (event && event.position.commit > after) await onEvents([toRecorded(event)]);
      }
    })().catch(async (error: unknown) => {
      if (closed) return;
      await subscription.unsubscribe();
      onError?.(error);
    });
    return {
      close: async () => {
        closed = true;
        await subscription.unsubscribe();
        await done;
      },
    };
  }

  async close(): Promise<void> {
    await this.client.dispose();
  }
}

export interface ConnectOptions extends EsdbEventStoreOptions {
  /** How long the first call may take: against a port that is not ESDB the client waits forever. */
  timeoutMs?: number;
}

/** Connects and proves the server answers (one read of $all's head) before returning the store. */
export async function connectEventStoreDb(url: string, { timeoutMs = 5_000, ...options }: ConnectOptions = {}): Promise<EsdbEventStore> {
  const where = `EventStoreDB at ${url.replace(/\/\/[^/@]*@/, '//***@')}`;
  let client: EventStoreDBClient;
  try {
    client = EventStoreDBClient.connectionString(url);
  } catch (error) {
    throw new EventStoreUnavailableError(`${where}: invalid connection string (${(error as Error).message})`);
  }
  const store = new EsdbEventStore(client, options);
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () =>
        reject(new EventStoreUnavailableError(`${where} did not answer within ${timeoutMs} ms (is it EventStoreDB, and is tls= right?)`)),
      timeoutMs,
    );
  });
  try {
    await Promise.race([store.headPosition(), timeout]);
    return store;
  } catch (error) {
    await client.dispose();
    if (error instanceof EventStoreUnavailableError) throw error;
    throw new EventStoreUnavailableError(`${where} cannot be reached: ${(error as Error).message}`);
  } finally {
    clearTimeout(timer);
  }
}

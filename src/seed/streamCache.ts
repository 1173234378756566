import type { DomainEvent, NewEvent, RecordedEvent } from '../shared/event.ts';
import type { AppendResult, EventStore, ExpectedRevision, ReadAllOptions, SubscribeOptions, Subscription } from '../shared/eventStore.ts';

/**
 * An event store that remembers the streams it recently read, for one writer that sends many
 * commands to the same streams (the seed): `handleCommand` reads the whole stream before every
 * decision, and reading a long team stream back from SQLite each time would cost more than the
 * decision and the append together. Appends go straight to the real store; a cached stream is
 * extended only when the append's result proves the cache was current, and dropped otherwise.
 * Only safe while nobody else writes to those streams.
 */
export class StreamCache implements EventStore {
  readonly name: string;
  /** Least recently used first (a Map iterates in insertion order). */
  private readonly streams = new Map<string, RecordedEvent[]>();

  constructor(
    private readonly store: EventStore,
    private readonly capacity = 256,
  ) {
    this.name = store.name;
  }

  async readStream<E extends DomainEvent = DomainEvent>(streamId: string): Promise<RecordedEvent<E>[]> {
    const events = this.streams.get(streamId) ?? (await this.store.readStream(streamId));
    this.remember(streamId, events);
    return events.slice() as RecordedEvent<E>[];
  }

  async appendToStream(streamId: string, events: NewEvent[], expected: ExpectedRevision): Promise<AppendResult> {
    const result = await this.store.appendToStream(streamId, events, expected);
    const cached = this.streams.get(streamId);
    // The result names only the last event's position, so only a single new event can be cached exactly.
    if (cached && events.length === 1 && result.nextExpectedRevision === cached.length) {
      cached.push({ ...events[0]!, streamId, revision: result.nextExpectedRevision, position: result.position });
    } else {
      this.streams.delete(streamId);
    }
    return result;
  }

  private remember(streamId: string, events: RecordedEvent[]): void {
    this.streams.delete(streamId);
    this.streams.set(streamId, events);
    if (this.streams.size > this.capacity) this.streams.delete(this.streams.keys().next().value!);
  }

  async streamRevision(streamId: string): Promise<number> {
    const cached = this.streams.get(streamId);
    return cached ? cached.length - 1 : this.store.streamRevision(streamId);
  }

  readAll(options?: ReadAllOptions): Promise<RecordedEvent[]> {
    return this.store.readAll(options);
  }

  subscribeToAll(options: SubscribeOptions): Subscription {
    return this.store.subscribeToAll(options);
  }

  headPosition(): Promise<bigint> {
    return this.store.headPosition();
  }

  /** Forgets the cache; the real store stays open (its owner closes it). */
  async close(): Promise<void> {
    this.streams.clear();
  }
}

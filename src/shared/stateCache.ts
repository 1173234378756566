import type { Decider } from './decider.ts';
import type { DomainEvent, RecordedEvent } from './event.ts';
import type { EventStore } from './eventStore.ts';

/** A stream's state as a decider folded it, up to and including `revision`. */
export interface FoldedState<State> {
  state: State;
  /** Revision of the last event folded in; -1 for a stream that did not exist. */
  revision: number;
  /** Global position of that event (0n when none). */
  position: bigint;
  /** Id of that event (null when none): proves the stream still holds what was folded. */
  eventId: string | null;
}

interface Entry extends FoldedState<unknown> {
  /** The decider that folded it: a state is only meaningful to the `evolve` that made it. */
  decider: object;
}

/**
 * Streams held, per store. A team stream folds to a few kilobytes at most, so this bounds the
 * cache to a few megabytes while an organisation's active streams all fit.
 */
const CAPACITY = 4096;

/**
 * The folded states of the streams a process recently decided on, so that a decision reads only
 * the events appended since its stream was last folded (by this writer, another writer or
 * another process) instead of the whole history: the snapshot of the event-sourcing literature,
 * kept in memory. It never decides on stale state unnoticed: the append that follows a decision
 * still names the revision it was folded to, and the store refuses it if the stream moved on.
 *
 * The read starts at the last folded event, which must still be there with its id: a unit of work
 * rolled back (the seed's and the consumer's SQLite transactions) can take away events that were
 * folded, and then the stream is folded again from its start.
 *
 * Sharing a state between calls is safe because no decider's `evolve` mutates its input (each
 * returns a new object; tests/unit/stateCache.spec.ts folds real histories through frozen states).
 * Not kept on disk: rebuilding a state means reading its stream once per process, and a stored
 * snapshot would need a version per decider to know when a change to `evolve` makes it wrong.
 */
class StateCache {
  /** Least recently used first (a Map iterates in insertion order). */
  private readonly entries = new Map<string, Entry>();

  async load<State, Event extends DomainEvent>(
    store: EventStore,
    streamId: string,
    decider: Decider<State, never, Event>,
  ): Promise<FoldedState<State>> {
    const cached = this.entries.get(streamId);
    if (cached?.decider === decider && cached.eventId !== null) {
      const read = await store.readStream<Event>(streamId, { after: cached.revision - 1 });
      if (read[0]?.metadata.eventId === cached.eventId) return this.fold(streamId, decider, cached as FoldedState<State>, read.slice(1));
      // Forgotten first, or the refold, no further than the lost revision, would count as older and be ignored.
      this.entries.delete(streamId);
    }
    const empty = { state: decider.initialState(), revision: -1, position: 0n, eventId: null };
    return this.fold(streamId, decider, empty, await store.readStream<Event>(streamId));
  }

  private fold<State, Event extends DomainEvent>(
    streamId: string,
    decider: Decider<State, never, Event>,
    from: FoldedState<State>,
    events: RecordedEvent<Event>[],
  ): FoldedState<State> {
    const last = events.at(-1);
    const folded =
      last === undefined
        ? from
        : {
            state: events.reduce(decider.evolve, from.state),
            revision: last.revision,
            position: last.position,
            eventId: last.metadata.eventId,
          };
    this.remember(streamId, decider, folded);
    return folded;
  }

  /** Keeps a state folded past the last one known (an append's outcome); an older one is ignored. */
  remember<State, Event extends DomainEvent>(streamId: string, decider: Decider<State, never, Event>, folded: FoldedState<State>): void {
    const cached = this.entries.get(streamId);
    if (cached?.decider === decider && cached.revision > folded.revision) return;
    this.entries.delete(streamId);
    this.entries.set(streamId, { ...folded, decider });
    if (this.entries.size > CAPACITY) this.entries.delete(this.entries.keys().next().value!);
  }
}

/** One cache per store: states folded from one store mean nothing for another. */
const caches = new WeakMap<EventStore, StateCache>();

export function stateCacheOf(store: EventStore): StateCache {
  const cache = caches.get(store) ?? new StateCache();
  caches.set(store, cache);
  return cache;
}

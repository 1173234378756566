/**
 * The event-store contract: every adapter of the port in src/shared/eventStore.ts passes these
 * tests. Stream ids carry a uuid and every $all read is narrowed to the test's own streams, so
 * the suite also runs against a shared EventStoreDB that holds other events.
 */
import { randomUUID } from 'node:crypto';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ConcurrencyConflictError, ValidationError } from '../../src/shared/errors.ts';
import type { EventMetadata, NewEvent, RecordedEvent } from '../../src/shared/event.ts';
import type { EventStore, ExpectedRevision } from '../../src/shared/eventStore.ts';

export interface StoreOptions {
  validate?: (event: NewEvent) => void;
}

export interface StoreUnderTest {
  store: EventStore;
  cleanup(): Promise<void>;
}

const REJECTED_TYPE = 'ContractEventRejected';

/** Stands in for the catalogue's schema check: one event type is always invalid. */
const rejectOneType = (event: NewEvent): void => {
  if (event.type === REJECTED_TYPE) throw ValidationError.field('type', `${REJECTED_TYPE} is not in the catalogue`);
};

const streamId = (): string => `contract-${randomUUID()}`;

function metadata(overrides: Partial<EventMetadata> = {}): EventMetadata {
  return {
    eventId: randomUUID(),
    actor: { kind: 'user', id: 'coach-ada' },
    source: 'cli',
    occurredAt: '2026-10-01T09:00:00.000Z',
    recordedAt: '2026-10-01T09:00:01.000Z',
    correlationId: randomUUID(),
    causationId: null,
    schemaVersion: 1,
    ...overrides,
  };
}

function event(n: number, type = 'ContractEventNoted'): NewEvent {
  return { type, data: { n }, metadata: metadata() };
}

const events = (count: number): NewEvent[] => Array.from({ length: count }, (_, i) => event(i + 1));

const ids = (list: { metadata: EventMetadata }[]): string[] => list.map((e) => e.metadata.eventId);

const isIncreasing = (positions: bigint[]): boolean => positions.every((p, i) => i === 0 || p > positions[i - 1]!);

/** Pages through $all after a position and keeps the events of the given streams. */
async function readOwn(store: EventStore, streams: string[], after: bigint, maxCount?: number): Promise<RecordedEvent[]> {
  const own: RecordedEvent[] = [];
  for (let position = after; ; ) {
    const page = await store.readAll({ after: position, maxCount });
    if (page.length === 0) return own;
    expect(page[0]!.position, 'readAll returns events strictly after the position').toBeGreaterThan(position);
    own.push(...page.filter((e) => streams.includes(e.streamId)));
    position = page.at(-1)!.position;
  }
}

async function expectConflict(
  append: Promise<unknown>,
  stream: string,
  expected: ExpectedRevision,
  actual: number | 'no_stream',
): Promise<void> {
  const error = await append.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ConcurrencyConflictError);
  expect(error).toMatchObject({ streamId: stream, expected, actual, statusCode: 409 });
}

export function eventStoreContract(name: string, makeStore: (options?: StoreOptions) => Promise<StoreUnderTest>): void {
  describe(`event store contract: ${name}`, () => {
    const cleanups: (() => Promise<void>)[] = [];

    async function open(options?: StoreOptions): Promise<EventStore> {
      const { store, cleanup } = await makeStore(options);
      cleanups.push(cleanup);
      return store;
    }

    afterEach(async () => {
      for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
    });

    describe('append and read a stream', () => {
      it('stores events in order with revisions from 0', async () => {
        const store = await open();
        const stream = streamId();
        const batch = events(3);

        const result = await store.appendToStream(stream, batch, 'no_stream');
        const read = await store.readStream(stream);

        expect(read.map((e) => e.data)).toEqual([{ n: 1 }, { n: 2 }, { n: 3 }]);
        expect(read.map((e) => e.revision)).toEqual([0, 1, 2]);
        expect(read.every((e) => e.streamId === stream && e.type === 'ContractEventNoted')).toBe(true);
        expect(ids(read)).toEqual(ids(batch));
        expect(isIncreasing(read.map((e) => e.position))).toBe(true);
        expect(result).toEqual({ nextExpectedRevision: 2, position: read[2]!.position });
      });

      it('continues the revisions of an existing stream', async () => {
        const store = await open();
        const stream = streamId();
        await store.appendToStream(stream, events(2), 'no_stream');

        const result = await store.appendToStream(stream, [event(3)], 1);

        expect(result.nextExpectedRevision).toBe(2);
        expect((await store.readStream(stream)).map((e) => e.revision)).toEqual([0, 1, 2]);
      });

      it('reads a stream that does not exist as empty', async () => {
        const store = await open();
        expect(await store.readStream(streamId())).toEqual([]);
      });

      it('reads only the events after a revision, and nothing after the last one or from a missing stream', async () => {
        const store = await open();
        const stream = streamId();
        const batch = events(5);
        await store.appendToStream(stream, batch, 'no_stream');
        const all = await store.readStream(stream);

        expect(await store.readStream(stream, { after: 2 })).toEqual(all.slice(3));
        expect(await store.readStream(stream, { after: -1 })).toEqual(all);
        expect(await store.readStream(stream, { after: 4 })).toEqual([]);
        expect(await store.readStream(stream, { after: 9 })).toEqual([]);
        expect(await store.readStream(streamId(), { after: 0 })).toEqual([]);
      });

      it('finds an event of a stream by its id, and only in that stream', async () => {
        const store = await open();
        const [stream, other] = [streamId(), streamId()];
        const batch = events(3);
        await store.appendToStream(stream, batch, 'no_stream');
        const read = await store.readStream(stream);

        expect(await store.findEvent(stream, batch[1]!.metadata.eventId)).toEqual(read[1]);
        expect(await store.findEvent(other, batch[1]!.metadata.eventId)).toBeUndefined();
        expect(await store.findEvent(stream, randomUUID())).toBeUndefined();
      });

      it("answers a stream's revision without reading it: -1 when missing, else its last event's", async () => {
        const store = await open();
        const stream = streamId();
        expect(await store.streamRevision(stream)).toBe(-1);
        await store.appendToStream(stream, [event(1), event(2), event(3)], 'no_stream');
        expect(await store.streamRevision(stream)).toBe(2);
      });

      it('round-trips data and every metadata field', async () => {
        const store = await open();
        const stream = streamId();
        const head = await store.headPosition();
        const data = { text: 'Zoë’s team — “checked in”', nested: { list: [1, 2.5, null, true], empty: {} }, none: null };
        const written: NewEvent = {
          type: 'ContractEventNoted',
          data,
          metadata: metadata({
            actor: { kind: 'integration', id: 'okr-tool' },
            source: 'kafka:okr.check-ins',
            occurredAt: '2026-09-30T17:45:00.000Z',
            recordedAt: '2026-10-01T08:00:00.123Z',
            causationId: randomUUID(),
            schemaVersion: 2,
          }),
        };
        await store.appendToStream(stream, [written], 'no_stream');

        const [fromStream] = await store.readStream(stream);
        const [fromAll] = await readOwn(store, [stream], head);
        for (const read of [fromStream, fromAll]) {
          expect(read?.data).toEqual(data);
          expect(read?.metadata).toEqual(written.metadata);
        }
      });
    });

    describe('expected revision', () => {
      it('no_stream: accepted for a new stream, a conflict once it exists', async () => {
        const store = await open();
        const stream = streamId();
        await store.appendToStream(stream, [event(1)], 'no_stream');
        await expectConflict(store.appendToStream(stream, [event(2)], 'no_stream'), stream, 'no_stream', 0);
      });

      it('any: accepted whether or not the stream exists', async () => {
        const store = await open();
        const stream = streamId();
        await store.appendToStream(stream, [event(1)], 'any');
        const result = await store.appendToStream(stream, [event(2)], 'any');
        expect(result.nextExpectedRevision).toBe(1);
      });

      it('stream_exists: a conflict for a missing stream, accepted once it exists', async () => {
        const store = await open();
        const stream = streamId();
        await expectConflict(store.appendToStream(stream, [event(1)], 'stream_exists'), stream, 'stream_exists', 'no_stream');
        await store.appendToStream(stream, [event(1)], 'no_stream');
        const result = await store.appendToStream(stream, [event(2)], 'stream_exists');
        expect(result.nextExpectedRevision).toBe(1);
      });

      it('exact: accepted at the current revision, a conflict carrying expected and actual otherwise', async () => {
        const store = await open();
        const stream = streamId();
        await expectConflict(store.appendToStream(stream, [event(1)], 0), stream, 0, 'no_stream');
        await store.appendToStream(stream, events(2), 'no_stream');

        await expectConflict(store.appendToStream(stream, [event(3)], 0), stream, 0, 1);
        await expectConflict(store.appendToStream(stream, [event(3)], 5), stream, 5, 1);
        const result = await store.appendToStream(stream, [event(3)], 1);

        expect(result.nextExpectedRevision).toBe(2);
      });
    });

    describe('idempotency and atomicity', () => {
      it('stores a retried batch once and answers the retry as a success', async () => {
        const store = await open();
        const stream = streamId();
        const head = await store.headPosition();
        const first = events(2);
        const second = [event(3)];

        const original = await store.appendToStream(stream, first, 'no_stream');
        const retry = await store.appendToStream(stream, first, 'no_stream');
        await store.appendToStream(stream, second, 1);
        await store.appendToStream(stream, second, 1);

        expect(retry).toEqual(original);
        expect(ids(await store.readStream(stream))).toEqual(ids([...first, ...second]));
        expect(ids(await readOwn(store, [stream], head))).toEqual(ids([...first, ...second]));
      });

      it('stores nothing of a batch with an invalid event', async () => {
        const store = await open({ validate: rejectOneType });
        const stream = streamId();

        await expect(store.appendToStream(stream, [event(1), event(2, REJECTED_TYPE)], 'no_stream')).rejects.toBeInstanceOf(
          ValidationError,
        );

        expect(await store.readStream(stream)).toEqual([]);
        await store.appendToStream(stream, [event(1)], 'no_stream');
      });

      it('stores nothing of a batch appended at a wrong revision', async () => {
        const store = await open();
        const stream = streamId();
        await store.appendToStream(stream, [event(1)], 'no_stream');

        await expectConflict(store.appendToStream(stream, events(3), 'no_stream'), stream, 'no_stream', 0);

        expect(await store.readStream(stream)).toHaveLength(1);
      });

      it('lets exactly one of two concurrent appends at the same revision win', async () => {
        const store = await open();
        for (const expected of ['no_stream', 0] as const) {
          const stream = streamId();
          if (expected === 0) await store.appendToStream(stream, [event(0)], 'no_stream');
          const contenders = [event(1), event(2)];

          const outcomes = await Promise.allSettled(contenders.map((e) => store.appendToStream(stream, [e], expected)));

          const winners = outcomes.flatMap((o, i) => (o.status === 'fulfilled' ? [contenders[i]!] : []));
          const losers = outcomes.flatMap((o) => (o.status === 'rejected' ? [o.reason as unknown] : []));
          expect(winners).toHaveLength(1);
          expect(losers).toEqual([expect.any(ConcurrencyConflictError)]);
          expect((await store.readStream(stream)).at(-1)?.metadata.eventId).toBe(winners[0]!.metadata.eventId);
        }
      });
    });

    describe('read all', () => {
      it('reads every stream in global order after a position', async () => {
        const store = await open();
        const [a, b] = [streamId(), streamId()];
        const head = await store.headPosition();
        const [a1, a2, b1, a3] = [event(1), event(2), event(3), event(4)];
        await store.appendToStream(a, [a1, a2], 'no_stream');
        await store.appendToStream(b, [b1], 'no_stream');
        await store.appendToStream(a, [a3], 1);

        const all = await readOwn(store, [a, b], head);
        const afterA2 = await readOwn(store, [a, b], all[1]!.position);

        expect(ids(all)).toEqual(ids([a1, a2, b1, a3]));
        expect(all.map((e) => `${e.streamId === a ? 'a' : 'b'}@${e.revision}`)).toEqual(['a@0', 'a@1', 'b@0', 'a@2']);
        expect(isIncreasing([head, ...all.map((e) => e.position)])).toBe(true);
        expect(ids(afterA2)).toEqual(ids([b1, a3]));
      });

      it('reads at most maxCount events per page', async () => {
        const store = await open();
        const stream = streamId();
        const head = await store.headPosition();
        const batch = events(5);
        await store.appendToStream(stream, batch, 'no_stream');

        const page = await store.readAll({ after: head, maxCount: 2 });
        const pagedOneByOne = await readOwn(store, [stream], head, 1);

        expect(page).toHaveLength(2);
        expect(isIncreasing([head, ...page.map((e) => e.position)])).toBe(true);
        expect(ids(pagedOneByOne)).toEqual(ids(batch));
      });

      it('reports the head position: the last stored event', async () => {
        const store = await open();
        const stream = streamId();
        const result = await store.appendToStream(stream, events(2), 'no_stream');

        const head = await store.headPosition();

        expect(head).toBeGreaterThanOrEqual(result.position);
        expect(await readOwn(store, [stream], head)).toEqual([]);
      });
    });

    describe('subscribe to all', () => {
      function collect(streams: string[]) {
        const received: RecordedEvent[] = [];
        const errors: unknown[] = [];
        return {
          received,
          errors,
          onEvents: (batch: RecordedEvent[]) => {
            received.push(...batch.filter((e) => streams.includes(e.streamId)));
          },
          onError: (error: unknown) => {
            errors.push(error);
          },
        };
      }

      it('catches up from a position, stays live in order, and stops on close', async () => {
        const store = await open();
        const [a, b] = [streamId(), streamId()];
        const head = await store.headPosition();
        const past = [event(1), event(2)];
        await store.appendToStream(a, past, 'no_stream');
        const sink = collect([a, b]);

        const subscription = store.subscribeToAll({ after: head, ...sink });
        await vi.waitFor(() => expect(sink.received).toHaveLength(2), { timeout: 5_000 });
        const live = [event(3), event(4)];
        await store.appendToStream(b, [live[0]!], 'no_stream');
        await store.appendToStream(a, [live[1]!], 1);
        await vi.waitFor(() => expect(sink.received).toHaveLength(4), { timeout: 5_000 });
        await subscription.close();
        await store.appendToStream(a, [event(5)], 2);
        await new Promise((resolve) => setTimeout(resolve, 200));

        expect(ids(sink.received)).toEqual(ids([...past, ...live]));
        expect(isIncreasing(sink.received.map((e) => e.position))).toBe(true);
        expect(sink.received.map((e) => e.metadata)).toEqual([...past, ...live].map((e) => e.metadata));
        expect(sink.errors).toEqual([]);
      });

      it('starts strictly after the given position', async () => {
        const store = await open();
        const stream = streamId();
        const batch = events(3);
        await store.appendToStream(stream, batch, 'no_stream');
        const [first] = await store.readStream(stream);
        const sink = collect([stream]);

        const subscription = store.subscribeToAll({ after: first!.position, ...sink });
        await vi.waitFor(() => expect(sink.received).toHaveLength(2), { timeout: 5_000 });
        await subscription.close();

        expect(ids(sink.received)).toEqual(ids(batch.slice(1)));
      });

      it('reports a failing handler through onError and delivers nothing more', async () => {
        const store = await open();
        const stream = streamId();
        const head = await store.headPosition();
        const failure = new Error('projection failed');
        const delivered: RecordedEvent[] = [];
        const errors: unknown[] = [];

        const subscription = store.subscribeToAll({
          after: head,
          onEvents: (batch) => {
            const own = batch.filter((e) => e.streamId === stream);
            delivered.push(...own);
            if (own.length > 0) throw failure;
          },
          onError: (error) => errors.push(error),
        });
        await store.appendToStream(stream, [event(1)], 'no_stream');
        await vi.waitFor(() => expect(errors).toEqual([failure]), { timeout: 5_000 });
        await store.appendToStream(stream, [event(2)], 0);
        await new Promise((resolve) => setTimeout(resolve, 200));
        await subscription.close();

        expect(delivered.map((e) => e.data)).toEqual([{ n: 1 }]);
      });
    });
  });
}

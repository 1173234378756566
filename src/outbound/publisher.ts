import type { EventStore } from '../shared/eventStore.ts';
import { type OutboundMessage, toCloudEvent } from './published.ts';
import { wakeablePause } from '../shared/pause.ts';

/** Where published events go: our interface over the Kafka producer. `send` resolves once the broker acknowledged every message. */
export interface EventSink {
  send(messages: readonly OutboundMessage[]): Promise<void>;
  stop(): Promise<void>;
}

/** The global position up to which events were published and acknowledged, kept in Uptake's database. */
export interface PublisherCheckpoint {
  position(): bigint;
  save(position: bigint): void;
}

export interface PublisherHealth {
  /** `retrying`: the broker refused the last page (after its own retries); it is tried again from the checkpoint. */
  state: 'starting' | 'publishing' | 'retrying';
  /** The checkpoint, as decimal text (positions are 64-bit). */
  position: string;
  error?: string;
}

export interface PublisherLog {
  warn(details: object, message: string): void;
}

export interface PublisherDeps {
  store: Pick<EventStore, 'readAll'>;
  checkpoint: PublisherCheckpoint;
  sink: EventSink;
  /** The CloudEvents `source` of every published event. */
  source: string;
  log: PublisherLog;
  /**
   * True while a unit of work is open on the store's connection: what it appended may still be
   * rolled back, and must not be published. The SQLite store reads synchronously, so a page read
   * right after this answered false holds committed events only.
   */
  uncommitted?: () => boolean;
  /** Events per page, one `send` each; default 1,000. */
  pageSize?: number;
  /** How often to look for new events without a `nudge`; default 500 ms. */
  pollMs?: number;
  /** The first wait after a failed page, doubled at each one up to 30 s; default 1 s. */
  retryDelayMs?: number;
}

export interface Publisher {
  /** New events were appended: look now rather than at the next poll. */
  nudge(): void;
  health(): PublisherHealth;
  /** Lets the page in hand finish (and its checkpoint be saved), then disconnects. */
  stop(): Promise<void>;
}

/**
 * Publishes the store's events of the published slices, in global order, from the checkpoint:
 * a page is read, its events sent, and the checkpoint moved only after the broker acknowledged
 * them. A crash or a failed send publishes the page again: at least once, never a gap. Events
 * of other slices are passed over (the checkpoint moves past them).
 */
export function startPublisher(deps: PublisherDeps): Publisher {
  const pageSize = deps.pageSize ?? 1000;
  const pollMs = deps.pollMs ?? 500;
  const firstDelay = deps.retryDelayMs ?? 1_000;
  let position = deps.checkpoint.position();
  let health: PublisherHealth = { state: 'starting', position: position.toString() };
  let stopped = false;
  const { pause, wake } = wakeablePause();

  const loop = async () => {
    let failures = 0;
    while (!stopped) {
      if (deps.uncommitted?.()) {
        await pause(10);
        continue;
      }
      try {
        const page = await deps.store.readAll({ after: position, maxCount: pageSize });
        if (page.length > 0) {
          const messages = page.flatMap((event) => toCloudEvent(event, deps.source) ?? []);
          if (messages.length > 0) await deps.sink.send(messages);
          position = page.at(-1)!.position;
          deps.checkpoint.save(position);
        }
        failures = 0;
        health = { state: 'publishing', position: position.toString() };
        if (page.length === 0) await pause(pollMs);
      } catch (error) {
        failures++;
        const delay = Math.min(firstDelay * 2 ** (failures - 1), 30_000);
        const message = (error as Error).message;
        health = { state: 'retrying', position: position.toString(), error: message };
        deps.log.warn({ err: error, position: position.toString(), delayMs: delay }, `publishing failed (${message}); retrying`);
        await pause(delay);
      }
    }
  };
  const done = loop();

  return {
    nudge: () => wake(),
    health: () => health,
    stop: async () => {
      stopped = true;
      wake();
      await done;
      await deps.sink.stop();
    },
  };
}

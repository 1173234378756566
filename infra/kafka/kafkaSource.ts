/**
 * kafkajs behind Uptake's own interfaces (`MessageSource`, `DeadLetterSink` in
 * src/ingest/consumer.ts, `EventSink` in src/outbound/publisher.ts): kafkajs is in maintenance
 * mode, and nothing else imports it.
 */
import {
  type Admin,
  type Consumer,
  type IHeaders,
  Kafka,
  type KafkaMessage,
  logLevel,
  Partitioners,
  type Producer,
  type RetryOptions,
} from 'kafkajs';
import type { ConsumedMessage, DeadLetterSink, MessageBatch, MessageSource } from '../../src/ingest/consumer.ts';
import type { DeadLetterHeaders } from '../../src/ingest/contract.ts';
import type { OffsetsProbe } from '../../src/ingest/status.ts';
import type { EventSink } from '../../src/outbound/publisher.ts';

export interface Log {
  info(details: object, message: string): void;
  warn(details: object, message: string): void;
  error(details: object, message: string): void;
}

export interface KafkaIngestionOptions {
  brokers: string[];
  topics: string[];
  groupId: string;
  deadLetterTopic: string;
  clientId?: string;
  log: Log;
  /** Restarts after kafkajs gives up (its CRASH event) before the consumer stays down; default 5. */
  maxRestarts?: number;
  /** The first restart's delay, doubled at each one up to 30 s; default 1 s. */
  restartDelayMs?: number;
  /** Called once the restarts are spent: the consumer is down until Uptake restarts. */
  onGaveUp?: (error: Error) => void;
  /** Called when the consumer joins its group (true) and when it leaves it (false). */
  onConnection?: (connected: boolean) => void;
}

/**
 * Every broker call retries for about 42 s (300 ms doubling to 5 s, 12 times): a broker restart
 * of 20–30 s on a busy machine passes unnoticed, where kafkajs's default 5 retries (7–10 s, measured) crash.
 */
const RETRY: RetryOptions = { initialRetryTime: 300, maxRetryTime: 5_000, retries: 12 };

/** Dead letters and published events go out in requests below the broker's 1 MiB default limit. */
const REQUEST_BYTES = 512 * 1024;

function headersOf(headers: IHeaders | undefined): Record<string, Buffer> {
  const out: Record<string, Buffer> = {};
  for (const [name, raw] of Object.entries(headers ?? {})) {
    const value = Array.isArray(raw) ? raw[0] : raw;
    const key = name.toLowerCase();
    if (value !== undefined && out[key] === undefined) out[key] = Buffer.isBuffer(value) ? value : Buffer.from(value);
  }
  return out;
}

const consumed = (message: KafkaMessage): ConsumedMessage => ({
  offset: message.offset,
  key: message.key,
  value: message.value,
  headers: headersOf(message.headers),
});

const byteLength = (bytes: Buffer | string | null) => (bytes === null ? 0 : Buffer.byteLength(bytes));

/** Groups of messages whose bytes stay under `REQUEST_BYTES` (a larger message goes alone). */
function* requests<M extends { key: Buffer | string | null; value: Buffer | string | null }>(messages: readonly M[]): Generator<M[]> {
  let group: M[] = [];
  let bytes = 0;
  for (const message of messages) {
    const size = byteLength(message.value) + byteLength(message.key) + 512;
    if (group.length > 0 && bytes + size > REQUEST_BYTES) {
      yield group;
      group = [];
      bytes = 0;
    }
    group.push(message);
    bytes += size;
  }
  if (group.length > 0) yield group;
}

/** A kafkajs client that logs through ours and retries every call for about 42 s. */
function client(brokers: string[], clientId: string, log: Log): Kafka {
  return new Kafka({
    clientId,
    brokers,
    retry: RETRY,
    logLevel: logLevel.WARN,
    logCreator:
      () =>
      ({ level, log: { message, ...details } }) =>
        // "The coordinator is loading" and other retried failures come as ERROR; what stops a consumer or publisher is logged by it.
        (level === logLevel.ERROR ? log.warn : log.info).call(log, { kafkajs: details }, `kafkajs: ${message}`),
  });
}

/**
 * The consumer and the dead-letter producer of one consumer group. Offsets are committed to
 * Kafka after each batch only for lag reporting: Uptake resumes from the offsets in its own
 * database (`ConsumerLedger`), and a new group starts from the beginning of each topic.
 */
export function kafkaIngestion(options: KafkaIngestionOptions): {
  source: MessageSource;
  deadLetters: DeadLetterSink;
  offsets: OffsetsProbe;
} {
  const { log } = options;
  const kafka = client(options.brokers, options.clientId ?? 'uptake', log);
  // Not idempotent: that needs unbounded retries (kafkajs warns otherwise), and a dead letter is at least once anyway.
  // The partitioner named, or kafkajs warns at creation that its default changed in 2.0.
  const producer: Producer = kafka.producer({ retry: RETRY, createPartitioner: Partitioners.DefaultPartitioner });
  const maxRestarts = options.maxRestarts ?? 5;
  const firstDelay = options.restartDelayMs ?? 1_000;
  let consumer: Consumer | undefined;
  let stopping = false;
  let restarts = 0;
  let restartTimer: NodeJS.Timeout | undefined;
  // For the integrations page's lag: one try per question, so a broker that is down answers at once.
  let admin: Promise<Admin> | undefined;
  const connectedAdmin = () => {
    admin ??= (async () => {
      const client = kafka.admin({ retry: { retries: 0 } });
      await client.connect();
      return client;
    })().catch((error: Error) => {
      admin = undefined;
      throw error;
    });
    return admin;
  };

  /** kafkajs's CRASH (it gave up retrying) or a failed restart: a bounded number of restarts, each later than the last. */
  const crashed = (error: Error, onBatch: (batch: MessageBatch) => Promise<void>) => {
    if (stopping) return;
    restarts++;
    if (restarts > maxRestarts) {
      log.error({ err: error, restarts: maxRestarts }, `Kafka consumer gave up after ${maxRestarts} restarts: ${error.message}`);
      options.onGaveUp?.(error);
      return;
    }
    const delay = Math.min(firstDelay * 2 ** (restarts - 1), 30_000);
    log.warn({ err: error, restart: restarts, of: maxRestarts, delayMs: delay }, `Kafka consumer crashed (${error.message}); restarting`);
    restartTimer = setTimeout(() => start(onBatch).catch((startError: Error) => crashed(startError, onBatch)), delay);
  };

  const start = async (onBatch: (batch: MessageBatch) => Promise<void>): Promise<void> => {
    // A fresh consumer each time: a crashed kafkajs consumer has already disconnected itself.
    const current = kafka.consumer({ groupId: options.groupId, retry: { ...RETRY, restartOnFailure: async () => false } });
    consumer = current;
    current.on(current.events.CRASH, ({ payload: { error } }) => crashed(error, onBatch));
    current.on(current.events.GROUP_JOIN, () => options.onConnection?.(true));
    current.on(current.events.DISCONNECT, () => options.onConnection?.(false));
    current.on(current.events.CRASH, () => options.onConnection?.(false));
    await current.connect();
    await current.subscribe({ topics: options.topics, fromBeginning: true });
    await current.run({
      eachBatchAutoResolve: false,
      eachBatch: async ({ batch, resolveOffset, heartbeat, commitOffsetsIfNecessary, isRunning, isStale }) => {
        if (!isRunning() || isStale() || batch.messages.length === 0) return;
        await onBatch({ topic: batch.topic, partition: batch.partition, messages: batch.messages.map(consumed) });
        restarts = 0;
        resolveOffset(batch.messages.at(-1)!.offset);
        await commitOffsetsIfNecessary();
        await heartbeat();
      },
    });
  };

  return {
    source: {
      run: async (onBatch) => {
        await producer.connect();
        await start(onBatch);
      },
      stop: async () => {
        stopping = true;
        clearTimeout(restartTimer);
        // Outside eachBatch (inside it, disconnect hangs): waits for the batch in hand, then leaves the group.
        await consumer?.disconnect();
        await producer.disconnect();
        await (await admin?.catch(() => undefined))?.disconnect();
      },
    },
    offsets: {
      watermarks: async (topics) => {
        const client = await connectedAdmin();
        const perTopic = await Promise.all(
          topics.map(async (topic) =>
            (await client.fetchTopicOffsets(topic)).map(({ partition, low, high }) => ({ topic, partition, low, high })),
          ),
        );
        return perTopic.flat();
      },
    },
    deadLetters: {
      send: async (letters) => {
        for (const group of requests(letters)) {
          await producer.send({
            topic: options.deadLetterTopic,
            acks: -1,
            messages: group.map((letter) => ({
              key: letter.key,
              value: letter.value,
              headers: {
                ...letter.headers,
                ...({
                  uptake_dlq_reason: letter.reason,
                  uptake_dlq_topic: letter.topic,
                  uptake_dlq_partition: String(letter.partition),
                  uptake_dlq_offset: letter.offset,
                } satisfies DeadLetterHeaders),
              },
            })),
          });
        }
      },
    },
  };
}

export interface KafkaPublisherOptions {
  brokers: string[];
  topic: string;
  clientId?: string;
  log: Log;
}

/**
 * The producer of Uptake's own events (`KAFKA_PUBLISH_TOPIC`). One request in flight, so a
 * retried request cannot overtake the next and a stream's events stay in order. Not idempotent,
 * for the reason the dead-letter producer is not: delivery is at least once anyway, and consumers
 * drop a repeated CloudEvent `id`.
 */
export function kafkaPublisher(options: KafkaPublisherOptions): EventSink {
  const producer = client(options.brokers, options.clientId ?? 'uptake-publisher', options.log).producer({
    retry: RETRY,
    maxInFlightRequests: 1,
    createPartitioner: Partitioners.DefaultPartitioner,
  });
  let connected: Promise<void> | undefined;
  return {
    send: async (messages) => {
      connected ??= producer.connect().catch((error: Error) => {
        connected = undefined;
        throw error;
      });
      await connected;
      for (const group of requests(messages)) await producer.send({ topic: options.topic, acks: -1, messages: group });
    },
    stop: () => producer.disconnect(),
  };
}

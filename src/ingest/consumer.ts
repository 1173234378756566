import { ValidationError } from '../shared/errors.ts';
import { fromBinary, STRUCTURED } from './envelope.ts';
import { ingestOne, type UnitOfWork } from './ingest.ts';
import type { IngestDeps } from './mapping.ts';

/** One message as any Kafka client gives it: the offset as decimal text (it is 64-bit), the bytes untouched. */
export interface ConsumedMessage {
  offset: string;
  key: Buffer | null;
  value: Buffer | null;
  /** Header names in lower case; a header sent twice keeps its first value. */
  headers: Readonly<Record<string, Buffer>>;
}

/** Messages of one partition, in offset order. */
export interface MessageBatch {
  topic: string;
  partition: number;
  messages: readonly ConsumedMessage[];
}

/**
 * Where messages come from: our interface over the Kafka client (kafkajs today, in maintenance
 * mode), so it can be replaced. `run` resolves once consuming has started and calls `onBatch`
 * one batch at a time per partition; a batch is committed to Kafka only after `onBatch` resolved.
 * `stop` lets the batch in hand finish, then disconnects.
 */
export interface MessageSource {
  run(onBatch: (batch: MessageBatch) => Promise<void>): Promise<void>;
  stop(): Promise<void>;
}

/** A message Uptake cannot accept, kept with its original bytes and headers and why. */
export interface DeadLetter {
  topic: string;
  partition: number;
  offset: string;
  key: Buffer | null;
  value: Buffer | null;
  headers: Readonly<Record<string, Buffer>>;
  reason: string;
}

/** Produces dead letters to the dead-letter topic; resolves once the broker acknowledged them. */
export interface DeadLetterSink {
  send(letters: readonly DeadLetter[]): Promise<void>;
}

/**
 * What the consumer remembers in Uptake's own database: per group, topic and partition the next
 * offset to read, and the dead letters not yet produced (an outbox). `record` runs inside the
 * batch's unit of work, so the events, the offsets and the dead letters commit together.
 */
export interface ConsumerLedger {
  nextOffset(topic: string, partition: number): string | undefined;
  record(topic: string, partition: number, nextOffset: string, deadLetters: readonly DeadLetter[]): void;
  pendingDeadLetters(): readonly (DeadLetter & { seq: number })[];
  markSent(seqs: readonly number[]): void;
}

export interface ConsumerDeps extends IngestDeps {
  ledger: ConsumerLedger;
  deadLetters: DeadLetterSink;
  /** One transaction around the batch where the store can (SQLite); without it each append stands alone. */
  unitOfWork?: UnitOfWork;
  now: () => Date;
  /** Larger messages are dead-lettered unread; default `MAX_MESSAGE_BYTES`. */
  maxMessageBytes?: number;
}

export interface BatchOutcome {
  accepted: number;
  duplicate: number;
  deadLettered: number;
  /** Below the stored offset: already stored or dead-lettered, delivered again. */
  skipped: number;
}

/** 1 MiB: Kafka's own default limit on a message is about the same. */
export const MAX_MESSAGE_BYTES = 1024 * 1024;

/**
 * A message's CloudEvent: binary mode when it carries `ce_specversion` (the Kafka binding's
 * headers), structured mode (a JSON envelope in the value) otherwise.
 */
function cloudEventOf(message: ConsumedMessage, maxBytes: number): unknown {
  const size = message.value?.length ?? 0;
  if (size > maxBytes) throw ValidationError.field('value', `is ${size} bytes; a message may have at most ${maxBytes}`);
  if (message.value === null || size === 0) throw ValidationError.field('value', 'is empty; a CloudEvent was expected');
  let body: unknown;
  try {
    body = JSON.parse(message.value.toString('utf8'));
  } catch (error) {
    throw ValidationError.field('value', `is not JSON (${(error as Error).message})`);
  }
  if (message.headers.ce_specversion === undefined) {
    const contentType = message.headers['content-type']?.toString('utf8').toLowerCase();
    if (contentType !== undefined && !contentType.startsWith(STRUCTURED) && !contentType.startsWith('application/json'))
      throw ValidationError.field('content-type', `must be ${STRUCTURED} (structured mode) or come with ce_* headers (binary mode)`);
    return body;
  }
  const headers = Object.fromEntries(Object.entries(message.headers).map(([name, value]) => [name, value.toString('utf8')]));
  return fromBinary(headers, body, 'ce_');
}

/**
 * One consumed message into the store, as the consumer does it and as a re-drive does it again:
 * bad input of any kind, the envelope's or the event's, is a rejection with its reason.
 */
export async function ingestMessage(
  deps: Pick<ConsumerDeps, keyof IngestDeps | 'maxMessageBytes'>,
  message: ConsumedMessage,
  topic: string,
  now: Date,
): Promise<{ status: 'accepted' | 'duplicate' } | { status: 'rejected'; reason: string }> {
  try {
    const result = await ingestOne(deps, cloudEventOf(message, deps.maxMessageBytes ?? MAX_MESSAGE_BYTES), `kafka:${topic}`, now);
    return result.status === 'rejected' ? { status: 'rejected', reason: result.reason ?? 'rejected' } : { status: result.status };
  } catch (error) {
    if (!(error instanceof ValidationError)) throw error;
    return { status: 'rejected', reason: error.message };
  }
}

/**
 * One batch into the store, exactly once in effect: every message not yet consumed is ingested
 * (or becomes a dead letter with its reason), and the next offset is recorded in the same unit of
 * work. A message below the stored offset was handled before and is skipped. Bad input never
 * throws; only a failure on our side does, and then nothing of the batch is kept.
 */
export async function consumeBatch(deps: ConsumerDeps, batch: MessageBatch): Promise<BatchOutcome> {
  const outcome: BatchOutcome = { accepted: 0, duplicate: 0, deadLettered: 0, skipped: 0 };
  const last = batch.messages.at(-1);
  if (last === undefined) return outcome;
  const work = async () => {
    const stored = deps.ledger.nextOffset(batch.topic, batch.partition);
    const now = deps.now();
    const deadLetters: DeadLetter[] = [];
    for (const message of batch.messages) {
      if (stored !== undefined && BigInt(message.offset) < BigInt(stored)) {
        outcome.skipped++;
        continue;
      }
      const result = await ingestMessage(deps, message, batch.topic, now);
      if (result.status === 'rejected')
        deadLetters.push({ ...message, topic: batch.topic, partition: batch.partition, reason: result.reason });
      else outcome[result.status]++;
    }
    outcome.deadLettered = deadLetters.length;
    if (outcome.skipped < batch.messages.length)
      deps.ledger.record(batch.topic, batch.partition, (BigInt(last.offset) + 1n).toString(), deadLetters);
  };
  await (deps.unitOfWork ? deps.unitOfWork(work) : work());
  await flushDeadLetters(deps);
  return outcome;
}

/**
 * Produces the dead letters the ledger holds and marks them sent: after the batch committed,
 * and again after a crash between the two, so a dead letter reaches its topic at least once.
 */
export async function flushDeadLetters(deps: Pick<ConsumerDeps, 'ledger' | 'deadLetters'>): Promise<void> {
  const pending = deps.ledger.pendingDeadLetters();
  if (pending.length === 0) return;
  await deps.deadLetters.send(pending);
  deps.ledger.markSent(pending.map((letter) => letter.seq));
}

export interface Consumer {
  stop(): Promise<void>;
}

/** Starts consuming: first the dead letters a crash left unsent, then batch after batch. */
export async function startConsumer(
  deps: ConsumerDeps,
  source: MessageSource,
  onBatch: (batch: MessageBatch, outcome: BatchOutcome) => void = () => {},
): Promise<Consumer> {
  await flushDeadLetters(deps);
  await source.run(async (batch) => onBatch(batch, await consumeBatch(deps, batch)));
  return { stop: () => source.stop() };
}

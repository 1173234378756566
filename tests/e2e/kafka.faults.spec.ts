/**
 * The broker itself fails mid-stream: stopped (SIGTERM) or killed (SIGKILL), kept down longer
 * than kafkajs's default retries (5 retries from 300 ms, measured 7–10 s before it gives up),
 * then started again on the same port with the same data. The consumer must resume by itself,
 * and the store must hold every message produced exactly once; the publisher must resume too,
 * and every stored event reach its topic. This file needs a broker of its own to stop, even
 * when KAFKA_BROKERS names one.
 */
import { randomUUID } from 'node:crypto';
import { Kafka, logLevel, type Message } from 'kafkajs';
import { afterAll, describe, expect, it } from 'vitest';
import { kafkaPublisher } from '../../infra/kafka/kafkaSource.ts';
import { killBroker, restartBroker } from '../../infra/kafka/localBroker.ts';
import { SqlitePublisherCheckpoint } from '../../infra/sqlite/publisherCheckpoint.ts';
import { cloudEventKey } from '../../src/ingest/ingest.ts';
import { startPublisher } from '../../src/outbound/publisher.ts';
import { startKafka } from '../support/kafka.ts';
import { consumeInto, countOf, readTopic, reports, SOURCE, until, worldOf100Teams } from '../support/kafkaIngest.ts';
import { closeWorld } from '../support/webApp.ts';

const kafka = await startKafka('broker fault', { own: true });
/**
 * Produced before the broker goes down: enough that a SIGTERM'd broker, which serves fetches while
 * it shuts down gracefully, is down before the consumer has read them all; then more after it is back.
 */
const BEFORE = 20_000;
const AFTER = 2_000;
/** Longer than kafkajs's default retry budget (7–10 s measured), so default retries alone would give up. */
const DOWN_MS = 15_000;

describe.skipIf(kafka.skipped)('the Kafka consumer when the broker goes down mid-stream and comes back', () => {
  afterAll(() => kafka.stop());

  const client = new Kafka({ clientId: 'uptake-faults-test', brokers: kafka.brokers, logLevel: logLevel.NOTHING });

  /** A producer per use: one that lived through the outage proves nothing about the consumer. */
  async function produce(topic: string, messages: Message[], partitions?: number): Promise<void> {
    if (partitions !== undefined) {
      const admin = client.admin();
      await admin.connect();
      await admin.createTopics({ topics: [{ topic, numPartitions: partitions }], waitForLeaders: true });
      await admin.disconnect();
    }
    const producer = client.producer({ idempotent: true, maxInFlightRequests: 1 });
    await producer.connect();
    for (let i = 0; i < messages.length; i += 1000) await producer.send({ topic, acks: -1, messages: messages.slice(i, i + 1000) });
    await producer.disconnect();
  }

  it.each(['SIGTERM', 'SIGKILL'] as const)(
    'stores every message exactly once when the broker is stopped with %s mid-stream and restarted, consumer and publisher resuming by themselves',
    { timeout: 180_000 },
    async (how) => {
      const world = await worldOf100Teams();
      const warnings: string[] = [];
      const log = {
        info: () => {},
        warn: (_: object, message: string) => warnings.push(message),
        error: (_: object, m: string) => warnings.push(m),
      };
      const topic = `faults-${randomUUID()}`;
      await produce(topic, reports(0, BEFORE), 3);
      const { ledger, totals, handled, consumer } = await consumeInto(world, {
        brokers: kafka.brokers,
        topic,
        group: `uptake-${randomUUID()}`,
        log,
      });
      // The publisher sends what the consumer stores on to another topic, through the same outage.
      const out = `${topic}.out`;
      const checkpoint = new SqlitePublisherCheckpoint(world.db, out);
      const publisher = startPublisher({
        store: world.store,
        checkpoint,
        sink: kafkaPublisher({ brokers: kafka.brokers, topic: out, log }),
        source: 'urn:uptake',
        log,
        uncommitted: () => world.db.inTransaction,
        pollMs: 50,
      });
      const reported = () => countOf(world, 'KeyResultProgressReported');
      try {
        const said = () => `; stored ${reported()}; the consumer logged:\n${warnings.join('\n')}`;
        await until('the consumer to be mid-stream', () => reported() > 500, 60_000, said);
        const atSignal = reported();
        await killBroker(kafka.dir!, how);
        // A SIGTERM'd broker shuts down gracefully, serving fetches meanwhile: on a fast machine the
        // consumer may read the rest before it is down. What matters is that it was signalled mid-stream.
        const atKill = reported();
        await new Promise((resolve) => setTimeout(resolve, DOWN_MS));
        const whileDown = reported();
        // Back up before anything is asserted, so a failure here cannot leave the next case without a broker.
        await restartBroker(kafka.dir!);
        expect(atSignal, 'the broker was stopped mid-stream').toBeLessThan(BEFORE);
        expect(atKill, 'the broker went down before the consumer had read everything').toBeLessThan(BEFORE);
        expect(whileDown, 'nothing can be consumed while the broker is down').toBeLessThanOrEqual(BEFORE);
        await produce(topic, reports(BEFORE, AFTER));

        const all = BEFORE + AFTER;
        await until('every message after the restart', () => reported() >= all, 120_000, said);
        // A batch stored just before the outage may come again: it must be skipped, not stored twice.
        await new Promise((resolve) => setTimeout(resolve, 1_000));
        expect(reported()).toBe(all);
        expect(totals.accepted).toBe(all);
        expect(totals.duplicate + totals.deadLettered).toBe(0);
        expect(handled()).toBe(all + totals.skipped);
        const ids = world.db
          .prepare("SELECT json_extract(metadata, '$.eventId') AS id FROM events WHERE type = 'KeyResultProgressReported'")
          .all() as { id: string }[];
        expect(new Set(ids.map((row) => row.id))).toEqual(new Set(Array.from({ length: all }, (_, n) => cloudEventKey(SOURCE, `kr-${n}`))));
        const nextOffsets = [0, 1, 2].map((p) => Number(ledger.nextOffset(topic, p) ?? 0));
        expect(nextOffsets.reduce((sum, offset) => sum + offset, 0)).toBe(all);

        const head = await world.store.headPosition();
        await until('the publisher to catch up', () => checkpoint.position() === head, 120_000, said);
        const sent = (await readTopic(client, out)).map(({ message }) => JSON.parse(String(message.value)).id as string);
        const stored = (await world.store.readAll({ maxCount: 100_000 })).map((event) => event.metadata.eventId);
        expect(new Set(sent)).toEqual(new Set(stored));

        const restarts = warnings.filter((line) => line.startsWith('Kafka consumer crashed')).length;
        const retries = warnings.filter((line) => line.startsWith('publishing failed')).length;
        console.info(
          `broker ${how}: ${atKill} of ${BEFORE} stored at the kill, ${totals.skipped} redelivered and skipped, ${restarts} consumer restarts; ` +
            `${sent.length - new Set(sent).size} events published twice, ${retries} publisher retries`,
        );
      } finally {
        await publisher.stop();
        await consumer.stop();
        await closeWorld(world);
      }
    },
  );
});

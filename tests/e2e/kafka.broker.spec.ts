/**
 * The Kafka harness itself, on a real broker: what the ingestion tests build on. A topic with 3
 * partitions, 1,000 messages from an idempotent producer, every one read back by a consumer
 * group, and a stopped broker that is really gone.
 */
import { randomUUID } from 'node:crypto';
import { connect } from 'node:net';
import { Kafka, logLevel } from 'kafkajs';
import { afterAll, describe, expect, it } from 'vitest';
import { startKafka } from '../support/kafka.ts';

const kafka = await startKafka('broker harness');
const COUNT = 1000;

describe.skipIf(kafka.skipped)(`a Kafka broker (${kafka.own ? 'started for this file' : 'KAFKA_BROKERS'})`, () => {
  // NOTHING: kafkajs logs the broker's first-use "coordinator is loading" as an ERROR, then succeeds.
  const client = new Kafka({ clientId: 'uptake-harness-test', brokers: kafka.brokers, logLevel: logLevel.NOTHING });
  const topic = `harness-${randomUUID()}`;

  afterAll(() => kafka.stop());

  it('takes 1,000 messages from an idempotent producer into 3 partitions and gives every one back to a consumer group', async () => {
    const admin = client.admin();
    await admin.connect();
    try {
      await admin.createTopics({ topics: [{ topic, numPartitions: 3 }], waitForLeaders: true });
      const [metadata] = (await admin.fetchTopicMetadata({ topics: [topic] })).topics;
      expect(metadata?.partitions).toHaveLength(3);
    } finally {
      await admin.disconnect();
    }

    const producer = client.producer({ idempotent: true, maxInFlightRequests: 1 });
    await producer.connect();
    try {
      const messages = Array.from({ length: COUNT }, (_, n) => ({ key: `key-${n}`, value: JSON.stringify({ n, text: `message ${n}` }) }));
      await producer.send({ topic, acks: -1, messages });
    } finally {
      await producer.disconnect();
    }

    const received = new Map<string, { value: string; partition: number }>();
    let deliveries = 0;
    const consumer = client.consumer({ groupId: `harness-${randomUUID()}` });
    await consumer.connect();
    try {
      await consumer.subscribe({ topics: [topic], fromBeginning: true });
      await new Promise<void>((allIn, fail) => {
        consumer
          .run({
            eachMessage: async ({ partition, message }) => {
              deliveries++;
              received.set(String(message.key), { value: String(message.value), partition });
              if (received.size === COUNT) allIn();
            },
          })
          .catch(fail);
      });
    } finally {
      await consumer.disconnect();
    }

    expect(received.size).toBe(COUNT);
    expect(deliveries).toBe(COUNT);
    for (let n = 0; n < COUNT; n++) expect(JSON.parse(received.get(`key-${n}`)?.value ?? 'null')).toEqual({ n, text: `message ${n}` });
    expect(new Set([...received.values()].map((m) => m.partition)).size).toBe(3);
  });

  it.runIf(kafka.own)('is gone once stopped: its port refuses connections', async () => {
    await kafka.stop();
    const [host, port] = (kafka.brokers[0] ?? '').split(':');
    const refused = await new Promise<string>((answer) => {
      const socket = connect({ host, port: Number(port) });
      socket.once('connect', () => {
        socket.destroy();
        answer('connected');
      });
      socket.once('error', (error: NodeJS.ErrnoException) => answer(error.code ?? error.message));
    });
    expect(refused).toBe('ECONNREFUSED');
  });
});

/**
 * Uptake's own events out to a real Kafka broker as CloudEvents: every event of the published
 * slices, its CloudEvent id the event id, keyed by its stream; none of the integration-token
 * slice; a restarted publisher resumes from its checkpoint without a gap; what the broker
 * acknowledged but the checkpoint missed comes again (at least once), never goes missing; and
 * what a unit of work rolled back is never published.
 */
import { randomUUID } from 'node:crypto';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { Kafka, logLevel } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { kafkaPublisher } from '../../infra/kafka/kafkaSource.ts';
import { openDatabase, sqliteUnitOfWork } from '../../infra/sqlite/database.ts';
import { SqlitePublisherCheckpoint } from '../../infra/sqlite/publisherCheckpoint.ts';
import { SqliteEventStore } from '../../infra/sqlite/sqliteEventStore.ts';
import { grantIntegrationToken } from '../../src/integration/handlers.ts';
import { mintToken } from '../../src/integration/tokens.ts';
import { type EventSink, type Publisher, type PublisherLog, startPublisher } from '../../src/outbound/publisher.ts';
import { publishedEnvelope, publishedEvents } from '../../src/outbound/published.ts';
import { startKafka } from '../support/kafka.ts';
import { quiet, readTopic, serveUptake, until } from '../support/kafkaIngest.ts';
import { closeWorld, given, openWorld, seedSmallOrganisation, type World } from '../support/webApp.ts';

const kafka = await startKafka('publishing');
const SOURCE = 'urn:uptake:test';

interface Published {
  key: string;
  partition: number;
  contentType: string;
  event: Record<string, unknown> & { id: string; type: string; subject: string; data: unknown };
}

describe.skipIf(kafka.skipped)(`publishing Uptake's events (${kafka.own ? 'a broker started for this file' : 'KAFKA_BROKERS'})`, () => {
  const client = new Kafka({ clientId: 'uptake-publish-test', brokers: kafka.brokers, logLevel: logLevel.NOTHING });
  const admin = client.admin();
  let world: World;
  let topic: string;
  let checkpoint: SqlitePublisherCheckpoint;
  let publisher: Publisher | undefined;

  beforeAll(async () => {
    await admin.connect();
    world = openWorld();
    await seedSmallOrganisation(world);
    const { tokenId, hash } = mintToken();
    await grantIntegrationToken(
      world,
      { type: 'GrantIntegrationToken', data: { tokenId, source: 'urn:okr-tool', name: 'OKR tool', hash } },
      { actor: { kind: 'system', id: 'cli' }, source: 'cli', now: new Date('2026-11-25T10:00:00Z') },
    );
    topic = `published-${randomUUID()}`;
    await admin.createTopics({ topics: [{ topic, numPartitions: 3 }], waitForLeaders: true });
    checkpoint = new SqlitePublisherCheckpoint(world.db, topic);
  });
  afterAll(async () => {
    await publisher?.stop();
    await admin.disconnect();
    await closeWorld(world);
    await kafka.stop();
  });

  const start = (sink: EventSink = kafkaPublisher({ brokers: kafka.brokers, topic, log: quiet }), log: PublisherLog = quiet) => {
    publisher = startPublisher({
      store: world.store,
      checkpoint,
      sink,
      source: SOURCE,
      log,
      uncommitted: () => world.db.inTransaction,
      pollMs: 50,
      retryDelayMs: 50,
    });
    return publisher;
  };
  const head = () => world.store.headPosition();
  const caughtUp = async () => {
    const target = await head();
    await until('the publisher to reach the head', () => checkpoint.position() === target);
  };

  /** Everything on the topic, as Uptake published it. */
  const everything = async (from = topic): Promise<Published[]> =>
    (await readTopic(client, from)).map(({ key, partition, message }) => ({
      key,
      partition,
      contentType: String(message.headers?.['content-type']),
      event: JSON.parse(String(message.value)),
    }));

  /** The event ids of the published slices, in store order. */
  const storedIds = async () =>
    (await world.store.readAll({ maxCount: 100_000 })).filter((e) => publishedEvents.has(e.type)).map((e) => e.metadata.eventId);

  it('publishes every event of the published slices as a CloudEvent with the event id, keyed by its stream, and no token event', async () => {
    start();
    await caughtUp();
    const stored = await world.store.readAll({ maxCount: 100_000 });
    const grant = stored.find((e) => e.type === 'IntegrationTokenGranted');
    expect(grant, 'the world holds a token grant').toBeDefined();

    const published = await everything();
    const ids = await storedIds();
    expect(ids.length).toBeGreaterThan(10);
    expect(published.map((p) => p.event.id).sort()).toEqual([...ids].sort());
    expect(published.some((p) => p.event.id === grant!.metadata.eventId || p.key.startsWith('integration-'))).toBe(false);
    expect(JSON.stringify(published)).not.toContain(String((grant!.data as { hash: string }).hash));

    const byId = new Map(stored.map((e) => [e.metadata.eventId, e]));
    for (const { key, contentType, event } of published) {
      const recorded = byId.get(event.id)!;
      expect(publishedEnvelope(publishedEvents.get(recorded.type)!, SOURCE).parse(event)).toEqual(event);
      expect(event).toMatchObject({
        type: `io.uptake.${recorded.type}.v1`,
        subject: recorded.streamId,
        time: recorded.metadata.recordedAt,
        data: recorded.data,
      });
      expect(key).toBe(recorded.streamId);
      expect(contentType).toBe('application/cloudevents+json');
    }
    // A stream's events keep their order: the key puts them on one partition.
    for (const streamId of new Set(published.map((p) => p.key))) {
      const inTopic = published.filter((p) => p.key === streamId);
      expect(new Set(inTopic.map((p) => p.partition)).size).toBe(1);
      expect(inTopic.map((p) => p.event.id)).toEqual(stored.filter((e) => e.streamId === streamId).map((e) => e.metadata.eventId));
    }
  });

  it('resumes from its checkpoint after a restart, with no gap and nothing twice', async () => {
    await publisher!.stop();
    const stoppedAt = checkpoint.position();
    for (let n = 0; n < 30; n++)
      await given(world, 'team', 'payments', '2026-11-24', { type: 'TeamResized', data: { teamId: 'payments', size: 10 + n } });
    expect(checkpoint.position()).toBe(stoppedAt);
    start();
    await caughtUp();
    const ids = (await everything()).map((p) => p.event.id);
    expect(ids).toHaveLength(new Set(ids).size);
    expect(ids.sort()).toEqual((await storedIds()).sort());
  });

  it('publishes again, rather than loses, what the broker acknowledged when the checkpoint was not saved', async () => {
    await publisher!.stop();
    const before = (await everything()).length;
    for (let n = 0; n < 5; n++)
      await given(world, 'team', 'payments', '2026-11-24', { type: 'TeamResized', data: { teamId: 'payments', size: 20 + n } });
    const real = kafkaPublisher({ brokers: kafka.brokers, topic, log: quiet });
    const warnings: string[] = [];
    let crashes = 1;
    start(
      {
        send: async (messages) => {
          await real.send(messages);
          if (crashes-- > 0) throw new Error('lost the answer after the broker acknowledged');
        },
        stop: () => real.stop(),
      },
      { warn: (_details, message) => warnings.push(message) },
    );
    await caughtUp();
    expect(warnings).toEqual(['publishing failed (lost the answer after the broker acknowledged); retrying']);
    expect(publisher!.health()).toMatchObject({ state: 'publishing', position: (await head()).toString() });
    const ids = (await everything()).map((p) => p.event.id);
    expect(ids).toHaveLength(before + 10);
    expect([...new Set(ids)].sort()).toEqual((await storedIds()).sort());
  });

  it('never publishes what a unit of work appended and then rolled back', async () => {
    const unitOfWork = sqliteUnitOfWork(world.db);
    let rolledBack: string | undefined;
    await expect(
      unitOfWork(async () => {
        await given(world, 'team', 'payments', '2026-11-24', { type: 'TeamResized', data: { teamId: 'payments', size: 99 } });
        rolledBack = (await world.store.readAll({ after: (await head()) - 1n }))[0]?.metadata.eventId;
        // Long enough for the publisher to have looked several times.
        await new Promise((resolve) => setTimeout(resolve, 500));
        throw new Error('the batch failed');
      }),
    ).rejects.toThrow('the batch failed');
    expect(rolledBack).toBeDefined();
    await given(world, 'team', 'payments', '2026-11-24', { type: 'TeamResized', data: { teamId: 'payments', size: 12 } });
    await caughtUp();
    const ids = (await everything()).map((p) => p.event.id);
    expect(ids).not.toContain(rolledBack);
    expect([...new Set(ids)].sort()).toEqual((await storedIds()).sort());
  });

  it('runs in `uptake serve` with KAFKA_PUBLISH_TOPIC: /healthz shows it caught up, and SIGTERM stops it cleanly', {
    timeout: 120_000,
  }, async () => {
    const served = openWorld();
    await seedSmallOrganisation(served);
    const file = join(served.dir, 'uptake.db');
    served.db.close();
    const out = `served-${randomUUID()}`;
    await admin.createTopics({ topics: [{ topic: out }, { topic: `${out}.in` }], waitForLeaders: true });
    const uptake = await serveUptake(file, {
      KAFKA_BROKERS: kafka.brokers.join(','),
      KAFKA_TOPICS: `${out}.in`,
      KAFKA_DLQ_TOPIC: `${out}.in.dlq`,
      KAFKA_PUBLISH_TOPIC: out,
      KAFKA_PUBLISH_SOURCE: SOURCE,
    });
    try {
      let health: { publisher?: { state: string; lag: number } } = {};
      const deadline = Date.now() + 60_000;
      while (!(health.publisher?.state === 'publishing' && health.publisher.lag === 0)) {
        if (Date.now() > deadline) throw new Error(`the publisher did not catch up: ${JSON.stringify(health)}\n${uptake.log.text}`);
        await new Promise((resolve) => setTimeout(resolve, 200));
        health = await fetch(`http://127.0.0.1:${uptake.port}/healthz`)
          .then((response) => response.json() as Promise<typeof health>)
          .catch(() => ({}));
      }
      uptake.child.kill('SIGTERM');
      expect(await uptake.exit, uptake.log.text).toEqual({ code: 0, signal: null });
      // Everything the store holds when the server has stopped, the signals its rules raised included.
      const db = openDatabase(file);
      const ids = (await new SqliteEventStore(db).readAll({ maxCount: 100_000 }))
        .filter((e) => publishedEvents.has(e.type))
        .map((e) => e.metadata.eventId);
      db.close();
      const published = await everything(out);
      expect(published.map((p) => p.event.id).sort()).toEqual([...ids].sort());
      expect(new Set(published.map((p) => p.event.source))).toEqual(new Set([SOURCE]));
    } finally {
      uptake.child.kill('SIGKILL');
      rmSync(served.dir, { recursive: true, force: true });
    }
  });
});

/**
 * CloudEvents from a real Kafka broker into a real SQLite world, through the consumer `serve`
 * runs: exactly once in effect, redelivery stored once, poison messages dead-lettered with their
 * reason while the consumer carries on, both CloudEvents modes. Each test has its own topic and
 * consumer group.
 */
import { spawn, spawnSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { type AddressInfo, createServer } from 'node:net';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { randomUUID } from 'node:crypto';
import { Kafka, logLevel, type Message } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { kafkaIngestion } from '../../infra/kafka/kafkaSource.ts';
import { SqliteConsumerLedger } from '../../infra/sqlite/consumerLedger.ts';
import { sqliteUnitOfWork } from '../../infra/sqlite/database.ts';
import { SqliteDirectory } from '../../projections/index.ts';
import { SqliteReferences } from '../../projections/org/references.ts';
import { type BatchOutcome, type Consumer, startConsumer } from '../../src/ingest/consumer.ts';
import { cloudEventKey } from '../../src/ingest/ingest.ts';
import { startKafka } from '../support/kafka.ts';
import { closeWorld, given, openWorld, seedSmallOrganisation, TODAY, type World } from '../support/webApp.ts';

const kafka = await startKafka('ingestion');
const SOURCE = 'urn:hr-system';
const COUNT = 10_000;
/** Small enough to produce an oversized message the broker still takes. */
const MAX_BYTES = 16 * 1024;
const quiet = { info: () => {}, warn: () => {}, error: () => {} };

const teamCreated = (n: number, data: Record<string, unknown> = {}) => ({
  specversion: '1.0',
  id: `team-${n}`,
  source: SOURCE,
  type: 'org.okr.team.created.v1',
  time: '2026-11-24T09:30:00Z',
  data: { key: `T${n}`, name: `Team ${n}`, areaCode: 'ENG', size: 5, ...data },
});
const structured = (event: object, key: string): Message => ({
  key,
  value: JSON.stringify(event),
  headers: { 'content-type': 'application/cloudevents+json' },
});

/** 100 reports per team: a decision folds the team's stream, so one team of 10,000 would measure that instead. */
const TEAMS = 100;
const report = (n: number) => ({
  specversion: '1.0',
  id: `kr-${n}`,
  source: SOURCE,
  type: 'org.okr.keyresult.progress.v1',
  time: '2026-11-24T09:30:00Z',
  data: { teamKey: `K${n % TEAMS}`, cycleName: '2026-Q4', keyResultRef: `KR-${n}`, progress: (n % 101) / 100, reportedOn: '2026-11-24' },
});

/** The small organisation and teams K0…K99 in Engineering, read models caught up. */
async function worldOf100Teams(): Promise<World> {
  const world = openWorld();
  await seedSmallOrganisation(world);
  for (let t = 0; t < TEAMS; t++) {
    await given(world, 'team', `k${t}`, '2026-09-21', {
      type: 'TeamRegistered',
      data: { teamId: `k${t}`, key: `K${t}`, name: `Team ${t}`, areaId: 'eng', size: 5 },
    });
  }
  await world.runner.catchUp();
  return world;
}

async function until(what: string, condition: () => boolean, timeoutMs = 60_000, detail = () => ''): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}${detail()}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen({ port: 0, host: '127.0.0.1' }, resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

const count = (world: World, type: string) =>
  (world.db.prepare('SELECT count(*) AS n FROM events WHERE type = ?').get(type) as { n: number }).n;

describe.skipIf(kafka.skipped)(`the Kafka consumer (${kafka.own ? 'a broker started for this file' : 'KAFKA_BROKERS'})`, () => {
  const client = new Kafka({ clientId: 'uptake-ingest-test', brokers: kafka.brokers, logLevel: logLevel.NOTHING });
  const producer = client.producer({ idempotent: true, maxInFlightRequests: 1 });
  const admin = client.admin();
  const running: Consumer[] = [];

  beforeAll(async () => {
    await Promise.all([producer.connect(), admin.connect()]);
  });
  afterAll(async () => {
    await Promise.all(running.map((c) => c.stop()));
    await Promise.all([producer.disconnect(), admin.disconnect()]);
    await kafka.stop();
  });

  async function newTopic(partitions = 3): Promise<string> {
    const topic = `ingest-${randomUUID()}`;
    await admin.createTopics({ topics: [{ topic, numPartitions: partitions }], waitForLeaders: true });
    return topic;
  }

  async function produce(topic: string, messages: Message[]): Promise<void> {
    for (let i = 0; i < messages.length; i += 1000) await producer.send({ topic, acks: -1, messages: messages.slice(i, i + 1000) });
  }

  /** The consumer as `serve` wires it, over the world; `totals` adds up what its batches did. */
  async function consume(world: World, topic: string, group: string) {
    const ledger = new SqliteConsumerLedger(world.db, group, () => new Date(`${TODAY}T10:00:00Z`));
    const { source, deadLetters } = kafkaIngestion({
      brokers: kafka.brokers,
      topics: [topic],
      groupId: group,
      deadLetterTopic: `${topic}.dlq`,
      log: quiet,
    });
    const totals: BatchOutcome = { accepted: 0, duplicate: 0, deadLettered: 0, skipped: 0 };
    const consumer = await startConsumer(
      {
        store: world.store,
        directory: new SqliteDirectory(world.db),
        references: new SqliteReferences(world.db),
        ledger,
        deadLetters,
        unitOfWork: sqliteUnitOfWork(world.db),
        now: () => new Date(`${TODAY}T10:00:00Z`),
        maxMessageBytes: MAX_BYTES,
      },
      source,
      (_batch, outcome) => {
        for (const k of Object.keys(totals) as (keyof BatchOutcome)[]) totals[k] += outcome[k];
      },
    );
    running.push(consumer);
    const handled = () => totals.accepted + totals.duplicate + totals.deadLettered + totals.skipped;
    const stop = async () => {
      running.splice(running.indexOf(consumer), 1);
      await consumer.stop();
    };
    return { ledger, totals, handled, stop };
  }

  describe('10,000 CloudEvents across 3 partitions', () => {
    let world: World;
    let topic: string;
    const group = `uptake-${randomUUID()}`;
    beforeAll(async () => {
      world = await worldOf100Teams();
      topic = await newTopic();
      await produce(
        topic,
        Array.from({ length: COUNT }, (_, n) => structured(report(n), `K${n % TEAMS}`)),
      );
    });
    afterAll(() => closeWorld(world));

    const reported = () => count(world, 'KeyResultProgressReported');

    it('stores each exactly once, records the next offset per partition, and the read models agree', async () => {
      const { ledger, totals, handled, stop } = await consume(world, topic, group);
      await until('10,000 messages', () => handled() === COUNT);
      await stop();

      expect(totals).toEqual({ accepted: COUNT, duplicate: 0, deadLettered: 0, skipped: 0 });
      expect(reported()).toBe(COUNT);
      const offsets = await admin.fetchTopicOffsets(topic);
      for (const { partition, high } of offsets) expect(ledger.nextOffset(topic, partition)).toBe(high);
      expect(offsets.reduce((sum, o) => sum + Number(o.high), 0)).toBe(COUNT);

      await world.runner.catchUp();
      const facts = world.db
        .prepare("SELECT event_id, team_id, ref, progress FROM adoption_facts WHERE kind = 'key-result-progress'")
        .all() as { event_id: string; team_id: string; ref: string; progress: number }[];
      expect(facts).toHaveLength(COUNT);
      const byRef = new Map(facts.map((f) => [f.ref, f]));
      for (let n = 0; n < COUNT; n++) {
        expect(byRef.get(`KR-${n}`)).toEqual({
          event_id: cloudEventKey(SOURCE, `kr-${n}`),
          team_id: `k${n % TEAMS}`,
          ref: `KR-${n}`,
          progress: (n % 101) / 100,
        });
      }
    });

    it('stores nothing twice when the same 10,000 come again to a new consumer group', async () => {
      const { totals, handled, stop } = await consume(world, topic, `${group}-again`);
      await until('10,000 redelivered messages', () => handled() === COUNT);
      await stop();
      expect(totals).toEqual({ accepted: 0, duplicate: COUNT, deadLettered: 0, skipped: 0 });
      expect(reported()).toBe(COUNT);
    });

    it("skips, by the offsets Uptake stored, what Kafka's reset offsets deliver again to the same group", async () => {
      await admin.resetOffsets({ groupId: group, topic, earliest: true });
      const { totals, handled, stop } = await consume(world, topic, group);
      await until('10,000 redelivered messages', () => handled() === COUNT);
      await stop();
      expect(totals).toEqual({ accepted: 0, duplicate: 0, deadLettered: 0, skipped: COUNT });
      expect(reported()).toBe(COUNT);
    });
  });

  it('dead-letters every poison message with its original bytes, headers and reason, stores every valid one, and carries on', async () => {
    const world = openWorld();
    try {
      await seedSmallOrganisation(world);
      const topic = await newTopic();
      const poison: Record<string, { message: (n: number) => Message; reason: RegExp }> = {
        'bad-json': { message: () => ({ value: '{"specversion": "1.0", "id":' }), reason: /^value: is not JSON/ },
        'not-a-cloudevent': { message: (n) => ({ value: JSON.stringify({ hello: n }) }), reason: /specversion/ },
        'unknown-type': {
          message: (n) => structured({ ...teamCreated(n), id: `unknown-${n}`, type: 'org.okr.unknown.v1' }, ''),
          reason: /^type: no mapping for "org.okr.unknown.v1"/,
        },
        'schema-violation': {
          message: (n) => structured({ ...teamCreated(n, { key: 'lower-case', size: 0 }), id: `invalid-${n}` }, ''),
          reason: /data\.key: must be upper-case letters and digits/,
        },
        'unknown-reference': {
          message: (n) => structured({ ...teamCreated(n, { key: `U${n}`, areaCode: 'NOPE' }), id: `nowhere-${n}` }, ''),
          reason: /^data\.areaCode: no area with code NOPE/,
        },
        oversized: {
          message: (n) => structured({ ...teamCreated(n), id: `big-${n}`, padding: 'x'.repeat(MAX_BYTES) }, ''),
          reason: new RegExp(`^value: is \\d+ bytes; a message may have at most ${MAX_BYTES}`),
        },
        'binary-without-id': {
          message: () => ({
            value: JSON.stringify(teamCreated(0).data),
            headers: { ce_specversion: '1.0', ce_source: SOURCE, ce_type: 'org.okr.team.created.v1', 'content-type': 'application/json' },
          }),
          reason: /^ce_id: is required in binary mode/,
        },
        empty: { message: () => ({ value: null }), reason: /^value: is empty/ },
        'neither-mode': {
          message: (n) => ({ value: JSON.stringify({ ...teamCreated(n), id: `plain-${n}` }), headers: { 'content-type': 'text/plain' } }),
          reason: /^content-type: must be application\/cloudevents\+json \(structured mode\) or come with ce_\* headers/,
        },
      };
      const perKind = (kind: string) => (kind === 'oversized' ? 20 : 80);
      const messages: Message[] = [];
      let valid = 0;
      for (const [kind, { message }] of Object.entries(poison)) {
        for (let n = 0; n < perKind(kind); n++) {
          messages.push({ ...message(n), key: `${kind}/${n}` });
          messages.push(structured(teamCreated(valid), `valid/${valid}`));
          valid++;
        }
      }
      const malformed = messages.length - valid;
      expect(malformed).toBeGreaterThanOrEqual(500);
      await produce(topic, messages);

      const { ledger, totals, handled } = await consume(world, topic, `uptake-${randomUUID()}`);
      await until('the mixed stream', () => handled() === messages.length);
      expect(totals).toMatchObject({ accepted: valid, deadLettered: malformed });
      expect(count(world, 'TeamRegistered')).toBe(valid + 2);
      expect(ledger.pendingDeadLetters()).toEqual([]);

      const dead = new Map<string, { value: Buffer | null; headers: Record<string, string> }>();
      const reader = client.consumer({ groupId: `dlq-reader-${randomUUID()}` });
      await reader.connect();
      try {
        await reader.subscribe({ topics: [`${topic}.dlq`], fromBeginning: true });
        await reader.run({
          eachMessage: async ({ message }) => {
            const headers = Object.fromEntries(Object.entries(message.headers ?? {}).map(([k, v]) => [k, String(v)]));
            dead.set(String(message.key), { value: message.value, headers });
          },
        });
        await until('the dead letters', () => dead.size === malformed);
      } finally {
        await reader.disconnect();
      }
      const sent = new Map(messages.map((m) => [String(m.key), m]));
      for (const [key, letter] of dead) {
        const kind = key.split('/')[0]!;
        expect(letter.headers.uptake_dlq_reason, key).toMatch(poison[kind]!.reason);
        expect(letter.headers).toMatchObject({ uptake_dlq_topic: topic });
        expect(Number(letter.headers.uptake_dlq_partition)).toBeLessThan(3);
        expect(letter.headers.uptake_dlq_offset).toMatch(/^\d+$/);
        const original = sent.get(key)!;
        expect(letter.value === null ? null : letter.value.toString()).toBe(original.value === null ? null : String(original.value));
        for (const [name, value] of Object.entries(original.headers ?? {})) expect(letter.headers[name]).toBe(value);
      }

      await produce(topic, [structured(teamCreated(COUNT), 'after')]);
      await until('a valid message after the poison', () => count(world, 'TeamRegistered') === valid + 3);
    } finally {
      await closeWorld(world);
    }
  });

  it('takes structured and binary mode alike, from kafkajs and from kcat, keeping kafka:<topic> and the CloudEvent in the metadata', async () => {
    const world = openWorld();
    try {
      await seedSmallOrganisation(world);
      const topic = await newTopic(1);
      const binary = (n: number) => ({
        ce_specversion: '1.0',
        ce_id: `team-${n}`,
        ce_source: SOURCE,
        ce_type: 'org.okr.team.created.v1',
        ce_time: '2026-11-24T09:30:00Z',
        'content-type': 'application/json',
      });
      await produce(topic, [
        structured(teamCreated(1), 'T1'),
        { key: 'T2', value: JSON.stringify(teamCreated(2).data), headers: binary(2) },
      ]);
      const kcat = (headers: Record<string, string>, value: object) => {
        const args = [
          '-b',
          kafka.brokers.join(','),
          '-t',
          topic,
          '-P',
          ...Object.entries(headers).flatMap(([k, v]) => ['-H', `${k}=${v}`]),
        ];
        const run = spawnSync('kcat', args, { input: `${JSON.stringify(value)}\n`, encoding: 'utf8' });
        expect(run.status, run.stderr || String(run.error)).toBe(0);
      };
      kcat({ 'content-type': 'application/cloudevents+json' }, teamCreated(3));
      kcat(binary(4), teamCreated(4).data);

      const { totals, handled } = await consume(world, topic, `uptake-${randomUUID()}`);
      await until('four messages', () => handled() === 4);
      expect(totals).toMatchObject({ accepted: 4, deadLettered: 0 });
      for (const n of [1, 2, 3, 4]) {
        const [registered] = await world.store.readStream(`team-${cloudEventKey(SOURCE, `team-${n}`)}`);
        expect(registered?.data, `team ${n}`).toMatchObject({ key: `T${n}`, name: `Team ${n}`, areaId: 'eng', size: 5 });
        expect(registered?.metadata).toMatchObject({
          source: `kafka:${topic}`,
          actor: { kind: 'integration', id: SOURCE },
          occurredAt: '2026-11-24T09:30:00.000Z',
          cloudEvent: { source: SOURCE, id: `team-${n}`, time: '2026-11-24T09:30:00Z' },
        });
      }
    } finally {
      await closeWorld(world);
    }
  });
  it('loses nothing and doubles nothing when `uptake serve` is SIGKILLed mid-stream and started again, then stops cleanly on SIGTERM', {
    timeout: 180_000,
  }, async () => {
    const world = await worldOf100Teams();
    const file = join(world.dir, 'uptake.db');
    world.db.close();
    const topic = await newTopic();
    const group = `uptake-${randomUUID()}`;
    await produce(
      topic,
      Array.from({ length: COUNT }, (_, n) => structured(report(n), `K${n % TEAMS}`)),
    );
    const db = new Database(file, { readonly: true });
    const reported = () =>
      (db.prepare("SELECT count(*) AS n FROM events WHERE type = 'KeyResultProgressReported'").get() as { n: number }).n;
    const consumed = () =>
      (db.prepare('SELECT coalesce(sum(next_offset), 0) AS n FROM kafka_offsets WHERE consumer_group = ?').get(group) as { n: number }).n;
    let output = '';
    const serve = async () => {
      const port = await freePort();
      const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts', 'serve'], {
        env: {
          ...process.env,
          EVENTSTORE_URL: '',
          UPTAKE_DB: file,
          // Not the demo store: serve refuses to start without a session secret.
          UPTAKE_SESSION_SECRET: 'a kafka spec secret, long enough to sign cookies',
          PORT: String(port),
          HOST: '127.0.0.1',
          LOG_LEVEL: 'warn',
          KAFKA_BROKERS: kafka.brokers.join(','),
          KAFKA_TOPICS: topic,
          KAFKA_GROUP: group,
          KAFKA_DLQ_TOPIC: `${topic}.dlq`,
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
      child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
      const exit = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
        child.on('exit', (code, signal) => resolve({ code, signal })),
      );
      return { child, exit, port };
    };
    try {
      const first = await serve();
      await until(
        'the first process to be mid-stream',
        () => reported() > 1000,
        90_000,
        () => `; the process said:\n${output}`,
      );
      first.child.kill('SIGKILL');
      expect(await first.exit).toMatchObject({ signal: 'SIGKILL' });
      const before = reported();
      expect(before, output).toBeLessThan(COUNT);

      const second = await serve();
      await until(
        'the restarted process to consume everything',
        () => consumed() === COUNT,
        90_000,
        () => `; the processes said:\n${output}`,
      );
      const health = await fetch(`http://127.0.0.1:${second.port}/healthz`);
      expect(await health.json()).toMatchObject({ ok: true, kafka: { state: 'consuming' } });
      second.child.kill('SIGTERM');
      expect(await second.exit, output).toEqual({ code: 0, signal: null });

      expect(reported(), output).toBe(COUNT);
      const ids = db
        .prepare("SELECT json_extract(metadata, '$.cloudEvent.id') AS id FROM events WHERE type = 'KeyResultProgressReported'")
        .all() as { id: string }[];
      expect(new Set(ids.map((row) => row.id)).size).toBe(COUNT);
      expect(db.prepare('SELECT count(*) AS n FROM kafka_dead_letters').get()).toEqual({ n: 0 });
    } finally {
      db.close();
      rmSync(world.dir, { recursive: true, force: true });
    }
  });
});

/**
 * What the Kafka ingestion specs share: the CloudEvents they produce, the world of 100 teams
 * they are stored into, and the consumer as `uptake serve` wires it.
 */
import { spawn } from 'node:child_process';
import { type AddressInfo, createServer } from 'node:net';
import type { Kafka, KafkaMessage, Message } from 'kafkajs';
import { randomUUID } from 'node:crypto';
import { kafkaIngestion, type Log } from '../../infra/kafka/kafkaSource.ts';
import { SqliteConsumerLedger } from '../../infra/sqlite/consumerLedger.ts';
import { sqliteUnitOfWork } from '../../infra/sqlite/database.ts';
import { SqliteDirectory } from '../../projections/index.ts';
import { SqliteReferences } from '../../projections/org/references.ts';
import { type BatchOutcome, startConsumer } from '../../src/ingest/consumer.ts';
import { given, openWorld, seedSmallOrganisation, TODAY, type World } from './webApp.ts';

export const SOURCE = 'urn:hr-system';
export const quiet: Log = { info: () => {}, warn: () => {}, error: () => {} };

export const structured = (event: object, key: string): Message => ({
  key,
  value: JSON.stringify(event),
  headers: { 'content-type': 'application/cloudevents+json' },
});

/** 100 reports per team: a decision folds the team's stream, so one team of 10,000 would measure that instead. */
export const TEAMS = 100;
export const report = (n: number) => ({
  specversion: '1.0',
  id: `kr-${n}`,
  source: SOURCE,
  type: 'org.okr.keyresult.progress.v1',
  time: '2026-11-24T09:30:00Z',
  data: { teamKey: `K${n % TEAMS}`, cycleName: '2026-Q4', keyResultRef: `KR-${n}`, progress: (n % 101) / 100, reportedOn: '2026-11-24' },
});
/** `count` key-result reports from `from` on, keyed by team. */
export const reports = (from: number, count: number): Message[] =>
  Array.from({ length: count }, (_, i) => structured(report(from + i), `K${(from + i) % TEAMS}`));

/** The small organisation and teams K0…K99 in Engineering, read models caught up. */
export async function worldOf100Teams(): Promise<World> {
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

export async function until(what: string, condition: () => boolean, timeoutMs = 60_000, detail = () => ''): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}${detail()}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

export const countOf = (world: World, type: string) =>
  (world.db.prepare('SELECT count(*) AS n FROM events WHERE type = ?').get(type) as { n: number }).n;

export interface ConsumeOptions {
  brokers: string[];
  topic: string;
  group: string;
  /** Larger messages are dead-lettered unread. */
  maxMessageBytes?: number;
  log?: Log;
}

/** The consumer as `serve` wires it, over the world; `totals` adds up what its batches did. */
export async function consumeInto(world: World, { brokers, topic, group, maxMessageBytes, log = quiet }: ConsumeOptions) {
  const now = () => new Date(`${TODAY}T10:00:00Z`);
  const ledger = new SqliteConsumerLedger(world.db, group, now);
  const { source, deadLetters } = kafkaIngestion({ brokers, topics: [topic], groupId: group, deadLetterTopic: `${topic}.dlq`, log });
  const totals: BatchOutcome = { accepted: 0, duplicate: 0, deadLettered: 0, skipped: 0 };
  const consumer = await startConsumer(
    {
      store: world.store,
      directory: new SqliteDirectory(world.db),
      references: new SqliteReferences(world.db),
      ledger,
      deadLetters,
      unitOfWork: sqliteUnitOfWork(world.db),
      now,
      ...(maxMessageBytes !== undefined && { maxMessageBytes }),
    },
    source,
    (_batch, outcome) => {
      for (const k of Object.keys(totals) as (keyof BatchOutcome)[]) totals[k] += outcome[k];
    },
  );
  const handled = () => totals.accepted + totals.duplicate + totals.deadLettered + totals.skipped;
  return { ledger, totals, handled, consumer };
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen({ port: 0, host: '127.0.0.1' }, resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/**
 * `uptake serve` as its own process on a free port, over the SQLite file `db`, with `env` added
 * (the Kafka settings); what it prints is added to `log.text`, shared by the processes of a test.
 */
export async function serveUptake(db: string, env: Record<string, string>, log = { text: '' }) {
  const port = await freePort();
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts', 'serve'], {
    env: {
      ...process.env,
      EVENTSTORE_URL: '',
      UPTAKE_DB: db,
      // Not the demo store: serve refuses to start without a session secret.
      UPTAKE_SESSION_SECRET: 'a kafka spec secret, long enough to sign cookies',
      PORT: String(port),
      HOST: '127.0.0.1',
      LOG_LEVEL: 'warn',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout.on('data', (chunk: Buffer) => (log.text += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (log.text += chunk.toString()));
  const exit = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on('exit', (code, signal) => resolve({ code, signal })),
  );
  return { child, exit, port, log };
}

/** Every message on a topic, read by a fresh consumer group up to each partition's end as it was when called. */
export async function readTopic(client: Kafka, topic: string): Promise<{ key: string; partition: number; message: KafkaMessage }[]> {
  const admin = client.admin();
  await admin.connect();
  const ends = new Map((await admin.fetchTopicOffsets(topic)).map(({ partition, high }) => [partition, Number(high)]));
  await admin.disconnect();
  const out: { key: string; partition: number; message: KafkaMessage }[] = [];
  const next = new Map([...ends.keys()].map((partition) => [partition, 0]));
  const reader = client.consumer({ groupId: `reader-${randomUUID()}` });
  await reader.connect();
  try {
    await reader.subscribe({ topics: [topic], fromBeginning: true });
    await reader.run({
      eachMessage: async ({ partition, message }) => {
        if (Number(message.offset) >= ends.get(partition)!) return;
        next.set(partition, Number(message.offset) + 1);
        out.push({ key: String(message.key), partition, message });
      },
    });
    await until(`the whole of ${topic}`, () => [...ends].every(([partition, end]) => next.get(partition)! >= end));
  } finally {
    await reader.disconnect();
  }
  return out;
}

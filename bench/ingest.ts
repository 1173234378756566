/**
 * Ingestion: CloudEvents from other systems into the store, through `uptake serve` as it runs in
 * production, each figure beside its floor measured in the same run.
 *
 * - Kafka → store: messages produced to a topic of 1 or 3 partitions before the clock starts,
 *   then `uptake serve` with `KAFKA_BROKERS` consumes them (src/ingest/consumer.ts over
 *   infra/kafka/kafkaSource.ts); events stored per second, read from the file by another
 *   process, from the first committed batch to the last. Floor: the store's own append figure.
 * - HTTP batch ingest: `POST /api/v1/events` with batches of 1,000, one integration token, one
 *   client sending batch after batch. Floor: `/healthz` requests per second on the same server.
 * - Produce → push: 100 signed-in sockets follow the heatmap of the demo organisation while
 *   1,000 events per second are produced; some of them are probes (a new team, which moves the
 *   heatmap's team count), timed from the probe's `send()` to the push that shows it on each
 *   socket. Floor: `/healthz` latency on the same server before the sockets open. The server's
 *   peak RSS covers the burst.
 */
import { rmSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { Kafka, logLevel, type Message, type Producer } from 'kafkajs';
import { startBroker, stopBroker } from '../infra/kafka/localBroker.ts';
import { sqliteUnitOfWork } from '../infra/sqlite/database.ts';
import { ProjectionRunner, readModels, SqliteHeatmapQueries } from '../projections/index.ts';
import type { UptakeEvent } from '../src/events.ts';
import { withMetadata } from '../src/shared/commandHandler.ts';
import { type Category, streamName } from '../src/shared/streams.ts';
import { type Credentials, grantBenchToken, openBenchAccount, type Session, signIn } from './access.ts';
import { measureAppend } from './append.ts';
import { cachedDataset, rebuild } from './dataset.ts';
import { type Figure, format } from './figures.ts';
import { load, type Load } from './load.ts';
import { WebSocket } from './live.ts';
import { startSection } from './machine.ts';
import { withReadModels } from './pages.ts';
import { figuresTable, loads, printFigures, writeSection } from './report.ts';
import { peakRssMiB, startServer } from './server.ts';
import { openStore, Workspace } from './sqlite.ts';

export interface IngestOptions {
  runs: number;
  write: boolean;
  keep: boolean;
  /** Messages per Kafka run. */
  kafkaEvents: number;
  /** Events per HTTP run, in batches of 1,000. */
  httpEvents: number;
}

export const SOURCE = 'urn:uptake-bench';
/** 100 reports per team at the default 30,000: a decision folds the team's stream, so the shape is the fault tests' one. */
const TEAMS = 300;
const CYCLE = { cycleId: 'bench-cycle', name: 'Bench cycle' };
const HTTP_BATCH = 1_000;
const PUSH = { sockets: 100, perClient: 20, eventsPerSecond: 1_000, seconds: 10, tickMs: 50, probeEveryTicks: 4 };
const HEALTHZ = '"projectionsLag"';
/** How long after the burst is stored every socket has to show its last probe. */
const SETTLE_MS = 5_000;

const day = (today: string, offset: number) => new Date(Date.parse(`${today}T00:00:00Z`) + offset * 86_400_000).toISOString().slice(0, 10);

/**
 * A cycle open around today, one area and TEAMS teams (keys BT0…), the read models caught up, as
 * an organisation stands before its OKR tool starts reporting. Appended as the seed does.
 */
async function ingestionWorld(workspace: Workspace, today: string): Promise<string> {
  const file = workspace.file('ingestion-world.db');
  const { db, store, close } = openStore(file);
  const ctx = { actor: { kind: 'system', id: 'bench' }, source: 'cli', now: new Date() } as const;
  const append = (category: Category, id: string, event: UptakeEvent) =>
    store.appendToStream(streamName(category, id), withMetadata([event], ctx), 'no_stream');
  await sqliteUnitOfWork(db)(async () => {
    await append('cycle', CYCLE.cycleId, {
      type: 'CycleOpened',
      data: { ...CYCLE, startsOn: day(today, -60), endsOn: day(today, 30), checkInCadenceDays: 14 },
    });
    await append('area', 'bench-area', {
      type: 'AreaRegistered',
      data: { areaId: 'bench-area', code: 'BENCH', name: 'Bench area', parentAreaId: null },
    });
    for (let t = 0; t < TEAMS; t++)
      await append('team', `bench-team-${t}`, {
        type: 'TeamRegistered',
        data: { teamId: `bench-team-${t}`, key: `BT${t}`, name: `Bench team ${t}`, areaId: 'bench-area', size: 8 },
      });
  });
  const runner = new ProjectionRunner(db, store, readModels);
  await runner.catchUp();
  await runner.stop();
  await close();
  return file;
}

/** A key result's progress as an OKR tool reports it; `teams` keys and the cycle name are the world's. */
export const progressReport = (id: string, n: number, teamKey: string, cycleName: string, today: string) => ({
  specversion: '1.0',
  id,
  source: SOURCE,
  type: 'org.okr.keyresult.progress.v1',
  time: new Date().toISOString(),
  data: { teamKey, cycleName, keyResultRef: `KR-${n % 5}`, progress: (n % 101) / 100, reportedOn: today },
});

const asMessage = (event: { data: { teamKey?: string; key?: string } }): Message => ({
  key: event.data.teamKey ?? event.data.key ?? null,
  value: JSON.stringify(event),
  headers: { 'content-type': 'application/cloudevents+json' },
});

/** The store's head, read by another process as anyone watching the file would. */
/** Events stored after `position` but those the rules sent in answer (a progress report can clear a signal they raised). */
function ingestedAfter(file: string, position: number): number {
  const db = new Database(file, { readonly: true, fileMustExist: true });
  try {
    return (
      db
        .prepare("SELECT count(*) AS n FROM events WHERE position > ? AND json_extract(metadata, '$.source') IS NOT 'rule'")
        .get(position) as { n: number }
    ).n;
  } finally {
    db.close();
  }
}

function headOf(file: string): number {
  const db = new Database(file, { readonly: true, fileMustExist: true });
  try {
    return (db.prepare('SELECT coalesce(max(position), 0) AS head FROM events').get() as { head: number }).head;
  } finally {
    db.close();
  }
}

/** Polls the head every `everyMs` until stopped: (ms, events stored since `base`) samples. */
function sampleHead(file: string, base: number, everyMs = 20) {
  const samples: { at: number; stored: number }[] = [];
  const timer = setInterval(() => samples.push({ at: performance.now(), stored: headOf(file) - base }), everyMs);
  return {
    samples,
    latest: () => samples.at(-1)?.stored ?? 0,
    stop: () => clearInterval(timer),
  };
}

async function until(what: string, condition: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs / 1000} s waiting for ${what}`);
    await sleep(20);
  }
}

const kafkaEnv = (broker: string, topic: string) => ({
  KAFKA_BROKERS: broker,
  KAFKA_TOPICS: topic,
  KAFKA_GROUP: `group.${topic}`,
  KAFKA_DLQ_TOPIC: `${topic}.dlq`,
});

async function produce(producer: Producer, topic: string, messages: Message[]): Promise<void> {
  for (let i = 0; i < messages.length; i += 1_000) await producer.send({ topic, acks: -1, messages: messages.slice(i, i + 1_000) });
}

interface KafkaRun {
  eventsPerSecond: number;
  /** Messages produced per second before the clock started (for the record: not a figure of Uptake's). */
  producedPerSecond: number;
}

/**
 * Produces `count` reports to a fresh topic of `partitions`, then serves a copy of the world
 * with the consumer on; events stored per second from the first committed batch to the last.
 */
async function measureKafka(
  kafka: Kafka,
  broker: string,
  file: string,
  { topic, partitions, count, today }: { topic: string; partitions: number; count: number; today: string },
): Promise<KafkaRun> {
  const admin = kafka.admin();
  const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
  await Promise.all([admin.connect(), producer.connect()]);
  try {
    await admin.createTopics({ topics: [{ topic, numPartitions: partitions }], waitForLeaders: true });
    const messages = Array.from({ length: count }, (_, n) =>
      asMessage(progressReport(`${topic}-${n}`, n, `BT${n % TEAMS}`, CYCLE.name, today)),
    );
    const producing = performance.now();
    await produce(producer, topic, messages);
    const producedPerSecond = count / ((performance.now() - producing) / 1000);

    const base = headOf(file);
    const head = sampleHead(file, base);
    const server = await startServer(file, kafkaEnv(broker, topic));
    try {
      await until(`${count} events consumed from ${topic}`, () => head.latest() >= count, 300_000);
      head.stop();
      // Nothing doubled, nothing dead-lettered: every message is exactly one stored event.
      await sleep(500);
      const stored = headOf(file) - base;
      if (stored !== count) throw new Error(`${topic}: ${stored} events stored for ${count} messages`);
    } finally {
      head.stop();
      await server.stop();
    }
    const first = head.samples.find((s) => s.stored > 0)!;
    const last = head.samples.find((s) => s.stored >= count)!;
    if (first === last) throw new Error(`${topic}: every message was stored in one batch; produce more to measure a rate`);
    return { eventsPerSecond: (count - first.stored) / ((last.at - first.at) / 1000), producedPerSecond };
  } finally {
    await Promise.all([admin.disconnect(), producer.disconnect()]);
  }
}

interface HttpRun {
  eventsPerSecond: number;
  healthz: Load;
}

/** One client posting batches of 1,000 reports with an integration token, after one batch of warm-up; `/healthz` alone first. */
async function measureHttp(
  file: string,
  token: string,
  { count, today, run }: { count: number; today: string; run: number },
): Promise<HttpRun> {
  const server = await startServer(file);
  try {
    await load(`${server.url}/healthz`, { seconds: 1, marker: HEALTHZ });
    const healthz = await load(`${server.url}/healthz`, { seconds: 3, marker: HEALTHZ });
    const post = async (from: number) => {
      const batch = Array.from({ length: HTTP_BATCH }, (_, i) =>
        progressReport(`http-${run}-${from + i}`, from + i, `BT${(from + i) % TEAMS}`, CYCLE.name, today),
      );
      const answer = await fetch(`${server.url}/api/v1/events`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/cloudevents-batch+json' },
        body: JSON.stringify(batch),
      });
      const body = (await answer.json()) as { results?: { status: string; reason?: string }[] };
      const refused = body.results?.filter((r) => r.status !== 'accepted') ?? [];
      if (answer.status !== 200 || body.results?.length !== HTTP_BATCH || refused.length > 0)
        throw new Error(`POST /api/v1/events answered ${answer.status}: ${JSON.stringify(refused[0] ?? body).slice(0, 300)}`);
    };
    const base = headOf(file);
    // The warm-up batch's ids follow the measured ones', so every id is new.
    await post(count);
    const started = performance.now();
    for (let from = 0; from < count; from += HTTP_BATCH) await post(from);
    const seconds = (performance.now() - started) / 1000;
    const stored = headOf(file) - base;
    if (stored !== count + HTTP_BATCH) throw new Error(`HTTP ingest stored ${stored} events for ${count + HTTP_BATCH} accepted`);
    return { eventsPerSecond: count / seconds, healthz };
  } finally {
    await server.stop();
  }
}

interface PushRun {
  /** Per probe and socket: ms from the probe's send() until the socket's push shows it. */
  latencies: number[];
  /** Probe arrivals that never came: no push showed the probe within SETTLE_MS of the burst being stored. */
  missing: number;
  /** The same for the warm-up probe, produced alone before the burst: the way through with nothing queued ahead. */
  alone: number[];
  floor: Load;
  producedPerSecond: number;
  peakRssMiB: number;
  /** Seconds from the burst's last send until the last event was stored: how far the consumer fell behind. */
  drainSeconds: number;
}

const TEAMS_SHOWN = /kpi__label">Teams<\/span><span class="kpi__value">(\d+)/;

/** A heatmap socket that notes, for each push showing the team count, when it came and the count it shows. */
function followHeatmap(base: string, localAddress: string, session: Session) {
  const counts: { at: number; teams: number }[] = [];
  const socket = new WebSocket(`${base.replace('http', 'ws')}/live?page=${encodeURIComponent('/heatmap')}`, {
    localAddress,
    headers: { cookie: session.cookie, origin: base },
  });
  const opened = new Promise<void>((resolve, reject) => {
    socket.on('message', (data?: unknown) => {
      const teams = TEAMS_SHOWN.exec(String(data))?.[1];
      if (teams !== undefined) counts.push({ at: performance.now(), teams: Number(teams) });
      resolve();
    });
    socket.on('error', reject);
    socket.on('close', (code, reason) => reject(new Error(`heatmap socket closed: ${code} ${reason.toString()}`)));
  });
  return { counts, opened, close: () => socket.terminate() };
}

/**
 * The demo organisation served with the consumer on a one-partition topic (probes keep their
 * order), `/healthz` alone as the floor, then 100 sockets on the heatmap and a 10-second burst
 * at 1,000 events per second: key-result reports across the demo teams, and every 200 ms a new
 * team (the probe). A probe's latency on a socket: from its send() until the first push whose
 * team count includes it.
 */
async function measurePush(
  kafka: Kafka,
  broker: string,
  file: string,
  credentials: Credentials,
  {
    topic,
    teamKeys,
    cycleName,
    areaCode,
    today,
  }: { topic: string; teamKeys: string[]; cycleName: string; areaCode: string; today: string },
): Promise<PushRun> {
  const admin = kafka.admin();
  const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
  await Promise.all([admin.connect(), producer.connect()]);
  await admin.createTopics({ topics: [{ topic, numPartitions: 1 }], waitForLeaders: true });
  const server = await startServer(file, kafkaEnv(broker, topic));
  const sockets: ReturnType<typeof followHeatmap>[] = [];
  try {
    await load(`${server.url}/healthz`, { seconds: 1, marker: HEALTHZ });
    const floor = await load(`${server.url}/healthz`, { seconds: 3, marker: HEALTHZ });
    const clients = PUSH.sockets / PUSH.perClient;
    for (let c = 0; c < clients; c++) {
      const session = await signIn(server.url, credentials);
      for (let s = 0; s < PUSH.perClient; s++) sockets.push(followHeatmap(server.url, `127.0.0.${2 + c}`, session));
    }
    await Promise.all(sockets.map((s) => s.opened));

    let probes = 0;
    const probe = () => {
      probes++;
      return asMessage({
        specversion: '1.0',
        id: `${topic}-probe-${probes}`,
        source: SOURCE,
        type: 'org.okr.team.created.v1',
        data: { key: `P${probes}`, name: `Probe team ${probes}`, areaCode, size: 1 },
      } as never);
    };
    const seen = (teams: number) => sockets.every((s) => s.counts.some((c) => c.teams >= teams));
    // The warm-up probe: the consumer has joined, every render path is warm, and what one new team adds to the count is known.
    const before = sockets[0]!.counts.at(-1)!.teams;
    const warmUpSent = performance.now();
    await produce(producer, topic, [probe()]);
    await until('the warm-up probe on every socket', () => sockets.every((s) => (s.counts.at(-1)?.teams ?? 0) > before), 60_000);
    const alone = sockets.map((socket) => socket.counts.find((c) => c.teams > before)!.at - warmUpSent);
    const shownAfterWarmUp = sockets[0]!.counts.at(-1)!.teams;
    const step = shownAfterWarmUp - before;

    const base = headOf(file);
    const sent: number[] = [];
    const perTick = (PUSH.eventsPerSecond * PUSH.tickMs) / 1000;
    const ticks = (PUSH.seconds * 1000) / PUSH.tickMs;
    const started = performance.now();
    let produced = 0;
    for (let tick = 0; tick < ticks; tick++) {
      const messages = Array.from({ length: perTick }, (_, i) => {
        const n = tick * perTick + i;
        return asMessage(progressReport(`${topic}-${n}`, n, teamKeys[n % teamKeys.length]!, cycleName, today));
      });
      if (tick % PUSH.probeEveryTicks === 0) {
        messages[0] = probe();
        sent.push(performance.now());
      }
      await producer.send({ topic, acks: -1, messages });
      produced += messages.length;
      const next = started + (tick + 1) * PUSH.tickMs;
      if (next > performance.now()) await sleep(next - performance.now());
    }
    const lastSend = performance.now();
    const producedPerSecond = produced / ((lastSend - started) / 1000);
    await until('every event of the burst stored', () => ingestedAfter(file, base) >= produced, 300_000);
    const drainSeconds = (performance.now() - lastSend) / 1000;
    const stored = ingestedAfter(file, base);
    if (stored !== produced) throw new Error(`${topic}: ${stored} events stored for ${produced} produced`);
    // Once stored, the last probe is a projection batch and a push away; a push that has not come by then is counted as missing.
    const expected = shownAfterWarmUp + sent.length * step;
    await until(`the last probe on every socket (${expected} teams)`, () => seen(expected), SETTLE_MS).catch(() => {});
    const peak = peakRssMiB(server.pid);

    const arrivals = sockets.flatMap((socket) =>
      sent.map((at, k) => {
        const shown = socket.counts.find((c) => c.teams >= shownAfterWarmUp + (k + 1) * step);
        return shown === undefined ? null : shown.at - at;
      }),
    );
    const latencies = arrivals.filter((a) => a !== null);
    const missing = arrivals.length - latencies.length;
    return { latencies, missing, alone, floor, producedPerSecond, peakRssMiB: peak, drainSeconds };
  } finally {
    for (const socket of sockets) socket.close();
    await server.stop();
    await Promise.all([admin.disconnect(), producer.disconnect()]);
  }
}

const percentile = (values: readonly number[], p: number) => {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
};

const MARKERS = {
  start: '<!-- ingest:start — written by `npm run bench -- --only ingest --write`; edit outside these markers -->',
  end: '<!-- ingest:end -->',
};

/** `npm run bench -- --only ingest [--runs 3] [--write] [--keep]`: one broker for the section, then every run of each figure. */
export async function benchIngest(options: IngestOptions): Promise<void> {
  const { machine, log, finish } = startSection();
  const workspace = new Workspace();
  log(`files in ${workspace.dir}`);
  const brokerDir = workspace.file('kafka');
  try {
    const broker = (await startBroker(brokerDir)).bootstrap;
    log(`Kafka ${broker} started`);
    const kafka = new Kafka({ clientId: 'uptake-bench', brokers: [broker], logLevel: logLevel.NOTHING });
    const today = new Date().toISOString().slice(0, 10);
    const world = await ingestionWorld(workspace, today);
    const token = await grantBenchToken(world, SOURCE);

    log('seeding the demo organisation (scale 1) for the heatmap');
    const demo = await cachedDataset({ scale: 1, today }, log);
    const served = workspace.copy(demo.eventsOnly, 'demo.db');
    await rebuild(served);
    const credentials = await openBenchAccount(served);
    const { teamKeys, cycleName, areaCode } = withReadModels(served, (db) => {
      const cycle = new SqliteHeatmapQueries(db).defaultCycle(today);
      if (!cycle) throw new Error('the demo organisation has no open cycle');
      const keys = db.prepare<[], { key: string }>('SELECT key FROM org_teams ORDER BY key').all();
      const area = db.prepare<[], { code: string }>('SELECT code FROM org_areas ORDER BY code LIMIT 1').get();
      if (!area) throw new Error('the demo organisation has no area');
      return { teamKeys: keys.map((k) => k.key), cycleName: cycle.name, areaCode: area.code };
    });

    const appendRuns: number[] = [];
    const kafkaRuns: Record<1 | 3, KafkaRun[]> = { 1: [], 3: [] };
    const httpRuns: HttpRun[] = [];
    const pushRuns: PushRun[] = [];
    for (let run = 1; run <= options.runs; run++) {
      appendRuns.push((await measureAppend(workspace, run, null)).perSecond);
      log(`append run ${run}: ${format(appendRuns.at(-1)!)} events/s (the floor)`);
      for (const partitions of [1, 3] as const) {
        const file = workspace.copy(world, `kafka-${run}-${partitions}.db`);
        const result = await measureKafka(kafka, broker, file, {
          topic: `bench.r${run}.p${partitions}`,
          partitions,
          count: options.kafkaEvents,
          today,
        });
        rmSync(file);
        kafkaRuns[partitions].push(result);
        log(
          `kafka run ${run}, ${partitions} partition(s): ${format(result.eventsPerSecond)} events/s stored (produced at ${format(result.producedPerSecond)}/s beforehand)`,
        );
      }
      const httpFile = workspace.copy(world, `http-${run}.db`);
      const http = await measureHttp(httpFile, token, { count: options.httpEvents, today, run });
      rmSync(httpFile);
      httpRuns.push(http);
      log(`http run ${run}: ${format(http.eventsPerSecond)} events/s; /healthz ${format(http.healthz.requestsPerSecond)} req/s`);
      const pushFile = workspace.copy(served, `push-${run}.db`);
      const push = await measurePush(kafka, broker, pushFile, credentials, {
        topic: `bench.push.r${run}`,
        teamKeys,
        cycleName,
        areaCode,
        today,
      });
      rmSync(pushFile);
      pushRuns.push(push);
      log(
        `push run ${run}: one event alone p50 ${percentile(push.alone, 50).toFixed(0)} ms; in the burst p50 ${percentile(push.latencies, 50).toFixed(0)} ms, p99 ${percentile(push.latencies, 99).toFixed(0)} ms over ${push.latencies.length} arrivals (${push.missing} never came); produced ${format(push.producedPerSecond)}/s; drained ${push.drainSeconds.toFixed(1)} s after; peak RSS ${push.peakRssMiB.toFixed(0)} MiB; /healthz p99 alone ${push.floor.p99} ms`,
      );
    }

    const ratio = (values: number[]) => values.map((v, i) => (100 * v) / appendRuns[i]!);
    const kafkaFigures = ([1, 3] as const).flatMap((p): Figure[] => [
      {
        name: `Kafka → store, ${p} partition${p === 1 ? '' : 's'}`,
        unit: 'events/s',
        runs: kafkaRuns[p].map((r) => r.eventsPerSecond),
        target: { kind: 'min', value: 20_000 },
      },
      {
        name: `Kafka → store, ${p} partition${p === 1 ? '' : 's'}, share of the append floor`,
        unit: '%',
        runs: ratio(kafkaRuns[p].map((r) => r.eventsPerSecond)),
        target: { kind: 'min', value: 70 },
      },
    ]);
    const httpPerSecond = httpRuns.map((r) => r.eventsPerSecond);
    const figures: Figure[] = [
      { name: 'SQLite append, 500 events per call (the floor)', unit: 'events/s', runs: appendRuns },
      ...kafkaFigures,
      { name: `HTTP batch ingest, ${format(HTTP_BATCH)} per POST`, unit: 'events/s', runs: httpPerSecond },
      { name: 'HTTP batch ingest, share of the append floor', unit: '%', runs: ratio(httpPerSecond) },
      { name: '`/healthz` alone on that server (its floor)', unit: 'req/s', runs: httpRuns.map((r) => r.healthz.requestsPerSecond) },
      {
        name: `Produce → heatmap push on ${PUSH.sockets} sockets, p50`,
        unit: 'ms',
        runs: pushRuns.map((r) => percentile(r.latencies, 50)),
        target: { kind: 'max', value: 100 },
      },
      {
        name: `Produce → heatmap push on ${PUSH.sockets} sockets, p99`,
        unit: 'ms',
        runs: pushRuns.map((r) => percentile(r.latencies, 99)),
        target: { kind: 'max', value: 300 },
      },
      {
        name: `Probe pushes that never came (${SETTLE_MS / 1000} s after the burst was stored), of ${format((PUSH.sockets * (PUSH.seconds * 1000)) / (PUSH.tickMs * PUSH.probeEveryTicks))}`,
        unit: 'arrivals',
        runs: pushRuns.map((r) => r.missing),
        target: { kind: 'max', value: 0 },
      },
      {
        name: `One event produced alone → push on ${PUSH.sockets} sockets, p50`,
        unit: 'ms',
        runs: pushRuns.map((r) => percentile(r.alone, 50)),
      },
      {
        name: `One event produced alone → push on ${PUSH.sockets} sockets, p99`,
        unit: 'ms',
        runs: pushRuns.map((r) => percentile(r.alone, 99)),
      },
      { name: '`/healthz` alone on that server, p50 (the floor)', unit: 'ms', runs: pushRuns.map((r) => r.floor.p50) },
      { name: '`/healthz` alone on that server, p99 (the floor)', unit: 'ms', runs: pushRuns.map((r) => r.floor.p99) },
      { name: 'Events produced per second in the burst', unit: 'events/s', runs: pushRuns.map((r) => r.producedPerSecond) },
      {
        name: 'Burst fully stored, seconds after its last send',
        unit: 's',
        runs: pushRuns.map((r) => r.drainSeconds),
        digits: 1,
      },
      {
        name: 'Kafka → store on the demo organisation, over the burst and its drain',
        unit: 'events/s',
        runs: pushRuns.map((r) => (r.producedPerSecond * PUSH.seconds) / (PUSH.seconds + r.drainSeconds)),
      },
      {
        name: 'Server peak RSS (VmHWM) after the burst',
        unit: 'MiB',
        runs: pushRuns.map((r) => r.peakRssMiB),
        target: { kind: 'max', value: 384 },
      },
    ];
    const failures = [...httpRuns.map((r) => r.healthz), ...pushRuns.map((r) => r.floor)].filter((l) => l.failures > 0);
    const warnings = failures.map((l) => `${l.failures} of ${l.requests} /healthz requests failed in a floor run`);
    console.log('');
    printFigures(figures);
    for (const warning of warnings) console.log(`WARNING ${warning}`);
    const { minutes, loadAverages, steal } = finish();
    log(`done in ${minutes.toFixed(1)} minutes; load average ${loads(loadAverages.end)}; steal ${steal.toFixed(1)} % of CPU time`);
    if (options.write) {
      const file = fileURLToPath(new URL('../BENCHMARKS.md', import.meta.url));
      const section = [
        MARKERS.start,
        '',
        `Measured on ${today}, ${minutes.toFixed(1)} minutes; load average (1 / 5 / 15 min) ${loads(loadAverages.start)} at the start, ${loads(loadAverages.end)} at the end; steal ${steal.toFixed(1)} % of CPU time over the section.`,
        `${machine.cpus} × ${machine.cpuModel}, Node ${machine.node}, SQLite ${machine.sqlite}, temp files under ${machine.tmpFileSystem}; Kafka 4.1.1 (one KRaft node on loopback).`,
        `Kafka: ${format(options.kafkaEvents)} key-result reports produced before each run to a fresh topic, ${TEAMS} teams (${format(options.kafkaEvents / TEAMS)} reports each); HTTP: ${format(options.httpEvents)} reports after a warm-up batch; push: the demo organisation (seed 42, scale 1), ${PUSH.sockets} sockets (${PUSH.perClient} per address and session), ${format(PUSH.eventsPerSecond)} events/s for ${PUSH.seconds} s, a probe every ${PUSH.tickMs * PUSH.probeEveryTicks} ms.`,
        '',
        ...figuresTable(figures),
        ...(warnings.length > 0 ? ['', ...warnings.map((w) => `> **Warning:** ${w}`)] : []),
        '',
        MARKERS.end,
      ].join('\n');
      writeSection(file, MARKERS, section);
      log(`wrote the ingestion figures into ${file}`);
    }
  } finally {
    await stopBroker(brokerDir).catch(() => {});
    if (options.keep) log(`kept ${workspace.dir}`);
    else workspace.remove();
  }
}

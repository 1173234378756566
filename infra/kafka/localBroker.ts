/**
 * A real Apache Kafka broker without Docker, for tests and local runs: Apache Kafka's own jars
 * from Maven Central, one KRaft node (broker and controller) on 127.0.0.1. README.md beside this
 * file gives the reasons for the settings and the traps.
 *
 * Command line (through the `broker` wrapper beside this file):
 *   broker fetch                 the jars only, into the cache
 *   broker start [--dir D]       starts a broker in D, prints `127.0.0.1:PORT`, returns
 *   broker stop [--dir D]        stops the broker started in D and removes its data
 *   broker run [--dir D]         start, then stop on Ctrl-C (`npm run kafka`)
 */
import { spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { type AddressInfo, createServer, type Server } from 'node:net';
import { homedir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { Kafka, logLevel } from 'kafkajs';

export const KAFKA_VERSION = '4.1.1';
const HERE = dirname(fileURLToPath(import.meta.url));
const READY_WITHIN_MS = 60_000;
const STOP_WITHIN_MS = 10_000;

export interface RunningBroker {
  pid: number;
  /** `127.0.0.1:PORT`, what a client's `brokers` list takes. */
  bootstrap: string;
  dir: string;
}

/** `${UPTAKE_CACHE:-$HOME/.cache/uptake}/kafka-4.1.1`: outside the repository, shared by every checkout. */
export function kafkaCacheDir(): string {
  return join(process.env.UPTAKE_CACHE || join(homedir(), '.cache', 'uptake'), `kafka-${KAFKA_VERSION}`);
}

/**
 * The broker's classpath folder, downloaded once. Maven copies into a folder of its own that is
 * renamed to `libs` only after the copy succeeded, so a killed download is redone, never used.
 */
export function fetchKafkaJars(): string {
  const cache = kafkaCacheDir();
  const libs = join(cache, 'libs');
  if (existsSync(libs)) return libs;
  const partial = join(cache, `libs.partial-${process.pid}`);
  rmSync(partial, { recursive: true, force: true });
  mkdirSync(cache, { recursive: true });
  const mvn = spawnSync(
    'mvn',
    [
      '-B',
      '-q',
      '-f',
      join(HERE, 'pom.xml'),
      'dependency:copy-dependencies',
      '-DincludeScope=runtime',
      `-DoutputDirectory=${partial}`,
      `-Dmaven.repo.local=${join(cache, 'm2')}`,
    ],
    { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] },
  );
  if (mvn.error) throw new Error(`cannot fetch the Kafka jars: Maven (mvn) did not run (${mvn.error.message})`);
  if (mvn.status !== 0) throw new Error(`cannot fetch the Kafka jars: mvn exited ${mvn.status}\n${tail(mvn.stdout + mvn.stderr)}`);
  try {
    renameSync(partial, libs);
  } catch (error) {
    // Another process finished the same download first: its copy is as good as ours.
    if (!existsSync(libs)) throw error;
    rmSync(partial, { recursive: true, force: true });
  }
  return libs;
}

/** Formats storage in `dir`, starts the broker detached and resolves once it answers a Metadata request. */
export async function startBroker(dir: string): Promise<RunningBroker> {
  dir = resolve(dir);
  refuseIfRunning(dir);
  const java = spawnSync('java', ['-version'], { stdio: 'ignore' });
  if (java.error) throw new Error(`cannot start Kafka: java is not installed (the broker needs Java 17 or later): ${java.error.message}`);
  const libs = fetchKafkaJars();

  rmSync(join(dir, 'data'), { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const { port, controllerPort } = await freePorts();
  const properties = join(dir, 'server.properties');
  writeFileSync(properties, serverProperties(join(dir, 'data'), port, controllerPort));

  const clusterId = newClusterId();
  const format = spawnSync('java', [...classpath(libs), 'kafka.tools.StorageTool', 'format', '-t', clusterId, '-c', properties], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  if (format.status !== 0)
    throw new Error(`cannot format Kafka storage in ${dir}: StorageTool exited ${format.status}\n${tail(format.stdout + format.stderr)}`);
  return launch(dir, libs, `127.0.0.1:${port}`);
}

/**
 * Stops the broker started in `dir` with `signal` and waits until it is gone, keeping its data,
 * so `restartBroker` brings the same broker back: a broker crash (SIGKILL) or shutdown (SIGTERM).
 */
export async function killBroker(dir: string, how: 'SIGTERM' | 'SIGKILL'): Promise<void> {
  const broker = readState(resolve(dir));
  if (!broker || !isAlive(broker.pid)) throw new Error(`no broker is running from ${dir}`);
  signal(broker.pid, how);
  if (!(await exited(broker.pid, STOP_WITHIN_MS))) throw new Error(`the Kafka broker (pid ${broker.pid}) survived ${how}`);
}

/** Starts the broker `killBroker` stopped again: same port, same data, so clients find it where it was. */
export async function restartBroker(dir: string): Promise<RunningBroker> {
  dir = resolve(dir);
  const previous = refuseIfRunning(dir);
  if (!previous) throw new Error(`no broker was started from ${dir}: nothing to restart`);
  // After a SIGKILL the dead process holds its ports a moment longer.
  const listeners = /^listeners=(.*)$/m.exec(readFileSync(join(dir, 'server.properties'), 'utf8'))?.[1] ?? '';
  const deadline = Date.now() + STOP_WITHIN_MS;
  for (const [, host, port] of listeners.matchAll(/\/\/([^:,]+):(\d+)/g)) {
    while (!(await isFree(host!, Number(port)))) {
      if (Date.now() > deadline) throw new Error(`port ${host}:${port} is still taken ${STOP_WITHIN_MS / 1000} s after the broker stopped`);
      await sleep(100);
    }
  }
  return launch(dir, fetchKafkaJars(), previous.bootstrap);
}

/** Runs the broker formatted in `dir` detached and resolves once it answers a Metadata request. */
async function launch(dir: string, libs: string, bootstrap: string): Promise<RunningBroker> {
  // Detached, with every stream on the log file: a parent that waits on its pipes (CI, `$(…)`) would otherwise hang.
  const log = join(dir, 'broker.log');
  const out = openSync(log, 'a');
  const child = spawn(
    'java',
    [
      '-Xms128m',
      '-Xmx128m',
      '-XX:+UseSerialGC',
      '-XX:TieredStopAtLevel=1',
      '-XX:+ExitOnOutOfMemoryError',
      ...classpath(libs),
      'kafka.Kafka',
      join(dir, 'server.properties'),
    ],
    {
      detached: true,
      stdio: ['ignore', out, out],
    },
  );
  closeSync(out);
  child.unref();
  if (child.pid === undefined) throw new Error('cannot start Kafka: java did not start');
  const broker: RunningBroker = { pid: child.pid, bootstrap, dir };
  writeFileSync(stateFile(dir), `${JSON.stringify(broker)}\n`);

  try {
    await waitUntilReady(broker);
  } catch (error) {
    await stopBroker(dir);
    throw new Error(`${(error as Error).message}\nlast lines of ${log}:\n${tail(readFileSync(log, 'utf8'))}`);
  }
  return broker;
}

const classpath = (libs: string) => ['-cp', `${libs}/*`, `-Dlog4j2.configurationFile=${join(HERE, 'log4j2.properties')}`];

/** The broker last started from `dir`, if any; throws when it still runs. */
function refuseIfRunning(dir: string): RunningBroker | undefined {
  const previous = readState(dir);
  if (previous && isAlive(previous.pid))
    throw new Error(`a broker is already running from ${dir} (pid ${previous.pid}, ${previous.bootstrap}): stop it first`);
  return previous;
}

/** SIGTERM (under a second normally), SIGKILL if it lingers, then removes the data. */
export async function stopBroker(dir: string): Promise<void> {
  dir = resolve(dir);
  const broker = readState(dir);
  if (broker && isAlive(broker.pid)) {
    signal(broker.pid, 'SIGTERM');
    if (!(await exited(broker.pid, STOP_WITHIN_MS))) {
      signal(broker.pid, 'SIGKILL');
      if (!(await exited(broker.pid, STOP_WITHIN_MS))) throw new Error(`the Kafka broker (pid ${broker.pid}) survived SIGKILL`);
    }
  }
  rmSync(join(dir, 'data'), { recursive: true, force: true });
  rmSync(stateFile(dir), { force: true });
}

function serverProperties(logDir: string, port: number, controllerPort: number): string {
  return `${[
    'process.roles=broker,controller',
    'node.id=1',
    `controller.quorum.voters=1@127.0.0.1:${controllerPort}`,
    `listeners=PLAINTEXT://127.0.0.1:${port},CONTROLLER://127.0.0.1:${controllerPort}`,
    `advertised.listeners=PLAINTEXT://127.0.0.1:${port}`,
    'controller.listener.names=CONTROLLER',
    'inter.broker.listener.name=PLAINTEXT',
    'listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT',
    `log.dirs=${logDir}`,
    // One node: internal topics cannot have more replicas than that.
    'offsets.topic.replication.factor=1',
    'transaction.state.log.replication.factor=1',
    'transaction.state.log.min.isr=1',
    'share.coordinator.state.topic.replication.factor=1',
    'share.coordinator.state.topic.min.isr=1',
    // The default 50 partitions make the first consumer-group join take ~6 s.
    'offsets.topic.num.partitions=1',
    'transaction.state.log.num.partitions=1',
    'group.initial.rebalance.delay.ms=0',
    // The 128 MiB default comes out of the heap: a 128 MB heap would die at start.
    'log.cleaner.dedupe.buffer.size=4194304',
    // A restart after a kill waits for the old session to expire: 14 s by default, 6.6 s with these.
    'broker.session.timeout.ms=3000',
    'broker.heartbeat.interval.ms=1000',
  ].join('\n')}\n`;
}

/** Ready means a Metadata request lists a broker; the port accepts TCP earlier than that. */
async function waitUntilReady(broker: RunningBroker): Promise<void> {
  const admin = new Kafka({
    clientId: 'uptake-broker-probe',
    brokers: [broker.bootstrap],
    retry: { retries: 0 },
    connectionTimeout: 1000,
    logLevel: logLevel.NOTHING,
  }).admin();
  const deadline = Date.now() + READY_WITHIN_MS;
  for (;;) {
    if (!isAlive(broker.pid)) throw new Error(`the Kafka broker (pid ${broker.pid}) exited during start-up`);
    try {
      await admin.connect();
      const cluster = await admin.describeCluster();
      if (cluster.brokers.length > 0) return;
    } catch {
      // Not up yet.
    } finally {
      await admin.disconnect();
    }
    if (Date.now() > deadline) throw new Error(`the Kafka broker at ${broker.bootstrap} was not ready within ${READY_WITHIN_MS / 1000} s`);
    await sleep(250);
  }
}

/**
 * A cluster id of our own, as StorageTool's random-uuid makes it (which prints log noise and no
 * newline): 16 random bytes in base64url, never starting with '-', which the argument parser
 * would read as an option (one start in 64 failed with "--cluster-id: expected one argument").
 */
export function newClusterId(): string {
  for (;;) {
    const id = randomBytes(16).toString('base64url');
    if (!id.startsWith('-')) return id;
  }
}

/** Two distinct free ports: both are held open while the second is picked. */
async function freePorts(): Promise<{ port: number; controllerPort: number }> {
  const broker = await listen(0);
  const controller = await listen(0);
  const ports = { port: (broker.address() as AddressInfo).port, controllerPort: (controller.address() as AddressInfo).port };
  await Promise.all([broker, controller].map((server) => new Promise((ok) => server.close(ok))));
  return ports;
}

function listen(port: number, host = '127.0.0.1'): Promise<Server> {
  return new Promise<Server>((ok, fail) => {
    const server = createServer();
    server.once('error', fail);
    server.listen(port, host, () => ok(server));
  });
}

async function isFree(host: string, port: number): Promise<boolean> {
  try {
    const server = await listen(port, host);
    await new Promise((ok) => server.close(ok));
    return true;
  } catch {
    return false;
  }
}

function stateFile(dir: string): string {
  return join(dir, 'broker.json');
}

function readState(dir: string): RunningBroker | undefined {
  if (!existsSync(stateFile(dir))) return undefined;
  return JSON.parse(readFileSync(stateFile(dir), 'utf8')) as RunningBroker;
}

/** A zombie (exited, not yet reaped by its parent) counts as gone. */
function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    return readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.[0] !== 'Z';
  } catch {
    return false;
  }
}

function signal(pid: number, name: NodeJS.Signals): void {
  try {
    process.kill(pid, name);
  } catch {
    // Already gone.
  }
}

async function exited(pid: number, withinMs: number): Promise<boolean> {
  const deadline = Date.now() + withinMs;
  while (isAlive(pid)) {
    if (Date.now() > deadline) return false;
    await sleep(100);
  }
  return true;
}

function tail(text: string, lines = 30): string {
  return text.trimEnd().split('\n').slice(-lines).join('\n');
}

async function main(args: string[]): Promise<void> {
  const [command, ...options] = args;
  const dirAt = options.indexOf('--dir');
  const dir = dirAt >= 0 ? options[dirAt + 1] : join(HERE, '..', '..', 'data', 'kafka');
  if (dir === undefined) throw new Error('--dir needs a folder');
  switch (command) {
    case 'fetch':
      console.log(fetchKafkaJars());
      return;
    case 'start':
      console.log((await startBroker(dir)).bootstrap);
      return;
    case 'stop':
      await stopBroker(dir);
      return;
    case 'run': {
      const broker = await startBroker(dir);
      console.log(`Kafka ${KAFKA_VERSION} at ${broker.bootstrap} (log: ${join(broker.dir, 'broker.log')}); Ctrl-C stops it`);
      let watch: NodeJS.Timeout | undefined;
      const died = await new Promise<boolean>((done) => {
        process.once('SIGINT', () => done(false));
        process.once('SIGTERM', () => done(false));
        watch = setInterval(() => isAlive(broker.pid) || done(true), 1000);
      });
      clearInterval(watch);
      await stopBroker(dir);
      if (died)
        throw new Error(`the Kafka broker exited; last lines of its log:\n${tail(readFileSync(join(broker.dir, 'broker.log'), 'utf8'))}`);
      return;
    }
    default:
      throw new Error(`usage: broker fetch | start [--dir D] | stop [--dir D] | run [--dir D] (got ${command ?? 'nothing'})`);
  }
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main(process.argv.slice(2)).catch((error: Error) => {
    console.error(error.message);
    process.exit(1);
  });
}

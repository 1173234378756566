/**
 * Composition root and CLI: the only module that wires infra/ to the application.
 *   uptake serve | seed | rebuild | events | digest | token create|list|revoke | user add|list|deactivate|reactivate|password
 */
import { createServer } from 'node:net';
import { Worker } from 'node:worker_threads';
import { Command, InvalidArgumentError } from 'commander';
import closeWithGrace from 'close-with-grace';
import { SingleBar } from 'cli-progress';
import { kafkaIngestion, kafkaPublisher, type Log } from '../infra/kafka/kafkaSource.ts';
import { SqliteConsumerLedger } from '../infra/sqlite/consumerLedger.ts';
import { SqlitePublisherCheckpoint } from '../infra/sqlite/publisherCheckpoint.ts';
import { SqliteRuleCheckpoint } from '../infra/sqlite/ruleCheckpoint.ts';
import { DatabaseFileError } from '../infra/sqlite/database.ts';
import { openStorage, type Storage } from '../infra/storage.ts';
import { SqliteAlignmentQueries } from '../projections/alignment/queries.ts';
import { SqliteCoachWeekQueries } from '../projections/coachWeek/queries.ts';
import { SqliteDigestQueries } from '../projections/digest/queries.ts';
import { SqliteNames } from '../projections/org/names.ts';
import { SqliteOrgQueries } from '../projections/org/queries.ts';
import { SqliteReferences } from '../projections/org/references.ts';
import { SqliteResistanceQueries } from '../projections/resistance/queries.ts';
import { SqliteSaturationQueries } from '../projections/saturation/queries.ts';
import { SqliteStakeholderQueries } from '../projections/stakeholders/queries.ts';
import { SqliteIntegrationTokens } from '../projections/integrations.ts';
import {
  ProjectionRunner,
  readModels,
  SqliteDirectory,
  SqliteHeatmapQueries,
  SqliteRevisions,
  SqliteTimelineQueries,
  waitForWrite,
} from '../projections/index.ts';
import type { ProjectionFailure, RunnerOptions } from '../projections/runner.ts';
import { loadConfig, ConfigError, type Config } from './config.ts';
import { buildApp } from './http/app.ts';
import { defaultAllowedHosts } from './http/hosts.ts';
import { healthOf } from './http/health.ts';
import { startConsumer } from './ingest/consumer.ts';
import { ConsumerStatus, type KafkaConsumerInfo } from './ingest/status.ts';
import { grantIntegrationToken, revokeIntegrationToken } from './integration/handlers.ts';
import { mintToken } from './integration/tokens.ts';
import { type Publisher, type PublisherHealth, startPublisher } from './outbound/publisher.ts';
import { startRules } from './rules/processManager.ts';
import { ruleSettingsOf } from './rules/settings.ts';
import { seed } from './seed/seed.ts';
import { DEMO_ACCOUNTS, generatedPassword, openDemoAccounts } from './access/demo.ts';
import { Role } from './access/events.ts';
import { deactivateAccount, openAccount, reactivateAccount, setPassword } from './access/handlers.ts';
import { randomUUID } from 'node:crypto';
import { SqliteAccounts } from '../projections/accounts.ts';
import { SqliteSessionStore } from '../infra/sqlite/sessionStore.ts';
import { InstallationSettings } from '../infra/sqlite/settings.ts';
import { NotFoundError, UptakeError, ValidationError } from './shared/errors.ts';
import { z } from 'zod';
import { digestOf, readDigest } from './digest/digest.ts';
import { digestWeek, type IsoWeek, lastCompleteWeek } from './adoption/isoWeek.ts';
import { digestMarkdown } from './digest/markdown.ts';
import type { CommandContext } from './shared/commandHandler.ts';
import { BULK_NICENESS, runAsBulkWork } from './shared/priority.ts';
import type { RecordedEvent } from './shared/event.ts';

const today = () => new Date().toISOString().slice(0, 10);

const wholeNumber = (name: string) => (value: string) => {
  if (!/^\d+$/.test(value)) throw new InvalidArgumentError(`${name} must be a whole number`);
  return Number(value);
};

/** A worker thread does not inherit tsx's module hooks: it registers them before loading replayWorker.ts. */
const replayWorker = new URL(
  `data:text/javascript,${encodeURIComponent(
    `import { register } from ${JSON.stringify(import.meta.resolve('tsx/esm/api'))}; register(); ` +
      `await import(${JSON.stringify(new URL('./replayWorker.ts', import.meta.url).href)});`,
  )}`,
);

/** Runs a long replay in a worker thread (see replayWorker.ts), off the thread that serves requests. */
const replayInWorker = (config: Config) => (): Promise<void> =>
  new Promise((resolve, reject) => {
    const worker = new Worker(replayWorker, {
      workerData: { UPTAKE_DB: config.UPTAKE_DB, EVENTSTORE_URL: config.EVENTSTORE_URL },
    });
    worker.once('error', reject);
    worker.once('exit', (code) => (code === 0 ? resolve() : reject(new Error(`the replay worker exited with code ${code}`))));
  });

/** Opens storage and the projection runner; the caller decides whether it follows live. */
async function open(config: Config, options: RunnerOptions = {}) {
  const storage = await openStorage(config);
  const runner = new ProjectionRunner(storage.readModels, storage.store, readModels, options);
  return { storage, runner };
}

const failureLine = (f: ProjectionFailure) =>
  `projection ${f.projection} failed at position ${f.position} (${f.eventType}): ${f.error}; it stays at its last good batch until a restart`;

/** Fails now (EADDRINUSE, EACCES) rather than after seeding a demo database into an empty store. */
async function probePort(port: number, host: string): Promise<void> {
  const server = createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen({ port, host }, resolve);
  });
  await new Promise((resolve) => server.close(resolve));
}

/** Ctrl-C stops long work between batches; running the command again resumes it. */
function interruptible(): AbortController {
  const controller = new AbortController();
  process.once('SIGINT', () => controller.abort());
  process.once('SIGTERM', () => controller.abort());
  return controller;
}

interface SeedCliOptions {
  seed: number;
  scale: number;
  /** The story's "today"; resuming an interrupted seed on a later day needs the original date. */
  today?: string;
}

/** `counts`: what the bar says between its percentage and its ETA. */
function progressBar(counts: string) {
  return new SingleBar({ format: `{bar} {percentage}% | ${counts} | ETA {eta_formatted}`, hideCursor: true, etaBuffer: 50 });
}

async function runSeed(storage: Storage, options: SeedCliOptions, log: (line: string) => void) {
  // The ETA follows steps (the story's length is known in steps); the rate is in events, the unit every benchmark counts.
  const bar = progressBar('{value}/{total} steps | {events} events | {rate} events/s');
  const controller = interruptible();
  // Timed from the first report: telling a large story takes a while before anything is recorded.
  let first: { at: number; recorded: number } | undefined;
  const result = await seed(
    { store: storage.store, unitOfWork: storage.unitOfWork },
    {
      seed: options.seed,
      scale: options.scale,
      today: options.today ?? today(),
      now: new Date(),
      signal: controller.signal,
      onProgress: (done, total, recorded) => {
        if (first === undefined) {
          first = { at: performance.now(), recorded };
          bar.start(total, 0, { events: 0, rate: '…' });
        }
        const seconds = (performance.now() - first.at) / 1000;
        bar.update(done, { events: recorded, rate: seconds > 0 ? Math.round((recorded - first.recorded) / seconds).toString() : '…' });
      },
    },
  );
  bar.stop();
  log(
    result.interrupted
      ? 'seed interrupted: run it again to resume where it stopped'
      : `recorded ${result.recorded} events (${result.steps} steps, ${result.alreadyStored} already stored)`,
  );
  return result;
}

/**
 * The Kafka consumer `KAFKA_BROKERS` turns on: CloudEvents from `KAFKA_TOPICS` into the store as
 * group `KAFKA_GROUP`, poison messages to `KAFKA_DLQ_TOPIC`. It starts in the background, so a
 * broker that is down leaves the web app up and /healthz degraded.
 */
function kafkaConsumer(config: Config & { KAFKA_BROKERS: string }, storage: Storage, ledger: SqliteConsumerLedger, log: Log) {
  const now = () => new Date();
  const status = new ConsumerStatus(now);
  const kafka = kafkaIngestion({
    brokers: config.KAFKA_BROKERS.split(','),
    topics: config.KAFKA_TOPICS,
    groupId: config.KAFKA_GROUP,
    deadLetterTopic: config.KAFKA_DLQ_TOPIC,
    log,
    onGaveUp: (error) => status.down(error),
    onConnection: (connected) => (connected ? status.connected() : status.disconnected()),
  });
  const info: KafkaConsumerInfo = {
    group: config.KAFKA_GROUP,
    topics: config.KAFKA_TOPICS,
    deadLetterTopic: config.KAFKA_DLQ_TOPIC,
    status,
    offsets: kafka.offsets,
  };
  return {
    info,
    health: () => status.health(),
    start: () =>
      startConsumer(
        {
          store: storage.store,
          directory: new SqliteDirectory(storage.readModels),
          references: new SqliteReferences(storage.readModels),
          ledger,
          deadLetters: kafka.deadLetters,
          ...(storage.unitOfWork && { unitOfWork: storage.unitOfWork }),
          now,
        },
        kafka.source,
        ({ topic, partition, messages }, outcome) => {
          status.consumed(messages.length);
          if (outcome.deadLettered > 0)
            log.warn({ topic, partition, ...outcome }, `${outcome.deadLettered} messages dead-lettered to ${config.KAFKA_DLQ_TOPIC}`);
        },
      ).then(
        () => {
          status.connected();
          log.info({}, `consuming ${config.KAFKA_TOPICS.join(', ')} from ${config.KAFKA_BROKERS} as group ${config.KAFKA_GROUP}`);
        },
        (error: Error) => {
          status.down(error);
          log.error({ err: error }, `the Kafka consumer did not start: ${error.message}`);
        },
      ),
    /** Finishes the batch in hand, stores it, and leaves the group. */
    stop: async () => kafka.source.stop(),
  };
}

/**
 * The publisher `KAFKA_PUBLISH_TOPIC` turns on: Uptake's own events of the published slices to
 * that topic as CloudEvents, from a checkpoint in the SQLite file. Started once the app listens.
 */
function kafkaPublishing(config: Config & { KAFKA_BROKERS: string; KAFKA_PUBLISH_TOPIC: string }, storage: Storage, log: Log) {
  const checkpoint = new SqlitePublisherCheckpoint(storage.readModels, config.KAFKA_PUBLISH_TOPIC);
  let publisher: Publisher | undefined;
  return {
    health: (): PublisherHealth => publisher?.health() ?? { state: 'starting', position: checkpoint.position().toString() },
    nudge: () => publisher?.nudge(),
    start: () => {
      publisher = startPublisher({
        store: storage.store,
        checkpoint,
        sink: kafkaPublisher({ brokers: config.KAFKA_BROKERS.split(','), topic: config.KAFKA_PUBLISH_TOPIC, log }),
        source: config.KAFKA_PUBLISH_SOURCE,
        log,
        uncommitted: () => storage.readModels.inTransaction,
      });
      log.info({}, `publishing Uptake's events to ${config.KAFKA_PUBLISH_TOPIC} as ${config.KAFKA_PUBLISH_SOURCE}`);
    },
    /** Lets the page in hand be acknowledged and checkpointed, then disconnects. */
    stop: async () => publisher?.stop(),
  };
}

async function serve(config: Config): Promise<void> {
  // Not app.listen first: the seed holds a transaction open across its appends, which requests would join.
  await probePort(config.PORT, config.HOST);
  // The runner reports only once started, by which time `app` exists.
  const { storage, runner } = await open(config, {
    replayElsewhere: replayInWorker(config),
    onError: (err) => app.log.error({ err }, 'projection runner error'),
    onFailure: (f) =>
      app.log.error({ projection: f.projection, position: String(f.position), eventType: f.eventType, error: f.error }, failureLine(f)),
  });
  const queries = new SqliteHeatmapQueries(storage.readModels);
  // Like the runner, the consumer logs only once started, by which time `app` exists.
  const log: Log = {
    info: (details, message) => app.log.info(details, message),
    warn: (details, message) => app.log.warn(details, message),
    error: (details, message) => app.log.error(details, message),
  };
  // The dead-letter list stays readable on the integrations page with Kafka off.
  const ledger = new SqliteConsumerLedger(storage.readModels, config.KAFKA_GROUP, () => new Date());
  const kafka = config.KAFKA_BROKERS ? kafkaConsumer({ ...config, KAFKA_BROKERS: config.KAFKA_BROKERS }, storage, ledger, log) : undefined;
  const publishing =
    config.KAFKA_BROKERS && config.KAFKA_PUBLISH_TOPIC
      ? kafkaPublishing({ ...config, KAFKA_BROKERS: config.KAFKA_BROKERS, KAFKA_PUBLISH_TOPIC: config.KAFKA_PUBLISH_TOPIC }, storage, log)
      : undefined;
  const settings = new InstallationSettings(storage.readModels);
  const emptyStore = (await storage.store.headPosition()) === 0n;
  if (emptyStore) settings.markDemo();
  const accounts = new SqliteAccounts(storage.readModels);
  const org = new SqliteOrgQueries(storage.readModels);
  const directory = new SqliteDirectory(storage.readModels);
  // Started once the server listens; /healthz reports them from then on.
  let rules: ReturnType<typeof startRules> | undefined;
  const app = await buildApp({
    accounts,
    sessions: new SqliteSessionStore(storage.readModels),
    sessionSecret: sessionSecretOf(config, settings),
    demoEmails: settings.demo ? DEMO_ACCOUNTS.map((a) => a.email) : [],
    queries,
    coachWeek: new SqliteCoachWeekQueries(storage.readModels, queries),
    digest: new SqliteDigestQueries(storage.readModels),
    alignment: new SqliteAlignmentQueries(storage.readModels),
    timeline: new SqliteTimelineQueries(storage.readModels),
    org,
    resistance: new SqliteResistanceQueries(storage.readModels),
    saturation: new SqliteSaturationQueries(storage.readModels),
    saturationThreshold: config.UPTAKE_SATURATION_THRESHOLD,
    stakeholders: new SqliteStakeholderQueries(storage.readModels),
    store: storage.store,
    names: new SqliteNames(storage.readModels),
    revisions: new SqliteRevisions(storage.readModels),
    today,
    now: () => new Date(),
    application: { store: storage.store, directory },
    references: new SqliteReferences(storage.readModels),
    ingestUnitOfWork: storage.unitOfWork,
    integrationTokens: new SqliteIntegrationTokens(storage.readModels),
    deadLetters: ledger,
    kafka: kafka?.info,
    kafkaTopics: {
      consumed: config.KAFKA_TOPICS,
      deadLetter: config.KAFKA_DLQ_TOPIC,
      ...(config.KAFKA_PUBLISH_TOPIC && { published: { topic: config.KAFKA_PUBLISH_TOPIC, source: config.KAFKA_PUBLISH_SOURCE } }),
    },
    waitFor: waitForWrite(runner, queries),
    onApplied: (listener) => runner.onApplied(listener),
    tls: config.UPTAKE_TLS,
    allowedHosts: config.UPTAKE_ALLOWED_HOSTS ?? defaultAllowedHosts(config.HOST),
    logger: { level: config.LOG_LEVEL },
    health: healthOf(storage.store, runner, kafka?.health, publishing?.health, () => rules?.health()),
  });
  closeWithGrace({ delay: 10_000 }, async ({ err }) => {
    if (err) app.log.error({ err }, 'shutting down after an error');
    await kafka?.stop();
    await publishing?.stop();
    await rules?.stop();
    await app.close();
    await runner.stop();
    await storage.close();
  });
  if (emptyStore) {
    app.log.info('empty store: seeding demo data (`uptake seed` does this by hand)');
    await runSeed(storage, { seed: 42, scale: 1 }, (line) => app.log.info(line));
  }
  // Nobody can sign in yet: the read models (and the demo accounts) come before listening. Otherwise
  // the server listens first and answers from its read models while a long catch-up runs in a worker.
  if (accounts.all().length === 0) await runner.start();
  if (accounts.all().length === 0) {
    if (settings.demo) {
      await runner.catchUp();
      const password = config.UPTAKE_DEMO_PASSWORD ?? generatedPassword();
      const firstCoach = org.coaches()[0]?.coachId ?? null;
      await openDemoAccounts({ store: storage.store, directory }, password, firstCoach, fromCli());
      await runner.catchUp();
      const shown = config.UPTAKE_DEMO_PASSWORD === undefined ? `password (shown once): ${password}` : 'password: UPTAKE_DEMO_PASSWORD';
      console.log(`\nDemo accounts, ${shown}\n${DEMO_ACCOUNTS.map((a) => `  ${a.role.padEnd(6)}  ${a.email}`).join('\n')}\n`);
    } else {
      app.log.warn('no accounts yet: create the first admin with `uptake user add --role admin --email <e-mail> --name <name>`');
    }
  }
  await app.listen({ port: config.PORT, host: config.HOST });
  await runner.start();
  void kafka?.start();
  rules = startRules({
    store: storage.store,
    handlers: { store: storage.store, directory },
    checkpoint: new SqliteRuleCheckpoint(storage.readModels),
    settings: ruleSettingsOf(config),
    today,
    now: () => new Date(),
    log,
    uncommitted: () => storage.readModels.inTransaction,
  });
  runner.onApplied(rules.nudge);
  if (publishing) {
    publishing.start();
    runner.onApplied(publishing.nudge);
  }
}

async function rebuild(config: Config): Promise<void> {
  // Before the store opens and anything starts a thread: a rebuild beside a server takes only the CPU its requests leave.
  runAsBulkWork((message) => console.error(`uptake: ${message}`));
  const { storage, runner } = await open(config);
  const bar = progressBar('{value}/{total} events | {rate} events/s');
  const controller = interruptible();
  let started = false;
  const result = await runner.rebuild({
    signal: controller.signal,
    onProgress: ({ done, total, eventsPerSecond }) => {
      if (!started) bar.start(Number(total), 0, { rate: '0' });
      started = true;
      bar.update(Number(done), { rate: Math.round(eventsPerSecond).toString() });
    },
  });
  bar.stop();
  for (const failure of runner.failed) console.error(`uptake: ${failureLine(failure)}`);
  const kept = readModels
    .filter((p) => p.keptByRebuild)
    .map((p) => p.name)
    .join(', ');
  console.log(
    result.status === 'completed'
      ? `rebuilt ${readModels.filter((p) => !p.keptByRebuild).length - runner.failed.length} read models up to position ${result.position} (kept up to date, not replayed: ${kept})`
      : `rebuild interrupted at position ${result.position}: run it again to resume`,
  );
  await storage.close();
  if (result.status === 'interrupted') process.exitCode = 130;
  else if (runner.failed.length > 0) process.exitCode = 1;
}

interface EventsOptions {
  after: number;
  follow?: boolean;
  type?: string[];
  stream?: string;
}

async function events(config: Config, options: EventsOptions): Promise<void> {
  const storage = await openStorage(config);
  // `uptake events | head` closes the pipe early: that is the reader's choice, not an error.
  process.stdout.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code !== 'EPIPE') throw error;
    process.exit(0);
  });
  const matches = (e: RecordedEvent) =>
    (!options.type || options.type.includes(e.type)) && (!options.stream || e.streamId === options.stream);
  const print = (batch: readonly RecordedEvent[]) => {
    for (const e of batch) if (matches(e)) process.stdout.write(`${JSON.stringify({ ...e, position: e.position.toString() })}\n`);
  };
  if (!options.follow) {
    let after = BigInt(options.after);
    for (let page = await storage.store.readAll({ after }); page.length > 0; page = await storage.store.readAll({ after })) {
      print(page);
      after = page.at(-1)!.position;
    }
    await storage.close();
    return;
  }
  const subscription = storage.store.subscribeToAll({ after: BigInt(options.after), onEvents: print });
  const controller = interruptible();
  await new Promise((resolve) => controller.signal.addEventListener('abort', resolve));
  await subscription.close();
  await storage.close();
}

/** A demo store makes and keeps its own secret; anywhere else it comes from the environment. */
function sessionSecretOf(config: Config, settings: InstallationSettings): string {
  if (config.UPTAKE_SESSION_SECRET !== undefined) return config.UPTAKE_SESSION_SECRET;
  if (settings.demo) return settings.demoSessionSecret();
  throw new ConfigError(
    'UPTAKE_SESSION_SECRET must be set (at least 32 characters, e.g. `openssl rand -base64 32`): this store is not the demo. ' +
      '(A demo store seeded before sign-in existed counts as not the demo: remove its file to start a fresh demo.)',
  );
}

/** Commands typed at the CLI are Uptake's own: whoever runs it has the machine. */
const fromCli = (): CommandContext => ({ actor: { kind: 'system', id: 'cli' }, source: 'cli', now: new Date() });

async function createToken(config: Config, options: { source: string; name?: string }): Promise<void> {
  const storage = await openStorage(config);
  const { tokenId, token, hash } = mintToken();
  try {
    await grantIntegrationToken(
      storage,
      { type: 'GrantIntegrationToken', data: { tokenId, source: options.source, name: options.name ?? options.source, hash } },
      fromCli(),
    );
  } finally {
    await storage.close();
  }
  console.log(`token ${tokenId} for source ${options.source}; shown once, keep it secret:\n${token}`);
}

async function revokeToken(config: Config, tokenId: string): Promise<void> {
  const storage = await openStorage(config);
  try {
    await revokeIntegrationToken(storage, { type: 'RevokeIntegrationToken', data: { tokenId } }, fromCli());
  } finally {
    await storage.close();
  }
  console.log(`token ${tokenId} revoked`);
}

async function listTokens(config: Config): Promise<void> {
  const { storage, runner } = await open(config);
  await runner.catchUp();
  for (const t of new SqliteIntegrationTokens(storage.readModels).all()) {
    console.log(
      [t.tokenId, t.source, JSON.stringify(t.name), `granted ${t.grantedAt}`, t.revokedAt ? `revoked ${t.revokedAt}` : 'active'].join('  '),
    );
  }
  await storage.close();
}

interface UserAddOptions {
  email: string;
  name: string;
  role: Role;
  coach?: string;
}

/**
 * The accounts' read model caught up with the store, for the rules an account command checks
 * (e-mails unique, the last admin kept) and to find an account by e-mail; and again after the
 * command, so what it recorded is in the read models when the CLI exits.
 */
async function withAccounts<T>(config: Config, run: (storage: Storage, accounts: SqliteAccounts) => Promise<T>): Promise<T> {
  const { storage, runner } = await open(config);
  try {
    await runner.catchUp();
    const result = await run(storage, new SqliteAccounts(storage.readModels));
    await runner.catchUp();
    return result;
  } finally {
    await storage.close();
  }
}

const deps = (storage: Storage) => ({ store: storage.store, directory: new SqliteDirectory(storage.readModels) });

function accountByEmail(accounts: SqliteAccounts, email: string) {
  const found = accounts.credentialsOf(email)?.account;
  if (found === undefined) throw new NotFoundError(`no account signs in as ${email}`);
  return found;
}

/** The password to set: `UPTAKE_NEW_PASSWORD` for scripts, otherwise generated and printed once. */
function newPassword(config: Config): { password: string; shown: string } {
  const chosen = config.UPTAKE_NEW_PASSWORD;
  if (chosen !== undefined) return { password: chosen, shown: 'password: UPTAKE_NEW_PASSWORD' };
  const password = generatedPassword();
  return { password, shown: `password (shown once; they change it under Your account): ${password}` };
}

async function addUser(config: Config, options: UserAddOptions): Promise<void> {
  const { password, shown } = newPassword(config);
  const account = await withAccounts(config, async (storage) => {
    const accountId = randomUUID();
    const data = { accountId, email: options.email, name: options.name, role: options.role, coachId: options.coach ?? null };
    await openAccount(deps(storage), { type: 'OpenAccount', data }, fromCli());
    await setPassword(storage, { accountId, password }, fromCli());
    return data;
  });
  console.log(`account ${account.accountId} opened for ${account.email} as ${account.role}; ${shown}`);
}

async function listUsers(config: Config): Promise<void> {
  await withAccounts(config, async (_storage, accounts) => {
    for (const a of accounts.all()) {
      console.log(
        [
          a.email,
          a.role,
          a.coachId === null ? '-' : `coach ${a.coachId}`,
          JSON.stringify(a.name),
          a.active ? 'active' : 'deactivated',
          `opened ${a.openedAt}`,
        ].join('  '),
      );
    }
  });
}

async function deactivateUser(config: Config, email: string): Promise<void> {
  await withAccounts(config, async (storage, accounts) => {
    const { accountId } = accountByEmail(accounts, email);
    await deactivateAccount(deps(storage), { type: 'DeactivateAccount', data: { accountId } }, fromCli());
  });
  console.log(`${email} deactivated; their sessions have ended`);
}

async function reactivateUser(config: Config, email: string): Promise<void> {
  await withAccounts(config, async (storage, accounts) => {
    const { accountId } = accountByEmail(accounts, email);
    await reactivateAccount(storage, { type: 'ReactivateAccount', data: { accountId } }, fromCli());
  });
  console.log(`${email} reactivated`);
}

async function resetUserPassword(config: Config, email: string): Promise<void> {
  const { password, shown } = newPassword(config);
  await withAccounts(config, async (storage, accounts) => {
    await setPassword(storage, { accountId: accountByEmail(accounts, email).accountId, password }, fromCli());
  });
  console.log(`new password for ${email}, their sessions have ended; ${shown}`);
}

interface DigestCliOptions {
  week?: string;
  today?: string;
  baseUrl?: string;
}

/** What a digest option must be, checked before the store is opened; `today` reads the real clock only when not given. */
function digestOptions(options: DigestCliOptions, config: Config): { week: IsoWeek; today: string; base: string } {
  const day = options.today ?? today();
  if (!z.iso.date().safeParse(day).success) throw ValidationError.field('--today', `"${day}" must be a calendar date, YYYY-MM-DD`);
  const parsed = options.week === undefined ? null : digestWeek(options.week, day);
  if (parsed !== null && !parsed.ok) throw ValidationError.field('--week', `"${options.week}" ${parsed.message}`);
  const base = options.baseUrl ?? `http://${config.HOST}:${config.PORT}`;
  if (!/^https?:\/\/[^\s<>]+$/.test(base) || !URL.canParse(base))
    throw ValidationError.field('--base-url', `"${base}" must be an http or https URL, e.g. https://uptake.example.org`);
  return { week: parsed?.week ?? lastCompleteWeek(day), today: day, base: base.replace(/\/+$/, '') };
}

/** The leadership digest of a week as Markdown on stdout, from the read models caught up with the store (as the server reads them). */
async function printDigest(config: Config, options: DigestCliOptions): Promise<void> {
  const { week, today: day, base } = digestOptions(options, config);
  const { storage, runner } = await open(config);
  try {
    await runner.catchUp();
    const sources = {
      heatmap: new SqliteHeatmapQueries(storage.readModels),
      digest: new SqliteDigestQueries(storage.readModels),
      timeline: new SqliteTimelineQueries(storage.readModels),
    };
    process.stdout.write(digestMarkdown(digestOf(readDigest(sources, week, day), new SqliteNames(storage.readModels)), base));
  } finally {
    await storage.close();
  }
}

/** Known failures become one clear line and exit code 1; anything else keeps its stack. */
function explain(error: unknown): never {
  const err = error as NodeJS.ErrnoException;
  if (
    error instanceof ConfigError ||
    error instanceof DatabaseFileError ||
    error instanceof UptakeError ||
    err.name === 'EventStoreUnavailableError'
  ) {
    console.error(`uptake: ${err.message}`);
  } else if (err.code === 'EADDRINUSE') console.error(`uptake: port already in use (${err.message}); set PORT to a free port`);
  else if (err.code === 'EACCES') console.error(`uptake: permission denied: ${err.message}`);
  else console.error(error);
  process.exit(1);
}

const program = new Command('uptake')
  .description(
    'Event-sourced tracker of OKR adoption, resistance and stakeholders. Configuration comes from the environment: PORT, HOST, UPTAKE_DB, EVENTSTORE_URL, KAFKA_BROKERS, KAFKA_TOPICS, KAFKA_GROUP, KAFKA_DLQ_TOPIC, KAFKA_PUBLISH_TOPIC, KAFKA_PUBLISH_SOURCE, LOG_LEVEL.',
  )
  .showHelpAfterError();

const action =
  <A extends unknown[]>(run: (config: Config, ...args: A) => Promise<void>) =>
  async (...args: A) => {
    try {
      await run(loadConfig(), ...args);
    } catch (error) {
      explain(error);
    }
  };

program.command('serve').description('serve the web app (seeds demo data into an empty store first)').action(action(serve));

program
  .command('seed')
  .description(`generate the deterministic demo organisation through the command handlers (resumable), at niceness ${BULK_NICENESS}`)
  .option('--seed <n>', 'random seed', wholeNumber('--seed'), 42)
  .option('--scale <n>', 'multiply teams and events (10 ≈ 250,000 events, 40 ≈ 1,000,000)', wholeNumber('--scale'), 1)
  .option('--today <date>', "the story's today (YYYY-MM-DD); default: the real today")
  .action(
    action(async (config, options: SeedCliOptions) => {
      runAsBulkWork((message) => console.error(`uptake: ${message}`));
      const { storage } = await open(config);
      new InstallationSettings(storage.readModels).markDemo();
      const result = await runSeed(storage, options, console.log);
      await storage.close();
      if (result.interrupted) process.exitCode = 130;
    }),
  );

program
  .command('rebuild')
  .description(`reset every read model and replay all events (resumable), at niceness ${BULK_NICENESS} so a server beside it keeps the CPU`)
  .action(action(rebuild));

program
  .command('events')
  .description('print events as JSON lines, oldest first')
  .option('--after <position>', 'start after this global position', wholeNumber('--after'), 0)
  .option('-f, --follow', 'keep printing new events as they are appended')
  .option('--type <type...>', 'only these event types')
  .option('--stream <streamId>', 'only this stream, e.g. team-7f3a…')
  .action(action(events));

const token = program.command('token').description('integration tokens: each lets one CloudEvents source ingest events');
token
  .command('create')
  .description('grant a token to a CloudEvents source; prints it once')
  .requiredOption('--source <source>', 'the CloudEvents source the token may ingest for')
  .option('--name <name>', 'what the token is for (default: the source)')
  .action(action(createToken));
token.command('revoke').description('revoke a token: it is refused from now on').argument('<tokenId>').action(action(revokeToken));
token.command('list').description('every token: id, source, name, granted, revoked').action(action(listTokens));

program
  .command('digest')
  .description('print the leadership digest of a week as Markdown: movers, signals, stalled areas, stakeholders who moved')
  .option('--week <week>', 'an ISO week, YYYY-Www (e.g. 2026-W48); default: the last complete week')
  .option('--today <date>', 'the day the digest is read on (YYYY-MM-DD); default: the real today')
  .option('--base-url <url>', "where Uptake is served, to make the digest's links absolute; default: http://HOST:PORT")
  .action(action(printDigest));

const roleOf = (value: string): Role => {
  const role = Role.safeParse(value);
  if (!role.success) throw new InvalidArgumentError(`--role must be one of ${Role.options.join(', ')}`);
  return role.data;
};

const user = program.command('user').description('accounts: who may sign in, as what (admin, coach, leader)');
user
  .command('add')
  .description('open an account; prints a generated password once (UPTAKE_NEW_PASSWORD sets it instead, for scripts)')
  .requiredOption('--email <email>', 'the e-mail they sign in with')
  .requiredOption('--name <name>', 'their name as Uptake shows it')
  .requiredOption('--role <role>', `one of ${Role.options.join(', ')}`, roleOf)
  .option('--coach <coachId>', 'for a coach account: the registered coach they are')
  .action(action(addUser));
user.command('list').description('every account: e-mail, role, coach, name, active or not, opened').action(action(listUsers));
user
  .command('deactivate')
  .description('deactivate an account: its sessions end at once')
  .argument('<email>')
  .action(action(deactivateUser));
user.command('reactivate').description('let a deactivated account sign in again').argument('<email>').action(action(reactivateUser));
user
  .command('password')
  .description('set a new generated password, printed once (or UPTAKE_NEW_PASSWORD); their sessions end')
  .argument('<email>')
  .action(action(resetUserPassword));

await program.parseAsync();

import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ProjectionRunner, readModels } from '../projections/index.ts';
import { seed, type SeedResult } from '../src/seed/seed.ts';
import { sqliteUnitOfWork } from '../infra/sqlite/database.ts';
import { openStore } from './sqlite.ts';

export interface Dataset {
  /** Events only, as `uptake seed` leaves them: a cached file that is only ever copied, never opened for writing. */
  eventsOnly: string;
  seeded: SeedResult;
  /** Events in the file. */
  events: number;
  /** Seconds the seed took when this file was made (on this or an earlier run). */
  seedSeconds: number;
  /** The business day it was seeded for (the story's end). */
  today: string;
  /** True when an earlier run's file was reused. */
  cached: boolean;
}

const root = fileURLToPath(new URL('..', import.meta.url));

/**
 * What decides the seeded events: the seed's story, the event catalogue, the deciders that turn
 * its commands into events and the store's schema. A change to any of them makes a new file.
 */
function codeVersion(): string {
  const hash = createHash('sha256');
  const under = (dir: string, keep: (name: string) => boolean) =>
    readdirSync(join(root, dir), { recursive: true, encoding: 'utf8' })
      .filter(keep)
      .sort()
      .map((name) => join(dir, name));
  const files = [
    ...under('src/seed', (n) => n.endsWith('.ts')),
    'src/events.ts',
    ...under('src', (n) => /^[a-z]+\/(events|decider)\.ts$/.test(n)),
    'infra/sqlite/sqliteEventStore.ts',
  ];
  for (const file of files) hash.update(file).update(readFileSync(join(root, file)));
  return hash.digest('hex').slice(0, 12);
}

/** Seeded files outlive a bench run here (not in the run's workspace, which `--keep` alone keeps). */
export const CACHE_DIR = join(tmpdir(), 'uptake-bench-cache');

const quarterOf = (date: string) => `${date.slice(0, 4)}-Q${Math.floor((Number(date.slice(5, 7)) - 1) / 3) + 1}`;

/**
 * The organisation `uptake seed` makes at `scale`, seeded once per scale and code version and
 * kept in CACHE_DIR: 1,000,000 events through the command handlers take long, so later runs copy
 * the file instead. A file seeded for an earlier day of the same quarter is reused (its open cycle
 * is today's); the data set's `today` says which day it was seeded for. Each 5,000 steps are one
 * transaction (the seed's unit of work). Older files of the same scale are removed when a new one
 * is made.
 */
export async function cachedDataset(
  /** `today` is the server's today too, so the heatmap it serves by default is the seeded open cycle. */
  options: { scale: number; today: string },
  log: (line: string) => void,
): Promise<Dataset> {
  mkdirSync(CACHE_DIR, { recursive: true });
  const prefix = `seed-42-scale-${options.scale}-`;
  const name = `${prefix}${codeVersion()}`;
  const file = join(CACHE_DIR, `${name}.db`);
  const about = join(CACHE_DIR, `${name}.json`);
  if (existsSync(file) && existsSync(about)) {
    const known = JSON.parse(readFileSync(about, 'utf8')) as Omit<Dataset, 'eventsOnly' | 'cached'>;
    if (known.today <= options.today && quarterOf(known.today) === quarterOf(options.today)) {
      log(
        `scale ${options.scale}: reusing ${file} (${known.events.toLocaleString('en-GB')} events seeded for ${known.today} in ${known.seedSeconds.toFixed(0)} s)`,
      );
      return { ...known, eventsOnly: file, cached: true };
    }
  }
  for (const stale of readdirSync(CACHE_DIR).filter((n) => n.startsWith(prefix))) rmSync(join(CACHE_DIR, stale), { force: true });
  const making = `${file}.making`;
  for (const suffix of ['', '-wal', '-shm']) rmSync(making + suffix, { force: true });
  const { db, store, close } = openStore(making);
  const started = performance.now();
  let reported = started;
  const seeded = await seed(
    { store, unitOfWork: sqliteUnitOfWork(db) },
    {
      seed: 42,
      scale: options.scale,
      today: options.today,
      now: new Date(),
      onProgress: (done, total) => {
        const now = performance.now();
        if (now - reported < 30_000) return;
        reported = now;
        const rate = done / ((now - started) / 1000);
        log(
          `scale ${options.scale}: ${done.toLocaleString('en-GB')} of ${total.toLocaleString('en-GB')} seed steps, ${rate.toFixed(0)}/s, ETA ${((total - done) / rate).toFixed(0)} s`,
        );
      },
    },
  );
  const seedSeconds = (performance.now() - started) / 1000;
  const events = Number(await store.headPosition());
  await close();
  renameSync(making, file);
  for (const suffix of ['-wal', '-shm']) rmSync(making + suffix, { force: true });
  const known = { seeded, events, seedSeconds, today: options.today };
  writeFileSync(about, JSON.stringify(known));
  log(`scale ${options.scale}: seeded ${events.toLocaleString('en-GB')} events in ${seedSeconds.toFixed(0)} s into ${file}`);
  return { ...known, eventsOnly: file, cached: false };
}

export interface RebuildRun {
  events: number;
  seconds: number;
}

/** `runner.rebuild()` on a file, as `uptake rebuild` runs it: every read model reset, then all events replayed. */
export async function rebuild(file: string): Promise<RebuildRun> {
  const { db, store, close } = openStore(file);
  const runner = new ProjectionRunner(db, store, readModels);
  const started = performance.now();
  const result = await runner.rebuild();
  const seconds = (performance.now() - started) / 1000;
  await close();
  if (result.status !== 'completed') throw new Error(`rebuild ended ${result.status} at ${result.position}`);
  return { events: Number(result.position - result.startedFrom), seconds };
}

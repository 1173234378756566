/**
 * Each page's in-process cost: the web app built over a copy of a caught-up file as the API specs
 * build it (`appFor`, real SQLite read models, signed in as an admin through the sign-in form),
 * requests sent one after the other through `app.inject`, after a warm-up. No socket and no other
 * request in the way: the figure a noisy machine disturbs least.
 */
import { dirname } from 'node:path';
import { openDatabase } from '../infra/sqlite/database.ts';
import { SqliteEventStore } from '../infra/sqlite/sqliteEventStore.ts';
import { ProjectionRunner, readModels, SqliteHeatmapQueries } from '../projections/index.ts';
import { validateNewEvent } from '../src/events.ts';
import { appFor } from '../tests/support/webApp.ts';
import { median } from './figures.ts';
import { markerOf } from './web.ts';

const WARM_UP = 10;
/** Each page is requested until this many answers or this long, whichever comes first (at least MIN answers). */
const MAX_REQUESTS = 200;
const MAX_MS = 3_000;
const MIN_REQUESTS = 10;

/** Median ms per request of each path, in the order given. */
export async function injectMedians(file: string, today: string, paths: readonly string[]): Promise<Record<string, number>> {
  const db = openDatabase(file);
  const store = new SqliteEventStore(db, { validate: validateNewEvent });
  const runner = new ProjectionRunner(db, store, readModels);
  const world = { dir: dirname(file), db, store, runner, queries: new SqliteHeatmapQueries(db) };
  const app = await appFor(world, { today: () => today, now: () => new Date() });
  try {
    const request = async (path: string) => {
      const answer = await app.inject({ url: path });
      if (answer.statusCode !== 200 || !answer.body.includes(markerOf(path)))
        throw new Error(`GET ${path} answered ${answer.statusCode} in process without ${markerOf(path)}: ${answer.body.slice(0, 200)}`);
    };
    const medians: Record<string, number> = {};
    for (const path of paths) {
      for (let i = 0; i < WARM_UP; i++) await request(path);
      const times: number[] = [];
      const until = performance.now() + MAX_MS;
      while (times.length < MAX_REQUESTS && (times.length < MIN_REQUESTS || performance.now() < until)) {
        const at = performance.now();
        await request(path);
        times.push(performance.now() - at);
      }
      medians[path] = median(times);
    }
    return medians;
  } finally {
    await app.close();
    await runner.stop();
    db.close();
  }
}

/**
 * Each page's in-process cost on a seeded store: sequential `app.inject` requests after a warm-up,
 * the figure a noisy machine disturbs least, and the process's CPU time per request (which other
 * processes sharing the cores barely move). Not a test and not the bench (which measures pages
 * over loopback under load): a quick check while working on the read side.
 *
 *   npx tsx tests/support/pageCosts.ts <uptake.db> [requests] [only]
 *
 * `only` measures just the pages whose label contains it (`/resistance`), and skips the days.
 *
 * The file is changed: its read models are caught up and a test account is opened in it, so
 * point it at a copy or a seeded scratch file.
 */
import { performance } from 'node:perf_hooks';
import { openDatabase } from '../../infra/sqlite/database.ts';
import { SqliteEventStore } from '../../infra/sqlite/sqliteEventStore.ts';
import { readModels, SqliteHeatmapQueries } from '../../projections/index.ts';
import { ProjectionRunner } from '../../projections/runner.ts';
import { validateNewEvent } from '../../src/events.ts';
import { addDays } from '../../src/adoption/calendar.ts';
import { areaPath } from '../../src/http/urls.ts';
import { busiestArea, everyPage, type Page } from '../../bench/pages.ts';
import { appFor, TODAY, type World } from './webApp.ts';

const [file, requestsArg, only] = process.argv.slice(2);
if (file === undefined) throw new Error('usage: tsx tests/support/pageCosts.ts <uptake.db> [requests] [only]');
const requests = Number(requestsArg ?? 100);
const WARM_UP = 20;

const db = openDatabase(file);
const store = new SqliteEventStore(db, { validate: validateNewEvent });
const world: World = { dir: '', db, store, runner: new ProjectionRunner(db, store, readModels), queries: new SqliteHeatmapQueries(db) };
const caughtUp = performance.now();
await world.runner.catchUp();
console.log(`read models caught up in ${((performance.now() - caughtUp) / 1000).toFixed(1)} s at position ${await store.headPosition()}`);
const app = await appFor(world);

/** Later pages of the paged lists and the past: what a reader reaches by following "next" or choosing a date. */
async function morePages(): Promise<Page[]> {
  const extra: Page[] = [];
  for (const list of ['/stakeholders', '/resistance', '/timeline']) {
    const next = /<a [^>]*rel="next"[^>]*href="([^"]+)"|<a [^>]*href="([^"]+)"[^>]*rel="next"/.exec((await app.inject(list)).body);
    const href = next?.[1] ?? next?.[2];
    if (href !== undefined) extra.push({ label: `GET ${list} (next page)`, path: href.replaceAll('&amp;', '&') });
  }
  const cycle = world.queries.defaultCycle(TODAY)!;
  const area = busiestArea(db).id;
  for (const daysBack of [30, 200, 700]) {
    const asOf = addDays(TODAY, -daysBack);
    const past = world.queries.cycles().find((c) => c.startsOn <= asOf && asOf <= c.endsOn) ?? cycle;
    const query = `cycle=${encodeURIComponent(past.cycleId)}&asOf=${asOf}`;
    extra.push({ label: `GET /?asOf= (${daysBack} days back)`, path: `/?${query}` });
    extra.push({ label: `GET /areas/:id?asOf= (${daysBack} days back)`, path: `${areaPath(area)}?${query}` });
  }
  return extra;
}

/** The heatmap and the busiest area as of a different day on each request, over the last two years: no cached answer helps. */
function everyDay(): Page[][] {
  const area = busiestArea(db).id;
  const cycles = world.queries.cycles();
  const days = Array.from({ length: 730 }, (_, i) => addDays(TODAY, -i)).flatMap((asOf) => {
    const cycle = cycles.find((c) => c.startsOn <= asOf && asOf <= c.endsOn);
    return cycle === undefined ? [] : [`cycle=${encodeURIComponent(cycle.cycleId)}&asOf=${asOf}`];
  });
  // Every 7th day, so two runs in a row (the heatmap, then the area page) meet no cached day either.
  const spread = days.filter((_, i) => i % 7 === 0);
  return [
    spread.map((query) => ({ label: 'GET /?asOf= (a new day each request)', path: `/?${query}` })),
    spread.map((query) => ({ label: 'GET /areas/:id?asOf= (a new day each request)', path: `${areaPath(area)}?${query}` })),
  ];
}

const pages = [...everyPage(db, TODAY), ...(await morePages())].filter((page) => only === undefined || page.label.includes(only));
const quantile = (sorted: number[], q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
console.log(`${'page'.padEnd(52)} ${'median ms'.padStart(10)} ${'p99 ms'.padStart(8)} ${'CPU ms'.padStart(8)} ${'KiB'.padStart(6)}`);
/** CPU milliseconds this process spent since `from`. */
const cpuSince = (from: NodeJS.CpuUsage) => {
  const used = process.cpuUsage(from);
  return (used.user + used.system) / 1000;
};
for (const page of pages) {
  const first = await app.inject(page.path);
  if (first.statusCode !== 200) throw new Error(`${page.path}: ${first.statusCode} ${first.body.slice(0, 200)}`);
  for (let i = 0; i < WARM_UP; i++) await app.inject(page.path);
  const times: number[] = [];
  const cpu = process.cpuUsage();
  for (let i = 0; i < requests; i++) {
    const start = performance.now();
    await app.inject(page.path);
    times.push(performance.now() - start);
  }
  const cpuPerRequest = cpuSince(cpu) / requests;
  times.sort((a, b) => a - b);
  const kib = (Buffer.byteLength(first.body) / 1024).toFixed(0);
  console.log(
    `${page.label.padEnd(52)} ${quantile(times, 0.5).toFixed(2).padStart(10)} ${quantile(times, 0.99).toFixed(2).padStart(8)} ${cpuPerRequest.toFixed(2).padStart(8)} ${kib.padStart(6)}`,
  );
}
for (const days of only === undefined ? everyDay() : []) {
  const times: number[] = [];
  const cpu = process.cpuUsage();
  for (const page of days) {
    const start = performance.now();
    const res = await app.inject(page.path);
    times.push(performance.now() - start);
    if (res.statusCode !== 200) throw new Error(`${page.path}: ${res.statusCode}`);
  }
  times.sort((a, b) => a - b);
  const cpuPerRequest = cpuSince(cpu) / days.length;
  console.log(
    `${days[0]!.label.padEnd(52)} ${quantile(times, 0.5).toFixed(2).padStart(10)} ${quantile(times, 0.99).toFixed(2).padStart(8)} ${cpuPerRequest.toFixed(2).padStart(8)}  (${days.length} days)`,
  );
}
await app.close();
await world.runner.stop();
db.close();

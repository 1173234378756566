/**
 * `npm run bench [-- --write] [--runs 3] [--only core,live,ingest] [--keep]`, and for the parts:
 * core `[--seconds 10] [--page-seconds 3] [--scale 10]`, ingest `[--kafka-events 30000] [--http-events 5000]`.
 * `live` is the live pushes (bench/live.ts), `ingest` Kafka and HTTP ingestion (bench/ingest.ts).
 *
 * Measures Uptake on real SQLite files under os.tmpdir(): append and rebuild throughput, heatmap
 * and area latency over loopback on the large data set (alone and while `uptake rebuild` runs in
 * another process), the server's peak memory, and every page's latency at the demo size (what
 * `npm start` seeds). Every figure is the median of the runs, and every run is printed.
 * `--write` replaces the figures section of BENCHMARKS.md.
 */
import { rmSync } from 'node:fs';
import { loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { openBenchAccount } from './access.ts';
import { measureAppend } from './append.ts';
import { benchIngest } from './ingest.ts';
import { benchLive } from './live.ts';
import { makeDataset, rebuild } from './dataset.ts';
import { type Figure, format, type PageFigures } from './figures.ts';
import type { Load } from './load.ts';
import { cpuTimes, describeMachine, stealShare } from './machine.ts';
import { markdown, printTable, writeFigures } from './report.ts';
import { Workspace } from './sqlite.ts';
import { busiestArea, everyPage, withReadModels } from './pages.ts';
import { measurePages, measureWeb } from './web.ts';

/** The bench's parts, each writing its own section of BENCHMARKS.md: `--only ingest` runs one, `--only core,live` two. */
const PARTS = ['core', 'live', 'ingest'] as const;
type Part = (typeof PARTS)[number];

const { values } = parseArgs({
  options: {
    write: { type: 'boolean', default: false },
    runs: { type: 'string', default: '3' },
    seconds: { type: 'string', default: '10' },
    'page-seconds': { type: 'string', default: '3' },
    scale: { type: 'string', default: '10' },
    keep: { type: 'boolean', default: false },
    only: { type: 'string', default: PARTS.join(',') },
    'kafka-events': { type: 'string', default: '30000' },
    'http-events': { type: 'string', default: '5000' },
  },
});
const runs = Number(values.runs);
const seconds = Number(values.seconds);
const pageSeconds = Number(values['page-seconds']);
const scale = Number(values.scale);
if (!(Number.isInteger(runs) && runs >= 1)) throw new Error('--runs must be a whole number of at least 1');
if (!(seconds > 0 && pageSeconds > 0)) throw new Error('--seconds and --page-seconds must be positive numbers');
if (values.write && runs < 3) throw new Error('--write needs --runs 3 or more: every recorded figure is a median of at least three runs');
const parts = new Set(values.only.split(',').map((p) => p.trim()));
const unknown = [...parts].filter((p) => !(PARTS as readonly string[]).includes(p));
if (unknown.length > 0 || parts.size === 0) throw new Error(`--only takes parts among ${PARTS.join(', ')}; not ${unknown.join(', ')}`);
const kafkaEvents = Number(values['kafka-events']);
const httpEvents = Number(values['http-events']);
if (!(Number.isInteger(kafkaEvents) && kafkaEvents >= 2_000)) throw new Error('--kafka-events must be a whole number of at least 2,000');
if (!(Number.isInteger(httpEvents) && httpEvents >= 1_000 && httpEvents % 1_000 === 0))
  throw new Error('--http-events must be a whole number of thousands (the batches hold 1,000)');

/** The demo organisation `npm start` seeds into an empty store: the size every page is held to 50 ms p99 at. */
const DEMO_SCALE = 1;
const PAGE_TIMING = { warmUpSeconds: 1, seconds: pageSeconds };

/** Append, rebuild, the large data set's pages under load and during a rebuild, and every page at the demo size. */
async function benchCore(): Promise<void> {
  const began = performance.now();
  const loadAtStart = loadavg();
  const cpuAtStart = cpuTimes();
  const log = (line: string) => console.log(`[${((performance.now() - began) / 1000).toFixed(0).padStart(3)} s] ${line}`);
  const times = <T>(count: number, run: (index: number) => Promise<T>): Promise<T[]> =>
    Array.from({ length: count }, (_, i) => i + 1).reduce(
      async (done, index) => [...(await done), await run(index)],
      Promise.resolve([] as T[]),
    );

  const machine = describeMachine();
  const workspace = new Workspace();
  log(
    `${machine.cpus} × ${machine.cpuModel}, Node ${machine.node}, SQLite ${machine.sqlite}; load average ${loadAtStart.map((a) => a.toFixed(1)).join(' / ')}; files in ${workspace.dir}`,
  );

  try {
    const append = await times(runs, async (run) => {
      const perSecond = await measureAppend(workspace, run);
      log(`append run ${run}: ${format(perSecond)} events/s`);
      return perSecond;
    });

    const today = new Date().toISOString().slice(0, 10);
    log(`seeding scale ${scale} for ${today} (once; every run copies it)`);
    const dataset = await makeDataset(workspace, { scale, today });

    // Run 1 builds the read models from the events alone; its file is what later runs and the server start from.
    const served = workspace.file('caught-up.db');
    const rebuilds = await times(runs, async (run) => {
      const file = run === 1 ? workspace.copy(dataset.eventsOnly, 'caught-up.db') : workspace.copy(served, `rebuild-${run}.db`);
      const result = await rebuild(file);
      if (run > 1) rmSync(file);
      log(
        `rebuild run ${run}: ${format(result.events)} events in ${result.seconds.toFixed(1)} s = ${format(result.events / result.seconds)} events/s`,
      );
      return result;
    });
    const events = rebuilds[0]!.events;
    // After the rebuild runs, which copy this file: each copy the server gets has the account in it.
    const credentials = await openBenchAccount(served);

    const area = withReadModels(served, busiestArea);
    const paths = ['/', `/areas/${area.id}`] as const;
    const line = (l: Load) => `p50 ${l.p50} ms, p99 ${l.p99} ms, ${format(l.requestsPerSecond)} req/s`;
    const web = await times(runs, async (run) => {
      const file = workspace.copy(served, `serve-${run}.db`);
      const result = await measureWeb(file, credentials, paths, { warmUpSeconds: 2, seconds });
      rmSync(file);
      for (const path of paths) log(`web run ${run}: GET ${path}: ${line(result.pages[path]!)}`);
      log(
        `web run ${run}: GET / during rebuild: ${line(result.duringRebuild)}; rebuild ${format(result.rebuildEventsPerSecond)} events/s; peak RSS ${result.peakRssWithRebuildMiB.toFixed(0)} MiB`,
      );
      return result;
    });

    log(`seeding the demo organisation (scale ${DEMO_SCALE}) for every page`);
    const demo = await makeDataset(workspace, { scale: DEMO_SCALE, today });
    const demoServed = workspace.copy(demo.eventsOnly, 'demo.db');
    const demoEvents = (await rebuild(demoServed)).events;
    const demoCredentials = await openBenchAccount(demoServed);
    const pages = withReadModels(demoServed, (db) => everyPage(db, today));
    const pageRuns = await times(runs, async (run) => {
      const file = workspace.copy(demoServed, `demo-${run}.db`);
      const result = await measurePages(
        file,
        demoCredentials,
        pages.map((p) => p.path),
        PAGE_TIMING,
      );
      rmSync(file);
      for (const page of pages) log(`page run ${run}: ${page.label}: ${line(result[page.path]!)}`);
      return result;
    });

    const { seeded } = dataset;
    const latency = (label: string, loads: Load[], target?: number): PageFigures => ({
      name: label,
      p50: { name: `${label} p50`, unit: 'ms', runs: loads.map((l) => l.p50) },
      p99: {
        name: `${label} p99`,
        unit: 'ms',
        runs: loads.map((l) => l.p99),
        ...(target ? { target: { kind: 'max' as const, value: target } } : {}),
      },
      throughput: { name: `${label} throughput`, unit: 'req/s', runs: loads.map((l) => l.requestsPerSecond) },
    });
    const asFigures = ({ p50, p99, throughput }: PageFigures): Figure[] => [p50, p99, throughput];
    const figures: Figure[] = [
      { name: 'SQLite append, 500 events per call', unit: 'events/s', runs: append, target: { kind: 'min', value: 50_000 } },
      {
        name: `Full rebuild (reset + replay), ${format(events)} events`,
        unit: 'events/s',
        runs: rebuilds.map((r) => r.events / r.seconds),
        target: { kind: 'min', value: 200_000 },
      },
      ...asFigures(
        latency(
          'GET / (heatmap)',
          web.map((r) => r.pages['/']!),
          25,
        ),
      ),
      ...asFigures(
        latency(
          `GET /areas/:id (${area.count} teams)`,
          web.map((r) => r.pages[paths[1]]!),
        ),
      ),
      ...asFigures(
        latency(
          'GET / while `uptake rebuild` runs',
          web.map((r) => r.duringRebuild),
          25,
        ),
      ),
      { name: 'Rebuild while the server is loaded', unit: 'events/s', runs: web.map((r) => r.rebuildEventsPerSecond) },
      { name: 'Server peak RSS (VmHWM)', unit: 'MiB', runs: web.map((r) => r.peakRssWithRebuildMiB), target: { kind: 'max', value: 256 } },
    ];
    // `/healthz` is the floor the pages are compared with, not a page: it has no target.
    const pageFigures = pages.map((page) =>
      latency(
        page.label,
        pageRuns.map((r) => r[page.path]!),
        page.path === '/healthz' ? undefined : 50,
      ),
    );

    const failures = (label: string, run: number, loads: [string, Load][]) =>
      loads
        .filter(([, l]) => l.failures > 0)
        .map(
          ([path, l]) =>
            `${label} run ${run}: GET ${path}: ${l.failures} of ${l.requests} requests failed (non-2xx or without the signed-in page, error or timeout)`,
        );
    const failed = [
      ...web.flatMap((r, i) => failures('web', i + 1, [...Object.entries(r.pages), ['/ during rebuild', r.duringRebuild]])),
      ...pageRuns.flatMap((r, i) => failures('page', i + 1, Object.entries(r))),
    ];
    const minutes = (performance.now() - began) / 60_000;
    console.log('');
    printTable(figures, pageFigures);
    for (const warning of failed) console.log(`WARNING ${warning}`);
    log(`done in ${minutes.toFixed(1)} minutes`);

    if (values.write) {
      const data =
        `${format(events)} events from \`uptake seed\` (seed 42, scale ${scale}, today ${today}): ${seeded.areas} areas, ${seeded.teams} teams, ` +
        `${seeded.coaches} coaches, ${format(seeded.stakeholders)} stakeholders, ${seeded.signals} resistance signals, ${seeded.cycles} cycles`;
      const file = fileURLToPath(new URL('../BENCHMARKS.md', import.meta.url));
      const pagesData =
        `${format(demoEvents)} events from \`uptake seed\` (seed 42, scale ${DEMO_SCALE}, the organisation \`npm start\` seeds: ${demo.seeded.areas} areas, ${demo.seeded.teams} teams, ` +
        `${demo.seeded.coaches} coaches, ${demo.seeded.stakeholders} stakeholders, ${demo.seeded.signals} resistance signals); 10 connections, ` +
        `${PAGE_TIMING.seconds} s per page after a ${PAGE_TIMING.warmUpSeconds} s warm-up; each page shows the heaviest subject in the read models.`;
      writeFigures(
        file,
        markdown({
          date: today,
          machine,
          data,
          figures,
          pagesData,
          pages: pageFigures,
          warnings: failed,
          minutes,
          loadAverages: { start: loadAtStart, end: loadavg() },
          steal: stealShare(cpuAtStart, cpuTimes()),
        }),
      );
      log(`wrote the figures into ${file}`);
    }
  } finally {
    if (values.keep) log(`kept ${workspace.dir}`);
    else workspace.remove();
  }
}

for (const part of PARTS.filter((p): p is Part => parts.has(p))) {
  if (part === 'core') await benchCore();
  if (part === 'live') await benchLive({ runs, write: values.write, keep: values.keep });
  if (part === 'ingest') await benchIngest({ runs, write: values.write, keep: values.keep, kafkaEvents, httpEvents });
}

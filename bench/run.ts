/**
 * `npm run bench [-- --write] [--runs 3] [--only core,live,ingest] [--keep]`, and for the parts:
 * core `[--sizes demo,large] [--scale 40] [--seconds 10] [--page-seconds 3]`, ingest `[--kafka-events 30000] [--http-events 5000]`.
 * `live` is the live pushes (bench/live.ts), `ingest` Kafka and HTTP ingestion (bench/ingest.ts).
 *
 * core measures Uptake on real SQLite files at two sizes, the demo organisation (scale 1, what
 * `npm start` seeds) and the large one (`--scale`, 40 by default: about a million events), each
 * figure beside its floor measured in the same run (bench/floors.ts, `/healthz`): append and
 * command handling, rebuild, every page in process and at 10 connections, the as-of pages, the
 * heatmap during a rebuild, and peak memory. Seeded files are cached between runs (bench/dataset.ts).
 * Every figure is the median of the runs, and every run is printed. `--write` replaces the
 * figures section of BENCHMARKS.md.
 */
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { openBenchAccount } from './access.ts';
import { measureAppend } from './append.ts';
import { reportBurst } from './burst.ts';
import { measureCommands } from './commands.ts';
import { cachedDataset, rebuild } from './dataset.ts';
import { type Figure, format, type PageFigures } from './figures.ts';
import { bareFold, bareScan } from './floors.ts';
import { benchIngest } from './ingest.ts';
import { injectMedians } from './inject.ts';
import { benchLive } from './live.ts';
import type { Load } from './load.ts';
import { startSection } from './machine.ts';
import { asOfPaths, everyPage, withReadModels } from './pages.ts';
import { catchUpRules } from './rules.ts';
import { loads, markdown, printSections, type SizeSection, writeFigures } from './report.ts';
import { Workspace } from './sqlite.ts';
import { measureServer, rebuildProcess, type ServerRun } from './web.ts';

/** The bench's parts, each writing its own section of BENCHMARKS.md: `--only ingest` runs one, `--only core,live` two. */
const PARTS = ['core', 'live', 'ingest'] as const;
type Part = (typeof PARTS)[number];
/** The core part's sizes: the demo organisation, and the large one `--scale` makes. */
const SIZES = ['demo', 'large'] as const;
type Size = (typeof SIZES)[number];

const { values } = parseArgs({
  options: {
    write: { type: 'boolean', default: false },
    runs: { type: 'string', default: '3' },
    seconds: { type: 'string', default: '10' },
    'page-seconds': { type: 'string', default: '3' },
    scale: { type: 'string', default: '40' },
    sizes: { type: 'string', default: SIZES.join(',') },
    keep: { type: 'boolean', default: false },
    only: { type: 'string', default: PARTS.join(',') },
    'kafka-events': { type: 'string', default: '30000' },
    'http-events': { type: 'string', default: '5000' },
  },
});
const runs = Number(values.runs);
const seconds = Number(values.seconds);
const pageSeconds = Number(values['page-seconds']);
const largeScale = Number(values.scale);
if (!(Number.isInteger(runs) && runs >= 1)) throw new Error('--runs must be a whole number of at least 1');
if (!(seconds > 0 && pageSeconds > 0)) throw new Error('--seconds and --page-seconds must be positive numbers');
if (!(largeScale > 1 && largeScale <= 100)) throw new Error('--scale (the large size) must be a number above 1 and at most 100');
if (values.write && runs < 3) throw new Error('--write needs --runs 3 or more: every recorded figure is a median of at least three runs');
const listOf = <T extends string>(option: string, given: string, known: readonly T[]): Set<T> => {
  const picked = new Set(given.split(',').map((p) => p.trim()));
  const unknown = [...picked].filter((p) => !(known as readonly string[]).includes(p));
  if (unknown.length > 0 || picked.size === 0) throw new Error(`--${option} takes some of ${known.join(', ')}; not ${unknown.join(', ')}`);
  return picked as Set<T>;
};
const parts = listOf('only', values.only, PARTS);
const sizes = listOf('sizes', values.sizes, SIZES);
if (values.write && parts.has('core') && sizes.size < SIZES.length)
  throw new Error('--write records both sizes: run core with every size (drop --sizes) to write its figures');
const kafkaEvents = Number(values['kafka-events']);
const httpEvents = Number(values['http-events']);
if (!(Number.isInteger(kafkaEvents) && kafkaEvents >= 2_000)) throw new Error('--kafka-events must be a whole number of at least 2,000');
if (!(Number.isInteger(httpEvents) && httpEvents >= 1_000 && httpEvents % 1_000 === 0))
  throw new Error('--http-events must be a whole number of thousands (the batches hold 1,000)');

const SCALES: Record<Size, number> = { demo: 1, large: largeScale };
/** The issue's targets per size: a page's in-process median, its p99 at 10 connections, the as-of pages' p99. */
const TARGETS: Record<Size, { inProcessMs: number; p99Ms: number; asOfP99Ms: number | undefined }> = {
  demo: { inProcessMs: 4, p99Ms: 50, asOfP99Ms: undefined },
  large: { inProcessMs: 8, p99Ms: 50, asOfP99Ms: 100 },
};
const MIB = { server: 256, rebuild: 512 };

type Log = (line: string) => void;
const times = <T>(count: number, run: (index: number) => Promise<T>): Promise<T[]> =>
  Array.from({ length: count }, (_, i) => i + 1).reduce(
    async (done, index) => [...(await done), await run(index)],
    Promise.resolve([] as T[]),
  );

/** What a size's runs give, besides its section: what the sizes are compared by. */
interface Measured {
  section: SizeSection;
  append: number[];
  commandsLong: number[];
  commandsSpread: number[];
  warnings: string[];
}

const line = (l: Load) => `p50 ${l.p50} ms, p99 ${l.p99} ms, ${format(l.requestsPerSecond)} req/s`;

/** Every figure of one size, on files seeded (or found cached) for it. */
async function benchSize(workspace: Workspace, size: Size, today: string, log: Log): Promise<Measured> {
  const scale = SCALES[size];
  const say = (text: string) => log(`${size}: ${text}`);
  const dataset = await cachedDataset({ scale, today }, say);
  const events = dataset.events;

  const appends = await times(runs, async (run) => {
    const result = await measureAppend(workspace, run, dataset.eventsOnly);
    say(`append run ${run}: ${format(result.perSecond)} events/s; bare insert ${format(result.floorPerSecond)} events/s`);
    return result;
  });

  // Run 1 builds the read models from the events alone; its file is what later runs, the pages and the server start from.
  const served = workspace.copy(dataset.eventsOnly, `${size}-caught-up.db`);
  const rebuilds = await times(runs, async (run) => {
    const file = run === 1 ? served : workspace.copy(served, `${size}-rebuild-${run}.db`);
    const result = await rebuild(file);
    if (run > 1) workspace.discard(file);
    const scan = bareScan(served);
    const fold = bareFold(served);
    const rate = (r: { events: number; seconds: number }) => r.events / r.seconds;
    say(
      `rebuild run ${run}: ${format(result.events)} events in ${result.seconds.toFixed(1)} s = ${format(rate(result))} events/s; bare scan ${format(rate(scan))}/s, bare fold ${format(rate(fold))}/s (${format(fold.held)} entries held)`,
    );
    return { rebuild: rate(result), scan: rate(scan), fold: rate(fold) };
  });
  const rebuildCopy = workspace.copy(served, `${size}-rebuild-process.db`);
  const rebuildRun = await rebuildProcess(rebuildCopy);
  workspace.discard(rebuildCopy);
  say(`uptake rebuild: ${rebuildRun.seconds.toFixed(1)} s, peak RSS ${rebuildRun.peakRssMiB.toFixed(0)} MiB`);

  // Once, as a long-running server would have: every server from here starts with the rules caught up.
  const rulesRun = await catchUpRules(served, today, (message) => say(`rules: ${message}`));
  say(
    `rules caught up: ${format(rulesRun.events)} events in ${rulesRun.seconds.toFixed(1)} s = ${format(rulesRun.events / rulesRun.seconds)} events/s; their commands recorded ${format(rulesRun.recorded)} events`,
  );

  const commands = await times(runs, async (run) => {
    const result = await measureCommands(workspace, served, today, run);
    say(
      `commands run ${run}: ${format(result.longStreamPerSecond)}/s on a ${format(result.longStreamEvents)}-event team stream (median ${result.longStreamMedianMs.toFixed(2)} ms), ${format(result.spreadPerSecond)}/s spread over teams (median ${result.spreadMedianMs.toFixed(2)} ms)`,
    );
    return result;
  });

  // After the runs that copy `served` bare: each copy from here has the bench's account in it.
  const credentials = await openBenchAccount(served);
  const pages = withReadModels(served, (db) => everyPage(db, today));
  const asOf = withReadModels(served, (db) => asOfPaths(db, today));
  const paths = pages.map((p) => p.path);

  const inProcess = await times(runs, async (run) => {
    const file = workspace.copy(served, `${size}-inject-${run}.db`);
    const medians = await injectMedians(file, today, paths);
    workspace.discard(file);
    say(`in process run ${run}: ${pages.map((p) => `${p.path.split('?')[0]} ${medians[p.path]!.toFixed(2)} ms`).join(', ')}`);
    return medians;
  });

  const servers = await times(runs, async (run): Promise<ServerRun> => {
    const file = workspace.copy(served, `${size}-serve-${run}.db`);
    const burst = await reportBurst(file, asOf.cycleId, today, run);
    const result = await measureServer(file, credentials, {
      paths,
      mixes: { heatmap: asOf.heatmap, area: asOf.area },
      timing: { warmUpSeconds: 1, seconds: pageSeconds },
      rebuildSeconds: seconds,
      burst,
    });
    workspace.discard(file);
    for (const page of pages) say(`server run ${run}: ${page.label}: ${line(result.pages[page.path]!)}`);
    for (const [name, l] of Object.entries(result.mixes)) say(`server run ${run}: ${name} as of ${asOf.dates} past dates: ${line(l)}`);
    say(
      `server run ${run}: burst ${format(result.burstPerSecond)} events/s, RSS serving ${result.servingRssMiB.toFixed(0)} MiB, after the burst ${result.burstRssMiB.toFixed(0)} MiB, with a rebuild ${result.rebuildRssMiB.toFixed(0)} MiB; GET / during the rebuild: ${line(result.duringRebuild)}`,
    );
    return result;
  });

  const target = TARGETS[size];
  /** A latency over loads that had failed requests is no figure of the page (bench/load.ts). */
  const validity = (loads: Load[]): Partial<Figure> => {
    const failed = loads.filter((l) => l.failures > 0).length;
    return failed === 0 ? {} : { invalid: `requests failed in ${failed} of ${loads.length} runs` };
  };
  const healthz = '/healthz';
  const ms = (name: string, values: number[], extra: Partial<Figure> = {}): Figure => ({ name, unit: 'ms', runs: values, ...extra });
  const p99Of = (path: string) => servers.map((s) => s.pages[path]!.p99);
  const pageFigures: PageFigures[] = pages.map((page) => {
    const isFloor = page.path === healthz;
    const inProcessRuns = inProcess.map((m) => m[page.path]!);
    const loads = servers.map((s) => s.pages[page.path]!);
    return {
      name: page.label,
      inProcess: ms(`${page.label} in process`, inProcessRuns, {
        digits: 2,
        ...(!isFloor && {
          target: { kind: 'max', value: target.inProcessMs },
          floor: { name: '/healthz', runs: inProcess.map((m) => m[healthz]!) },
        }),
      }),
      p50: ms(
        `${page.label} p50`,
        loads.map((l) => l.p50),
      ),
      p99: ms(`${page.label} p99`, p99Of(page.path), {
        ...validity(loads),
        ...(!isFloor && { target: { kind: 'max', value: target.p99Ms }, floor: { name: '/healthz', runs: p99Of(healthz) } }),
      }),
      throughput: { name: `${page.label} throughput`, unit: 'req/s', runs: loads.map((l) => l.requestsPerSecond) },
    };
  });

  const heatmapAlone = p99Of('/');
  const asOfTarget = target.asOfP99Ms === undefined ? {} : { target: { kind: 'max' as const, value: target.asOfP99Ms } };
  const duringRebuild = servers.map((s) => s.duringRebuild.p99);
  const rebuildLoaded = servers.flatMap((s) => (s.rebuildEventsPerSecond === null ? [] : [s.rebuildEventsPerSecond]));
  const figures: Figure[] = [
    {
      name: `Append 100,000 events, 500 per call, to the ${format(events)}-event file`,
      unit: 'events/s',
      runs: appends.map((a) => a.perSecond),
      floor: { name: 'bare insert', runs: appends.map((a) => a.floorPerSecond) },
    },
    {
      name: `Full rebuild (reset + replay), ${format(events)} events`,
      unit: 'events/s',
      runs: rebuilds.map((r) => r.rebuild),
      target: { kind: 'min', value: 200_000 },
      floor: { name: 'bare scan + JSON.parse', runs: rebuilds.map((r) => r.scan) },
    },
    {
      name: 'Full rebuild, beside the bare fold',
      unit: 'events/s',
      runs: rebuilds.map((r) => r.rebuild),
      floor: { name: 'bare scan + JSON.parse + fold into Maps', runs: rebuilds.map((r) => r.fold) },
    },
    {
      name: 'Full rebuild, share of the bare scan',
      unit: '×',
      digits: 2,
      runs: rebuilds.map((r) => r.rebuild / r.scan),
      target: { kind: 'min', value: 0.5 },
    },
    { name: '`uptake rebuild` process, wall time (one run)', unit: 's', digits: 1, runs: [rebuildRun.seconds] },
    {
      name: '`uptake rebuild` process, peak RSS (one run)',
      unit: 'MiB',
      runs: [rebuildRun.peakRssMiB],
      target: { kind: 'max', value: MIB.rebuild },
    },
    {
      name: `Rules caught up from the first event, ${format(rulesRun.events)} events (one run)`,
      unit: 'events/s',
      runs: [rulesRun.events / rulesRun.seconds],
    },
    {
      name: `Command on the longest team stream (${format(commands[0]!.longStreamEvents)} events)`,
      unit: 'commands/s',
      runs: commands.map((c) => c.longStreamPerSecond),
    },
    ms(
      'Command on the longest team stream, median',
      commands.map((c) => c.longStreamMedianMs),
      { digits: 2 },
    ),
    { name: 'Commands spread over every team', unit: 'commands/s', runs: commands.map((c) => c.spreadPerSecond) },
    ms(
      'Commands spread over every team, median',
      commands.map((c) => c.spreadMedianMs),
      { digits: 2 },
    ),
    ms(
      `GET / as of ${asOf.dates} dates in the last two years, p99`,
      servers.map((s) => s.mixes.heatmap!.p99),
      {
        ...asOfTarget,
        floor: { name: '/healthz', runs: p99Of(healthz) },
      },
    ),
    ms(
      `GET /areas/:id as of those dates, p99`,
      servers.map((s) => s.mixes.area!.p99),
      {
        ...asOfTarget,
        floor: { name: '/healthz', runs: p99Of(healthz) },
      },
    ),
    ms('GET / while `uptake rebuild` runs, p99', duringRebuild, {
      floor: { name: 'GET / alone', runs: heatmapAlone },
      ...validity(servers.map((s) => s.duringRebuild)),
    }),
    {
      ...validity(servers.flatMap((s) => [s.duringRebuild, s.pages['/']!])),
      name: 'GET / p99 during a rebuild ÷ without',
      unit: '×',
      digits: 2,
      runs: duringRebuild.map((d, i) => d / heatmapAlone[i]!),
      target: { kind: 'max', value: 1.5 },
    },
    ...(rebuildLoaded.length > 0 ? [{ name: 'Rebuild while the server is loaded', unit: 'events/s', runs: rebuildLoaded }] : []),
    { name: 'Burst of writes (target rate 1,000 events/s), achieved', unit: 'events/s', runs: servers.map((s) => s.burstPerSecond) },
    {
      name: 'Server peak RSS, serving',
      unit: 'MiB',
      runs: servers.map((s) => s.servingRssMiB),
      target: { kind: 'max', value: MIB.server },
    },
    {
      name: 'Server peak RSS, after the burst of writes',
      unit: 'MiB',
      runs: servers.map((s) => s.burstRssMiB),
      target: { kind: 'max', value: MIB.server },
    },
    {
      name: 'Server peak RSS, after the load during a rebuild',
      unit: 'MiB',
      runs: servers.map((s) => s.rebuildRssMiB),
      target: { kind: 'max', value: MIB.server },
    },
  ];

  const failures = (run: number, loads: [string, Load][]) =>
    loads
      .filter(([, l]) => l.failures > 0)
      .map(([path, l]) =>
        l.requests === 0
          ? `${size} server run ${run}: GET ${path}: no answer within the window`
          : `${size} server run ${run}: GET ${path}: ${l.failures} of ${l.requests} requests failed (non-2xx or without the signed-in page, error or timeout)`,
      );
  const warnings = servers.flatMap((s, i) =>
    failures(i + 1, [
      ...Object.entries(s.pages),
      ...Object.entries(s.mixes).map(([name, l]): [string, Load] => [`${name} as of past dates`, l]),
      ['/ during rebuild', s.duringRebuild],
    ]),
  );
  const { seeded } = dataset;
  const title = size === 'demo' ? `Demo size (scale ${scale})` : `Large size (scale ${scale})`;
  return {
    section: {
      title,
      data:
        `${format(events)} events from \`uptake seed\` (seed 42, scale ${scale}, seeded for ${dataset.today} in ${dataset.seedSeconds.toFixed(0)} s): ${seeded.areas} areas, ${seeded.teams} teams, ` +
        `${seeded.coaches} coaches, ${format(seeded.stakeholders)} stakeholders, ${seeded.signals} resistance signals, ${seeded.cycles} cycles`,
      figures,
      pagesData:
        `in process: sequential \`app.inject\` after 10 warm-up requests, up to 200 requests or 3 s per page; at 10 connections: ${pageSeconds} s per page after a 1 s warm-up; ` +
        'each page shows the heaviest subject in the read models.',
      pages: pageFigures,
    },
    append: appends.map((a) => a.perSecond),
    commandsLong: commands.map((c) => c.longStreamPerSecond),
    commandsSpread: commands.map((c) => c.spreadPerSecond),
    warnings,
  };
}

/** Both sizes (or those picked), then what compares them. */
async function benchCore(): Promise<void> {
  const { machine, log, finish } = startSection();
  const workspace = new Workspace();
  log(`files in ${workspace.dir}`);
  const today = new Date().toISOString().slice(0, 10);
  try {
    const measured: Partial<Record<Size, Measured>> = {};
    for (const size of SIZES.filter((s) => sizes.has(s))) measured[size] = await benchSize(workspace, size, today, log);
    const { demo, large } = measured;
    const share = (name: string, of: (m: Measured) => number[]): Figure => ({
      name,
      unit: '×',
      digits: 2,
      runs: of(large!).map((value, i) => value / of(demo!)[i]!),
      target: { kind: 'min', value: 0.8 },
    });
    const across =
      demo && large
        ? [
            share('Append at the large size ÷ at the demo size', (m) => m.append),
            share('Command on the longest team stream, large ÷ demo', (m) => m.commandsLong),
            share('Commands spread over every team, large ÷ demo', (m) => m.commandsSpread),
          ]
        : [];
    const sections = Object.values(measured).map((m) => m.section);
    const warnings = Object.values(measured).flatMap((m) => m.warnings);
    const { minutes, loadAverages, steal } = finish();
    printSections(sections, across);
    for (const warning of warnings) console.log(`WARNING ${warning}`);
    log(
      `done in ${minutes.toFixed(1)} minutes; load average ${loads(loadAverages.end)} at the end (${loads(loadAverages.start)} at the start), steal ${steal.toFixed(1)} % of CPU time`,
    );
    if (values.write) {
      const file = fileURLToPath(new URL('../BENCHMARKS.md', import.meta.url));
      writeFigures(
        file,
        markdown({
          date: today,
          machine,
          sizes: sections,
          across,
          warnings,
          minutes,
          loadAverages,
          steal,
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

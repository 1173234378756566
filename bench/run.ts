/**
 * `npm run bench [-- --write] [--runs 3] [--seconds 10] [--scale 10] [--keep]`
 *
 * Measures Uptake on real SQLite files under os.tmpdir(): append and rebuild throughput, page
 * latency over loopback (alone and while `uptake rebuild` runs in another process) and the
 * server's peak memory. Every figure is the median of the runs, and every run is printed.
 * `--write` replaces the figures section of BENCHMARKS.md.
 */
import { rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { measureAppend } from './append.ts';
import { makeDataset, rebuild } from './dataset.ts';
import { type Figure, format } from './figures.ts';
import type { Load } from './load.ts';
import { describeMachine } from './machine.ts';
import { markdown, printTable, writeFigures } from './report.ts';
import { Workspace } from './sqlite.ts';
import { busiestArea, measureWeb, type WebRun } from './web.ts';

const { values } = parseArgs({
  options: {
    write: { type: 'boolean', default: false },
    runs: { type: 'string', default: '3' },
    seconds: { type: 'string', default: '10' },
    scale: { type: 'string', default: '10' },
    keep: { type: 'boolean', default: false },
  },
});
const runs = Number(values.runs);
const seconds = Number(values.seconds);
const scale = Number(values.scale);
if (!(Number.isInteger(runs) && runs >= 1)) throw new Error('--runs must be a whole number of at least 1');
if (values.write && runs < 3) throw new Error('--write needs --runs 3 or more: every recorded figure is a median of at least three runs');

const began = performance.now();
const log = (line: string) => console.log(`[${((performance.now() - began) / 1000).toFixed(0).padStart(3)} s] ${line}`);
const times = <T>(count: number, run: (index: number) => Promise<T>): Promise<T[]> =>
  Array.from({ length: count }, (_, i) => i + 1).reduce(async (done, index) => [...(await done), await run(index)], Promise.resolve([] as T[]));

const machine = describeMachine();
const workspace = new Workspace();
log(`${machine.cpus} × ${machine.cpuModel}, Node ${machine.node}, SQLite ${machine.sqlite}; files in ${workspace.dir}`);

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
    log(`rebuild run ${run}: ${format(result.events)} events in ${result.seconds.toFixed(1)} s = ${format(result.events / result.seconds)} events/s`);
    return result;
  });
  const events = rebuilds[0]!.events;

  const area = await busiestArea(served, today);
  const paths = ['/', `/areas/${area.areaId}`, '/healthz'] as const;
  const web = await times(runs, async (run) => {
    const file = workspace.copy(served, `serve-${run}.db`);
    const result = await measureWeb(file, paths, seconds);
    rmSync(file);
    const line = (l: Load) => `p50 ${l.p50} ms, p99 ${l.p99} ms, ${format(l.requestsPerSecond)} req/s`;
    for (const path of paths) log(`web run ${run}: GET ${path}: ${line(result.pages[path]!)}`);
    log(`web run ${run}: GET / during rebuild: ${line(result.duringRebuild)}; rebuild ${format(result.rebuildEventsPerSecond)} events/s; peak RSS ${result.peakRssWithRebuildMiB.toFixed(0)} MiB`);
    return result;
  });

  const { seeded } = dataset;
  const pageFigures = (label: string, pick: (run: WebRun) => Load, target?: number): Figure[] => [
    { name: `${label} p50`, unit: 'ms', runs: web.map((r) => pick(r).p50) },
    { name: `${label} p99`, unit: 'ms', runs: web.map((r) => pick(r).p99), ...(target ? { target: { kind: 'max' as const, value: target } } : {}) },
    { name: `${label} throughput`, unit: 'req/s', runs: web.map((r) => pick(r).requestsPerSecond) },
  ];
  const figures: Figure[] = [
    { name: 'SQLite append, 500 events per call', unit: 'events/s', runs: append, target: { kind: 'min', value: 50_000 } },
    { name: `Full rebuild (reset + replay), ${format(events)} events`, unit: 'events/s', runs: rebuilds.map((r) => r.events / r.seconds), target: { kind: 'min', value: 200_000 } },
    ...pageFigures('GET / (heatmap)', (r) => r.pages['/']!, 25),
    ...pageFigures(`GET /areas/:id (${area.teams} teams)`, (r) => r.pages[paths[1]]!),
    ...pageFigures('GET /healthz', (r) => r.pages['/healthz']!),
    ...pageFigures('GET / while `uptake rebuild` runs', (r) => r.duringRebuild, 25),
    { name: 'Rebuild while the server is loaded', unit: 'events/s', runs: web.map((r) => r.rebuildEventsPerSecond) },
    { name: 'Server peak RSS (VmHWM)', unit: 'MiB', runs: web.map((r) => r.peakRssWithRebuildMiB), target: { kind: 'max', value: 256 } },
  ];

  const failed = web.flatMap((r, i) =>
    [...Object.entries(r.pages), ['/ during rebuild', r.duringRebuild] as const]
      .filter(([, l]) => l.failures > 0)
      .map(([path, l]) => `web run ${i + 1}: GET ${path}: ${l.failures} of ${l.requests} requests failed (non-2xx, error or timeout)`),
  );
  const minutes = (performance.now() - began) / 60_000;
  console.log('');
  printTable(figures);
  for (const warning of failed) console.log(`WARNING ${warning}`);
  log(`done in ${minutes.toFixed(1)} minutes`);

  if (values.write) {
    const data =
      `${format(events)} events from \`uptake seed\` (seed 42, scale ${scale}, today ${today}): ${seeded.areas} areas, ${seeded.teams} teams, ` +
      `${seeded.coaches} coaches, ${format(seeded.stakeholders)} stakeholders, ${seeded.signals} resistance signals, ${seeded.cycles} cycles`;
    const file = fileURLToPath(new URL('../BENCHMARKS.md', import.meta.url));
    writeFigures(file, markdown({ date: today, machine, data, figures, warnings: failed, minutes }));
    log(`wrote the figures into ${file}`);
  }
} finally {
  if (values.keep) log(`kept ${workspace.dir}`);
  else workspace.remove();
}

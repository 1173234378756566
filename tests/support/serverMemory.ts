/**
 * The resident memory of `uptake serve` on a file: after start-up, after every page, after the
 * heatmap and the busiest area as of many past days, and while `uptake rebuild` replays the file.
 * VmRSS (now) and VmHWM (peak) from /proc, and the CPU time the server used.
 *
 *   npx tsx tests/support/serverMemory.ts <copy.db> [rounds]
 *
 * The file is changed (a bench account is opened in it): point it at a copy.
 */
import { readFileSync } from 'node:fs';
import { openBenchAccount, signIn } from '../../bench/access.ts';
import { asOfPaths, everyPage, withReadModels } from '../../bench/pages.ts';
import { exited, startServer, uptake } from '../../bench/server.ts';
import { SqliteHeatmapQueries } from '../../projections/index.ts';
import { addDays } from '../../src/adoption/calendar.ts';

const [file, roundsArg] = process.argv.slice(2);
if (file === undefined) throw new Error('usage: tsx tests/support/serverMemory.ts <copy.db> [rounds]');
const rounds = Number(roundsArg ?? 3);
const today = new Date().toISOString().slice(0, 10);

const memory = (pid: number) => {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kib = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+) kB$`, 'm').exec(status)?.[1] ?? Number.NaN);
  const mib = (field: string) => `${(kib(field) / 1024).toFixed(0)} MiB`;
  return `RSS ${mib('VmRSS')} (anon ${mib('RssAnon')}, file ${mib('RssFile')}), peak ${mib('VmHWM')}`;
};

/** With SNAPSHOT=<phase> (and the server started with --heapsnapshot-signal=SIGUSR2), a heap snapshot at that phase. */
const snapshot = async (phase: string) => {
  if (process.env.SNAPSHOT !== phase) return;
  process.kill(server.pid, 'SIGUSR2');
  await new Promise((resolve) => setTimeout(resolve, 20_000));
};

const credentials = await openBenchAccount(file);
const server = await startServer(file, { LOG_LEVEL: 'warn' });
try {
  console.log(`started: ${memory(server.pid)}`);
  await snapshot('start');
  const session = await signIn(server.url, credentials);
  const get = async (path: string) => {
    const answer = await fetch(server.url + path, { headers: { cookie: session.cookie }, redirect: 'manual' });
    await answer.arrayBuffer();
    if (answer.status !== 200) throw new Error(`${path}: ${answer.status}`);
  };
  const { pages, asOf, cycles } = withReadModels(file, (db) => ({
    pages: everyPage(db, today),
    asOf: asOfPaths(db, today),
    cycles: new SqliteHeatmapQueries(db).cycles(),
  }));
  for (let round = 1; round <= rounds; round++) {
    for (const page of pages) {
      await get(page.path);
      if (round === 1) console.log(`  ${page.label.padEnd(52)} ${memory(server.pid)}`);
    }
    console.log(`every page, round ${round}: ${memory(server.pid)}`);
  }
  await snapshot('pages');
  for (const path of [...asOf.heatmap, ...asOf.area]) await get(path);
  console.log(`${asOf.dates} past days, heatmap and area: ${memory(server.pid)}`);
  const weeks = Array.from({ length: 104 }, (_, i) => addDays(today, -7 * i - 3));
  for (const day of weeks) {
    const cycle = cycles.find((c) => c.startsOn <= day && day <= c.endsOn)?.cycleId ?? asOf.cycleId;
    await get(`/?${new URLSearchParams({ cycle, asOf: day }).toString()}`);
  }
  console.log(`${weeks.length} more heatmaps as of a past day: ${memory(server.pid)}`);
  await snapshot('end');
  // `uptake rebuild` in its own process on the same file, the heatmap loaded meanwhile.
  const rebuild = uptake('rebuild', { UPTAKE_DB: file, LOG_LEVEL: 'warn' });
  const rebuilt = exited(rebuild);
  let during = 0;
  // The area may be missing while its tables are replayed: only the heatmap, as the bench loads it.
  // As the bench does, the load starts once the replay is under way (the rebuild's reset needs a moment without readers).
  await new Promise((resolve) => setTimeout(resolve, 5000));
  for (; rebuild.exitCode === null; during++) await get('/');
  const { code, stderr } = await rebuilt;
  if (code !== 0) throw new Error(`uptake rebuild exited with ${code}: ${stderr}`);
  console.log(`${during} pages during a rebuild: ${memory(server.pid)}`);
  const [user, system] = readFileSync(`/proc/${server.pid}/stat`, 'utf8').split(') ')[1]!.split(' ').slice(11, 13).map(Number);
  console.log(`CPU used by the server: ${((user! + system!) / 100).toFixed(1)} s`);
} finally {
  await server.stop();
}

import { setTimeout as sleep } from 'node:timers/promises';
import Database from 'better-sqlite3';
import { load, type Load } from './load.ts';
import { exited, peakRssMiB, type RunningServer, startServer, uptake } from './server.ts';

/** How long each path is loaded: a warm-up (not measured), then the measured window. */
export interface Timing {
  warmUpSeconds: number;
  seconds: number;
}

/** Warms every path up first (JIT, caches), then loads each in turn; latencies by path. */
async function loadEach(
  server: RunningServer,
  paths: readonly string[],
  { warmUpSeconds, seconds }: Timing,
): Promise<Record<string, Load>> {
  for (const path of paths) await load(server.url + path, { seconds: warmUpSeconds });
  const pages: Record<string, Load> = {};
  for (const path of paths) pages[path] = await load(server.url + path, { seconds });
  return pages;
}

async function withServer<T>(file: string, work: (server: RunningServer) => Promise<T>): Promise<T> {
  const server = await startServer(file);
  try {
    return await work(server);
  } finally {
    await server.stop();
  }
}

/** One server on its own copy of the data, each path loaded in turn. */
export const measurePages = (file: string, paths: readonly string[], timing: Timing): Promise<Record<string, Load>> =>
  withServer(file, (server) => loadEach(server, paths, timing));

/** Reads the rebuild's progress from the file, as another process sees it. */
function rebuildProgress(file: string): { rebuilding: boolean; position: number } {
  const db = new Database(file, { readonly: true, fileMustExist: true });
  try {
    const row = db
      .prepare('SELECT max(rebuilding) AS rebuilding, min(CAST(position AS INTEGER)) AS position FROM projection_checkpoints')
      .get() as {
      rebuilding: number;
      position: number;
    };
    return { rebuilding: row.rebuilding === 1, position: row.position };
  } finally {
    db.close();
  }
}

export interface WebRun {
  pages: Record<string, Load>;
  /** VmHWM after the steady load. */
  peakRssMiB: number;
  duringRebuild: Load;
  /** Events the rebuild replayed per second while the load ran. */
  rebuildEventsPerSecond: number;
  /** VmHWM after the load during the rebuild too. */
  peakRssWithRebuildMiB: number;
}

/**
 * One server on its own copy of the data: each path loaded in turn, then `uptake rebuild` in a
 * second process on the same file with the first path loaded again for `seconds` while it
 * replays (the rebuild is stopped after that window).
 */
export function measureWeb(file: string, paths: readonly string[], timing: Timing): Promise<WebRun> {
  return withServer(file, async (server) => {
    const pages = await loadEach(server, paths, timing);
    const peakRss = peakRssMiB(server.pid);

    const rebuild = uptake('rebuild', { UPTAKE_DB: file, LOG_LEVEL: 'warn' });
    const rebuildExit = exited(rebuild);
    let start = rebuildProgress(file);
    while (!(start.rebuilding && start.position > 0) && rebuild.exitCode === null) {
      await sleep(50);
      start = rebuildProgress(file);
    }
    if (rebuild.exitCode !== null) throw new Error(`uptake rebuild ended before the load started: ${(await rebuildExit).stderr}`);
    const startedAt = performance.now();
    const duringRebuild = await load(server.url + paths[0], { seconds: timing.seconds, until: rebuildExit });
    const end = rebuildProgress(file);
    const rebuildEventsPerSecond = (end.position - start.position) / ((performance.now() - startedAt) / 1000);
    rebuild.kill('SIGTERM');
    await rebuildExit;
    return { pages, peakRssMiB: peakRss, duringRebuild, rebuildEventsPerSecond, peakRssWithRebuildMiB: peakRssMiB(server.pid) };
  });
}

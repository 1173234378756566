import { setTimeout as sleep } from 'node:timers/promises';
import Database from 'better-sqlite3';
import { SqliteHeatmapQueries } from '../projections/index.ts';
import { openStore } from './sqlite.ts';
import { load, type Load } from './load.ts';
import { exited, peakRssMiB, startServer, uptake } from './server.ts';

/** The area whose page lists the most teams: the heaviest area page in the data set. */
export async function busiestArea(file: string, today: string): Promise<{ areaId: string; teams: number }> {
  const { db, close } = openStore(file);
  try {
    const queries = new SqliteHeatmapQueries(db);
    const cycle = queries.defaultCycle(today);
    if (!cycle) throw new Error('the data set has no cycle');
    const areas = queries.heatmap(cycle.cycleId, today)?.areas ?? [];
    const sized = areas.map((a) => ({ areaId: a.areaId, teams: queries.area(a.areaId, cycle.cycleId, today)?.teams.length ?? 0 }));
    const busiest = sized.sort((a, b) => b.teams - a.teams)[0];
    if (!busiest) throw new Error('the data set has no area');
    return busiest;
  } finally {
    await close();
  }
}

/** Reads the rebuild's progress from the file, as another process sees it. */
function rebuildProgress(file: string): { rebuilding: boolean; position: number } {
  const db = new Database(file, { readonly: true, fileMustExist: true });
  try {
    const row = db.prepare('SELECT max(rebuilding) AS rebuilding, min(CAST(position AS INTEGER)) AS position FROM projection_checkpoints').get() as {
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
 * One server on its own copy of the data: a short warm-up, `seconds` of load on each path in
 * turn, then `uptake rebuild` in a second process on the same file with the heatmap loaded
 * again for `seconds` while it replays (the rebuild is stopped after that window).
 */
export async function measureWeb(file: string, paths: readonly string[], seconds: number): Promise<WebRun> {
  const server = await startServer(file);
  try {
    for (const path of paths) await load(server.url + path, { seconds: 2 });
    const pages: Record<string, Load> = {};
    for (const path of paths) pages[path] = await load(server.url + path, { seconds });
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
    const duringRebuild = await load(server.url + paths[0], { seconds, until: rebuildExit });
    const end = rebuildProgress(file);
    const rebuildEventsPerSecond = (end.position - start.position) / ((performance.now() - startedAt) / 1000);
    rebuild.kill('SIGTERM');
    await rebuildExit;
    return { pages, peakRssMiB: peakRss, duringRebuild, rebuildEventsPerSecond, peakRssWithRebuildMiB: peakRssMiB(server.pid) };
  } finally {
    await server.stop();
  }
}

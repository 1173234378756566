import { setTimeout as sleep } from 'node:timers/promises';
import Database from 'better-sqlite3';
import { type Credentials, type Session, SIGNED_IN_MARKER, signIn } from './access.ts';
import { heatmapColumns } from '../src/overview/heatmapExport.ts';
import { signalColumns } from '../src/resistance/export.ts';
import { csvRecord } from '../src/shared/csv.ts';
import { stakeholderColumns } from '../src/stakeholder/export.ts';
import { load, type Load } from './load.ts';
import { exited, idle, peakRssMiB, type RunningServer, startServer, uptake } from './server.ts';

/** How long each path is loaded: a warm-up (not measured), then the measured window. */
export interface Timing {
  warmUpSeconds: number;
  seconds: number;
}

/** Each CSV download's header row: what its answer must start with (after the BOM) to count. */
const csvMarkers: [string, string][] = [
  ['/heatmap.csv', csvRecord(heatmapColumns.map((c) => c.heading))],
  ['/resistance.csv', csvRecord(signalColumns.map((c) => c.heading))],
  ['/stakeholders.csv', csvRecord(stakeholderColumns.map((c) => c.heading))],
];

/** What an answer of `path` must contain to count: the signed-in layout, /healthz's own JSON, or a download's header row. */
export const markerOf = (path: string) =>
  path === '/healthz' ? '"projectionsLag"' : (csvMarkers.find(([prefix]) => path.startsWith(prefix))?.[1] ?? SIGNED_IN_MARKER);

/** A signed-in GET of the path, as every loaded request is sent; each answer must be a 200 with the path's marker. */
const asSignedIn = (session: Session, path: string) => ({ headers: { cookie: session.cookie }, marker: markerOf(path) });

/** Fails the run unless the path answers this session with a 200 and its marker: the figures must be of real pages, not of a redirect to /signin. */
async function expectPage(server: RunningServer, session: Session, path: string): Promise<void> {
  const answer = await fetch(server.url + path, { headers: { cookie: session.cookie }, redirect: 'manual' });
  const body = await answer.text();
  if (answer.status !== 200 || !body.includes(markerOf(path)))
    throw new Error(`GET ${path} answered ${answer.status} without ${markerOf(path)}: ${body.slice(0, 200)}`);
}

/** Warms every path up first (JIT, caches), then loads each in turn; latencies by path. */
async function loadEach(
  server: RunningServer,
  session: Session,
  paths: readonly string[],
  { warmUpSeconds, seconds }: Timing,
): Promise<Record<string, Load>> {
  for (const path of paths) await expectPage(server, session, path);
  for (const path of paths) {
    await load(server.url + path, { seconds: warmUpSeconds, ...asSignedIn(session, path) });
    await idle(server.pid);
  }
  const pages: Record<string, Load> = {};
  for (const path of paths) {
    pages[path] = await load(server.url + path, { seconds, ...asSignedIn(session, path) });
    await idle(server.pid);
  }
  return pages;
}

/** One server on its own copy of the data, signed in as the bench's account. */
async function withServer<T>(
  file: string,
  credentials: Credentials,
  work: (server: RunningServer, session: Session) => Promise<T>,
): Promise<T> {
  const server = await startServer(file);
  try {
    return await work(server, await signIn(server.url, credentials));
  } finally {
    await server.stop();
  }
}

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

/** What a server run loads besides its pages. */
export interface ServerPlan {
  /** Every page, `/healthz` among them; the first is the heatmap, loaded again during the rebuild. */
  paths: readonly string[];
  /** Path lists each loaded as one (every connection cycling through its paths): the as-of pages. */
  mixes: Readonly<Record<string, readonly string[]>>;
  timing: Timing;
  /** How long the heatmap is loaded while `uptake rebuild` runs (it is stopped after). */
  rebuildSeconds: number;
  /** A burst of writes: `post(n)` sends the n-th batch of `batchSize`; `perSecond` events a second for `seconds`. */
  burst: { perSecond: number; batchSize: number; seconds: number; post: (url: string, n: number) => Promise<void> };
}

export interface ServerRun {
  pages: Record<string, Load>;
  mixes: Record<string, Load>;
  /** VmHWM after every page's load. */
  servingRssMiB: number;
  /** Events the burst stored per second (the target rate is the plan's), and VmHWM after it. */
  burstPerSecond: number;
  burstRssMiB: number;
  duringRebuild: Load;
  /** Events the rebuild replayed per second while the load ran (checkpoints moved), or null when they did not show it. */
  rebuildEventsPerSecond: number | null;
  /** VmHWM after the load during the rebuild too. */
  rebuildRssMiB: number;
}

/**
 * One server on its own copy of the data: each path loaded in turn and each mix, then a burst of
 * writes at the plan's rate, then `uptake rebuild` in a second process on the same file with the
 * first path loaded again for `rebuildSeconds` while it replays (the rebuild is stopped after that
 * window). The server's peak RSS is read after each stage.
 */
export function measureServer(file: string, credentials: Credentials, plan: ServerPlan): Promise<ServerRun> {
  return withServer(file, credentials, async (server, session) => {
    const { paths, mixes, timing, burst } = plan;
    const pages = await loadEach(server, session, paths, timing);
    const mixed: Record<string, Load> = {};
    for (const [name, list] of Object.entries(mixes)) {
      for (const path of list) await expectPage(server, session, path);
      await load(server.url, { seconds: timing.warmUpSeconds, paths: list, ...asSignedIn(session, list[0]!) });
      await idle(server.pid);
      mixed[name] = await load(server.url, { seconds: timing.seconds, paths: list, ...asSignedIn(session, list[0]!) });
      await idle(server.pid);
    }
    const servingRssMiB = peakRssMiB(server.pid);

    const burstStarted = performance.now();
    const sends: Promise<void>[] = [];
    const batches = Math.round((burst.perSecond * burst.seconds) / burst.batchSize);
    for (let n = 0; n < batches; n++) {
      const due = burstStarted + (n * burst.batchSize * 1000) / burst.perSecond;
      await sleep(Math.max(0, due - performance.now()));
      sends.push(burst.post(server.url, n));
    }
    await Promise.all(sends);
    const burstPerSecond = (batches * burst.batchSize) / ((performance.now() - burstStarted) / 1000);
    const burstRssMiB = peakRssMiB(server.pid);

    const rebuild = uptake('rebuild', { UPTAKE_DB: file, LOG_LEVEL: 'warn' });
    const rebuildExit = exited(rebuild);
    // Until the checkpoints show the replay under way, or 5 s if they never do (a rebuild that keeps its state elsewhere).
    const waitUntil = performance.now() + 5_000;
    let start = rebuildProgress(file);
    while (!(start.rebuilding && start.position > 0) && rebuild.exitCode === null && performance.now() < waitUntil) {
      await sleep(50);
      start = rebuildProgress(file);
    }
    if (rebuild.exitCode !== null) throw new Error(`uptake rebuild ended before the load started: ${(await rebuildExit).stderr}`);
    const startedAt = performance.now();
    const duringRebuild = await load(server.url + paths[0], {
      seconds: plan.rebuildSeconds,
      until: rebuildExit,
      ...asSignedIn(session, paths[0]!),
    });
    const end = rebuildProgress(file);
    const rebuildEventsPerSecond =
      start.rebuilding && end.position > start.position ? (end.position - start.position) / ((performance.now() - startedAt) / 1000) : null;
    rebuild.kill('SIGTERM');
    await rebuildExit;
    return {
      pages,
      mixes: mixed,
      servingRssMiB,
      burstPerSecond,
      burstRssMiB,
      duringRebuild,
      rebuildEventsPerSecond,
      rebuildRssMiB: peakRssMiB(server.pid),
    };
  });
}

/** A full `uptake rebuild` in its own process on `file`: its wall time and its peak RSS (VmHWM, read every 100 ms until it exits). */
export async function rebuildProcess(file: string): Promise<{ seconds: number; peakRssMiB: number }> {
  const started = performance.now();
  const child = uptake('rebuild', { UPTAKE_DB: file, LOG_LEVEL: 'warn' });
  const exit = exited(child);
  let peak = 0;
  while (child.exitCode === null) {
    try {
      peak = Math.max(peak, peakRssMiB(child.pid!));
    } catch {
      // Gone between the check and the read: the last reading stands.
    }
    await Promise.race([sleep(100), exit]);
  }
  const { code, stderr } = await exit;
  if (code !== 0) throw new Error(`uptake rebuild exited with ${code}: ${stderr}`);
  return { seconds: (performance.now() - started) / 1000, peakRssMiB: peak };
}

import { setTimeout as sleep } from 'node:timers/promises';
import Database from 'better-sqlite3';
import { type Credentials, type Session, SIGNED_IN_MARKER, signIn } from './access.ts';
import { load, type Load } from './load.ts';
import { exited, peakRssMiB, type RunningServer, startServer, uptake } from './server.ts';

/** How long each path is loaded: a warm-up (not measured), then the measured window. */
export interface Timing {
  warmUpSeconds: number;
  seconds: number;
}

/** What an answer of `path` must contain to count: the signed-in layout, or /healthz's own JSON. */
const markerOf = (path: string) => (path === '/healthz' ? '"projectionsLag"' : SIGNED_IN_MARKER);

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
  for (const path of paths) await load(server.url + path, { seconds: warmUpSeconds, ...asSignedIn(session, path) });
  const pages: Record<string, Load> = {};
  for (const path of paths) pages[path] = await load(server.url + path, { seconds, ...asSignedIn(session, path) });
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

/** One server on its own copy of the data, each path loaded in turn. */
export const measurePages = (
  file: string,
  credentials: Credentials,
  paths: readonly string[],
  timing: Timing,
): Promise<Record<string, Load>> => withServer(file, credentials, (server, session) => loadEach(server, session, paths, timing));

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
export function measureWeb(file: string, credentials: Credentials, paths: readonly string[], timing: Timing): Promise<WebRun> {
  return withServer(file, credentials, async (server, session) => {
    const pages = await loadEach(server, session, paths, timing);
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
    const duringRebuild = await load(server.url + paths[0], {
      seconds: timing.seconds,
      until: rebuildExit,
      ...asSignedIn(session, paths[0]!),
    });
    const end = rebuildProgress(file);
    const rebuildEventsPerSecond = (end.position - start.position) / ((performance.now() - startedAt) / 1000);
    rebuild.kill('SIGTERM');
    await rebuildExit;
    return { pages, peakRssMiB: peakRss, duringRebuild, rebuildEventsPerSecond, peakRssWithRebuildMiB: peakRssMiB(server.pid) };
  });
}

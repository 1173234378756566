/**
 * Live pushes under load. `uptake serve` on the demo organisation, with 100 sockets following the
 * heatmap and 20 following it as of 20 distinct past dates, opened from loopback addresses
 * 127.0.0.2, 127.0.0.3… twenty to an address and a signed-in session (the server's per-client
 * bound, whether a client is an address or a session), each with its page's `Origin`. Each write is a
 * resistance signal raised through the raise form (`POST /resistance`, as a browser without
 * JavaScript sends it), dated before every as-of date, so it changes every socket's page; the
 * figure is the time from sending the POST until every socket has received its push, while
 * autocannon loads `/healthz` on 10 connections. `/healthz` alone on the same server, before any
 * socket is open, is the floor.
 */
import { randomUUID } from 'node:crypto';
import { rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { type Credentials, openBenchAccount, type Session, signIn } from './access.ts';
import { cachedDataset, rebuild } from './dataset.ts';
import { type Figure, format, median } from './figures.ts';
import { load, type Load } from './load.ts';
import { startSection } from './machine.ts';
import { busiestArea, withReadModels } from './pages.ts';
import { figuresTable, loads, printFigures, writeSection } from './report.ts';
import { startServer } from './server.ts';
import { Workspace } from './sqlite.ts';

/** The part of `ws`'s client the bench uses (ws comes with @fastify/websocket and ships no types). */
interface WsClient {
  on(event: 'message', listener: () => void): void;
  on(event: 'open', listener: () => void): void;
  on(event: 'error', listener: (error: Error) => void): void;
  on(event: 'close', listener: (code: number, reason: Buffer) => void): void;
  terminate(): void;
}
type WsConstructor = new (url: string, options: { localAddress: string; headers: Record<string, string> }) => WsClient;
export const WebSocket = createRequire(import.meta.url)('ws') as WsConstructor;

export const HEATMAP_SOCKETS = 100;
export const AS_OF_SOCKETS = 20;
/** The server's default bounds (`LIVE_LIMITS`) per client, an address and a session here: each opens 20 sockets on at most 5 pages. */
const ADDRESSES = (HEATMAP_SOCKETS + AS_OF_SOCKETS) / 20;
const WRITES = 5;
/** Longer than the hub's coalescing (150 ms) and a push, so every write is pushed on its own. */
const BETWEEN_WRITES_MS = 1000;
const FLOOR_SECONDS = 3;

export interface LiveRun {
  /** Per write: ms from the POST until every socket has its push. */
  allDelivered: number[];
  /** Per write: ms from the POST until half the sockets have it. */
  halfDelivered: number[];
  floor: Load;
  during: Load;
}

interface Follower {
  received: number;
  /** Resolves when the socket has received its nth message. */
  arrival(n: number): Promise<number>;
  close(): void;
}

/** A socket as a signed-in page opens it: the session's cookie, the page's own origin, from `localAddress`. */
function follow(base: string, page: string, localAddress: string, session: Session): Promise<Follower> {
  const socket = new WebSocket(`${base.replace('http', 'ws')}/live?page=${encodeURIComponent(page)}`, {
    localAddress,
    headers: { cookie: session.cookie, origin: base },
  });
  const waiting = new Map<number, (at: number) => void>();
  const follower: Follower = {
    received: 0,
    arrival: (n) => (follower.received >= n ? Promise.resolve(performance.now()) : new Promise((resolve) => waiting.set(n, resolve))),
    close: () => socket.terminate(),
  };
  return new Promise((resolve, reject) => {
    socket.on('message', () => {
      follower.received++;
      waiting.get(follower.received)?.(performance.now());
      if (follower.received === 1) resolve(follower);
    });
    socket.on('error', reject);
    socket.on('close', (code, reason) => reject(new Error(`live socket for ${page} closed: ${code} ${reason.toString()}`)));
  });
}

const daysBefore = (day: string, days: number) => new Date(Date.parse(`${day}T00:00:00Z`) - days * 86_400_000).toISOString().slice(0, 10);

/** One server on its own copy of the demo data: the floor, then the sockets and the writes under load. */
export async function measureLive(
  file: string,
  credentials: Credentials,
  { today, areaId }: { today: string; areaId: string },
): Promise<LiveRun> {
  const server = await startServer(file);
  const followers: Follower[] = [];
  try {
    const sessions: Session[] = [];
    for (let a = 0; a < ADDRESSES; a++) sessions.push(await signIn(server.url, credentials));
    await load(`${server.url}/healthz`, { seconds: 1 });
    const floor = await load(`${server.url}/healthz`, { seconds: FLOOR_SECONDS });

    const pages = [
      ...Array.from({ length: HEATMAP_SOCKETS }, () => '/heatmap'),
      ...Array.from({ length: AS_OF_SOCKETS }, (_, i) => `/heatmap?asOf=${daysBefore(today, i + 1)}`),
    ];
    for (const [i, page] of pages.entries())
      followers.push(await follow(server.url, page, `127.0.0.${2 + (i % ADDRESSES)}`, sessions[i % ADDRESSES]!));

    const allDelivered: number[] = [];
    const halfDelivered: number[] = [];
    const writes = (async () => {
      // Write 0 warms the form's path and every topic's renders up; it is not counted.
      for (let write = 0; write <= WRITES; write++) {
        await sleep(BETWEEN_WRITES_MS);
        const arrivals = followers.map((f) => f.arrival(f.received + 1));
        const sent = performance.now();
        const form = new URLSearchParams({
          key: randomUUID(),
          areaId,
          kind: 'no-time',
          severity: '3',
          raisedOn: daysBefore(today, AS_OF_SOCKETS + 1),
          description: `Bench write ${write}: check-ins skipped during the release`,
          _csrf: sessions[0]!.csrfToken,
        });
        const answer = await fetch(`${server.url}/resistance`, {
          method: 'POST',
          body: form,
          headers: { cookie: sessions[0]!.cookie, origin: server.url },
          redirect: 'manual',
        });
        if (answer.status !== 303) throw new Error(`the raise form answered ${answer.status}: ${(await answer.text()).slice(0, 300)}`);
        const times = (await Promise.all(arrivals)).map((at) => at - sent).sort((a, b) => a - b);
        if (write === 0) continue;
        allDelivered.push(times.at(-1)!);
        halfDelivered.push(times[times.length >> 1]!);
      }
      await sleep(BETWEEN_WRITES_MS);
    })();
    const during = await load(`${server.url}/healthz`, { seconds: 60, until: writes });
    await writes;
    return { allDelivered, halfDelivered, floor, during };
  } finally {
    for (const follower of followers) follower.close();
    await server.stop();
  }
}

const MARKERS = {
  start: '<!-- live:start — written by `npm run bench -- --only live --write`; edit outside these markers -->',
  end: '<!-- live:end -->',
};

/** `npm run bench -- --only live [--runs 3] [--write] [--keep]`: the live pushes alone, on the demo organisation, one server per run. */
export async function benchLive({ runs, write, keep }: { runs: number; write: boolean; keep: boolean }): Promise<void> {
  const { machine, log, finish } = startSection();
  const workspace = new Workspace();
  log(`files in ${workspace.dir}`);
  try {
    const today = new Date().toISOString().slice(0, 10);
    const demo = await cachedDataset({ scale: 1, today }, log);
    const served = workspace.copy(demo.eventsOnly, 'demo.db');
    const events = (await rebuild(served)).events;
    const areaId = withReadModels(served, busiestArea).id;
    const credentials = await openBenchAccount(served);
    const results: LiveRun[] = [];
    for (let run = 1; run <= runs; run++) {
      const file = workspace.copy(served, `live-${run}.db`);
      const result = await measureLive(file, credentials, { today, areaId });
      rmSync(file);
      const ms = (values: number[]) => values.map((v) => v.toFixed(0)).join(', ');
      log(
        `live run ${run}: all delivered ${ms(result.allDelivered)} ms; half ${ms(result.halfDelivered)} ms; /healthz p99 ${result.during.p99} ms (alone ${result.floor.p99} ms)`,
      );
      results.push(result);
    }
    const sockets = `${HEATMAP_SOCKETS + AS_OF_SOCKETS} sockets`;
    const figures: Figure[] = [
      {
        name: `One write → every one of ${sockets} has its push, p50 over ${WRITES} writes`,
        unit: 'ms',
        runs: results.map((r) => median(r.allDelivered)),
        target: { kind: 'max', value: 250 },
      },
      {
        name: `One write → every one of ${sockets} has its push, slowest of ${WRITES} writes`,
        unit: 'ms',
        runs: results.map((r) => Math.max(...r.allDelivered)),
        target: { kind: 'max', value: 250 },
      },
      { name: 'One write → half the sockets have their push, p50', unit: 'ms', runs: results.map((r) => median(r.halfDelivered)) },
      {
        name: '`/healthz` p99 while the writes are pushed',
        unit: 'ms',
        runs: results.map((r) => r.during.p99),
        target: { kind: 'max', value: 20 },
      },
      { name: '`/healthz` p50 while the writes are pushed', unit: 'ms', runs: results.map((r) => r.during.p50) },
      { name: '`/healthz` p99 alone (the floor)', unit: 'ms', runs: results.map((r) => r.floor.p99) },
      { name: '`/healthz` p50 alone (the floor)', unit: 'ms', runs: results.map((r) => r.floor.p50) },
    ];
    const failures = results.flatMap((r, i) =>
      r.during.failures + r.floor.failures > 0
        ? [`live run ${i + 1}: ${r.during.failures + r.floor.failures} /healthz requests failed`]
        : [],
    );
    console.log('');
    printFigures(figures);
    for (const warning of failures) console.log(`WARNING ${warning}`);
    const { minutes, loadAverages, steal } = finish();
    log(`done in ${minutes.toFixed(1)} minutes; load average ${loads(loadAverages.end)}; steal ${steal.toFixed(1)} % of CPU time`);
    if (write) {
      const file = fileURLToPath(new URL('../BENCHMARKS.md', import.meta.url));
      const section = [
        MARKERS.start,
        '',
        `Measured on ${today}, ${minutes.toFixed(1)} minutes; load average (1 / 5 / 15 min) ${loads(loadAverages.start)} at the start, ${loads(loadAverages.end)} at the end; steal ${steal.toFixed(1)} % of CPU time over the run.`,
        `${machine.cpus} × ${machine.cpuModel}, Node ${machine.node}. ${format(events)} events (the demo organisation, seed 42, scale 1). Per run: a fresh \`uptake serve\`,`,
        `${HEATMAP_SOCKETS} sockets on \`/heatmap\` and ${AS_OF_SOCKETS} on \`/heatmap?asOf=\` each of the ${AS_OF_SOCKETS} days before today, then a warm-up write and ${WRITES} measured ones (signals raised through the form) ${BETWEEN_WRITES_MS} ms apart while autocannon loads \`/healthz\` on 10 connections.`,
        '',
        ...figuresTable(figures),
        ...(failures.length > 0 ? ['', ...failures.map((w) => `> **Warning:** ${w}`)] : []),
        '',
        MARKERS.end,
      ].join('\n');
      writeSection(file, MARKERS, section);
      log(`wrote the live figures into ${file}`);
    }
  } finally {
    if (keep) log(`kept ${workspace.dir}`);
    else workspace.remove();
  }
}

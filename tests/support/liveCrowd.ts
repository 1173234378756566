/**
 * `node --import tsx tests/support/liveCrowd.ts '<plan as JSON>'`: a crowd of live-page clients
 * in a process of its own, so what the server is measured on is its own work, not the clients'.
 * It opens the plan's sockets (each client a signed-in session of its own, from its own loopback
 * address, with the site's origin, as browsers do), checks one more is refused, then asks `/healthz` on two connections
 * without pause while one form write is pushed to every socket, and prints one JSON line.
 */
import { randomUUID } from 'node:crypto';
import { createRequire } from 'node:module';

export interface CrowdPlan {
  base: string;
  /** Per client (an address), the pages its sockets follow, one socket per entry. */
  pages: string[][];
  /** Per client, and one more for the socket past the total: the session cookie it signed in with. */
  cookies: string[];
  /** The CSRF token of the first client's session, which sends the write. */
  csrfToken: string;
  /** The raise-a-signal form's fields, but its key. */
  write: Record<string, string>;
}

export interface CrowdResult {
  sockets: number;
  /** The close code of one socket more than the server's total. */
  refused: number;
  fanOutMs: number;
  writeStatus: number;
  /** `/healthz` round trips during the fan-out, in ms. */
  latencies: number[];
  /** The same for a second before the write, with every socket open: the floor on this machine now. */
  floor: number[];
}

/** The part of `ws`'s client used here (ws comes with @fastify/websocket and ships no types). */
interface WsClient {
  on(event: 'message', listener: () => void): void;
  on(event: 'close', listener: (code: number, reason: Buffer) => void): void;
  on(event: 'error', listener: (error: Error) => void): void;
  terminate(): void;
}
type WsConstructor = new (url: string, options: { localAddress: string; origin: string; headers: { cookie: string } }) => WsClient;
const WebSocket = createRequire(import.meta.url)('ws') as WsConstructor;

const plan = JSON.parse(process.argv[2] ?? '') as CrowdPlan;
const live = (page: string) => `${plan.base.replace('http', 'ws')}/live?page=${encodeURIComponent(page)}`;
const sockets: WsClient[] = [];
const received: number[] = [];

function follow(page: string, localAddress: string, cookie: string): Promise<void> {
  const socket = new WebSocket(live(page), { localAddress, origin: plan.base, headers: { cookie } });
  const slot = sockets.push(socket) - 1;
  received[slot] = 0;
  return new Promise((resolve, reject) => {
    socket.on('message', () => {
      received[slot]!++;
      resolve();
    });
    socket.on('error', reject);
    socket.on('close', (code, reason) => reject(new Error(`live socket for ${page} closed: ${code} ${reason.toString()}`)));
  });
}

for (const [client, pages] of plan.pages.entries())
  await Promise.all(pages.map((page) => follow(page, `127.0.0.${2 + client}`, plan.cookies[client]!)));

const over = new WebSocket(live('/heatmap'), {
  localAddress: '127.0.0.250',
  origin: plan.base,
  headers: { cookie: plan.cookies[plan.pages.length]! },
});
const refused = await new Promise<number>((resolve) => over.on('close', (code) => resolve(code)));

let fanningOut = true;
async function probe(into: number[], until: () => boolean) {
  while (!until()) {
    const started = performance.now();
    await (await fetch(`${plan.base}/healthz`)).arrayBuffer();
    into.push(performance.now() - started);
  }
}
const floor: number[] = [];
const floorEnds = Date.now() + 1_000;
await Promise.all([probe(floor, () => Date.now() > floorEnds), probe(floor, () => Date.now() > floorEnds)]);
const latencies: number[] = [];
const probes = [probe(latencies, () => !fanningOut), probe(latencies, () => !fanningOut)];
const written = performance.now();
const answer = await fetch(`${plan.base}/resistance`, {
  method: 'POST',
  redirect: 'manual',
  headers: { cookie: plan.cookies[0]!, 'x-csrf-token': plan.csrfToken, origin: plan.base },
  body: new URLSearchParams({ key: randomUUID(), ...plan.write }),
});
const deadline = Date.now() + 60_000;
while (!received.every((n) => n >= 2) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 5));
const fanOutMs = performance.now() - written;
fanningOut = false;
await Promise.all(probes);
for (const socket of sockets) socket.terminate();

const result: CrowdResult = {
  sockets: received.filter((n) => n >= 2).length,
  refused,
  fanOutMs,
  writeStatus: answer.status,
  latencies,
  floor,
};
console.log(JSON.stringify(result));

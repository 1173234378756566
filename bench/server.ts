import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import type { Health } from '../src/http/health.ts';

const root = fileURLToPath(new URL('..', import.meta.url));

/** The Node flags `npm start` gives the server (its heap's ceiling), so the bench measures the server as it is run. */
const serveFlags = (JSON.parse(readFileSync(`${root}package.json`, 'utf8')) as { scripts: { start: string } }).scripts.start
  .split(' ')
  .filter((word) => word.startsWith('--'));

/** `uptake <command>` as its own Node process (not through npx, so the pid is the server's own). */
export function uptake(command: 'serve' | 'rebuild', env: Record<string, string>): ChildProcess {
  return spawn(process.execPath, [...(command === 'serve' ? serveFlags : []), '--import', 'tsx', 'src/main.ts', command], {
    cwd: root,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
}

/** Resolves with the exit code; stderr is kept for the error message. */
export function exited(child: ChildProcess): Promise<{ code: number | null; stderr: string }> {
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  return new Promise((resolve) => child.once('exit', (code) => resolve({ code, stderr })));
}

async function freePort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const address = probe.address();
  await new Promise((resolve) => probe.close(resolve));
  if (address === null || typeof address === 'string') throw new Error('no port');
  return address.port;
}

/** Peak resident set size (VmHWM) of a live process, in MiB. */
export function peakRssMiB(pid: number): number {
  const match = /^VmHWM:\s+(\d+) kB$/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  if (!match) throw new Error(`no VmHWM for process ${pid}`);
  return Number(match[1]) / 1024;
}

/** CPU time a process has used so far (user + system), in clock ticks (`/proc/<pid>/stat`). */
function cpuTicks(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return Number(fields[11]) + Number(fields[12]);
}

/**
 * Resolves once the process has used at most 2 ticks (20 ms) of CPU in 200 ms, or after 60 s: a
 * stopped load leaves its last requests in flight, the server still answers them (a handler runs
 * to its end for a closed socket), and on a slow page ten of them would eat into the next
 * window. A `/healthz` answer is no such barrier: it is served between their awaits.
 */
export async function idle(pid: number): Promise<void> {
  const deadline = performance.now() + 60_000;
  while (performance.now() < deadline) {
    const before = cpuTicks(pid);
    await sleep(200);
    if (cpuTicks(pid) - before <= 2) return;
  }
}

export interface RunningServer {
  url: string;
  pid: number;
  stop(): Promise<void>;
}

/**
 * `uptake serve` on a file whose read models are caught up, on a free loopback port, logging
 * at the default level (info: a line per request) to nowhere, with a session secret of its own
 * (the bench's files are not the demo store) and `env` added (the Kafka settings). Ready when
 * /healthz reports no lag of the read models nor of the rules (which have run their daily tick),
 * and the process is idle.
 */
export async function startServer(file: string, env: Record<string, string> = {}): Promise<RunningServer> {
  const port = await freePort();
  const child = uptake('serve', {
    UPTAKE_DB: file,
    PORT: String(port),
    HOST: '127.0.0.1',
    LOG_LEVEL: 'info',
    UPTAKE_SESSION_SECRET: randomBytes(32).toString('base64url'),
    ...env,
  });
  const exit = exited(child);
  const url = `http://127.0.0.1:${port}`;
  const stop = async () => {
    if (child.exitCode === null) child.kill('SIGTERM');
    await exit;
  };
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`uptake serve exited with ${child.exitCode}: ${(await exit).stderr}`);
    const health = await fetch(`${url}/healthz`).then(
      (r) => (r.ok ? (r.json() as Promise<Pick<Health, 'projectionsLag' | 'rules'>>) : null),
      () => null,
    );
    if (health?.projectionsLag === 0 && health.rules?.lag === 0 && health.rules.lastTick !== undefined) break;
    if (Date.now() > deadline) {
      await stop();
      throw new Error('uptake serve was not ready within 60 s');
    }
    await sleep(100);
  }
  // What the rules sent at their tick is still being folded into the read models, and the start-up's work finishing.
  await idle(child.pid!);
  return { url, pid: child.pid!, stop };
}

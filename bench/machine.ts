import { readFileSync } from 'node:fs';
import { availableParallelism, loadavg, release, tmpdir, totalmem } from 'node:os';
import Database from 'better-sqlite3';

export interface Machine {
  cpus: number;
  cpuModel: string;
  memoryGiB: number;
  kernel: string;
  node: string;
  sqlite: string;
  /** File system type under os.tmpdir(): whether a disk sync is real (ext4) or free (tmpfs) changes the write figures. */
  tmpFileSystem: string;
}

function fileSystemOf(path: string): string {
  const mounts = readFileSync('/proc/mounts', 'utf8')
    .split('\n')
    .map((line) => line.split(' '))
    .filter(
      ([, mountPoint]) => mountPoint !== undefined && (path === mountPoint || path.startsWith(mountPoint === '/' ? '/' : `${mountPoint}/`)),
    );
  const deepest = mounts.sort((a, b) => b[1]!.length - a[1]!.length)[0];
  return deepest ? `${deepest[2]} (${deepest[0]})` : 'unknown';
}

export function describeMachine(): Machine {
  const model = /^model name\s*:\s*(.+)$/m.exec(readFileSync('/proc/cpuinfo', 'utf8'))?.[1] ?? 'unknown';
  const db = new Database(':memory:');
  const sqlite = (db.prepare('SELECT sqlite_version() AS v').get() as { v: string }).v;
  db.close();
  return {
    cpus: availableParallelism(),
    cpuModel: model.trim(),
    memoryGiB: totalmem() / 2 ** 30,
    kernel: `Linux ${release()}`,
    node: process.version,
    sqlite,
    tmpFileSystem: `${tmpdir()} on ${fileSystemOf(tmpdir())}`,
  };
}

/** The machine's CPU time so far, from the first line of /proc/stat: all of it, and what the hypervisor stole. */
export interface CpuTimes {
  total: number;
  steal: number;
}

export function cpuTimes(): CpuTimes {
  const fields = readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/).slice(1, 9).map(Number);
  return { total: fields.reduce((a, b) => a + b, 0), steal: fields[7] ?? 0 };
}

/** The share of CPU time stolen between two readings, in per cent: a busy neighbour on the host slows every figure. */
export const stealShare = (from: CpuTimes, to: CpuTimes): number =>
  to.total > from.total ? (100 * (to.steal - from.steal)) / (to.total - from.total) : 0;

/** A part of the bench under way: the machine, a log whose lines carry the seconds since the start, and how the part went. */
export interface Section {
  machine: Machine;
  log(line: string): void;
  /** Minutes since the start, the load averages at the start and now, and the share of CPU time stolen since the start. */
  finish(): { minutes: number; loadAverages: { start: number[]; end: number[] }; steal: number };
}

const averages = (values: number[]) => values.map((a) => a.toFixed(1)).join(' / ');

/** Starts a part: notes the time, load and CPU counters, and logs the machine and its load. */
export function startSection(): Section {
  const began = performance.now();
  const start = loadavg();
  const cpu = cpuTimes();
  const machine = describeMachine();
  const log = (line: string) => console.log(`[${((performance.now() - began) / 1000).toFixed(0).padStart(4)} s] ${line}`);
  log(`${machine.cpus} × ${machine.cpuModel}, Node ${machine.node}, SQLite ${machine.sqlite}; load average ${averages(start)}`);
  return {
    machine,
    log,
    finish: () => ({
      minutes: (performance.now() - began) / 60_000,
      loadAverages: { start, end: loadavg() },
      steal: stealShare(cpu, cpuTimes()),
    }),
  };
}

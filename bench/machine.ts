import { readFileSync } from 'node:fs';
import { availableParallelism, release, tmpdir, totalmem } from 'node:os';
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

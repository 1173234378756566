import { copyFileSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type Database from 'better-sqlite3';
import { openDatabase } from '../infra/sqlite/database.ts';
import { SqliteEventStore } from '../infra/sqlite/sqliteEventStore.ts';
import { validateNewEvent } from '../src/events.ts';

/** A SQLite file opened the way `src/main.ts` opens it: WAL, synchronous=FULL, every append validated. */
export interface OpenedStore {
  db: Database.Database;
  store: SqliteEventStore;
  close(): Promise<void>;
}

export function openStore(file: string): OpenedStore {
  const db = openDatabase(file);
  const store = new SqliteEventStore(db, { validate: validateNewEvent });
  return {
    db,
    store,
    close: async () => {
      await store.close();
      // Folds the WAL into the file, so the file alone is a complete copy.
      db.pragma('wal_checkpoint(TRUNCATE)');
      db.close();
    },
  };
}

/** A directory under os.tmpdir() holding every file of one bench session. */
export class Workspace {
  readonly dir = mkdtempSync(join(tmpdir(), 'uptake-bench-'));

  file(name: string): string {
    return join(this.dir, name);
  }

  /** Copies a closed database file (its WAL was checkpointed on close). */
  copy(from: string, name: string): string {
    const to = this.file(name);
    for (const suffix of ['-wal', '-shm']) if (existsSync(to + suffix)) rmSync(to + suffix);
    copyFileSync(from, to);
    return to;
  }

  /** Removes one file of the session, with its WAL and shared memory. */
  discard(file: string): void {
    for (const suffix of ['', '-wal', '-shm']) rmSync(file + suffix, { force: true });
  }

  remove(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }
}

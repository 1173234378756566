import { existsSync, mkdirSync, statSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';

/** 'UPTK': marks a SQLite file as Uptake's, so a foreign database is refused, not altered. */
const APPLICATION_ID = 0x5550544b;

export class DatabaseFileError extends Error {
  override readonly name = 'DatabaseFileError';
}

export interface OpenOptions {
  /** Create the parent directory when missing (the default store under ./data does). */
  createDirectory?: boolean;
}

/**
 * Opens (or creates) Uptake's SQLite file: WAL, synchronous=FULL so an acknowledged append
 * survives a power cut, and a check that the file is ours.
 */
export function openDatabase(file: string, options: OpenOptions = {}): Database.Database {
  if (file !== ':memory:') {
    const dir = dirname(file);
    if (!existsSync(dir)) {
      if (!options.createDirectory)
        throw new DatabaseFileError(`data directory ${dir} does not exist (set UPTAKE_DB to a file in an existing directory)`);
      mkdirSync(dir, { recursive: true });
    }
    if (existsSync(file) && statSync(file).isDirectory()) throw new DatabaseFileError(`${file} is a directory, not a database file`);
  }
  let db: Database.Database | undefined;
  try {
    db = new Database(file);
    db.pragma('journal_mode = WAL');
  } catch (error) {
    db?.close();
    throw new DatabaseFileError(`cannot open ${file} as a SQLite database: ${(error as Error).message}`);
  }
  const applicationId = db.pragma('application_id', { simple: true }) as number;
  if (applicationId !== APPLICATION_ID) {
    const tables = db.prepare("SELECT count(*) AS n FROM sqlite_master WHERE type = 'table'").get() as { n: number };
    if (applicationId !== 0 || tables.n > 0) {
      db.close();
      throw new DatabaseFileError(
        `${file} is a SQLite database but not Uptake's (application_id ${applicationId}, ${tables.n} tables); refusing to change it`,
      );
    }
    db.pragma(`application_id = ${APPLICATION_ID}`);
  }
  db.pragma('synchronous = FULL');
  db.pragma('busy_timeout = 5000');
  db.pragma('foreign_keys = ON');
  return db;
}

/**
 * Runs async work as one SQLite transaction: appends inside it become savepoints and the disk
 * is synced once at the end instead of once per append (the seed records thousands of steps).
 */
export function sqliteUnitOfWork(db: Database.Database) {
  return async <T>(work: () => Promise<T>): Promise<T> => {
    db.exec('BEGIN IMMEDIATE');
    try {
      const result = await work();
      db.exec('COMMIT');
      return result;
    } catch (error) {
      // A failed COMMIT (or SQLite itself) may already have ended the transaction.
      if (db.inTransaction) db.exec('ROLLBACK');
      throw error;
    }
  };
}

/**
 * The slice of a SQLite connection that projections use. better-sqlite3's Database satisfies
 * it; projections depend on this, not on the driver.
 */
export interface SqlStatement<P extends unknown[] = unknown[], R = unknown> {
  run(...params: P): { changes: number; lastInsertRowid: number | bigint };
  get(...params: P): R | undefined;
  all(...params: P): R[];
  /** Row by row: a caller that stops early (break) leaves the rest unread. */
  iterate(...params: P): IterableIterator<R>;
}

/** A function wrapped in a transaction: committed when it returns, rolled back when it throws. */
export interface SqlTransaction<A extends unknown[], R> {
  (...args: A): R;
  /** BEGIN IMMEDIATE: takes the write lock before reading, so another process cannot write in between. */
  immediate(...args: A): R;
}

export interface SqlDatabase {
  exec(sql: string): unknown;
  prepare<P extends unknown[] = unknown[], R = unknown>(sql: string): SqlStatement<P, R>;
  transaction<A extends unknown[], R>(fn: (...args: A) => R): SqlTransaction<A, R>;
  /** A transaction is open on this connection (a unit of work's, when nothing else is running). */
  readonly inTransaction: boolean;
}

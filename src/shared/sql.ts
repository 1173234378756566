/**
 * The slice of a SQLite connection that projections use. better-sqlite3's Database satisfies
 * it; projections depend on this, not on the driver.
 */
export interface SqlStatement<P extends unknown[] = unknown[], R = unknown> {
  run(...params: P): { changes: number; lastInsertRowid: number | bigint };
  get(...params: P): R | undefined;
  all(...params: P): R[];
}

export interface SqlDatabase {
  exec(sql: string): unknown;
  prepare<P extends unknown[] = unknown[], R = unknown>(sql: string): SqlStatement<P, R>;
}

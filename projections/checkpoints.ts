import type { SqlDatabase } from '../src/shared/sql.ts';

/** Also read by queries that cache: read models change only together with their checkpoints. */
export const CHECKPOINTS_SCHEMA = `
  CREATE TABLE IF NOT EXISTS projection_checkpoints (
    projection TEXT PRIMARY KEY,
    version    INTEGER NOT NULL,
    -- decimal text: store positions are 64-bit and must survive exactly
    position   TEXT NOT NULL,
    -- 1 from a reset until the projection has caught up with the head again
    rebuilding INTEGER NOT NULL
  );
`;

/** Whether a projection is being replayed from scratch: its secondary indexes wait for the end. */
export function isRebuilding(db: SqlDatabase, projection: string): boolean {
  db.exec(CHECKPOINTS_SCHEMA);
  const row = db
    .prepare<[string], { rebuilding: number }>('SELECT rebuilding FROM projection_checkpoints WHERE projection = ?')
    .get(projection);
  return row?.rebuilding === 1;
}

import type { SqlDatabase } from '../src/shared/sql.ts';
import type { Projection } from './projection.ts';
import { CHECKPOINTS_SCHEMA } from './runner.ts';

/**
 * A value read from some read models, read again only once one of their checkpoints has moved:
 * the runner changes a read model only together with its checkpoint, so an unmoved checkpoint
 * means the same answer. For what every request of a page asks and few events change (the
 * choices a filter offers), at the cost of one small query per call. Callers share the value
 * and must not mutate it.
 */
export function perCheckpoint<T>(db: SqlDatabase, sources: readonly Projection[], read: () => T): () => T {
  db.exec(CHECKPOINTS_SCHEMA);
  const state = db.prepare<string[], { state: string | null }>(
    `SELECT group_concat(projection || ':' || position, ',') AS state FROM projection_checkpoints WHERE projection IN (${sources.map(() => '?').join(', ')})`,
  );
  const names = sources.map((p) => p.name);
  let cached: { state: string | null; value: T } | null = null;
  return () => {
    const now = state.get(...names)?.state ?? null;
    if (cached === null || cached.state !== now) cached = { state: now, value: read() };
    return cached.value;
  };
}

import type { RecordedEvent } from '../src/shared/event.ts';
import type { SqlDatabase } from '../src/shared/sql.ts';

/**
 * A read model built by folding events into tables. `apply` runs inside the runner's
 * transaction together with the checkpoint update, so a batch is applied exactly once or not
 * at all. Projections never throw on odd data: they skip or clamp.
 */
export interface Projection {
  readonly name: string;
  /** Bump when the tables' shape or meaning changes: the runner rebuilds from scratch. */
  readonly version: number;
  /**
   * Sign-in or ingest reads it on every request: a full rebuild leaves it as it is (it is kept up
   * to date live, and its version did not change), so nobody is signed out while the rest replays.
   * A version bump still replays it.
   */
  readonly keptByRebuild?: boolean;
  /**
   * Create tables and indexes (idempotent). While the projection is replayed from scratch (its
   * checkpoint says rebuilding), the tables only: the runner has the secondary indexes built
   * once over the finished tables at the end of the replay (`buildIndexes`).
   */
  setUp(db: SqlDatabase): void;
  /** Remove every row and the secondary indexes, ready for a replay. */
  reset(db: SqlDatabase): void;
  /**
   * Build the secondary indexes a replay from scratch left out, each in a transaction of its own
   * (a write lock held for one index at a time, not for all). None: a projection without any.
   */
  buildIndexes?(db: SqlDatabase): void;
  apply(db: SqlDatabase, events: readonly RecordedEvent[]): void;
}

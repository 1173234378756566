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
  /** Create tables and indexes (idempotent). */
  setUp(db: SqlDatabase): void;
  /** Remove every row, ready for a replay. */
  reset(db: SqlDatabase): void;
  apply(db: SqlDatabase, events: readonly RecordedEvent[]): void;
}

import { catalogue, type UptakeEventType } from '../src/events.ts';
import type { SqlDatabase } from '../src/shared/sql.ts';
import { defineProjection } from './support.ts';

/**
 * Each stream's revision as the read models know it. An edit form carries it back, so an edit
 * made on a page rendered before someone else's change is a conflict, not an overwrite; and the
 * page never asks the event store for it.
 */
export const revisionsProjection = defineProjection({
  name: 'revisions',
  version: 1,
  reads: [...catalogue.keys()] as UptakeEventType[],
  tables: ['stream_revisions'],
  schema: `
    CREATE TABLE IF NOT EXISTS stream_revisions (
      stream_id TEXT PRIMARY KEY,
      revision  INTEGER NOT NULL
    ) WITHOUT ROWID;
  `,
  prepare: (db: SqlDatabase) => ({
    record: db.prepare<[string, number]>(
      'INSERT INTO stream_revisions (stream_id, revision) VALUES (?, ?) ON CONFLICT DO UPDATE SET revision = max(revision, excluded.revision)',
    ),
    /** Each stream's highest revision in this fold: a busy stream is written once per batch, not once per event. */
    latest: new Map<string, number>(),
  }),
  beginFold({ latest }) {
    latest.clear();
  },
  handle(sql, event) {
    if (event.revision > (sql.latest.get(event.streamId) ?? -1)) sql.latest.set(event.streamId, event.revision);
    return undefined;
  },
  endFold(sql) {
    for (const [streamId, revision] of sql.latest) sql.record.run(streamId, revision);
  },
});

/** A stream's revision, or -1 for a stream the read models have not seen. */
export class SqliteRevisions {
  private readonly get;

  constructor(db: SqlDatabase) {
    revisionsProjection.setUp(db);
    this.get = db.prepare<[string], { revision: number }>('SELECT revision FROM stream_revisions WHERE stream_id = ?');
  }

  of(streamId: string): number {
    return this.get.get(streamId)?.revision ?? -1;
  }
}

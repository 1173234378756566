import type Database from 'better-sqlite3';
import type { Config } from '../src/config.ts';
import { validateNewEvent } from '../src/events.ts';
import type { EventStore } from '../src/shared/eventStore.ts';
import { openDatabase, sqliteUnitOfWork } from './sqlite/database.ts';
import { SqliteEventStore } from './sqlite/sqliteEventStore.ts';

export interface Storage {
  store: EventStore;
  /** Where the read models live: the same SQLite file as the events by default. */
  readModels: Database.Database;
  /** Batches many appends into one transaction where the store can (SQLite); absent otherwise. */
  unitOfWork?: <T>(work: () => Promise<T>) => Promise<T>;
  close(): Promise<void>;
}

/**
 * The event store the configuration selects (EventStoreDB when `EVENTSTORE_URL` is set, the
 * embedded SQLite file otherwise) and the SQLite file holding the read models.
 */
export async function openStorage(config: Pick<Config, 'UPTAKE_DB' | 'EVENTSTORE_URL'>): Promise<Storage> {
  const db = openDatabase(config.UPTAKE_DB, { createDirectory: config.UPTAKE_DB === './data/uptake.db' });
  let store: EventStore;
  let unitOfWork: Storage['unitOfWork'];
  if (config.EVENTSTORE_URL) {
    const { connectEventStoreDb } = await import('./eventstoredb/esdbEventStore.ts');
    try {
      store = await connectEventStoreDb(config.EVENTSTORE_URL, { validate: validateNewEvent });
    } catch (error) {
      db.close();
      throw error;
    }
  } else {
    store = new SqliteEventStore(db, { validate: validateNewEvent });
    unitOfWork = sqliteUnitOfWork(db);
  }
  return {
    store,
    readModels: db,
    unitOfWork,
    close: async () => {
      await store.close();
      db.close();
    },
  };
}

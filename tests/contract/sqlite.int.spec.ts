import { randomUUID } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { NewEvent, RecordedEvent } from '../../src/shared/event.ts';
import { DatabaseFileError, openDatabase } from '../../infra/sqlite/database.ts';
import { SqliteEventStore } from '../../infra/sqlite/sqliteEventStore.ts';
import { eventStoreContract } from './eventStore.contract.ts';

eventStoreContract('SQLite', async (options) => {
  const dir = mkdtempSync(join(tmpdir(), 'uptake-contract-'));
  const db = openDatabase(join(dir, 'events.db'));
  const store = new SqliteEventStore(db, options);
  return {
    store,
    cleanup: async () => {
      await store.close();
      db.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
});

const noted = (n: number, eventId: string = randomUUID()): NewEvent => ({
  type: 'ContractEventNoted',
  data: { n },
  metadata: {
    eventId,
    actor: { kind: 'system', id: 'test' },
    source: 'cli',
    occurredAt: '2026-10-01T09:00:00.000Z',
    recordedAt: '2026-10-01T09:00:00.000Z',
    correlationId: randomUUID(),
    causationId: null,
    schemaVersion: 1,
  },
});

describe('SQLite event store file', () => {
  let dir: string;
  const opened: Database.Database[] = [];
  const open = (file: string, options?: Parameters<typeof openDatabase>[1]) => {
    const db = openDatabase(file, options);
    opened.push(db);
    return db;
  };

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'uptake-sqlite-'));
  });
  afterEach(() => {
    for (const db of opened.splice(0)) db.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('starts empty: head position 0, nothing to read', async () => {
    const store = new SqliteEventStore(open(join(dir, 'events.db')));
    expect(await store.headPosition()).toBe(0n);
    expect(await store.readAll()).toEqual([]);
  });

  it('reports the head position of the last append exactly', async () => {
    const store = new SqliteEventStore(open(join(dir, 'events.db')));
    const result = await store.appendToStream('team-1', [noted(1), noted(2)], 'no_stream');
    expect(await store.headPosition()).toBe(result.position);
  });

  it('survives reopening: events, revisions and positions are durable', async () => {
    const file = join(dir, 'events.db');
    const first = open(file);
    await new SqliteEventStore(first).appendToStream('team-1', [noted(1), noted(2)], 'no_stream');
    first.close();
    opened.splice(opened.indexOf(first), 1);

    const reopened = new SqliteEventStore(open(file));
    const read = await reopened.readStream('team-1');

    expect(read.map((e) => [e.revision, e.position])).toEqual([
      [0, 1n],
      [1, 2n],
    ]);
    await reopened.appendToStream('team-1', [noted(3)], 1);
  });

  it('rolls back a batch that fails part-way through the transaction', async () => {
    const store = new SqliteEventStore(open(join(dir, 'events.db')));
    const taken = randomUUID();
    await store.appendToStream('team-1', [noted(1, taken)], 'no_stream');

    // The second event reuses an id stored in another stream: its insert fails after the first succeeded.
    await expect(store.appendToStream('team-2', [noted(2), noted(3, taken)], 'no_stream')).rejects.toThrow();

    expect(await store.readStream('team-2')).toEqual([]);
    expect(await store.readAll()).toHaveLength(1);
  });

  it("refuses another application's SQLite database and leaves it untouched", () => {
    const file = join(dir, 'crm.db');
    const foreign = new Database(file);
    foreign.exec("CREATE TABLE customers (id INTEGER PRIMARY KEY, name TEXT); INSERT INTO customers (name) VALUES ('Acme')");
    foreign.close();

    expect(() => open(file)).toThrow(DatabaseFileError);
    expect(() => open(file)).toThrow(/not Uptake's/);

    const check = new Database(file, { readonly: true });
    const tables = check.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").pluck().all();
    const applicationId = check.pragma('application_id', { simple: true });
    check.close();
    expect(tables).toEqual(['customers']);
    expect(applicationId).toBe(0);
  });

  it('says clearly when the directory does not exist, and creates it only when asked', () => {
    const file = join(dir, 'missing', 'events.db');

    expect(() => open(file)).toThrow(DatabaseFileError);
    expect(() => open(file)).toThrow(/data directory .*missing does not exist/);

    const store = new SqliteEventStore(open(file, { createDirectory: true }));
    expect(store.name).toBe('sqlite');
  });

  it('says clearly when the file is not a SQLite database', () => {
    const file = join(dir, 'notes.db');
    writeFileSync(file, 'Retro notes: the team wants fewer key results.\n'.repeat(40));

    expect(() => open(file)).toThrow(DatabaseFileError);
    expect(() => open(file)).toThrow(/cannot open .*notes\.db as a SQLite database/);
  });

  it('says clearly when the path is a directory', () => {
    const path = join(dir, 'events.db');
    mkdirSync(path);
    expect(() => open(path)).toThrow(/is a directory, not a database file/);
  });

  it("delivers another connection's appends to a subscription by polling the file", async () => {
    const file = join(dir, 'events.db');
    const server = new SqliteEventStore(open(file), { pollIntervalMs: 50 });
    const cli = new SqliteEventStore(open(file));
    const received: RecordedEvent[] = [];
    const subscription = server.subscribeToAll({ onEvents: (batch) => void received.push(...batch) });

    await cli.appendToStream('team-1', [noted(1)], 'no_stream');
    await vi.waitFor(() => expect(received).toHaveLength(1), { timeout: 5_000 });
    await subscription.close();

    expect(received[0]).toMatchObject({ streamId: 'team-1', revision: 0, data: { n: 1 } });
  });
});

/**
 * A consumed batch is one SQLite transaction on the connection the web app writes through too.
 * That is safe only while the batch never hands control back to the event loop: a form write
 * or a projection batch that ran in between would join the transaction, and a rollback of the
 * batch would take it along. This spec holds the consumer to that, with a real store and batch.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sqliteUnitOfWork } from '../../infra/sqlite/database.ts';
import { SqliteConsumerLedger } from '../../infra/sqlite/consumerLedger.ts';
import { SqliteDirectory } from '../../projections/index.ts';
import { SqliteReferences } from '../../projections/org/references.ts';
import { consumeBatch, type DeadLetter } from '../../src/ingest/consumer.ts';
import { closeWorld, openWorld, seedSmallOrganisation, TODAY, type World } from '../support/webApp.ts';

let world: World;

beforeAll(async () => {
  world = openWorld();
  await seedSmallOrganisation(world);
});

afterAll(() => closeWorld(world));

const checkIn = (id: string, heldOn: string) =>
  Buffer.from(
    JSON.stringify({
      specversion: '1.0',
      id,
      source: 'urn:okr-tool',
      type: 'org.okr.checkin.held.v1',
      time: `${heldOn}T09:00:00Z`,
      datacontenttype: 'application/json',
      data: { teamKey: 'PAY', cycleName: '2026-Q4', heldOn },
    }),
  );

describe('a consumed batch', () => {
  it('stores its events, offsets and dead letters without yielding to the event loop in between', async () => {
    const unitOfWork = sqliteUnitOfWork(world.db);
    let yielded = false;
    const watched = async <T>(work: () => Promise<T>): Promise<T> => {
      const probe = setImmediate(() => {
        yielded = true;
      });
      try {
        return await unitOfWork(work);
      } finally {
        clearImmediate(probe);
      }
    };
    const sent: DeadLetter[] = [];
    const now = () => new Date(`${TODAY}T10:00:00Z`);
    const before = await world.store.headPosition();
    const outcome = await consumeBatch(
      {
        store: world.store,
        directory: new SqliteDirectory(world.db),
        references: new SqliteReferences(world.db),
        ledger: new SqliteConsumerLedger(world.db, 'uptake', now),
        deadLetters: { send: async (letters) => void sent.push(...letters) },
        unitOfWork: watched,
        now,
      },
      {
        topic: 'uptake.events',
        partition: 0,
        messages: [
          { offset: '0', key: null, value: checkIn('a', '2026-11-16'), headers: {} },
          { offset: '1', key: null, value: Buffer.from('not json'), headers: {} },
          { offset: '2', key: null, value: checkIn('b', '2026-11-17'), headers: {} },
        ],
      },
    );
    expect(outcome).toMatchObject({ accepted: 2, deadLettered: 1 });
    expect(sent.map((letter) => letter.offset)).toEqual(['1']);
    expect(await world.store.headPosition()).toBe(before + 2n);
    expect(yielded, 'the batch handed control back to the event loop while its transaction was open').toBe(false);
  });
});

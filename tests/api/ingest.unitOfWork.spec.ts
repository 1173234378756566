/**
 * A consumed batch, and a batch posted over HTTP, is one SQLite transaction on the connection the
 * web app writes through too. That is safe only while the batch never hands control back to the
 * event loop: a form write or a projection batch that ran in between would join the transaction,
 * and a rollback of the batch would take it along. This spec holds both paths to that, with a
 * real store and batch, and the live runner to applying (and pushing) a batch's events only once
 * they are committed.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sqliteUnitOfWork } from '../../infra/sqlite/database.ts';
import { SqliteConsumerLedger } from '../../infra/sqlite/consumerLedger.ts';
import { SqliteDirectory } from '../../projections/index.ts';
import { SqliteReferences } from '../../projections/org/references.ts';
import { consumeBatch, type DeadLetter } from '../../src/ingest/consumer.ts';
import { appFor, closeWorld, grantTestToken, openWorld, seedSmallOrganisation, TODAY, type World } from '../support/webApp.ts';

let world: World;

beforeAll(async () => {
  world = openWorld();
  await seedSmallOrganisation(world);
});

afterAll(() => closeWorld(world));

const checkInHeld = (id: string, heldOn: string, teamKey = 'PAY') => ({
  specversion: '1.0',
  id,
  source: 'urn:okr-tool',
  type: 'org.okr.checkin.held.v1',
  time: `${heldOn}T09:00:00Z`,
  datacontenttype: 'application/json',
  data: { teamKey, cycleName: '2026-Q4', heldOn },
});
const checkIn = (id: string, heldOn: string) => Buffer.from(JSON.stringify(checkInHeld(id, heldOn)));

/**
 * The SQLite unit of work, counting its runs and noting whether any of them handed control back
 * to the event loop while its transaction was open (a probe set for the next turn fires).
 */
function watchedUnitOfWork() {
  const unitOfWork = sqliteUnitOfWork(world.db);
  const seen = { units: 0, yielded: false };
  const run = async <T>(work: () => Promise<T>): Promise<T> => {
    seen.units++;
    const probe = setImmediate(() => {
      seen.yielded = true;
    });
    try {
      return await unitOfWork(work);
    } finally {
      clearImmediate(probe);
    }
  };
  return { run, seen };
}

describe('a consumed batch', () => {
  it('stores its events, offsets and dead letters without yielding to the event loop in between', async () => {
    const watched = watchedUnitOfWork();
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
        unitOfWork: watched.run,
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
    expect(watched.seen.yielded, 'the batch handed control back to the event loop while its transaction was open').toBe(false);
  });
});

describe('a batch posted over HTTP', () => {
  it('is one transaction that never yields, answers each event on its own, and goes live only once committed', async () => {
    const token = (await grantTestToken(world, 'urn:okr-tool')).token;
    await world.runner.start();
    const watched = watchedUnitOfWork();
    const appendedInside: boolean[] = [];
    const append = world.store.appendToStream.bind(world.store);
    world.store.appendToStream = (...args) => {
      appendedInside.push(world.db.inTransaction);
      return append(...args);
    };
    const pushedInside: boolean[] = [];
    const unsubscribe = world.runner.onApplied(() => pushedInside.push(world.db.inTransaction));
    const app = await appFor(world, { ingestUnitOfWork: watched.run }, null);
    try {
      const answer = await app.inject({
        method: 'POST',
        url: '/api/v1/events',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/cloudevents-batch+json' },
        payload: JSON.stringify([
          checkInHeld('http-c', '2026-11-18'),
          checkInHeld('http-d', '2026-11-19', 'NOPE'),
          checkInHeld('a', '2026-11-16'),
          checkInHeld('http-e', '2026-11-20'),
        ]),
      });
      expect(answer.statusCode).toBe(200);
      expect(answer.json().results.map((r: { status: string }) => r.status)).toEqual(['accepted', 'rejected', 'duplicate', 'accepted']);
      expect(answer.json().results[1].reason).toMatch(/teamKey.*NOPE/);
      expect(watched.seen.units).toBe(1);
      expect(watched.seen.yielded, 'the batch handed control back to the event loop while its transaction was open').toBe(false);
      expect(appendedInside).toEqual([true, true]);
      expect((await world.runner.waitFor(await world.store.headPosition())).caughtUp).toBe(true);
      expect(pushedInside.length).toBeGreaterThan(0);
      expect(pushedInside, 'a live page was sent events its batch had not committed yet').not.toContain(true);
    } finally {
      unsubscribe();
      world.store.appendToStream = append;
      await app.close();
    }
  });
});

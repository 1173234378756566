/**
 * A read model that throws: the app stays up and says so. /healthz is degraded naming it, the
 * other read models keep up, writes answer at once, and a restart resumes it from its checkpoint.
 */
import { randomUUID } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { afterEach, expect, it } from 'vitest';
import { readModels } from '../../projections/index.ts';
import type { Projection } from '../../projections/projection.ts';
import { ProjectionRunner, type ProjectionFailure } from '../../projections/runner.ts';
import { appFor, closeWorld, CYCLE, openWorld, postForm, seedSmallOrganisation, TODAY, type World } from '../support/webApp.ts';

/** Records the positions it applies; throws on a check-in while `failing` is set. */
function checkInFault() {
  const state = { failing: true };
  const projection: Projection = {
    name: 'faulty',
    version: 1,
    setUp: (db) => db.exec('CREATE TABLE IF NOT EXISTS faulty_seen (position INTEGER PRIMARY KEY)'),
    reset: (db) => db.exec('DELETE FROM faulty_seen'),
    apply(db, events) {
      for (const event of events) {
        db.prepare('INSERT INTO faulty_seen (position) VALUES (?)').run(event.position);
        if (state.failing && event.type === 'CheckInHeld') throw new Error('cannot fold a check-in');
      }
    },
  };
  return { projection, state };
}

let world: World;
let app: FastifyInstance | undefined;

afterEach(async () => {
  await app?.close();
  await closeWorld(world);
});

const seen = () =>
  world.db
    .prepare<[], { position: number }>('SELECT position FROM faulty_seen ORDER BY position')
    .all()
    .map((r) => r.position);

it('reports a failed projection on /healthz, keeps the others and the writes going, and resumes it after a restart', async () => {
  const fault = checkInFault();
  const failures: ProjectionFailure[] = [];
  const projections = [...readModels, fault.projection];
  // Batches of 4: the first check-in (position 10) is in the batch [9, 12]; 1–8 were applied.
  world = openWorld();
  world.runner = new ProjectionRunner(world.db, world.store, projections, { batchSize: 4, onFailure: (f) => failures.push(f) });
  await seedSmallOrganisation(world);
  const head = await world.store.headPosition();
  expect(failures).toMatchObject([{ projection: 'faulty', position: 10n, eventType: 'CheckInHeld', error: 'cannot fold a check-in' }]);
  expect(seen()).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
  const statuses = world.runner.statuses();
  expect(statuses.find((s) => s.name === 'faulty')).toMatchObject({ position: 8n, failed: { position: 10n } });
  expect(statuses.filter((s) => s.name !== 'faulty').map((s) => s.position)).toEqual(readModels.map(() => head));

  // Writes wait for the healthy read models only: with a ten-minute timeout the test would time out otherwise.
  await world.runner.start();
  app = await appFor(world, { waitFor: (position) => world.runner.waitFor(position, 600_000) });
  const health = await app.inject('/healthz');
  expect(health.statusCode).toBe(503);
  expect(health.json()).toMatchObject({
    ok: false,
    status: 'degraded',
    projectionsLag: 0,
    projections: [{ name: 'faulty', failedAt: '10', eventType: 'CheckInHeld', error: 'cannot fold a check-in' }],
  });

  const before = world.queries.team('srch', CYCLE, TODAY)!.scores.run;
  const res = await postForm(app, '/teams/srch/check-in-held?cycle=2026-q4', {
    key: randomUUID(),
    heldOn: TODAY,
    cycleId: CYCLE,
    attendance: '75',
    confidence: '',
  });
  expect(res.statusCode).toBe(303);
  expect(world.queries.team('srch', CYCLE, TODAY)!.scores.run).toBeGreaterThan(before);
  // With htmx the answer says, in the page's notices, which pages may not show the write yet.
  const inPlace = await postForm(
    app,
    '/teams/srch/check-in-missed?cycle=2026-q4',
    { key: randomUUID(), dueOn: '2026-11-11', cycleId: CYCLE, reason: '' },
    { 'hx-request': 'true' },
  );
  expect(inPlace.statusCode).toBe(200);
  expect(inPlace.body).toContain('<hx-partial hx-target="#notices" hx-swap="innerHTML">');
  expect(inPlace.body).toContain('Saved. Faulty may not show it yet');
  expect(failures).toHaveLength(1); // logged once, not once per batch
  expect(seen()).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
  await app.close();
  await world.runner.stop();

  // The fault fixed, a restart resumes the projection from its checkpoint.
  fault.state.failing = false;
  world.runner = new ProjectionRunner(world.db, world.store, projections);
  await world.runner.catchUp();
  const now = await world.store.headPosition();
  expect(seen()).toEqual(Array.from({ length: Number(now) }, (_, i) => i + 1));
  app = await appFor(world);
  const healthy = await app.inject('/healthz');
  expect(healthy.statusCode).toBe(200);
  expect(healthy.json()).toMatchObject({ ok: true, status: 'ok', projections: [] });
});

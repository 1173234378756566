/**
 * The rules over real components (SQLite store and read models): the process manager raises an
 * inferred signal once, and neither a restart from its checkpoint nor a replay from the first
 * event records it again; the signal's page says why in words and links to the causing events;
 * when the pattern clears, the page shows the rule's proposal to resolve it.
 */
import type { FastifyInstance } from 'fastify';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SqliteRuleCheckpoint } from '../../infra/sqlite/ruleCheckpoint.ts';
import { healthOf } from '../../src/http/health.ts';
import {
  appFor,
  CYCLE,
  closeWorld,
  given,
  openWorld,
  seedSmallOrganisation,
  startTestRules,
  TODAY,
  type World,
} from '../support/webApp.ts';

let world: World;
let app: FastifyInstance | undefined;
const warnings: string[] = [];

beforeEach(async () => {
  world = openWorld();
  await seedSmallOrganisation(world);
  for (const dueOn of ['2026-11-12', '2026-11-19']) {
    await given(world, 'team', 'srch', dueOn, { type: 'CheckInMissed', data: { teamId: 'srch', cycleId: CYCLE, dueOn } });
  }
});

afterEach(async () => {
  await app?.close();
  app = undefined;
  await closeWorld(world);
});

/** Runs the rules from their checkpoint to the head of the store, then stops them. */
async function runRules(checkpoint = new SqliteRuleCheckpoint(world.db)) {
  const rules = startTestRules(world, { time: '12:00:00.000', warn: (message) => warnings.push(message), pollMs: 50, checkpoint });
  await rules.caughtUp();
  await rules.stop();
}

/** Every event the rules recorded, by type and signal. */
const recordedByRules = async () =>
  (await world.store.readAll({ after: 0n })).filter((e) => e.metadata.actor.kind === 'rule').map((e) => `${e.type} ${e.streamId}`);

const missedSignal = async () => {
  const raised = (await world.store.readAll({ after: 0n })).find(
    (e) => e.type === 'ResistanceSignalRaised' && (e.data as { rule?: string }).rule === 'missed-check-ins',
  );
  if (!raised) throw new Error('no missed-check-ins signal');
  return raised as typeof raised & { data: { signalId: string; causes: string[] } };
};

describe('the rules process manager', () => {
  it('raises an inferred signal once, with its rule, source and causing events', async () => {
    await runRules();
    const raised = await missedSignal();
    const missed = (await world.store.readStream('team-srch')).filter((e) => e.type === 'CheckInMissed').map((e) => e.metadata.eventId);
    expect(raised.data).toMatchObject({ source: 'rule', rule: 'missed-check-ins', teamId: 'srch', areaId: 'eng', causes: missed });
    expect(raised.metadata.actor).toEqual({ kind: 'rule', id: 'missed-check-ins' });
    const raises = (await recordedByRules()).filter((r) => r.startsWith('ResistanceSignalRaised'));
    expect(new Set(raises).size).toBe(raises.length);
    expect(warnings).toEqual([]);
  });

  it('records nothing again after a restart from its checkpoint, nor on a replay from the first event', async () => {
    await runRules();
    const first = await recordedByRules();
    expect(first.length).toBeGreaterThan(0);
    await runRules();
    expect(await recordedByRules()).toEqual(first);
    const checkpoint = new SqliteRuleCheckpoint(world.db);
    checkpoint.reset();
    await runRules(checkpoint);
    expect(await recordedByRules()).toEqual(first);
  });

  it("proposes resolution once the pattern clears; the signal's page explains it and links to the causes", async () => {
    await runRules();
    await given(world, 'team', 'srch', '2026-11-24', {
      type: 'CheckInHeld',
      data: { teamId: 'srch', cycleId: CYCLE, heldOn: '2026-11-24' },
    });
    await runRules();
    const raised = await missedSignal();
    expect((await world.store.readStream(`signal-${raised.data.signalId}`)).map((e) => e.type)).toEqual([
      'ResistanceSignalRaised',
      'ResistanceSignalResolutionProposed',
    ]);
    await world.runner.catchUp();
    app = await appFor(world);
    const html = (await app.inject(`/resistance/${raised.data.signalId}`)).body;
    const text = html.replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' ');
    expect(text).toContain(
      'Raised by the rule Check-ins missed in a row missed-check-ins : 2 check-ins in a row were missed (due 2026-11-12, 2026-11-19).',
    );
    for (const eventId of raised.data.causes) expect(html).toContain(`href="/timeline?team=srch#event-${eventId}"`);
    expect(text).toContain('The rule proposes resolving this signal');
    expect(text).toContain('A check-in was held on 2026-11-24.');
    const timeline = (await app.inject('/timeline?team=srch')).body;
    for (const eventId of raised.data.causes) expect(timeline).toContain(`id="event-${eventId}"`);
  });

  it("reports the rules' position, lag behind the store and last tick on /healthz, and 503 while they retry", async () => {
    // Polling long enough that nothing appended below is read before the rules are stopped.
    const rules = startTestRules(world, { time: '12:00:00.000', warn: (message) => warnings.push(message), pollMs: 60_000 });
    try {
      // Signing in records events too: the rules read them before the lag is zero.
      app = await appFor(world, { health: healthOf(world.store, world.runner, undefined, undefined, () => rules.health()) });
      await rules.caughtUp();
      const head = await world.store.headPosition();
      const following = await app.inject('/healthz');
      expect(following.statusCode).toBe(200);
      expect(following.json().rules).toEqual({
        state: 'following',
        position: head.toString(),
        lag: 0,
        lastTick: { day: TODAY, at: `${TODAY}T12:00:00.000Z` },
      });
      await given(world, 'team', 'srch', '2026-11-24', {
        type: 'CheckInHeld',
        data: { teamId: 'srch', cycleId: CYCLE, heldOn: '2026-11-24' },
      });
      expect((await app.inject('/healthz')).json().rules).toMatchObject({ position: head.toString(), lag: 1 });
    } finally {
      await rules.stop();
    }
    const retrying = await appFor(world, {
      health: healthOf(world.store, world.runner, undefined, undefined, () => ({
        state: 'retrying',
        position: '0',
        error: 'database is locked',
      })),
    });
    const degraded = await retrying.inject('/healthz');
    await retrying.close();
    expect(degraded.statusCode).toBe(503);
    expect(degraded.json()).toMatchObject({ ok: false, rules: { state: 'retrying', error: 'database is locked' } });
  });
});

/**
 * The demo organisation as `npm start` shows it once its rules caught up: the seed writes only
 * what people and integrations did, the rules raise their signals from it, and at least four of
 * the five rules fire, each signal's page saying why in words and linking to its causing events.
 */
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RuleName, ruleNames } from '../../src/rules/rules.ts';
import { appFor, closeWorld, openDemoWorldWithRules, type World } from '../support/webApp.ts';

describe('the rules on the seeded demo', () => {
  let world: World;
  let app: FastifyInstance;
  const warnings: string[] = [];

  beforeAll(async () => {
    world = await openDemoWorldWithRules((message) => warnings.push(message));
    app = await appFor(world);
  }, 300_000);

  afterAll(async () => {
    await app?.close();
    if (world) await closeWorld(world);
  });

  it('the seed itself claims no signal a rule raised', async () => {
    const events = await world.store.readAll({ after: 0n, maxCount: 1_000_000 });
    const claimed = events.filter(
      (e) => e.type === 'ResistanceSignalRaised' && (e.data as { source: string }).source === 'rule' && e.metadata.actor.kind !== 'rule',
    );
    expect(claimed).toEqual([]);
  });

  it('fires at least four distinct rules, each signal explained on its page and linked to its causes', async () => {
    expect(warnings).toEqual([]);
    const events = await world.store.readAll({ after: 0n, maxCount: 1_000_000 });
    const raised = events.flatMap((e) =>
      e.type === 'ResistanceSignalRaised' && e.metadata.actor.kind === 'rule'
        ? [e.data as { signalId: string; rule: RuleName; description: string; causes: string[] }]
        : [],
    );
    const byRule = new Map(raised.map((r) => [r.rule, r]));
    expect([...byRule.keys()].length, [...byRule.keys()].join(', ')).toBeGreaterThanOrEqual(4);
    for (const rule of byRule.keys()) expect(ruleNames).toContain(rule);
    // The two the story shapes for them: a team's key results stop syncing, an area unlinks its objectives.
    expect([...byRule.keys()]).toEqual(expect.arrayContaining(['stalled-progress', 'area-score-drop']));
    for (const signal of byRule.values()) {
      const response = await app.inject(`/resistance/${signal.signalId}`);
      expect(response.statusCode).toBe(200);
      const why = /<section[^>]*id="signal-inference"[^>]*>([\s\S]*?)<\/section>/.exec(response.body)?.[1] ?? '';
      const text = why
        .replace(/<[^>]+>/g, ' ')
        .replace(/\s+/g, ' ')
        .replaceAll('&#39;', "'");
      expect(text, signal.rule).toContain(`${signal.rule} : ${signal.description}`);
      expect(signal.causes.length).toBeGreaterThan(0);
      for (const eventId of signal.causes) expect(why, signal.rule).toMatch(new RegExp(`href="[^"]*#event-${eventId}"`));
    }
  });
});

/**
 * Change saturation on the seeded demo organisation, over the real SQLite store and read models:
 * the heatmap flags the areas with too much change at once in the as-of week (and only those),
 * a higher threshold flags none, an earlier as-of date flags by that week's load; the flag opens
 * the area page's list of the signals and interventions behind it, with its week-by-week series.
 * Pages read read models only.
 */
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SqliteOrgQueries } from '../../projections/org/queries.ts';
import { appFor, closeWorld, mainOf, openDemoWorld, storeNoPageMayRead, TODAY, type World } from '../support/webApp.ts';

let world: World;
let app: FastifyInstance;
let areaId: (code: string) => string;

beforeAll(async () => {
  world = await openDemoWorld();
  const areas = new SqliteOrgQueries(world.db).areas();
  areaId = (code) => areas.find((a) => a.code === code)!.areaId;
  // Every page here is rendered over a store that refuses to be read.
  app = await appFor(world, { store: storeNoPageMayRead(world) });
}, 120_000);

afterAll(async () => {
  await app?.close();
  if (world) await closeWorld(world);
});

/** Each area row of the heatmap by its code: its saturation flag's link and text (title), if it has one. */
function flagLinks(html: string): Map<string, { href: string; title: string } | null> {
  const rows = html.split('<tbody class="area-group">').slice(1);
  return new Map(
    rows.map((row) => {
      const code = /<span class="area-meta">([^ <]+) ·/.exec(row)![1]!;
      const flag = /<a class="saturation-flag" href="([^"]+)" title="([^"]+)"/.exec(row);
      return [code, flag ? { href: flag[1]!.replaceAll('&amp;', '&'), title: flag[2]! } : null];
    }),
  );
}

const flags = (html: string) => new Map([...flagLinks(html)].map(([code, flag]) => [code, flag?.title ?? null]));
const flagged = (html: string) => [...flags(html)].filter(([, flag]) => flag !== null).map(([code]) => code);

describe('change saturation on the demo organisation', () => {
  it('flags Sales as of today, with the load in words, and no other area', async () => {
    const response = await app.inject(`/heatmap?asOf=${TODAY}`);
    expect(response.statusCode).toBe(200);
    const rows = flags(response.body);
    expect(rows.size).toBeGreaterThan(5);
    expect(flagged(response.body)).toEqual(['SALES']);
    expect(rows.get('SALES')).toBe('20 open signals and 11 interventions in progress in 2026-W48: 31, threshold 15');
  });

  it("counts an area's subtree: Operations' own signals are fewer than its flag counts, Support's below it add the rest", async () => {
    const supportPage = mainOf((await app.inject(`/areas/${areaId('SUPPORT')}?asOf=${TODAY}`)).body);
    expect(supportPage).toContain('had 4 open signals and 3 interventions in progress: <b>7</b> against a threshold of 15');
    const opsPage = mainOf((await app.inject(`/areas/${areaId('OPS')}?asOf=${TODAY}`)).body);
    expect(opsPage).toContain('had 6 open signals and 5 interventions in progress: <b>11</b> against a threshold of 15');
    // With a threshold of 9, Operations is flagged by its subtree's load, Support (7) below it is not.
    const nine = await appFor(world, { store: storeNoPageMayRead(world), saturationThreshold: 9 });
    try {
      expect(flagged((await nine.inject(`/heatmap?asOf=${TODAY}`)).body)).toEqual(['OPS', 'SALES']);
    } finally {
      await nine.close();
    }
  });

  it('flags nothing with a threshold above every load', async () => {
    const high = await appFor(world, { store: storeNoPageMayRead(world), saturationThreshold: 36 });
    try {
      const response = await high.inject(`/heatmap?asOf=${TODAY}`);
      expect(response.statusCode).toBe(200);
      expect(flagged(response.body)).toEqual([]);
      expect(response.body).not.toContain('too much change at once');
    } finally {
      await high.close();
    }
  });

  it('flags by the load of the as-of week: early in the cycle too, only Sales had that much going on', async () => {
    const response = await app.inject('/heatmap?asOf=2026-10-04');
    expect(response.statusCode).toBe(200);
    expect(flagged(response.body)).toEqual(['SALES']);
    expect(flags(response.body).get('SALES')).toContain('in 2026-W40');
  });

  it("opens the area page's list of what is behind the flag, with links to each signal, and its weeks through the cycle", async () => {
    const href = flagLinks((await app.inject(`/heatmap?asOf=${TODAY}`)).body).get('SALES')!.href;
    const url = new URL(href, 'http://uptake.test');
    expect([url.pathname, url.searchParams.get('asOf'), url.hash]).toEqual([`/areas/${areaId('SALES')}`, TODAY, '#saturation']);
    const page = await app.inject(href);
    expect(page.statusCode).toBe(200);
    const section = /<section class="card card--flush saturation" id="saturation"[\s\S]*?<\/section>/.exec(page.body)![0];
    expect(section).toContain('too much change at once');
    expect(section).toContain('had 20 open signals and 11 interventions in progress: <b>31</b>');
    // The 10 most severe of the 20 signals and 10 of the 11 interventions, the rest counted.
    expect(section).toContain('Open signals in 2026-W48 <span class="muted">· 20, the most severe first</span>');
    expect(section).toContain('Interventions in progress in 2026-W48 <span class="muted">· 11,');
    const listed = section.match(/<a href="\/resistance\/[^"]+">/g) ?? [];
    expect(listed).toHaveLength(20);
    expect(section).toContain('and 10 more');
    expect(section).toContain('and 1 more');
    const weeks = [...section.matchAll(/<th scope="row">(\d{4}-W\d{2})<\/th>/g)].map((m) => m[1]);
    expect(weeks[0]).toBe('2026-W40');
    expect(weeks.at(-1)).toBe('2026-W48');
    expect(weeks).toHaveLength(9);
  });

  it('answers a wrong as-of date beside its field, never with a server error', async () => {
    const bad = await app.inject('/heatmap?asOf=%3Cscript%3E');
    expect(bad.statusCode).toBe(422);
    expect(bad.body).toContain('must be a calendar date, YYYY-MM-DD');
    expect(bad.body).not.toContain('<script>');
    // A date after today is refused: the read models know today's items, not that week's.
    const future = await app.inject('/heatmap?asOf=2099-01-07');
    expect(future.statusCode).toBe(422);
    expect(future.body).toContain(`&quot;2099-01-07&quot; must not be after today (${TODAY})`);
    const areaFuture = await app.inject(`/areas/${areaId('SALES')}?asOf=2099-01-07`);
    expect(areaFuture.statusCode).toBe(422);
    expect(areaFuture.body).toContain(`asOf: must not be after today (${TODAY})`);
  });
});

/**
 * The web app over real components: a SQLite file, the SQLite event store, the projection
 * runner and the heatmap queries. Events are appended as the application would store them, the
 * projections catch up, and the pages are asked for with `app.inject`.
 */
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dimensions, type HeatmapQueries, type Scores } from '../../projections/heatmap/types.ts';
import { healthOf } from '../../src/http/health.ts';
import type { PublisherHealth } from '../../src/outbound/publisher.ts';
import { appFor, closeWorld, CYCLE, given, openWorld, seedSmallOrganisation, TODAY, type World } from '../support/webApp.ts';

/** The printed score cells (value and tone) of the table row whose heading contains `name`. */
function cellsOfRow(html: string, name: string): { value: string; tone: string }[] {
  const row = html.split('<tr').find((r) => r.includes(name));
  if (!row) throw new Error(`no row for ${name}`);
  return [...row.matchAll(/<td class="cell tone-([a-z0-9]+)"[^>]*>(?:<a [^>]*>)?([^<]*)/g)].map((m) => ({ tone: m[1]!, value: m[2]! }));
}

/** As printed mid-cycle: a reflect score of 0 reads "not due yet" (·) until the cycle ends. */
const printed = (scores: Scores | null) =>
  [...dimensions, 'overall' as const].map((d) =>
    scores === null ? '—' : d === 'reflect' && scores[d] === 0 ? '·' : String(Math.round(scores[d])),
  );

describe('web app over SQLite', () => {
  let world: World;
  let app: FastifyInstance;

  beforeAll(async () => {
    world = openWorld();
    await seedSmallOrganisation(world);
    app = await appFor(world);
  });

  afterAll(async () => {
    await app?.close();
    if (world) await closeWorld(world);
  });

  describe('heatmap', () => {
    it('prints a reflect score of 0 as not due until the cycle ends, and as 0 after it', async () => {
      // Read after the cycle: an as-of date may not be after today.
      const later = await appFor(world, { today: () => '2027-01-05' });
      try {
        const during = await later.inject('/heatmap?cycle=2026-q4&asOf=2026-12-30');
        expect(cellsOfRow(during.body, '>Platform<')[4]).toEqual({ tone: 'none', value: '·' });
        const after = await later.inject('/heatmap?cycle=2026-q4&asOf=2026-12-31');
        expect(cellsOfRow(after.body, '>Platform<')[4]).toEqual({ tone: '0', value: '0' });
      } finally {
        await later.close();
      }
    });

    it('shows every area with the scores the read side computed, as numbers and tones', async () => {
      const res = await app.inject('/');
      expect(res.statusCode).toBe(200);
      expect(res.headers['content-type']).toMatch(/^text\/html/);
      expect(res.headers.vary).toMatch(/HX-Request/i);
      expect(res.body).toContain('Cycle 2026-Q4');
      expect(res.body).toContain('25 Nov 2026');

      const heatmap = world.queries.heatmap(CYCLE, TODAY)!;
      const platform = heatmap.areas.find((a) => a.areaId === 'plat')!;
      expect(platform.scores!.overall).toBeGreaterThan(0);
      for (const area of heatmap.areas) {
        expect(
          cellsOfRow(res.body, `>${area.name.replace('&', '&amp;').replace('<', '&lt;').replace('>', '&gt;')}<`).map((c) => c.value),
        ).toEqual(printed(area.scores));
      }
      expect(cellsOfRow(res.body, 'All areas').map((c) => c.value)).toEqual(printed(heatmap.organisation));
      expect(cellsOfRow(res.body, '>Platform<').at(-1)!.tone).toBe(
        String(Math.min(4, Math.floor(Math.round(platform.scores!.overall) / 20))),
      );
    });

    it('indents child areas and shows stage, check-in freshness and open resistance beside each area', async () => {
      const res = await app.inject('/');
      expect(res.body).toMatch(
        /class="matrix__name depth-1">\s*<a class="area-toggle" href="\/areas\/plat\?cycle=2026-q4&amp;asOf=2026-11-25"/,
      );
      const engineering = res.body.split('<tbody class="area-group">').find((g) => g.includes('>Engineering<'))!;
      expect(engineering).toContain('<b>1 open</b> · severity 4');
      expect(engineering).toMatch(/class="stage stage--[a-z-]+"/);
      expect(engineering).toMatch(/<li class="chip chip--fresh"><b>1<\/b> on time<\/li>/);
    });

    it('escapes what users typed: names are text, not markup', async () => {
      const res = await app.inject('/');
      expect(res.body).toContain('R&amp;D &lt;Labs&gt;');
      expect(res.body).not.toContain('R&D <Labs>');
      const rows = await app.inject({ url: '/areas/eng?cycle=2026-q4', headers: { 'hx-request': 'true' } });
      expect(rows.body).toContain('Search &amp; &lt;Discovery&gt;');
      expect(rows.body).not.toContain('<Discovery>');
    });

    it('shows the heatmap as of an earlier date: facts after it do not count', async () => {
      const res = await app.inject('/heatmap?cycle=2026-q4&asOf=2026-10-10');
      expect(res.statusCode).toBe(200);
      expect(res.body).toContain('10 Oct 2026');
      const earlier = world.queries.heatmap(CYCLE, '2026-10-10')!.areas.find((a) => a.areaId === 'plat')!;
      const now = world.queries.heatmap(CYCLE, TODAY)!.areas.find((a) => a.areaId === 'plat')!;
      expect(earlier.scores!.run).not.toBe(now.scores!.run);
      expect(cellsOfRow(res.body, '>Platform<').map((c) => c.value)).toEqual(printed(earlier.scores));
    });

    it('answers an htmx request from the cycle picker with the heatmap section only', async () => {
      const res = await app.inject({ url: '/heatmap?cycle=2026-q4&asOf=2026-11-25', headers: { 'hx-request': 'true' } });
      expect(res.statusCode).toBe(200);
      expect(res.body).not.toContain('<html');
      expect(res.body.trimStart()).toMatch(/^<div id="heatmap"/);
    });

    it('re-renders the page with the message beside asOf when the date is not a date (422, not 500)', async () => {
      const res = await app.inject('/heatmap?asOf=2026-13-45');
      expect(res.statusCode).toBe(422);
      expect(res.body).toContain('aria-invalid="true"');
      expect(res.body).toContain('id="asOf-error">asOf &quot;2026-13-45&quot; must be a calendar date, YYYY-MM-DD');
      expect(res.body).toContain('Cycle 2026-Q4');
    });

    it('refuses a date after today beside asOf (422) and shows today’s heatmap meanwhile', async () => {
      const res = await app.inject('/heatmap?cycle=2026-q4&asOf=2026-11-26');
      expect(res.statusCode).toBe(422);
      expect(res.body).toContain('aria-invalid="true"');
      expect(res.body).toContain(`id="asOf-error">asOf &quot;2026-11-26&quot; must not be after today (${TODAY})`);
      expect(res.body).toContain('25 Nov 2026');
      expect((await app.inject(`/heatmap?cycle=2026-q4&asOf=${TODAY}`)).statusCode).toBe(200);
    });

    it('answers an unknown cycle with a 404 page', async () => {
      const res = await app.inject('/heatmap?cycle=1999-q1');
      expect(res.statusCode).toBe(404);
      expect(res.body).toContain('There is no cycle &quot;1999-q1&quot;.');
    });
  });

  describe('area', () => {
    it('returns the team rows as a fragment for an htmx request (the expand in place)', async () => {
      const res = await app.inject({ url: '/areas/plat?cycle=2026-q4&asOf=2026-11-25', headers: { 'hx-request': 'true' } });
      expect(res.statusCode).toBe(200);
      expect(res.body).not.toContain('<html');
      expect(res.body.trimStart()).toMatch(/^<tr class="team-row">/);
      const payments = world.queries.area('plat', CYCLE, TODAY)!.teams[0]!;
      expect(cellsOfRow(res.body, 'Payments').map((c) => c.value)).toEqual(printed(payments.scores));
      expect(res.body).toContain('href="/evidence?team=pay&amp;area=plat&amp;cycle=2026-q4&amp;dimension=run&amp;asOf=2026-11-25"');
      expect(res.body).toContain('href="/evidence?team=pay&amp;area=plat&amp;cycle=2026-q4&amp;dimension=overall&amp;asOf=2026-11-25"');
      expect(res.body).toContain('3 of 3 held · last 12 Nov 2026');
    });

    it("links an area's score cells to the area's page, where its teams' numbers are", async () => {
      const res = await app.inject('/');
      const platform = res.body.split('<tr').find((r) => r.includes('>Platform<'))!;
      const links = [...platform.matchAll(/<td class="cell[^"]*"[^>]*><a href="([^"]+)"/g)].map((m) => m[1]);
      expect(links).toHaveLength(5); // reflect is "not due yet" and links nowhere
      expect(new Set(links)).toEqual(new Set(['/areas/plat?cycle=2026-q4&amp;asOf=2026-11-25']));
    });

    it('says so when an area has no teams of its own', async () => {
      const res = await app.inject({ url: '/areas/rnd?cycle=2026-q4', headers: { 'hx-request': 'true' } });
      expect(res.body).toContain('No teams directly in R&amp;D &lt;Labs&gt;.');
    });

    it('refuses an area as of a date after today (422 naming asOf), the page and its expand rows alike', async () => {
      for (const headers of [{}, { 'hx-request': 'true' }]) {
        const res = await app.inject({ url: '/areas/eng?cycle=2026-q4&asOf=2026-11-26', headers });
        expect(res.statusCode).toBe(422);
        expect(res.body).toContain(`asOf: must not be after today (${TODAY})`);
      }
    });

    it('serves the same URL without JavaScript as the full area page', async () => {
      const res = await app.inject('/areas/eng?cycle=2026-q4&asOf=2026-11-25');
      expect(res.statusCode).toBe(200);
      expect(res.body).toMatch(/^<!doctype html>/);
      expect(res.body).toMatch(/<h1>Engineering <span class="stage/);
      expect(res.body).toContain('Search &amp; &lt;Discovery&gt;');
      expect(res.body).not.toContain('<Discovery>');
      expect(res.body).toContain('Areas within Engineering');
      expect(cellsOfRow(res.body, '>Platform<').map((c) => c.value)).toEqual(
        printed(world.queries.area('plat', CYCLE, TODAY)!.area.scores),
      );
    });

    it('gives a history restore (htmx, whole body) the full page', async () => {
      const res = await app.inject({
        url: '/areas/eng?cycle=2026-q4',
        headers: { 'hx-request': 'true', 'hx-history-restore-request': 'true' },
      });
      expect(res.body).toMatch(/^<!doctype html>/);
    });

    it('answers an unknown area with a friendly 404 page', async () => {
      const res = await app.inject('/areas/nowhere?cycle=2026-q4');
      expect(res.statusCode).toBe(404);
      expect(res.body).toMatch(/^<!doctype html>/);
      expect(res.body).toContain('There is no area &quot;nowhere&quot;.');
      expect(res.body).toContain('Back to the heatmap');
    });

    it('sends an htmx request for an unknown area a notice for the page notices region', async () => {
      const res = await app.inject({ url: '/areas/nowhere?cycle=2026-q4', headers: { 'hx-request': 'true' } });
      expect(res.statusCode).toBe(404);
      expect(res.headers['hx-retarget']).toBe('#notices');
      expect(res.body).toContain('role="alert"');
      expect(res.body).not.toContain('<html');
    });

    it('names asOf when it is not a date, as HTML and as JSON', async () => {
      const page = await app.inject('/areas/eng?asOf=yesterday');
      expect(page.statusCode).toBe(422);
      expect(page.body).toContain('<code>asOf</code> must be a calendar date, YYYY-MM-DD');
      const json = await app.inject({ url: '/areas/eng?asOf=yesterday', headers: { accept: 'application/json' } });
      expect(json.statusCode).toBe(422);
      expect(json.json()).toMatchObject({
        error: 'validation_failed',
        issues: [{ field: 'asOf', message: 'must be a calendar date, YYYY-MM-DD' }],
      });
    });
  });

  describe('evidence', () => {
    it('lists the events behind a team score', async () => {
      const res = await app.inject('/evidence?team=pay&area=plat&cycle=2026-q4&dimension=run&asOf=2026-11-25');
      expect(res.statusCode).toBe(200);
      const evidence = world.queries.evidence('pay', CYCLE, 'run', TODAY);
      expect(evidence).toHaveLength(3);
      for (const e of evidence) expect(res.body).toContain(e.eventId);
      expect(res.body).toContain('12 Nov 2026');
      expect(res.body).toContain('Payments');
    });

    it('rejects a dimension that does not exist, naming it', async () => {
      const res = await app.inject('/evidence?team=pay&cycle=2026-q4&dimension=happiness');
      expect(res.statusCode).toBe(422);
      expect(res.body).toContain('<code>dimension</code> must be one of learn, set, align, run, reflect, overall');
    });

    it('shows how the model computed the number, and the events in words', async () => {
      const run = await app.inject('/evidence?team=pay&area=plat&cycle=2026-q4&dimension=run&asOf=2026-11-25');
      // 55 days since 1 Oct, every 14 days: floor(55 / 14) = 3 expected; 3 held.
      expect(run.body).toContain('3 check-ins held of 3 expected by 25 Nov 2026 (every 14 days since 1 Oct 2026) → 100');
      expect(run.body).toContain('Check-in held on 12 Nov 2026 (attendance 90%, confidence 70%)');
      expect(run.body).not.toContain('CheckInHeld');
      const learn = await app.inject('/evidence?team=pay&area=plat&cycle=2026-q4&dimension=learn&asOf=2026-11-25');
      expect(learn.body).toContain('8 of 8 people trained in “OKR basics” since 26 Nov 2025');
    });

    it('traces the overall column to every dimension, weighted, and says why reflect is left out', async () => {
      const res = await app.inject('/evidence?team=pay&area=plat&cycle=2026-q4&dimension=overall&asOf=2026-11-25');
      expect(res.statusCode).toBe(200);
      // learn 100, set 100, align 0, run 100: 7000 / 85 = 82.4.
      expect(res.body).toContain('(15×100 + 20×100 + 15×0 + 35×100) / 85 → 82');
      expect(res.body).toContain('Reflect is left out: not due until the cycle ends on 31 Dec 2026; nothing done yet.');
      expect(res.body).toContain('href="/evidence?team=pay&amp;area=plat&amp;cycle=2026-q4&amp;dimension=run&amp;asOf=2026-11-25"');
      for (const e of world.queries.evidence('pay', CYCLE, null, TODAY)) expect(res.body).toContain(e.eventId);
    });

    it('pages a long run cell by links that work without JavaScript, counting every event by type and scoring from all', async () => {
      const busy = openWorld();
      try {
        await seedSmallOrganisation(busy);
        for (let n = 0; n < 60; n++) {
          const reportedOn = `2026-11-${String(1 + (n % 20)).padStart(2, '0')}`;
          await given(busy, 'team', 'pay', reportedOn, {
            type: 'KeyResultProgressReported',
            data: { teamId: 'pay', cycleId: CYCLE, keyResultRef: `KR-${n}`, progress: 0.5, reportedOn },
          });
        }
        await busy.runner.catchUp();
        const busyApp = await appFor(busy);
        const first = await busyApp.inject('/evidence?team=pay&area=plat&cycle=2026-q4&dimension=run&asOf=2026-11-25');
        const eventRows = (html: string) => html.match(/<td class="events__ref">/g)?.length ?? 0;
        const link = (html: string, rel: string) => new RegExp(`href="([^"]+)" rel="${rel}"`).exec(html)?.[1]?.replaceAll('&amp;', '&');
        expect(eventRows(first.body)).toBe(50);
        expect(first.body).toContain('<b>60</b> Key result progress reported');
        expect(first.body).toContain('<b>3</b> Check-in held');
        expect(first.body).toContain('63 events');
        expect(first.body).toContain('3 check-ins held of 3 expected');
        expect(link(first.body, 'prev')).toBeUndefined();
        const later = await busyApp.inject(link(first.body, 'next')!);
        expect(eventRows(later.body)).toBe(13);
        expect(link(later.body, 'next')).toBeUndefined();
        const back = await busyApp.inject(link(later.body, 'prev')!);
        expect(eventRows(back.body)).toBe(50);
        expect(link(back.body, 'prev')).toBeUndefined();
        expect(link(back.body, 'next')).toBe(link(first.body, 'next'));
        const bad = await busyApp.inject('/evidence?team=pay&cycle=2026-q4&dimension=run&after=yesterday');
        expect(bad.statusCode).toBe(422);
        expect(bad.body).toContain('<code>after</code> must be a date and a number, as the page links make it');
        await busyApp.close();
      } finally {
        await closeWorld(busy);
      }
    });

    it('says on the page why an early review does not count yet', async () => {
      const early = openWorld();
      try {
        await seedSmallOrganisation(early);
        await given(early, 'team', 'pay', '2026-11-20', {
          type: 'CycleReviewHeld',
          data: { teamId: 'pay', cycleId: CYCLE, heldOn: '2026-11-20' },
        });
        await early.runner.catchUp();
        const earlyApp = await appFor(early);
        const res = await earlyApp.inject('/evidence?team=pay&area=plat&cycle=2026-q4&dimension=overall&asOf=2026-11-25');
        await earlyApp.close();
        expect(res.body).toContain('Cycle review held (50) + retrospective not held (0), not due until the cycle ends on 31 Dec 2026 → 50');
        expect(res.body).toContain(
          'Reflect is left out: not due until the cycle ends on 31 Dec 2026; 50 would lower the overall, and doing it early never does.',
        );
        expect(res.body).toContain('/ 85 → 82');
      } finally {
        await closeWorld(early);
      }
    });
  });

  describe('plumbing', () => {
    it('answers /healthz with the store and how far the projections lag', async () => {
      const res = await app.inject('/healthz');
      expect(res.statusCode).toBe(200);
      expect(res.json()).toEqual({ ok: true, status: 'ok', store: 'sqlite', projectionsLag: 0, projections: [] });
    });

    it('answers /healthz with 503 when degraded', async () => {
      const degraded = await appFor(world, {
        health: async () => ({ ok: false, store: 'eventstoredb: unreachable', projectionsLag: 42, projections: [] }),
      });
      const res = await degraded.inject('/healthz');
      await degraded.close();
      expect(res.statusCode).toBe(503);
      expect(res.json()).toEqual({
        ok: false,
        status: 'degraded',
        store: 'eventstoredb: unreachable',
        projectionsLag: 42,
        projections: [],
      });
    });

    it("reports the publisher's checkpoint and lag on /healthz, and 503 while the broker refuses what it publishes", async () => {
      const head = await world.store.headPosition();
      const withPublisher = (state: PublisherHealth) =>
        appFor(world, { health: healthOf(world.store, world.runner, undefined, () => state) });
      const publishing = await withPublisher({ state: 'publishing', position: (head - 3n).toString() });
      const ok = await publishing.inject('/healthz');
      await publishing.close();
      expect(ok.statusCode).toBe(200);
      expect(ok.json().publisher).toEqual({ state: 'publishing', position: (head - 3n).toString(), lag: 3 });

      const refused = await withPublisher({ state: 'retrying', position: head.toString(), error: 'Connection error' });
      const degraded = await refused.inject('/healthz');
      await refused.close();
      expect(degraded.statusCode).toBe(503);
      expect(degraded.json()).toMatchObject({ ok: false, publisher: { state: 'retrying', error: 'Connection error', lag: 0 } });
    });

    it('serves htmx from node_modules, not a CDN, and nothing else from its folder', async () => {
      const htmx = await app.inject('/vendor/htmx/htmx.min.js');
      expect(htmx.statusCode).toBe(200);
      expect(htmx.headers['content-type']).toMatch(/javascript/);
      expect(htmx.body.length).toBeGreaterThan(10_000);
      expect((await app.inject('/vendor/htmx/skills/htmx-guidance.md')).statusCode).toBe(404);
      const page = await app.inject('/');
      expect(page.body).toContain('<script src="/vendor/htmx/htmx.min.js"></script>');
      expect(page.body).not.toMatch(/https?:\/\/[^"]*htmx/);
    });

    it('serves the stylesheet from /assets/', async () => {
      const res = await app.inject('/assets/uptake.css');
      expect(res.statusCode).toBe(200);
      expect(res.headers['content-type']).toMatch(/^text\/css/);
    });

    it('answers an unknown URL with the 404 page', async () => {
      const res = await app.inject('/no/such/page');
      expect(res.statusCode).toBe(404);
      expect(res.body).toContain('There is no page at /no/such/page.');
    });

    it('never shows a server error’s message', async () => {
      const broken: HeatmapQueries = Object.assign(Object.create(world.queries) as HeatmapQueries, {
        heatmap: () => {
          throw new Error('SQLITE_CORRUPT: /secret/path/uptake.db');
        },
      });
      const failing = await appFor(world, { queries: broken });
      const page = await failing.inject('/');
      const json = await failing.inject({ url: '/', headers: { accept: 'application/json' } });
      await failing.close();
      expect(page.statusCode).toBe(500);
      expect(page.body).toContain('Something went wrong on our side');
      expect(page.body).not.toContain('secret');
      expect(json.statusCode).toBe(500);
      expect(json.body).not.toContain('secret');
    });
  });
});

describe('empty states', () => {
  let world: World;
  let app: FastifyInstance;

  beforeAll(async () => {
    world = openWorld();
    app = await appFor(world);
  });

  afterAll(async () => {
    await app?.close();
    if (world) await closeWorld(world);
  });

  it('says what to do when no cycle has been opened', async () => {
    const res = await app.inject('/');
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain('No cycle yet');
    expect(res.body).toContain('<code>npm run seed</code>');
  });

  it('says what to do when a cycle is open but there are no areas', async () => {
    await given(world, 'cycle', CYCLE, '2026-09-20', {
      type: 'CycleOpened',
      data: { cycleId: CYCLE, name: '2026-Q4', startsOn: '2026-10-01', endsOn: '2026-12-31', checkInCadenceDays: 14 },
    });
    await world.runner.catchUp();
    const res = await app.inject('/');
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain('No areas yet');
    expect(res.body).toContain('<code>npm run seed</code>');
  });
});

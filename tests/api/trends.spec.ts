/**
 * Trends and forecasts on the seeded demo: every heatmap row, the area page and the team page
 * carry a sparkline whose text alternative lists the weekly overall scores, each scored as the
 * heatmap scores that date, and the forecast in words; a write moves them.
 */
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SqliteDirectory } from '../../projections/index.ts';
import type { CycleSummary, Heatmap } from '../../projections/heatmap/types.ts';
import { formatDate } from '../../src/adoption/calendar.ts';
import { forecastView } from '../../src/overview/trend.ts';
import { recordAdoption, resizeTeam } from '../../src/team/handlers.ts';
import {
  appFor,
  CYCLE,
  closeWorld,
  openDemoWorld,
  openWorld,
  seedSmallOrganisation,
  storeNoPageMayRead,
  TODAY,
  type World,
} from '../support/webApp.ts';

/** Every sparkline's text alternative in some HTML, as role="img" SVGs with a matching <title>. */
function sparklineLabels(html: string): string[] {
  return [...html.matchAll(/<svg class="sparkline"[^>]*role="img" aria-label="([^"]+)"><title>([^<]+)<\/title>/g)].map((m) => {
    expect(m[2]).toBe(m[1]);
    return m[1]!;
  });
}

/** The numbers a text alternative lists. */
const numbersOf = (label: string): number[] => label.split(': ')[1]!.split(', ').map(Number);

const escaped = (text: string) => text.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;');

describe('trends and forecasts on the demo', () => {
  let world: World;
  let app: FastifyInstance;
  let cycle: CycleSummary;
  let heatmap: Heatmap;

  beforeAll(async () => {
    world = await openDemoWorld();
    app = await appFor(world, { store: storeNoPageMayRead(world) });
    cycle = world.queries.defaultCycle(TODAY)!;
    heatmap = world.queries.heatmap(cycle.cycleId, TODAY)!;
  }, 120_000);
  afterAll(async () => {
    await app.close();
    await closeWorld(world);
  });

  it('scores each point of a series exactly as the heatmap scores that date', () => {
    const area = heatmap.areas.find((a) => a.teamCount > 1)!;
    const detail = world.queries.area(area.areaId, cycle.cycleId, TODAY)!;
    // The cycle started on 1 Oct: the Sundays from 4 Oct to 22 Nov, then 25 Nov.
    expect(area.trend.map((p) => p.on)).toEqual([
      '2026-10-04',
      '2026-10-11',
      '2026-10-18',
      '2026-10-25',
      '2026-11-01',
      '2026-11-08',
      '2026-11-15',
      '2026-11-22',
      TODAY,
    ]);
    for (const point of area.trend) {
      expect(world.queries.area(area.areaId, cycle.cycleId, point.on)!.area.scores!.overall).toBe(point.score);
      for (const team of detail.teams) {
        const then = world.queries.team(team.teamId, cycle.cycleId, point.on)!;
        expect(team.trend.find((p) => p.on === point.on)!.score).toBe(then.scores.overall);
      }
    }
    expect(area.trend.at(-1)!.score).toBe(area.scores!.overall);
  });

  it('draws a sparkline with its numbers on every area row of the heatmap, and forecasts with a range', async () => {
    const res = await app.inject('/');
    expect(res.statusCode).toBe(200);
    const labels = sparklineLabels(res.body);
    expect(labels).toHaveLength(heatmap.areas.length);
    heatmap.areas.forEach((area, i) => {
      expect(labels[i]).toBe(
        `Overall score by week from ${formatDate('2026-10-04')} to ${formatDate(TODAY)}: ${area.trend.map((p) => p.score).join(', ')}`,
      );
      expect(numbersOf(labels[i]!).at(-1)).toBe(area.scores!.overall);
      expect(res.body).toContain(`title="${escaped(forecastView(area.forecast).text)}"`);
    });
    // The demo's story: some areas rise towards embedded at a pace that gives a dated range, others are embedded already.
    const dated = heatmap.areas.filter((a) => a.forecast.kind === 'expected');
    expect(dated.length).toBeGreaterThanOrEqual(2);
    expect(heatmap.areas.some((a) => a.forecast.kind === 'last-stage')).toBe(true);
    expect(res.body).toMatch(
      /Embedded around \d{1,2} \w{3} 20\d\d \(\d{1,2} \w{3} 20\d\d – \d{1,2} \w{3} 20\d\d\) at \+\d+(\.\d)? points a week/,
    );
  });

  it("draws the team rows' sparklines when an area is unfolded (the htmx fragment)", async () => {
    const area = heatmap.areas.find((a) => a.teamCount > 1 && a.depth === 0)!;
    const detail = world.queries.area(area.areaId, cycle.cycleId, TODAY)!;
    const res = await app.inject({ url: `/areas/${area.areaId}`, headers: { 'hx-request': 'true' } });
    const labels = sparklineLabels(res.body);
    expect(labels.map(numbersOf)).toEqual(detail.teams.map((t) => t.trend.map((p) => p.score)));
  });

  it('puts the area’s trend and its forecast sentence on the area page, and each team’s in its row', async () => {
    const area = heatmap.areas.find((a) => a.forecast.kind === 'expected' && a.teamCount > 1)!;
    const detail = world.queries.area(area.areaId, cycle.cycleId, TODAY)!;
    const res = await app.inject(`/areas/${area.areaId}`);
    expect(res.statusCode).toBe(200);
    const labels = sparklineLabels(res.body);
    expect(labels.map(numbersOf)).toEqual([area, ...detail.teams, ...detail.children].map((row) => row.trend.map((p) => p.score)));
    expect(res.body).toContain(`<p class="forecast forecast--expected">${escaped(forecastView(area.forecast).text)}</p>`);
  });

  it('puts the team’s trend and forecast on the team page', async () => {
    const team = world.queries.area(heatmap.areas.find((a) => a.teamCount > 1)!.areaId, cycle.cycleId, TODAY)!.teams[0]!;
    const res = await app.inject(`/teams/${team.teamId}`);
    expect(res.statusCode).toBe(200);
    expect(sparklineLabels(res.body).map(numbersOf)).toEqual([team.trend.map((p) => p.score)]);
    expect(res.body).toContain(escaped(forecastView(team.forecast).text));
  });

  it('asked as of two dates, gives an area’s forecast on each (what the digest compares)', () => {
    const area = heatmap.areas.find((a) => a.forecast.kind === 'expected')!;
    expect(world.queries.areaForecast(area.areaId, cycle.cycleId, TODAY)).toEqual(area.forecast);
    const monthBefore = world.queries.areaForecast(area.areaId, cycle.cycleId, '2026-10-25');
    expect(monthBefore).toEqual(world.queries.area(area.areaId, cycle.cycleId, '2026-10-25')!.area.forecast);
    expect(world.queries.areaForecast('no-such-area', cycle.cycleId, TODAY)).toBeNull();
  });

  it('before the cycle starts, draws the one point there is and says there are too few weeks to forecast', async () => {
    const res = await app.inject(`/?cycle=${cycle.cycleId}&asOf=2026-09-20`);
    expect(res.statusCode).toBe(200);
    const labels = sparklineLabels(res.body);
    expect(labels).toHaveLength(heatmap.areas.length);
    expect(labels.every((label) => label.startsWith('Overall score by week on 20 Sep 2026: '))).toBe(true);
    expect(res.body).toContain('Too few weeks to forecast');
  });

  it('refuses a malformed date beside the field (422), never a 500, and draws today’s trends meanwhile', async () => {
    for (const asOf of ['2026-02-30', '<svg onload=alert(1)>']) {
      const res = await app.inject(`/?asOf=${encodeURIComponent(asOf)}`);
      expect(res.statusCode, asOf).toBe(422);
      expect(res.body).not.toContain('<svg onload');
      expect(sparklineLabels(res.body)).toHaveLength(heatmap.areas.length);
    }
  });

  it('as of a date weeks after the last event, scores the weeks since from what had happened by then', async () => {
    // The page refuses a date after its today: read on 20 Dec, with nothing recorded after TODAY.
    const later = await appFor(world, { store: storeNoPageMayRead(world), today: () => '2026-12-20' });
    const res = await later.inject(`/?cycle=${cycle.cycleId}&asOf=2026-12-20`);
    await later.close();
    expect(res.statusCode).toBe(200);
    const area = world.queries.heatmap(cycle.cycleId, '2026-12-20')!.areas[0]!;
    // Nothing is recorded after today, so the weeks ahead only lose the run score's check-ins still due.
    const ahead = area.trend.filter((p) => p.on > TODAY);
    expect(ahead.length).toBeGreaterThan(0);
    const today = heatmap.areas.find((a) => a.areaId === area.areaId)!.scores!.overall;
    expect(ahead.every((p) => p.score <= today)).toBe(true);
    expect(area.trend.filter((p) => p.on <= TODAY)).toEqual(heatmap.areas.find((a) => a.areaId === area.areaId)!.trend.slice(0, -1));
    expect(sparklineLabels(res.body)[0]).toBe(
      `Overall score by week from 4 Oct 2026 to 20 Dec 2026: ${area.trend.map((p) => p.score).join(', ')}`,
    );
  });

  it('rescores a team’s past weeks when it is resized (its learn share changes), and no other team’s', async () => {
    const teams = heatmap.areas.flatMap((a) => world.queries.area(a.areaId, cycle.cycleId, TODAY)!.teams);
    const trained = teams.find((t) => t.scores.learn > 0 && t.scores.learn < 100)!;
    const others = teams.filter((t) => t.teamId !== trained.teamId);
    await resizeTeam(
      { store: world.store, directory: new SqliteDirectory(world.db) },
      { type: 'ResizeTeam', data: { teamId: trained.teamId, size: trained.size * 4 } },
      { actor: { kind: 'user', id: 'coach-ada' }, source: 'ui', now: new Date(`${TODAY}T10:00:00.000Z`) },
    );
    await world.runner.catchUp();
    const after = world.queries.team(trained.teamId, cycle.cycleId, TODAY)!;
    expect(after.trend).not.toEqual(trained.trend);
    for (const point of after.trend) expect(point.score).toBe(world.queries.team(trained.teamId, cycle.cycleId, point.on)!.scores.overall);
    for (const other of others) expect(world.queries.team(other.teamId, cycle.cycleId, TODAY)!.trend).toEqual(other.trend);
  });

  it('moves a past week’s point when a check-in is recorded back in that week', async () => {
    // A team whose run dimension is short of its check-ins at the end of a November week: one more check-in that week raises it.
    const short = (teamId: string, on: string) => world.queries.team(teamId, cycle.cycleId, on)!.scores.run < 100;
    const lateWeeks = heatmap.areas[0]!.trend.filter((p) => p.on >= '2026-11-01' && p.on < TODAY).map((p) => p.on);
    const teams = heatmap.areas.flatMap((a) => world.queries.area(a.areaId, cycle.cycleId, TODAY)!.teams);
    const team = teams.find((t) => lateWeeks.some((on) => short(t.teamId, on)))!;
    const before = team.trend;
    const week = before.findIndex((p) => lateWeeks.includes(p.on) && short(team.teamId, p.on));
    await recordAdoption(
      { store: world.store, directory: new SqliteDirectory(world.db) },
      { type: 'HoldCheckIn', data: { teamId: team.teamId, cycleId: cycle.cycleId, heldOn: before[week]!.on } },
      { actor: { kind: 'user', id: 'coach-ada' }, source: 'ui', now: new Date(`${TODAY}T11:00:00.000Z`) },
    );
    await world.runner.catchUp();
    const after = world.queries.team(team.teamId, cycle.cycleId, TODAY)!.trend;
    expect(after.slice(0, week)).toEqual(before.slice(0, week));
    expect(after[week]!.score).toBeGreaterThan(before[week]!.score);
    expect(after.map((p) => p.score)).not.toEqual(before.map((p) => p.score));
    expect(after[week]!.score).toBe(world.queries.team(team.teamId, cycle.cycleId, before[week]!.on)!.scores.overall);
  });
});

describe('an area without teams', () => {
  it('has no sparkline and says there is nothing to forecast, on the heatmap and its page', async () => {
    const world = openWorld();
    await seedSmallOrganisation(world);
    await world.runner.catchUp();
    const app = await appFor(world);
    const empty = world.queries.heatmap(CYCLE, TODAY)!.areas.find((a) => a.teamCount === 0)!;
    expect(empty.trend).toEqual([]);
    const heatmap = await app.inject('/heatmap');
    expect(heatmap.statusCode).toBe(200);
    expect(sparklineLabels(heatmap.body)).toHaveLength(2);
    const page = await app.inject(`/areas/${empty.areaId}`);
    expect(page.statusCode).toBe(200);
    expect(sparklineLabels(page.body)).toEqual([]);
    expect(page.body).toContain('No scores to forecast from: no teams with people.');
    await app.close();
    await closeWorld(world);
  });
});

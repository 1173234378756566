/**
 * An area's teams a page at a time: the area page lists the first TEAM_PAGE, its "show more"
 * link asks for more (without JavaScript) or fetches the next after the last shown (htmx,
 * keyset), and the heatmap's expand rows stop at the same page and link to the area's page.
 * Over the real SQLite store, projections and queries.
 */
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TEAM_PAGE } from '../../src/overview/viewModels.ts';
import { bigAreaInOrder, seedBigArea } from '../support/bigArea.ts';
import { appFor, closeWorld, CYCLE, openWorld, TODAY, type World } from '../support/webApp.ts';

const selection = `cycle=${CYCLE}&asOf=${TODAY}`;
const htmx = { 'hx-request': 'true' };

/** The team ids of the rows, in order, from their links to the team pages. */
const rowTeams = (html: string) => [...html.matchAll(/<a class="team-name" href="\/teams\/([^?"]+)/g)].map((m) => m[1]);
const moreRow = (html: string) => /<tr class="team-row team-row--more">[\s\S]*?<\/tr>/.exec(html)?.[0] ?? null;
const attribute = (html: string, name: string) => new RegExp(` ${name}="([^"]*)"`).exec(html)?.[1]?.replaceAll('&amp;', '&');

describe("an area's teams, a page at a time", () => {
  let world: World;
  let app: FastifyInstance;

  beforeAll(async () => {
    world = openWorld();
    await seedBigArea(world);
    app = await appFor(world);
  });

  afterAll(async () => {
    await app?.close();
    if (world) await closeWorld(world);
  });

  it('lists the first page of teams on the area page, then a link to show the rest', async () => {
    const res = await app.inject(`/areas/big?${selection}`);
    expect(res.statusCode).toBe(200);
    expect(rowTeams(res.body)).toEqual(bigAreaInOrder.slice(0, TEAM_PAGE).map((t) => t.teamId));
    const more = moreRow(res.body)!;
    expect(more).toContain('Show 5 more teams');
    expect(more).toContain(`${TEAM_PAGE} of ${TEAM_PAGE + 5} shown`);
    expect(attribute(more, 'href')).toBe(`/areas/big?${selection}&teams=${2 * TEAM_PAGE}`);
    expect(attribute(more, 'hx-push-url')).toBe(`/areas/big?${selection}&teams=${2 * TEAM_PAGE}`);
    expect(attribute(more, 'hx-get')).toBe(`/areas/big?${selection}&after=DUP.dup-a`);
  });

  it('fetches, with htmx, only the teams after the last shown, with no link when none follow', async () => {
    const first = await app.inject(`/areas/big?${selection}`);
    const next = await app.inject({ url: attribute(moreRow(first.body)!, 'hx-get')!, headers: htmx });
    expect(next.statusCode).toBe(200);
    expect(next.body).not.toContain('<html');
    expect(rowTeams(next.body)).toEqual(bigAreaInOrder.slice(TEAM_PAGE).map((t) => t.teamId));
    expect(next.body).toContain('class="matrix__name depth-0"');
    expect(moreRow(next.body)).toBeNull();
    expect(next.body).not.toContain('No teams directly in');
  });

  it('lists as many teams as the link asks for without JavaScript', async () => {
    const res = await app.inject(`/areas/big?${selection}&teams=${2 * TEAM_PAGE}`);
    expect(rowTeams(res.body)).toEqual(bigAreaInOrder.map((t) => t.teamId));
    expect(moreRow(res.body)).toBeNull();
  });

  it("stops the heatmap's expand rows at a page, with a plain link to the area's page", async () => {
    const res = await app.inject({ url: `/areas/big?${selection}`, headers: htmx });
    expect(rowTeams(res.body)).toEqual(bigAreaInOrder.slice(0, TEAM_PAGE).map((t) => t.teamId));
    expect(res.body).toContain('class="matrix__name depth-2"');
    const more = moreRow(res.body)!;
    expect(more).toContain('Show 5 more teams on Big&#39;s page');
    expect(attribute(more, 'href')).toBe(`/areas/big?${selection}&teams=${2 * TEAM_PAGE}`);
    expect(more).not.toContain('hx-get');
  });

  it.each([
    ['teams=0', 'teams', 'must be at least 1'],
    ['teams=many', 'teams', 'must be a number of teams'],
    ['teams=2.5', 'teams', 'must be a whole number of teams'],
    ['teams=100000', 'teams', 'must be at most 1000'],
    ['after=dup-a', 'after', 'must be a team key and id, as the "show more" link makes them'],
  ])('names the parameter and the rule when %s', async (query, field, message) => {
    const res = await app.inject({ url: `/areas/big?${selection}&${query}`, headers: { accept: 'application/json' } });
    expect(res.statusCode).toBe(422);
    expect(res.json()).toMatchObject({ error: 'validation_failed', issues: [{ field, message }] });
  });
});

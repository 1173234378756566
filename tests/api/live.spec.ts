/**
 * The live hub over the real SQLite store and projection runner: sockets opened with
 * `app.injectWS('/live?page=…')` get their page's live regions on connect, and again when an
 * event recorded through the command handlers changes what that page shows, and only then.
 */
import type { FastifyInstance } from 'fastify';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { recordAdoption } from '../../src/team/handlers.ts';
import { regionOf, topicOf } from '../../src/http/live.ts';
import { SqliteDirectory } from '../../projections/index.ts';
import { appFor, closeWorld, CYCLE, given, openWorld, seedSmallOrganisation, TODAY, type World } from '../support/webApp.ts';

/** The client end of an injected websocket, as the spec uses it. */
interface Client {
  on(event: 'message', listener: (data: Buffer) => void): void;
  on(event: 'close', listener: (code: number, reason: Buffer) => void): void;
  terminate(): void;
}

/** Longer than a push takes here (150 ms of coalescing plus a render), so silence after it means nothing was sent. */
const QUIET_MS = 500;
/** The close codes htmx's ws extension reconnects after (`reconnectCodes` in node_modules/htmx.org/dist/ext/hx-ws.js). */
const reconnectCodes = [1001, 1005, 1006, 1011, 1012, 1013, 1014];
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('live updates over websockets', () => {
  let world: World;
  let app: FastifyInstance;
  const clients: Client[] = [];

  beforeEach(async () => {
    world = openWorld();
    await seedSmallOrganisation(world);
    await world.runner.start();
    app = await appFor(world, { onApplied: (listener) => world.runner.onApplied(listener) });
    await app.ready();
  });

  afterEach(async () => {
    for (const client of clients.splice(0)) client.terminate();
    await app.close();
    await closeWorld(world);
  });

  /** Opens a socket for a page and records what it receives. */
  async function open(page: string) {
    const client = (await app.injectWS(`/live?page=${encodeURIComponent(page)}`)) as Client;
    clients.push(client);
    const messages: string[] = [];
    let closed: { code: number; reason: string } | null = null;
    client.on('message', (data) => messages.push(data.toString()));
    client.on('close', (code, reason) => (closed = { code, reason: reason.toString() }));
    return {
      messages,
      closed: () => closed,
      /** Waits for the nth message (1-based) and returns it. */
      nth: async (n: number) => {
        await expect.poll(() => messages.length, { timeout: 2000 }).toBeGreaterThanOrEqual(n);
        return messages[n - 1]!;
      },
    };
  }

  const checkIn = (teamId: string, heldOn: string) =>
    recordAdoption(
      { store: world.store, directory: new SqliteDirectory(world.db) },
      { type: 'HoldCheckIn', data: { teamId, cycleId: CYCLE, heldOn } },
      { actor: { kind: 'user', id: 'coach-grace' }, source: 'ui', now: new Date(`${TODAY}T11:00:00.000Z`) },
    );

  /** The "Run" cell of the named row (area or team) in some HTML. */
  const runOf = (html: string, name: string) => new RegExp(`${name}</(?:span|a)>[\\s\\S]*?title="Run: ([^"]+)"`).exec(html)?.[1];

  /** What the page route itself renders for a region right now. */
  const rendered = async (url: string, id: string) => regionOf((await app.inject(url)).body, id);

  it('sends the heatmap on connect, then the new scores when a check-in lands, as morphs of the same partial', async () => {
    const heatmap = await open('/heatmap');
    const first = await heatmap.nth(1);
    expect(first).toContain('<hx-partial hx-target="#heatmap" hx-swap="outerMorph">');
    expect(regionOf(first, 'heatmap')).toBe(await rendered('/heatmap', 'heatmap'));
    const before = runOf(first, 'Engineering');

    await checkIn('srch', TODAY);
    const pushed = await heatmap.nth(2);
    expect(regionOf(pushed, 'heatmap')).toBe(await rendered('/heatmap', 'heatmap'));
    expect(runOf(pushed, 'Engineering')).not.toBe(before);
    // Engineering's team rows, aimed at its unfolded rows only, carry Search's new score.
    const rows = /<hx-partial hx-target="\[id=&quot;teams-eng&quot;\]:not\(:empty\)" hx-swap="innerMorph">([\s\S]*?)<\/hx-partial>/.exec(pushed)?.[1] ?? '';
    expect(runOf(rows, 'Search &amp; &lt;Discovery&gt;')).toBe(runOf((await app.inject({ url: '/areas/eng', headers: { 'hx-request': 'true' } })).body, 'Search &amp; &lt;Discovery&gt;'));
    expect(runOf(rows, 'Search &amp; &lt;Discovery&gt;')).not.toBe('0 of 100');
  });

  it("updates the team page's head, scores and check-ins, never its forms", async () => {
    const team = await open('/teams/srch');
    const first = await team.nth(1);
    expect(runOf(first, 'Run')).toBeUndefined();
    await checkIn('srch', TODAY);
    const pushed = await team.nth(2);
    expect(pushed).toContain('<hx-partial hx-target="#team-scores" hx-swap="outerMorph">');
    expect(regionOf(pushed, 'team-scores')).toBe(await rendered('/teams/srch', 'team-scores'));
    expect(regionOf(pushed, 'team-check-in')).toContain('last 25 Nov 2026');
    expect(pushed).not.toContain('<form');
  });

  it('sends nothing to a page the event does not change: another team, or a date before it happened', async () => {
    const heatmap = await open('/heatmap');
    const otherTeam = await open('/teams/pay');
    const past = await open(`/heatmap?cycle=${CYCLE}&asOf=2026-11-01`);
    await Promise.all([heatmap.nth(1), otherTeam.nth(1), past.nth(1)]);

    await checkIn('srch', TODAY);
    await heatmap.nth(2);
    await sleep(QUIET_MS);
    expect(otherTeam.messages).toHaveLength(1);
    expect(past.messages).toHaveLength(1);

    // The same socket does get a check-in it can see.
    await checkIn('pay', TODAY);
    expect(regionOf(await otherTeam.nth(2), 'team-scores')).toBe(await rendered('/teams/pay', 'team-scores'));
  });

  it('coalesces a burst of batches into one push per socket', async () => {
    const heatmap = await open('/heatmap');
    await heatmap.nth(1);
    let batches = 0;
    const stopCounting = world.runner.onApplied(() => batches++);
    for (const heldOn of ['2026-11-19', '2026-11-21', '2026-11-23', '2026-11-24', TODAY]) {
      await checkIn('srch', heldOn);
      await world.runner.waitFor(await world.store.headPosition());
    }
    stopCounting();
    expect(batches).toBe(5);
    await heatmap.nth(2);
    await sleep(QUIET_MS);
    expect(heatmap.messages.length).toBeLessThanOrEqual(3);
    expect(regionOf(heatmap.messages.at(-1)!, 'heatmap')).toBe(await rendered('/heatmap', 'heatmap'));
  });

  it('closes a page with nothing live normally (no retry), a request without a page as a policy violation', async () => {
    const timeline = await open('/timeline?type=CheckInHeld');
    const unknownTeam = await open('/teams/nobody');
    await expect.poll(() => timeline.closed()?.code).toBe(1000);
    await expect.poll(() => unknownTeam.closed()?.code).toBe(1000);

    const client = (await app.injectWS('/live')) as Client;
    clients.push(client);
    const closed = new Promise<number>((resolve) => client.on('close', (code) => resolve(code)));
    expect(await closed).toBe(1008);
  });

  it("updates a coach's week when a team in their area holds its late check-in", async () => {
    await given(world, 'coach', 'grace', '2026-09-01', { type: 'CoachRegistered', data: { coachId: 'grace', name: 'Grace Hopper', email: 'grace@example.org' } });
    await given(world, 'area', 'eng', '2026-09-01', { type: 'CoachAssignedToArea', data: { areaId: 'eng', coachId: 'grace' } });
    await world.runner.waitFor(await world.store.headPosition());
    const week = await open('/coaches/grace/week');
    expect(regionOf(await week.nth(1), 'coach-week')).toContain('Search &amp; &lt;Discovery&gt;');

    await checkIn('srch', TODAY);
    const pushed = regionOf(await week.nth(2), 'coach-week');
    expect(pushed).toBe(await rendered('/coaches/grace/week', 'coach-week'));
    expect(pushed).not.toContain('Search &amp; &lt;Discovery&gt;');
  });

  it('closes every socket when the server shuts down with a code the browser answers by reconnecting', async () => {
    const heatmap = await open('/heatmap');
    await heatmap.nth(1);
    await app.close();
    await expect.poll(() => heatmap.closed()?.code).toBeDefined();
    expect(reconnectCodes).toContain(heatmap.closed()?.code);
  });
});

describe('live topics and regions', () => {
  it('keeps only what a live page reads from its URL', () => {
    expect(topicOf('/')?.url).toBe('/');
    expect(topicOf('/heatmap?asOf=2026-11-01&cycle=2026-q4&utm=x')?.url).toBe('/heatmap?cycle=2026-q4&asOf=2026-11-01');
    expect(topicOf('/teams/srch?cycle=2026-q4&recorded=check-in-held')?.url).toBe('/teams/srch?cycle=2026-q4');
    expect(topicOf('/areas/eng')?.page.regions).toEqual(['main']);
    expect(topicOf('/timeline')).toBeNull();
    expect(topicOf('/teams/srch/check-in-held')).toBeNull();
  });

  it('cuts an element out by id, through nested elements of the same tag', () => {
    const html = '<div id="a"><div id="b"><div>x</div></div><p>y</p></div><div id="c"></div>';
    expect(regionOf(html, 'b')).toBe('<div id="b"><div>x</div></div>');
    expect(regionOf(html, 'a')).toBe('<div id="a"><div id="b"><div>x</div></div><p>y</p></div>');
    expect(regionOf('<ul class="kpis" id="team-scores"><li>1</li></ul>', 'team-scores')).toBe('<ul class="kpis" id="team-scores"><li>1</li></ul>');
    expect(regionOf(html, 'missing')).toBeNull();
    expect(regionOf('<div id="open"><div>', 'open')).toBeNull();
  });
});

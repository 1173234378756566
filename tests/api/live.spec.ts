/**
 * The live hub over the real SQLite store and projection runner: sockets opened with
 * `app.injectWS('/live?page=…')` get their page's live regions on connect, rendered by the
 * regions' own partials, and again when an event changes what that page shows, and only then.
 * Renders are counted from the hub's debug log ("live regions rendered"): one per affected topic
 * per flush, however many sockets show it. Sockets are opened as the app's own pages open them
 * (its host, its origin); other sites', other hosts' and more pages than a client may follow are
 * refused.
 */
import { spawn } from 'node:child_process';
import type { FastifyInstance } from 'fastify';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { SqliteDirectory } from '../../projections/index.ts';
import type { AppDeps } from '../../src/http/app.ts';
import { LIVE_LIMITS } from '../../src/http/live.ts';
import { findPackageRoot } from '../../src/http/packageRoot.ts';
import { recordAdoption } from '../../src/team/handlers.ts';
import { listenOnLoopback } from '../support/browser.ts';
import type { CrowdPlan, CrowdResult } from '../support/liveCrowd.ts';
import {
  appFor,
  closeWorld,
  CYCLE,
  given,
  openDemoWorld,
  openWorld,
  seedSmallOrganisation,
  signIn,
  TODAY,
  type World,
} from '../support/webApp.ts';

/** The client end of an injected websocket, as the spec uses it. */
interface Client {
  on(event: 'message', listener: (data: Buffer) => void): void;
  on(event: 'close', listener: (code: number, reason: Buffer) => void): void;
  send(data: string): void;
  terminate(): void;
}

/** Longer than a push takes here (150 ms of coalescing plus a render), so silence after it means nothing was sent. */
const QUIET_MS = 500;
/** The close codes htmx's ws extension reconnects after (`reconnectCodes` in node_modules/htmx.org/dist/ext/hx-ws.js). */
const reconnectCodes = [1001, 1005, 1006, 1011, 1012, 1013, 1014];
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The swaps in a pushed message, by target: the hub's own `<hx-partial>` envelope. */
function swapsOf(message: string): Map<string, { swap: string; html: string }> {
  const swaps = new Map<string, { swap: string; html: string }>();
  for (const m of message.matchAll(/<hx-partial hx-target="([^"]*)" hx-swap="([^"]*)">([\s\S]*?)<\/hx-partial>/g)) {
    swaps.set(m[1]!.replaceAll('&quot;', '"').replaceAll('&amp;', '&'), { swap: m[2]!, html: m[3]! });
  }
  return swaps;
}

interface Rendered {
  topic: string;
  regions: string[];
  sockets: number;
}

describe('live updates over websockets', () => {
  let world: World;
  let app: FastifyInstance;
  let renders: Rendered[];
  const clients: Client[] = [];

  async function start(overrides: Partial<AppDeps> = {}) {
    renders = [];
    const stream = {
      write(line: string) {
        const entry = JSON.parse(line) as Rendered & { msg: string };
        if (entry.msg === 'live regions rendered') renders.push(entry);
      },
    };
    app = await appFor(world, {
      onApplied: (listener) => world.runner.onApplied(listener),
      logger: { level: 'debug', stream },
      ...overrides,
    });
    await app.ready();
  }

  beforeEach(async () => {
    world = openWorld();
    await seedSmallOrganisation(world);
    await world.runner.start();
  });

  afterEach(async () => {
    for (const client of clients.splice(0)) client.terminate();
    await app.close();
    await closeWorld(world);
  });

  /** As a page of the app opens it: `app.inject`'s host, and the page's own origin. */
  const ownPage = { host: 'localhost:80', origin: 'http://localhost:80' };

  /** Opens a socket for a page and records what it receives. */
  async function open(page: string | null, headers: Record<string, string> = ownPage) {
    const client = (await app.injectWS(page === null ? '/live' : `/live?page=${encodeURIComponent(page)}`, { headers })) as Client;
    clients.push(client);
    const messages: string[] = [];
    let closed: { code: number; reason: string } | null = null;
    client.on('message', (data) => messages.push(data.toString()));
    client.on('close', (code, reason) => (closed = { code, reason: reason.toString() }));
    return {
      messages,
      closed: async () => {
        await expect.poll(() => closed, { timeout: 2000 }).not.toBeNull();
        return closed!;
      },
      /** Waits for the nth message (1-based) and returns its swaps. */
      nth: async (n: number) => {
        await expect.poll(() => messages.length, { timeout: 2000 }).toBeGreaterThanOrEqual(n);
        return swapsOf(messages[n - 1]!);
      },
    };
  }

  /** What htmx gets when it asks the route itself for a piece of the page. */
  const fragment = async (url: string) => (await app.inject({ url, headers: { 'hx-request': 'true' } })).body;

  const checkIn = (teamId: string, heldOn: string) =>
    recordAdoption(
      { store: world.store, directory: new SqliteDirectory(world.db) },
      { type: 'HoldCheckIn', data: { teamId, cycleId: CYCLE, heldOn } },
      { actor: { kind: 'user', id: 'coach-grace' }, source: 'ui', now: new Date(`${TODAY}T11:00:00.000Z`) },
    );
  const caughtUp = async () => world.runner.waitFor(await world.store.headPosition());

  /** The "Run" cell of the named row (area or team) in some HTML. */
  const runOf = (html: string, name: string) => new RegExp(`${name}</(?:span|a)>[\\s\\S]*?title="Run: ([^"]+)"`).exec(html)?.[1];

  describe('with the default bounds', () => {
    beforeEach(() => start());

    it('sends the heatmap on connect, then the new scores when a check-in lands, rendered by the same partial the route uses', async () => {
      const heatmap = await open('/heatmap');
      const first = await heatmap.nth(1);
      expect(first.get('#heatmap-scores')?.swap).toBe('outerMorph');
      expect(await fragment('/heatmap')).toContain(first.get('#heatmap-scores')!.html);
      // The head, with the filter a reader may be changing, is not pushed.
      expect(first.get('#heatmap-scores')!.html).not.toContain('<form');
      const before = runOf(first.get('#heatmap-scores')!.html, 'Engineering');

      await checkIn('srch', TODAY);
      const pushed = await heatmap.nth(2);
      expect(await fragment('/heatmap')).toContain(pushed.get('#heatmap-scores')!.html);
      expect(runOf(pushed.get('#heatmap-scores')!.html, 'Engineering')).not.toBe(before);
      // Engineering's team rows, aimed at its unfolded rows only, are what its expand link fetches.
      const rows = pushed.get('[id="teams-eng"]:not(:empty)');
      expect(rows).toEqual({ swap: 'innerMorph', html: await fragment('/areas/eng') });
      expect(runOf(rows!.html, 'Search &amp; &lt;Discovery&gt;')).not.toBe('0 of 100');
    });

    it("updates the team page's head, scores and check-ins, never its forms", async () => {
      const team = await open('/teams/srch');
      expect([...(await team.nth(1)).keys()]).toEqual(['#team-head', '#team-scores', '#team-check-in']);
      await checkIn('srch', TODAY);
      const pushed = await team.nth(2);
      expect(pushed.get('#team-scores')!.html).toContain('title="Run: ');
      expect(pushed.get('#team-check-in')!.html).toContain('last 25 Nov 2026');
      expect(team.messages[1]).not.toContain('<form');
    });

    it('renders nothing for a page the event cannot change, and sends nothing to a page it did not change', async () => {
      const heatmap = await open('/heatmap');
      const otherTeam = await open('/teams/pay');
      const past = await open(`/heatmap?cycle=${CYCLE}&asOf=2026-11-01`);
      await Promise.all([heatmap.nth(1), otherTeam.nth(1), past.nth(1)]);
      renders.length = 0;

      await checkIn('srch', TODAY);
      await heatmap.nth(2);
      await sleep(QUIET_MS);
      // Another team's page is not even rendered; a past date is rendered, unchanged, and not sent.
      expect(renders.map((r) => r.topic).some((t) => t.includes('"teamId":"pay"'))).toBe(false);
      expect(renders).toHaveLength(2);
      expect(otherTeam.messages).toHaveLength(1);
      expect(past.messages).toHaveLength(1);

      // The same socket does get a check-in it can see.
      await checkIn('pay', TODAY);
      expect((await otherTeam.nth(2)).get('#team-check-in')!.html).toContain('last 25 Nov 2026');
    });

    it('renders a page shown under several URLs once: unknown parameters and their order do not make a new topic', async () => {
      const sockets = await Promise.all(
        ['/', '/heatmap', `/heatmap?asOf=${TODAY}&cycle=${CYCLE}&utm=x`, `/heatmap?cycle=${CYCLE}&asOf=${TODAY}`].map((page) => open(page)),
      );
      await Promise.all(sockets.map((s) => s.nth(1)));
      renders.length = 0;
      await checkIn('srch', TODAY);
      await Promise.all(sockets.map((s) => s.nth(2)));
      // `/` and `/heatmap` (the defaults) are one topic, the explicit cycle and date another.
      expect(renders.map((r) => r.sockets).sort()).toEqual([2, 2]);
    });

    it('coalesces a burst of batches into one render and one push', async () => {
      const heatmap = await open('/heatmap');
      await heatmap.nth(1);
      renders.length = 0;
      let batches = 0;
      const stopCounting = world.runner.onApplied(() => batches++);
      for (const heldOn of ['2026-11-19', '2026-11-21', '2026-11-23', '2026-11-24', TODAY]) {
        await checkIn('srch', heldOn);
        await caughtUp();
      }
      stopCounting();
      expect(batches).toBe(5);
      await heatmap.nth(2);
      await sleep(QUIET_MS);
      expect(heatmap.messages.length).toBeLessThanOrEqual(3);
      expect(renders.length).toBeLessThanOrEqual(2);
      expect(await fragment('/heatmap')).toContain(swapsOf(heatmap.messages.at(-1)!).get('#heatmap-scores')!.html);
    });

    it('follows the heatmap as of a date after today as its 422 page shows it, today’s; the area page’s 422 has nothing to follow', async () => {
      const future = await open('/heatmap?asOf=2099-01-07');
      expect((await future.nth(1)).get('#heatmap-scores')!.html).toBe((await (await open('/heatmap')).nth(1)).get('#heatmap-scores')!.html);
      expect(await (await open('/areas/eng?asOf=2099-01-07')).closed()).toEqual({ code: 1008, reason: 'there is no such page to follow' });
    });

    it('closes a page with nothing live normally, and refuses what cannot be followed as a policy violation, saying why', async () => {
      expect(await (await open('/organisation')).closed()).toEqual({ code: 1000, reason: 'nothing on this page updates live' });
      expect(await (await open('/teams/nobody')).closed()).toEqual({ code: 1008, reason: 'there is no such page to follow' });
      expect(await (await open('/heatmap?asOf=yesterday')).closed()).toEqual({
        code: 1008,
        reason: 'asOf must be a calendar date, YYYY-MM-DD',
      });
      expect(await (await open('/?asOf=2026-02-30')).closed()).toEqual({ code: 1008, reason: 'asOf must be a calendar date, YYYY-MM-DD' });
      expect(await (await open('/timeline?type=Nonsense')).closed()).toMatchObject({
        code: 1008,
        reason: expect.stringMatching(/^type must be one of the event types/),
      });
      expect(await (await open('/teams/%E0%A4%A')).closed()).toEqual({ code: 1008, reason: 'page is not a valid path' });
      expect(await (await open(null)).closed()).toEqual({ code: 1008, reason: 'page must be a path on this site, starting with /' });
      // Refused, not followed: only the unknown team was rendered, once, to find it has no page.
      expect(renders.map((r) => r.topic)).toEqual([expect.stringContaining('{"teamId":"nobody"}')]);
    });

    it(`closes a client's socket over ${LIVE_LIMITS.perClient} as a policy violation; one that closes makes room`, async () => {
      const sockets = await Promise.all(Array.from({ length: LIVE_LIMITS.perClient }, () => open('/heatmap')));
      await Promise.all(sockets.map((s) => s.nth(1)));
      const over = await open('/heatmap');
      expect(await over.closed()).toEqual({
        code: 1008,
        reason: `at most ${LIVE_LIMITS.perClient} live pages at once: close another tab`,
      });
      expect(reconnectCodes).not.toContain(1008);

      clients[0]!.terminate();
      await sleep(50);
      await (await open('/heatmap')).nth(1);
    });

    it("refuses a socket from another site's page, or without an origin from another machine, before sending it anything", async () => {
      const evil = await open('/heatmap', { host: 'localhost:80', origin: 'http://evil.example' });
      expect(await evil.closed()).toEqual({ code: 1008, reason: 'live pages are only for pages of this site' });
      // The same host on another scheme is another origin.
      const https = await open('/heatmap', { host: 'localhost:80', origin: 'https://localhost:80' });
      expect(await https.closed()).toEqual({ code: 1008, reason: 'live pages are only for pages of this site' });
      const bare = await open('/heatmap', { host: 'localhost:80' });
      expect(await bare.closed()).toEqual({ code: 1008, reason: 'live pages are only for pages of this site' });
      expect([...evil.messages, ...https.messages, ...bare.messages]).toEqual([]);
      expect(renders).toEqual([]);
    });

    it('refuses the upgrade for a Host the app does not answer for, before any handler runs', async () => {
      await expect(
        app.injectWS('/live?page=%2Fheatmap', { headers: { host: 'evil.example', origin: 'http://evil.example' } }),
      ).rejects.toThrow('Unexpected server response: 421');
      expect(renders).toEqual([]);
    });

    it(`lets a client follow at most ${LIVE_LIMITS.topicsPerClient} different pages: the next is closed as a policy violation`, async () => {
      const dates = Array.from({ length: LIVE_LIMITS.topicsPerClient }, (_, i) => `2026-11-${String(i + 1).padStart(2, '0')}`);
      const followed = await Promise.all(dates.map((asOf) => open(`/heatmap?cycle=${CYCLE}&asOf=${asOf}`)));
      await Promise.all(followed.map((s) => s.nth(1)));
      expect(renders).toHaveLength(LIVE_LIMITS.topicsPerClient);

      const another = await open(`/heatmap?cycle=${CYCLE}&asOf=2026-11-20`);
      expect(await another.closed()).toEqual({
        code: 1008,
        reason: `at most ${LIVE_LIMITS.topicsPerClient} different live pages at once: close a tab showing another page`,
      });
      expect(reconnectCodes).not.toContain(1008);
      // Another tab on a page it already follows costs no render: it is let in.
      await (await open(`/heatmap?cycle=${CYCLE}&asOf=${dates[0]}`)).nth(1);
      expect(renders).toHaveLength(LIVE_LIMITS.topicsPerClient);

      // Closing the last socket on a page makes room for another page.
      clients[1]!.terminate();
      await sleep(50);
      await (await open(`/heatmap?cycle=${CYCLE}&asOf=2026-11-20`)).nth(1);
    });

    it('closes a socket that sends anything: it follows the one page it was opened for', async () => {
      const heatmap = await open('/heatmap');
      await heatmap.nth(1);
      clients[0]!.send(JSON.stringify({ page: '/heatmap?asOf=2026-11-01' }));
      expect(await heatmap.closed()).toEqual({
        code: 1008,
        reason: 'a live socket follows the page it was opened for: open another for another page',
      });
      expect(renders).toHaveLength(1);
    });

    it("updates a coach's week when a team in their area holds its late check-in", async () => {
      await given(world, 'coach', 'grace', '2026-09-01', {
        type: 'CoachRegistered',
        data: { coachId: 'grace', name: 'Grace Hopper', email: 'grace@example.org' },
      });
      await given(world, 'area', 'eng', '2026-09-01', { type: 'CoachAssignedToArea', data: { areaId: 'eng', coachId: 'grace' } });
      await caughtUp();
      const week = await open('/coaches/grace/week');
      expect((await week.nth(1)).get('#coach-week')!.html).toContain('Search &amp; &lt;Discovery&gt;');

      await checkIn('srch', TODAY);
      expect((await week.nth(2)).get('#coach-week')!.html).not.toContain('Search &amp; &lt;Discovery&gt;');
    });

    it("updates a stakeholder's engagement log, figures and history, never the forms", async () => {
      await given(world, 'stakeholder', 'ines', '2026-10-01', {
        type: 'StakeholderIdentified',
        data: { stakeholderId: 'ines', name: 'Inès Duval', role: 'CFO', areaId: 'eng', influence: 5, interest: 3 },
      });
      await caughtUp();
      const page = await open('/stakeholders/ines');
      expect([...(await page.nth(1)).keys()]).toEqual([
        '#stakeholder-head',
        '#stakeholder-kpis',
        '#stakeholder-engagements',
        '#stakeholder-history',
      ]);

      await given(world, 'stakeholder', 'ines', TODAY, {
        type: 'EngagementLogged',
        data: {
          stakeholderId: 'ines',
          engagementId: 'e-1',
          kind: 'one-on-one',
          occurredOn: TODAY,
          sentiment: 1,
          note: 'Asked for the Q4 numbers',
          coachId: 'ada',
        },
      });
      const pushed = await page.nth(2);
      expect(pushed.get('#stakeholder-engagements')!.html).toContain('Asked for the Q4 numbers');
      expect(page.messages[1]).not.toContain('<form');
      expect(page.messages[1]).not.toContain('name="revision"');
    });

    it('updates the resistance log and a signal page when the signal moves on', async () => {
      const log = await open('/resistance');
      const signal = await open('/resistance/sig-1');
      expect([...(await log.nth(1)).keys()]).toEqual(['#signal-summary', '#signal-list']);
      expect([...(await signal.nth(1)).keys()]).toEqual(['#signal-head', '#signal-facts', '#signal-history']);

      await given(world, 'signal', 'sig-1', TODAY, {
        type: 'ResistanceSignalAcknowledged',
        data: { signalId: 'sig-1', acknowledgedOn: TODAY },
      });
      expect((await signal.nth(2)).get('#signal-facts')!.html).toContain(`datetime="${TODAY}"`);
      expect((await log.nth(2)).get('#signal-list')!.html).toContain('Acknowledged');
      expect([...log.messages, ...signal.messages].join('')).not.toContain('<form');
    });

    it("puts new events at the top of the timeline's first page only", async () => {
      const newest = await open('/timeline');
      const older = await open('/timeline?before=3');
      const otherType = await open('/timeline?type=TeamRegistered');
      await Promise.all([newest.nth(1), older.nth(1), otherType.nth(1)]);
      renders.length = 0;

      await checkIn('srch', TODAY);
      expect((await newest.nth(2)).get('#timeline-entries')!.html).toMatch(/^<tbody id="timeline-entries">\s*<tr[\s\S]*Check-in held/);
      await sleep(QUIET_MS);
      expect(renders).toHaveLength(1);
      expect(older.messages).toHaveLength(1);
      expect(otherType.messages).toHaveLength(1);
    });

    it('closes every socket when the server shuts down with a code the browser answers by reconnecting', async () => {
      const heatmap = await open('/heatmap');
      await heatmap.nth(1);
      await app.close();
      expect(reconnectCodes).toContain((await heatmap.closed()).code);
    });
  });

  describe('with room for many sockets', () => {
    beforeEach(() => start({ liveLimits: { perClient: 200, total: 101 } }));

    it('renders the heatmap once per write for 100 sockets and sends each the same fragment', async () => {
      const sockets = await Promise.all(Array.from({ length: 100 }, () => open('/heatmap')));
      await Promise.all(sockets.map((s) => s.nth(1)));
      expect(renders).toHaveLength(1);

      await checkIn('srch', TODAY);
      await Promise.all(sockets.map((s) => s.nth(2)));
      expect(renders).toHaveLength(2);
      expect(renders[1]).toMatchObject({ sockets: 100, regions: ['heatmap-scores', 'team-rows'] });
      expect(new Set(sockets.map((s) => s.messages[1])).size).toBe(1);

      const full = await open('/heatmap');
      await full.nth(1);
      // Past the total, the server is full: the browser is told to try again later.
      const over = await open('/heatmap');
      expect(await over.closed()).toEqual({ code: 1013, reason: 'the server follows 101 live pages already' });
      expect(reconnectCodes).toContain(1013);
      // A socket joining a topic that is up to date is sent what was rendered, not a new render.
      expect(renders).toHaveLength(2);
    });
  });
});

const daysBefore = (day: string, days: number) => new Date(Date.parse(`${day}T00:00:00Z`) - days * 86_400_000).toISOString().slice(0, 10);

/** Runs tests/support/liveCrowd.ts in a process of its own and returns what it measured. */
async function crowd(plan: CrowdPlan): Promise<CrowdResult> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'tests/support/liveCrowd.ts', JSON.stringify(plan)], {
    cwd: findPackageRoot(),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
  if (code !== 0) throw new Error(`liveCrowd exited with ${code}: ${err}`);
  return JSON.parse(out) as CrowdResult;
}

/**
 * The worst a crowd of clients can make one write cost, on the demo organisation over a real
 * listening server: every client (an address here, 127.0.0.2…) at both its bounds, the server
 * at its total, every socket on a page only it and its twin follow. A write is then rendered
 * once per followed page, one page per turn of the event loop, while `/healthz` is asked all
 * along. The clients run in a process of their own, as they would on other machines.
 */
describe('one write with every live bound reached', () => {
  let world: World;
  let app: FastifyInstance;
  let base: string;

  beforeAll(async () => {
    world = await openDemoWorld();
    await world.runner.start();
    app = await appFor(world, { onApplied: (listener) => world.runner.onApplied(listener) });
    base = await listenOnLoopback(app);
  }, 60_000);

  afterAll(async () => {
    await app.close();
    await closeWorld(world);
  });

  const { perClient, topicsPerClient, total } = LIVE_LIMITS;
  const topics = (total / perClient) * topicsPerClient;

  it(`keeps /healthz p99 within 50 ms of its floor while ${total} sockets on ${topics} pages are pushed`, async () => {
    const [q4, q3] = world.queries.cycles();
    // Each client's pages are heatmaps as of days and cycles no other client follows, each page on two sockets.
    const page = (n: number) => `/heatmap?cycle=${n % 2 === 0 ? q4!.cycleId : q3!.cycleId}&asOf=${daysBefore(TODAY, n >> 1)}`;
    const pages = Array.from({ length: total / perClient }, (_, client) =>
      Array.from({ length: perClient }, (_, i) => page(client * topicsPerClient + (i % topicsPerClient))),
    );
    // A client is a signed-in session; one more session knocks once the server is full.
    const sessions = await Promise.all(Array.from({ length: pages.length + 1 }, () => signIn(app, world, 'admin')));
    const write = {
      areaId: world.queries.heatmap(q4!.cycleId, TODAY)!.areas[0]!.areaId,
      kind: 'no-time',
      severity: '3',
      // Before every followed date, so every page changes and every socket is sent its push.
      raisedOn: daysBefore(TODAY, topics),
      description: 'Check-ins skipped during the release',
    };
    const p99 = (values: number[]) => values.toSorted((a, b) => a - b)[Math.ceil(values.length * 0.99) - 1]!;
    // A shared machine can stall the process for a moment whatever it does; an event loop the
    // fan-out blocks fails every attempt, so the best of three decides.
    const excess: number[] = [];
    for (let attempt = 1; attempt <= 3 && !excess.some((ms) => ms < 50); attempt++) {
      const result = await crowd({ base, pages, cookies: sessions.map((s) => s.cookie), csrfToken: sessions[0]!.csrfToken, write });
      expect(result.writeStatus).toBe(303);
      // Past the total the server is full; every socket had its push.
      expect(result.refused).toBe(1013);
      expect(result.sockets).toBe(total);
      // Enough answers during the fan-out for a p99 to mean something.
      expect(result.latencies.length).toBeGreaterThanOrEqual(100);
      const during = p99(result.latencies);
      const floor = p99(result.floor);
      console.log(
        `${total} sockets on ${topics} pages pushed in ${Math.round(result.fanOutMs)} ms; /healthz ×${result.latencies.length}: p99 ${during.toFixed(1)} ms during the fan-out, ${floor.toFixed(1)} ms before it`,
      );
      // Beside its floor, so a busy machine's own latency is not counted: on a quiet one the floor is 1–2 ms.
      excess.push(during - floor);
    }
    expect(Math.min(...excess)).toBeLessThan(50);
  }, 400_000);
});

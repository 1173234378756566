import { randomUUID } from 'node:crypto';
/**
 * The cycles page over real components: the list with dates, cadence and days left, opening a
 * cycle (suggested by src/cycle/next.ts) and closing one with its revision, each
 * through the shared form path.
 */
import type { FastifyInstance } from 'fastify';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { appFor, closeWorld, CYCLE, given, openWorld, postForm, seedSmallOrganisation, TODAY, type World } from '../support/webApp.ts';

let world: World;
let app: FastifyInstance;

beforeEach(async () => {
  world = openWorld();
  await seedSmallOrganisation(world);
  await given(world, 'cycle', '2026-q3', '2026-06-20', {
    type: 'CycleOpened',
    data: { cycleId: '2026-q3', name: '2026-Q3', startsOn: '2026-07-01', endsOn: '2026-09-30', checkInCadenceDays: 7 },
  });
  await given(world, 'cycle', '2026-q3', '2026-10-01', { type: 'CycleClosed', data: { cycleId: '2026-q3', closedOn: '2026-10-01' } });
  await world.runner.start();
  app = await appFor(world);
});

afterEach(async () => {
  await app?.close();
  if (world) await closeWorld(world);
});

const post = (url: string, fields: Record<string, string>, headers: Record<string, string> = {}) => postForm(app, url, fields, headers);

function tag(html: string, id: string): string {
  const match = new RegExp(`<(?:input|select)[^>]* id="${id}"[^>]*>`).exec(html);
  if (!match) throw new Error(`no element #${id}`);
  return match[0];
}

const cycleIdByName = (name: string): string =>
  (world.db.prepare('SELECT cycle_id AS cycleId FROM org_cycles WHERE name = ?').get(name) as { cycleId: string }).cycleId;

describe('the cycles page', () => {
  it('lists cycles newest first with dates, cadence, status and days left, and suggests the next one', async () => {
    const res = await app.inject('/cycles');
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain('<a href="/cycles" aria-current="page">Cycles</a>');
    const q4 = res.body.indexOf('>2026-Q4</a>');
    const q3 = res.body.indexOf('>2026-Q3</a>');
    expect(q4).toBeGreaterThan(0);
    expect(q3).toBeGreaterThan(q4);
    expect(res.body).toContain('1 Oct 2026 – 31 Dec 2026');
    expect(res.body).toContain('every 14 days');
    expect(res.body).toContain('<span class="cycle-state cycle-state--open">Open</span> <span class="muted">36 days left</span>');
    expect(res.body).toContain('<span class="cycle-state cycle-state--closed">Closed</span> <span class="muted">on 1 Oct 2026</span>');
    // Only the open cycle can be closed; its form defaults to today and carries its revision.
    expect(tag(res.body, `close-${CYCLE}-closedOn`)).toContain(`value="${TODAY}"`);
    expect(res.body).not.toContain('id="close-2026-q3"');
    expect(tag(res.body, 'open-cycle-name')).toContain('value="2027-Q1"');
    expect(tag(res.body, 'open-cycle-startsOn')).toContain('value="2027-01-01"');
    expect(tag(res.body, 'open-cycle-endsOn')).toContain('value="2027-03-31"');
    expect(tag(res.body, 'open-cycle-checkInCadenceDays')).toContain('value="14"');
  });

  it('says what to do when no cycle is open yet', async () => {
    await app.close();
    await closeWorld(world);
    world = openWorld();
    await world.runner.start();
    app = await appFor(world);
    const res = await app.inject('/cycles');
    expect(res.body).toContain('No cycle is open yet. Open the first one below');
    expect(tag(res.body, 'open-cycle-name')).toContain('value="2026-Q4"');
  });
});

describe('opening a cycle', () => {
  it('opens it (303), lists it, and the heatmap can show it', async () => {
    const res = await post('/cycles', {
      name: '2027-Q1',
      startsOn: '2027-01-01',
      endsOn: '2027-03-31',
      checkInCadenceDays: '7',
      key: randomUUID(),
    });
    expect(res.statusCode).toBe(303);
    expect(res.headers.location).toBe('/cycles?recorded=open-cycle');
    const page = await app.inject(res.headers.location as string);
    expect(page.body).toContain('Cycle opened.');
    expect(page.body).toContain('1 Jan 2027 – 31 Mar 2027');
    expect(page.body).toContain('starts in 37 days');
    // The suggestion moves on to the quarter after it.
    expect(tag(page.body, 'open-cycle-name')).toContain('value="2027-Q2"');
    const cycleId = cycleIdByName('2027-Q1');
    const heatmap = await app.inject(`/heatmap?cycle=${cycleId}`);
    expect(heatmap.statusCode).toBe(200);
    expect(heatmap.body).toContain(`<option value="${cycleId}" selected>2027-Q1</option>`);
  });

  it('opens once when the same form is sent twice (a retry after a lost answer)', async () => {
    const fields = { name: '2027-Q1', startsOn: '2027-01-01', endsOn: '2027-03-31', checkInCadenceDays: '7', key: randomUUID() };
    expect((await post('/cycles', fields)).statusCode).toBe(303);
    expect((await post('/cycles', fields)).statusCode).toBe(303);
    expect((await world.store.readStream(`cycle-${fields.key}`)).map((e) => e.type)).toEqual(['CycleOpened']);
  });

  it('puts the domain’s rules beside the fields in their labels (422): ends after it starts, cadence 1–42', async () => {
    const res = await post('/cycles', {
      name: '2027-Q1',
      startsOn: '2027-03-31',
      endsOn: '2027-01-01',
      checkInCadenceDays: '7',
      key: randomUUID(),
    });
    expect(res.statusCode).toBe(422);
    expect(tag(res.body, 'open-cycle-endsOn')).toContain('aria-invalid="true"');
    expect(res.body).toMatch(/id="open-cycle-endsOn-error">Ends on must be after Starts on</);
    expect(tag(res.body, 'open-cycle-startsOn')).toContain('value="2027-03-31"');

    const cadence = await post(
      '/cycles',
      { name: '2027-Q1', startsOn: '2027-01-01', endsOn: '2027-03-31', checkInCadenceDays: '60', key: randomUUID() },
      { 'hx-request': 'true' },
    );
    expect(cadence.statusCode).toBe(422);
    expect(cadence.body.trimStart()).toMatch(/^<div id="cycles"/);
    expect(tag(cadence.body, 'open-cycle-checkInCadenceDays')).toContain('value="60"');
    expect(cadence.body).toMatch(/id="open-cycle-checkInCadenceDays-error">Check-in every must be at most 42</);
    expect(world.queries.cycles()).toHaveLength(2);
  });
});

describe('closing a cycle', () => {
  it('closes it (htmx: the page re-rendered in place) and the page says since when', async () => {
    const res = await post(`/cycles/${CYCLE}/close`, { closedOn: TODAY, revision: '0' }, { 'hx-request': 'true' });
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain('Cycle closed.');
    expect(res.body).toContain('<span class="cycle-state cycle-state--closed">Closed</span> <span class="muted">on 25 Nov 2026</span>');
    expect(world.queries.cycles().find((c) => c.cycleId === CYCLE)!.closedOn).toBe(TODAY);
  });

  it('refuses a closing date before the cycle starts (422 naming closedOn)', async () => {
    const res = await post(`/cycles/${CYCLE}/close`, { closedOn: '2026-09-01', revision: '0' });
    expect(res.statusCode).toBe(422);
    expect(tag(res.body, `close-${CYCLE}-closedOn`)).toContain('aria-invalid="true"');
    expect(res.body).toMatch(new RegExp(`id="close-${CYCLE}-closedOn-error">Closed on must be on or after the day the cycle starts`));
  });

  it('tells a second close from a stale page that the cycle is closed already, in its own form', async () => {
    expect((await post(`/cycles/${CYCLE}/close`, { closedOn: TODAY, revision: '0' })).statusCode).toBe(303);
    const res = await post(`/cycles/${CYCLE}/close`, { closedOn: '2026-11-26', revision: '0' });
    expect(res.statusCode).toBe(422);
    expect(res.body).toContain('Cycle 2026-Q4 was already closed on 2026-11-25');
    expect(tag(res.body, `close-${CYCLE}-closedOn`)).toContain('value="2026-11-26"');
  });

  it('answers a cycle that does not exist with 404', async () => {
    expect((await post('/cycles/nope/close', { closedOn: TODAY, revision: '0' })).statusCode).toBe(404);
  });
});

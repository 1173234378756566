/**
 * The coaches list and a coach's week over real components (SQLite store, live projection
 * runner): what needs a coach shows up with the link that answers it, and leaves once answered,
 * whether through the team page's form or events from elsewhere.
 */
import { randomUUID } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { appFor, closeWorld, CYCLE, given, openWorld, postForm, seedSmallOrganisation, TODAY, type World } from '../support/webApp.ts';

let world: World;
let app: FastifyInstance;

/** Ada coaches Engineering (Platform is under it); Bo has no area yet. */
async function seedCoaches(world: World): Promise<void> {
  await given(world, 'coach', 'ada', '2026-09-20', {
    type: 'CoachRegistered',
    data: { coachId: 'ada', name: 'Ada <Lovelace>', email: 'ada@example.com' },
  });
  await given(world, 'coach', 'bo', '2026-09-20', {
    type: 'CoachRegistered',
    data: { coachId: 'bo', name: 'Bo', email: 'bo@example.com' },
  });
  await given(world, 'area', 'eng', '2026-09-20', { type: 'CoachAssignedToArea', data: { areaId: 'eng', coachId: 'ada' } });
  // sig-1 (Engineering, 2 Nov) is open but no longer new; Ada's coaching session for it is overdue.
  await given(world, 'signal', 'sig-1', '2026-11-03', {
    type: 'InterventionPlanned',
    data: { signalId: 'sig-1', interventionId: 'int-1', kind: 'coaching-session', ownerId: 'ada', dueOn: '2026-11-20' },
  });
  await given(world, 'signal', 'sig-2', '2026-11-20', {
    type: 'ResistanceSignalRaised',
    data: {
      signalId: 'sig-2',
      areaId: 'plat',
      teamId: 'pay',
      kind: 'tool-friction',
      severity: 3,
      description: 'Payments keep OKRs in a <spreadsheet>',
      source: 'observed',
      raisedOn: '2026-11-20',
    },
  });
  await given(world, 'stakeholder', 'st-1', '2026-09-22', {
    type: 'StakeholderIdentified',
    data: { stakeholderId: 'st-1', name: 'Grace Hopper', role: 'VP Engineering', areaId: 'plat', influence: 5, interest: 4 },
  });
}

beforeEach(async () => {
  world = openWorld();
  await seedSmallOrganisation(world);
  await seedCoaches(world);
  await world.runner.start();
  await settle();
  app = await appFor(world);
});

afterEach(async () => {
  await app?.close();
  if (world) await closeWorld(world);
});

async function settle(): Promise<void> {
  expect(await world.runner.waitFor(await world.store.headPosition())).toEqual({ caughtUp: true, lagging: [] });
}

const post = (url: string, fields: Record<string, string>, headers: Record<string, string> = {}) => postForm(app, url, fields, headers);

/** One section of the week page, from its opening tag to its end. */
function section(html: string, id: string): string {
  const start = html.indexOf(`<section class="card card--flush need-section" id="${id}"`);
  if (start < 0) throw new Error(`no section #${id}`);
  return html.slice(start, html.indexOf('</section>', start));
}
const countOf = (html: string, id: string): string => /<span class="need-count[^"]*">(\d+)<\/span>/.exec(section(html, id))![1]!;
const week = async () => (await app.inject('/coaches/ada/week')).body;

describe('the coaches list', () => {
  it('lists each coach with their areas and how many things need them, linking to their week', async () => {
    const res = await app.inject('/coaches');
    expect(res.statusCode).toBe(200);
    expect(res.body).toMatch(/^<!doctype html>/);
    expect(res.body).toContain('<a href="/coaches" aria-current="page">My week</a>');
    expect(res.body).toContain('<h2><a href="/coaches/ada/week">Ada &lt;Lovelace&gt;</a></h2>');
    expect(res.body).toContain('<a href="/areas/eng">Engineering</a>');
    // Search has never checked in; one overdue intervention, one new signal, one quiet stakeholder.
    expect(res.body).toContain('<span class="need-count need-count--some">4</span> things need them today');
    expect(res.body).toContain('1 team behind on check-ins · 1 overdue intervention · 1 new signal · 1 quiet stakeholder');
    expect(res.body).toContain('<h2><a href="/coaches/bo/week">Bo</a></h2>');
    expect(res.body).toContain('No area assigned yet');
    expect(res.body).toContain('Nothing needs them today');
    expect(res.body).not.toContain('rel="next"');
  });

  it('pages from a coach in the list, and refuses paging from no coach with 422 naming after', async () => {
    const later = await app.inject('/coaches?all=1&after=ada');
    expect(later.statusCode).toBe(200);
    expect(later.body).not.toContain('/coaches/ada/week');
    expect(later.body).toContain('<h2><a href="/coaches/bo/week">Bo</a></h2>');
    expect(later.body).toContain('<a class="pager__link" href="/coaches?all=1" rel="first">First</a>');
    expect(later.body).toContain('No more coaches.');
    const bad = await app.inject({ url: '/coaches?after=nobody', headers: { accept: 'application/json' } });
    expect(bad.statusCode).toBe(422);
    expect(bad.json()).toMatchObject({ issues: [{ field: 'after', message: '"nobody" is no coach: page from a coach in the list' }] });
  });

  it('says what to do when there is no coach yet', async () => {
    const empty = openWorld();
    const emptyApp = await appFor(empty);
    try {
      const res = await emptyApp.inject('/coaches');
      expect(res.statusCode).toBe(200);
      expect(res.body).toContain('No coaches yet');
      expect(res.body).toContain('<code>npm run seed</code>');
    } finally {
      await emptyApp.close();
      await closeWorld(empty);
    }
  });
});

describe("a coach's week", () => {
  it('shows what needs the coach across their areas and sub-areas, each item linking to the form that answers it', async () => {
    const res = await app.inject('/coaches/ada/week');
    expect(res.statusCode).toBe(200);
    const html = res.body;
    expect(html).toContain('<h1>Ada &lt;Lovelace&gt;</h1>');
    expect(html).toContain("Coach's week · 25 Nov 2026 · cycle 2026-Q4");
    expect(html).toContain('<strong>4 things need you today.</strong>');
    expect(html).toMatch(
      /<a href="#check-ins"><span class="kpi__label">Check-ins late or missing<\/span><span class="kpi__value">1<\/span><\/a>/,
    );

    const checkIns = section(html, 'check-ins');
    expect(countOf(html, 'check-ins')).toBe('1');
    expect(checkIns).toContain('<b>Search &amp; &lt;Discovery&gt;</b>');
    expect(checkIns).toContain('None yet');
    expect(checkIns).toContain('No check-in in 2026-Q4 · 0 of 3 held');
    expect(checkIns).toContain(
      'href="/teams/srch?cycle=2026-q4#check-in-held">Record check-in<span class="sr-only"> for Search &amp; &lt;Discovery&gt;</span></a>',
    );
    expect(checkIns).toContain('href="/teams/srch?cycle=2026-q4#check-in-missed">Record missed check-in');
    expect(checkIns).not.toContain('Payments'); // checked in 13 days ago: on time

    const interventions = section(html, 'interventions');
    expect(interventions).toContain('5 days overdue');
    expect(interventions).toContain('<b>Coaching session: Search skips check-ins during the release crunch</b>');
    expect(interventions).toContain('Due 20 Nov 2026 · yours');
    expect(interventions).toContain('href="/resistance/sig-1">Complete it');

    const signals = section(html, 'signals');
    expect(signals).toContain('<b>Payments keep OKRs in a &lt;spreadsheet&gt;</b>');
    expect(signals).toContain('Severity 3');
    expect(signals).toContain('Tool friction · raised 20 Nov 2026 (5 days ago) · source: observed');
    expect(signals).toContain('href="/resistance/sig-2">Acknowledge');
    expect(signals).not.toContain('sig-1'); // raised 23 days ago

    const stakeholders = section(html, 'stakeholders');
    expect(stakeholders).toContain('<b>Grace Hopper</b>');
    expect(stakeholders).toContain('Never engaged');
    expect(stakeholders).toContain('Influence 5, interest 4 · attitude not assessed');
    expect(stakeholders).toContain('href="/stakeholders/st-1">Log an engagement');
  });

  it('lets each item go once it is answered: a check-in from the team page form, then the rest, until nothing is left', async () => {
    const before = world.queries.heatmap(CYCLE, TODAY)!.areas.find((a) => a.areaId === 'eng')!;
    expect(before.freshness.never).toBe(1);

    // The one-click action: the team page's check-in form with its defaults.
    const res = await post('/teams/srch/check-in-held?cycle=2026-q4', { key: randomUUID(), heldOn: TODAY, cycleId: CYCLE });
    expect(res.statusCode).toBe(303);
    let html = await week();
    expect(countOf(html, 'check-ins')).toBe('0');
    expect(section(html, 'check-ins')).toContain('Nothing here — good. Every team in your areas is checking in on time.');
    // The heatmap agrees: no late or missing check-in left in Engineering.
    const after = world.queries.heatmap(CYCLE, TODAY)!.areas.find((a) => a.areaId === 'eng')!;
    expect(after.freshness).toMatchObject({ late: 0, never: 0 });
    expect((await app.inject('/coaches')).body).toContain('<span class="need-count need-count--some">3</span> things need them today');

    await given(world, 'signal', 'sig-1', TODAY, {
      type: 'InterventionCompleted',
      data: { signalId: 'sig-1', interventionId: 'int-1', outcome: 'Check-ins moved to Monday', completedOn: TODAY },
    });
    await given(world, 'signal', 'sig-2', TODAY, {
      type: 'ResistanceSignalAcknowledged',
      data: { signalId: 'sig-2', acknowledgedOn: TODAY },
    });
    await given(world, 'stakeholder', 'st-1', TODAY, {
      type: 'EngagementLogged',
      data: { stakeholderId: 'st-1', engagementId: 'e-1', kind: 'one-on-one', occurredOn: TODAY, sentiment: 1, coachId: 'ada' },
    });
    await settle();
    html = await week();
    for (const id of ['check-ins', 'interventions', 'signals', 'stakeholders']) {
      expect(countOf(html, id)).toBe('0');
      expect(section(html, id)).toContain('Nothing here — good.');
    }
    expect(html).toContain('<strong>Nothing needs you today.</strong>');
  });

  it('shows an intervention someone else owns in the coach’s areas, naming its owner', async () => {
    await given(world, 'signal', 'sig-2', '2026-11-21', {
      type: 'InterventionPlanned',
      data: { signalId: 'sig-2', interventionId: 'int-2', kind: 'workshop', ownerId: 'bo', dueOn: '2026-11-24' },
    });
    await settle();
    const interventions = section(await week(), 'interventions');
    const [ada, bo] = [interventions.indexOf('Due 20 Nov 2026 · yours'), interventions.indexOf('Due 24 Nov 2026 · owner Bo')];
    expect(ada).toBeGreaterThan(-1);
    expect(bo).toBeGreaterThan(ada); // most overdue first
    expect(interventions).toContain('1 day overdue');
  });

  it('says plainly when a coach has no area, and when no cycle is open', async () => {
    const bo = await app.inject('/coaches/bo/week');
    expect(bo.statusCode).toBe(200);
    expect(bo.body).toContain('No area is assigned to Bo yet');
    expect(bo.body).toContain('<strong>Nothing needs you today.</strong>');

    const later = await appFor(world, { today: () => '2027-02-01' });
    try {
      const html = (await later.inject('/coaches/ada/week')).body;
      expect(section(html, 'check-ins')).toContain('no OKR cycle is open today, so no check-in is due');
      expect(html).not.toContain('· cycle 2026-Q4');
    } finally {
      await later.close();
    }
  });

  it('answers an unknown coach with 404 and a malformed id with 422 naming coachId', async () => {
    const unknown = await app.inject('/coaches/nobody/week');
    expect(unknown.statusCode).toBe(404);
    expect(unknown.body).toContain('There is no coach &quot;nobody&quot;.');
    const bad = await app.inject({ url: '/coaches/not%20an%20id/week', headers: { accept: 'application/json' } });
    expect(bad.statusCode).toBe(422);
    expect(bad.json()).toMatchObject({ issues: [{ field: 'coachId' }] });
  });
});

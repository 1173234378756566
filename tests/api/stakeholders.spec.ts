/**
 * The stakeholder pages over real components (SQLite store, live projection runner): the list
 * with its filters and influence × interest grid, a stakeholder's page with the engagement log
 * and history from the stakeholders read model, and every form on both (303, htmx partial, 422 beside the
 * field, 409 on a stale re-map).
 */
import { randomUUID } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { lastEngagementView } from '../../src/stakeholder/viewModels.ts';
import { appFor, closeWorld, given, openWorld, postForm, seedSmallOrganisation, TODAY, type World } from '../support/webApp.ts';

let world: World;
let app: FastifyInstance;

/**
 * On top of the small organisation: coaches Ada (assigned to Platform) and Bo; Vera in
 * Engineering (5/4, champion, desire, engaged a week ago), Lars in Platform (4/2, skeptic,
 * awareness, engaged six weeks ago) and Rita in R&D (2/1, never assessed nor engaged).
 */
async function seedStakeholders(): Promise<void> {
  await given(world, 'coach', 'ada', '2026-09-20', {
    type: 'CoachRegistered',
    data: { coachId: 'ada', name: 'Ada Lovelace', email: 'ada@example.org' },
  });
  await given(world, 'coach', 'bo', '2026-09-20', {
    type: 'CoachRegistered',
    data: { coachId: 'bo', name: 'Bo Berg', email: 'bo@example.org' },
  });
  await given(world, 'area', 'plat', '2026-09-20', { type: 'CoachAssignedToArea', data: { areaId: 'plat', coachId: 'ada' } });
  const identify = (stakeholderId: string, name: string, role: string, areaId: string, influence: number, interest: number) =>
    given(world, 'stakeholder', stakeholderId, '2026-09-22', {
      type: 'StakeholderIdentified',
      data: { stakeholderId, name, role, areaId, influence, interest },
    });
  await identify('vera', 'Vera Patel', 'VP Engineering', 'eng', 5, 4);
  await identify('lars', 'Lars Ek', 'Head of Platform', 'plat', 4, 2);
  await identify('rita', 'Rita <Finance>', 'CFO', 'rnd', 2, 1);
  await given(world, 'stakeholder', 'vera', '2026-09-25', {
    type: 'AttitudeAssessed',
    data: { stakeholderId: 'vera', attitude: 'neutral' },
  });
  await given(world, 'stakeholder', 'vera', '2026-10-20', {
    type: 'AttitudeAssessed',
    data: { stakeholderId: 'vera', attitude: 'champion', note: 'opened the all-hands with OKRs' },
  });
  await given(world, 'stakeholder', 'vera', '2026-10-20', { type: 'AdkarStageAssessed', data: { stakeholderId: 'vera', stage: 'desire' } });
  await given(world, 'stakeholder', 'vera', '2026-11-18', {
    type: 'EngagementLogged',
    data: {
      stakeholderId: 'vera',
      engagementId: 'e1',
      kind: 'one-on-one',
      occurredOn: '2026-11-18',
      sentiment: 2,
      note: 'wants OKRs in every QBR',
      coachId: 'ada',
    },
  });
  await given(world, 'stakeholder', 'lars', '2026-09-25', {
    type: 'AttitudeAssessed',
    data: { stakeholderId: 'lars', attitude: 'skeptic' },
  });
  await given(world, 'stakeholder', 'lars', '2026-09-25', {
    type: 'AdkarStageAssessed',
    data: { stakeholderId: 'lars', stage: 'awareness' },
  });
  await given(world, 'stakeholder', 'lars', '2026-10-14', {
    type: 'EngagementLogged',
    data: { stakeholderId: 'lars', engagementId: 'e2', kind: 'meeting', occurredOn: '2026-10-14', sentiment: -1, coachId: 'bo' },
  });
}

beforeEach(async () => {
  world = openWorld();
  await seedSmallOrganisation(world);
  await seedStakeholders();
  await world.runner.start();
  app = await appFor(world);
});

afterEach(async () => {
  await app?.close();
  if (world) await closeWorld(world);
});

const post = (url: string, fields: Record<string, string>, headers: Record<string, string> = {}) => postForm(app, url, fields, headers);

/** The opening tag of the element with this id. */
function tag(html: string, id: string): string {
  const match = new RegExp(`<(?:input|select)[^>]* id="${id}"[^>]*>`).exec(html);
  if (!match) throw new Error(`no element #${id}`);
  return match[0];
}

/** The list's rows, each as its cells' text. */
function rows(html: string): string[][] {
  const body = /<table class="events stakeholder-table">[\s\S]*?<tbody>([\s\S]*?)<\/tbody>/.exec(html);
  if (!body) return [];
  return [...body[1]!.matchAll(/<tr>([\s\S]*?)<\/tr>/g)].map((row) =>
    [...row[1]!.matchAll(/<td[^>]*>([\s\S]*?)<\/td>/g)].map((cell) =>
      cell[1]!
        .replace(/<[^>]+>/g, ' ')
        .replace(/\s+/g, ' ')
        .trim(),
    ),
  );
}

const names = (html: string) => rows(html).map((r) => r[0]!.split(' ').slice(0, 2).join(' '));

/** The accessible names of the chips in the grid cell at (influence, interest), with their relationship health. */
function gridChips(html: string, influence: number, interest: number): string[] {
  const cell = new RegExp(`aria-label="Influence ${influence}, interest ${interest}: [^"]*">([\\s\\S]*?)</div>`).exec(html);
  if (!cell) throw new Error(`no grid cell ${influence} × ${interest}`);
  return [...cell[1]!.matchAll(/<span class="sr-only">([^<]*)<\/span>/g)].map((m) => m[1]!);
}

/** The same without the health: who sits there, with their attitude (and aim). */
const gridCell = (html: string, influence: number, interest: number): string[] =>
  gridChips(html, influence, interest).map((chip) => chip.replace(/, relationship [a-z ]+$/, ''));

const revisionOf = (html: string, formId: string): string => {
  const form = html.slice(html.indexOf(`id="${formId}"`));
  return /name="revision" value="(-?\d+)"/.exec(form)![1]!;
};

describe('the words the pages use', () => {
  it('says how long ago the last engagement was, stale from four weeks', () => {
    expect(lastEngagementView('2026-11-25', TODAY)).toMatchObject({ ago: 'today', stale: false });
    expect(lastEngagementView('2026-11-24', TODAY)).toMatchObject({ ago: '1 day ago', stale: false });
    expect(lastEngagementView('2026-11-18', TODAY)).toMatchObject({ ago: '1 week ago', label: '18 Nov 2026', stale: false });
    expect(lastEngagementView('2026-10-29', TODAY)).toMatchObject({ ago: '3 weeks ago', stale: false });
    expect(lastEngagementView('2026-10-28', TODAY)).toMatchObject({ ago: '4 weeks ago', stale: true });
    expect(lastEngagementView(null, TODAY)).toMatchObject({ ago: 'not engaged yet', stale: true });
  });
});

describe('the stakeholder list', () => {
  it('lists everyone by influence with role, area, rating, attitude in words, ADKAR stage and last engagement', async () => {
    const res = await app.inject('/stakeholders');
    expect(res.statusCode).toBe(200);
    expect(res.body).toMatch(/^<!doctype html>/);
    expect(res.body).toContain('<a href="/stakeholders" aria-current="page">Stakeholders</a>');
    expect(rows(res.body)).toEqual([
      [
        'Vera Patel VP Engineering',
        'Engineering',
        '5 / 4 Manage closely',
        '++ Champion',
        'Desire 2 of 5',
        '1 week ago 18 Nov 2026',
        'Healthy score 83',
      ],
      [
        'Lars Ek Head of Platform',
        'Engineering › Platform',
        '4 / 2 Keep satisfied',
        '− Skeptic',
        'Awareness 1 of 5',
        'Overdue 6 weeks ago 14 Oct 2026',
        'At risk score 36',
      ],
      [
        'Rita &lt;Finance&gt; CFO',
        'R&amp;D &lt;Labs&gt;',
        '2 / 1 Monitor',
        '? Not assessed',
        'Not assessed',
        'Overdue not engaged yet',
        'Neglected score 25',
      ],
    ]);
    expect(res.body).toContain('3 stakeholders · <strong class="stale-count">2 not engaged for 4 weeks or more</strong>');
    expect(res.body).toContain(
      '<span class="engaged engaged--stale"><span class="engaged__flag">Overdue</span> <time datetime="2026-10-14">6 weeks ago</time></span>',
    );
  });

  it('places each stakeholder on the influence × interest grid, attitude in colour and in words, linked to their page', async () => {
    const res = await app.inject('/stakeholders');
    expect(gridChips(res.body, 5, 4)).toEqual(['Vera Patel, Champion, relationship healthy']);
    expect(gridChips(res.body, 4, 2)).toEqual(['Lars Ek, Skeptic, relationship at risk']);
    expect(gridChips(res.body, 2, 1)).toEqual(['Rita &lt;Finance&gt;, Not assessed, relationship neglected']);
    expect(gridCell(res.body, 3, 3)).toEqual([]);
    expect(res.body).toContain(
      '<a class="sh-chip attitude--champion sh-chip--healthy" href="/stakeholders/vera" title="Vera Patel · Champion · influence 5, interest 4 · relationship healthy (83)"><span aria-hidden="true">VP<span class="sh-chip__mark">++</span></span>',
    );
    for (const quadrant of ['Manage closely', 'Keep satisfied', 'Keep informed', 'Monitor'])
      expect(res.body).toContain(`>${quadrant} <small>`);
  });

  it('filters list and grid by area including the areas below it, attitude, ADKAR stage and weeks without engagement', async () => {
    const engineering = await app.inject('/stakeholders?area=eng');
    expect(names(engineering.body)).toEqual(['Vera Patel', 'Lars Ek']);
    expect(gridCell(engineering.body, 2, 1)).toEqual([]);
    expect(engineering.body).toContain('<option value="eng" selected>Engineering</option>');
    expect(names((await app.inject('/stakeholders?area=plat')).body)).toEqual(['Lars Ek']);
    expect(names((await app.inject('/stakeholders?attitude=skeptic')).body)).toEqual(['Lars Ek']);
    expect(names((await app.inject('/stakeholders?attitude=unassessed')).body)).toEqual(['Rita &lt;Finance&gt;']);
    expect(names((await app.inject('/stakeholders?adkar=desire')).body)).toEqual(['Vera Patel']);
    expect(names((await app.inject('/stakeholders?weeks=4')).body)).toEqual(['Lars Ek', 'Rita &lt;Finance&gt;']);
    expect(names((await app.inject('/stakeholders?weeks=1')).body)).toEqual(['Vera Patel', 'Lars Ek', 'Rita &lt;Finance&gt;']);
    expect(names((await app.inject('/stakeholders?weeks=4&area=eng')).body)).toEqual(['Lars Ek']);
  });

  it('sorts by name or by the longest without engagement', async () => {
    expect(names((await app.inject('/stakeholders?sort=name')).body)).toEqual(['Lars Ek', 'Rita &lt;Finance&gt;', 'Vera Patel']);
    const byEngagement = await app.inject('/stakeholders?sort=engagement&area=eng');
    expect(names(byEngagement.body)).toEqual(['Lars Ek', 'Vera Patel']);
    expect(byEngagement.body).toContain(
      '<th scope="col" aria-sort="ascending"><a href="/stakeholders?area=eng&amp;sort=engagement">Last engagement</a></th>',
    );
  });

  it('says when no stakeholder matches, and how to clear the filters', async () => {
    const res = await app.inject('/stakeholders?attitude=resistor');
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain('No stakeholder matches these filters.');
    expect(res.body).toContain('<a href="/stakeholders">clear the filters</a>');
  });

  it('re-renders (422) with the message beside a bad filter, applying the others', async () => {
    const res = await app.inject('/stakeholders?weeks=many&attitude=skeptic');
    expect(res.statusCode).toBe(422);
    expect(res.body).toMatch(/id="stakeholders-weeks-error">Weeks without engagement &quot;many&quot; must be a number from 1 to 52</);
    expect(names(res.body)).toEqual(['Lars Ek']);
  });

  it('answers an htmx filter with the page body only', async () => {
    const res = await app.inject({ url: '/stakeholders?area=plat', headers: { 'hx-request': 'true' } });
    expect(res.statusCode).toBe(200);
    expect(res.body.trimStart()).toMatch(/^<div id="stakeholders"/);
    expect(names(res.body)).toEqual(['Lars Ek']);
  });
});

describe('searching and paging the list', () => {
  /** 30 more in Platform, `Person 01` … `Person 30`, never engaged. */
  async function seedCrowd(): Promise<void> {
    for (let n = 1; n <= 30; n++) {
      const id = `p${n}`;
      const name = `Person ${String(n).padStart(2, '0')}`;
      await given(world, 'stakeholder', id, '2026-09-22', {
        type: 'StakeholderIdentified',
        data: { stakeholderId: id, name, role: n % 2 === 0 ? 'Sales lead' : 'Engineer', areaId: 'plat', influence: 1, interest: 1 },
      });
    }
    await world.runner.waitFor(await world.store.headPosition());
  }

  it('finds stakeholders by name or role, ignoring case, keeping the text in the search field', async () => {
    const res = await app.inject('/stakeholders?q=platform');
    expect(names(res.body)).toEqual(['Lars Ek']);
    expect(res.body).toMatch(/<input id="stakeholders-q" name="q" type="search" value="platform"/);
    expect(names((await app.inject('/stakeholders?q=VERA')).body)).toEqual(['Vera Patel']);
    expect(names((await app.inject('/stakeholders?q=e&area=plat')).body)).toEqual(['Lars Ek']);
    const none = await app.inject('/stakeholders?q=nobody');
    expect(none.body).toContain('No stakeholder matches these filters.');
  });

  it('shows 25 rows a page with counts over every match, the grid 6 a cell counting the rest, links keeping the filters', async () => {
    await seedCrowd();
    const first = await app.inject('/stakeholders?sort=name');
    expect(rows(first.body)).toHaveLength(25);
    expect(first.body).toContain('33 stakeholders · <strong class="stale-count">32 not engaged for 4 weeks or more</strong>');
    expect(first.body).toContain('1–25 of 33');
    // Keyset: the next page starts after the last row shown.
    expect(first.body).toContain('<a class="pager__link" href="/stakeholders?sort=name&amp;after=p24" rel="next">Next</a>');
    expect(first.body).not.toContain('rel="prev"');
    expect(gridCell(first.body, 1, 1)).toEqual(
      Array.from({ length: 6 }, (_, i) => `Person ${String(i + 1).padStart(2, '0')}, Not assessed`),
    );
    expect(first.body).toContain('aria-label="Influence 1, interest 1: 30 stakeholders"');
    expect(first.body).toContain('<span class="sh-cell__more">+24 more</span>');

    const second = await app.inject('/stakeholders?sort=name&after=p24');
    expect(names(second.body)).toEqual([
      'Person 25',
      'Person 26',
      'Person 27',
      'Person 28',
      'Person 29',
      'Person 30',
      'Rita &lt;Finance&gt;',
      'Vera Patel',
    ]);
    expect(second.body).toContain('26–33 of 33');
    expect(second.body).toContain('<a class="pager__link" href="/stakeholders?sort=name" rel="prev">Previous</a>');
    expect(second.body).not.toContain('rel="next"');
    // Back from the last row: the 25 before it, counted where they start.
    const back = await app.inject('/stakeholders?sort=name&before=vera');
    expect(rows(back.body)).toHaveLength(25);
    expect(back.body).toContain('8–32 of 33');
    expect(back.body).toContain('<a class="pager__link" href="/stakeholders?sort=name" rel="prev">Previous</a>');
    expect(back.body).toContain('href="/stakeholders?sort=name&amp;after=rita" rel="next"');

    // A search narrows the counts and the pages.
    const sales = await app.inject('/stakeholders?q=sales');
    expect(rows(sales.body)).toHaveLength(15);
    expect(sales.body).toContain('15 stakeholders');
    expect(sales.body).not.toContain('class="pager"');
  });

  it('re-renders (422) the first page, saying why, when paged from a stakeholder who is not there', async () => {
    const res = await app.inject('/stakeholders?after=nobody');
    expect(res.statusCode).toBe(422);
    expect(res.body).toContain(
      '<p class="field__error" role="alert">Paged after &quot;nobody&quot; must be a stakeholder, as the list&#39;s Previous and Next links give</p>',
    );
    expect(res.body).toContain('Lars Ek');
  });
});

describe('identifying a stakeholder', () => {
  it('offers the form at the top of the list, folded until asked for', async () => {
    const res = await app.inject('/stakeholders');
    const form = res.body.indexOf('<details class="card form-card form-card--primary identify-stakeholder records">');
    expect(form).toBeGreaterThan(0);
    expect(form).toBeLessThan(res.body.indexOf('class="filter stakeholder-filter"'));
  });

  const fields = { name: 'Noor Haddad', role: 'Head of Sales Ops', areaId: 'plat', influence: '3', interest: '5' };
  const keyed = () => ({ ...fields, key: randomUUID() });

  it('redirects (303) to the list, which says so and shows them in the list, the grid and the timeline', async () => {
    const res = await post('/stakeholders?area=eng', keyed());
    expect(res.statusCode).toBe(303);
    const location = res.headers.location as string;
    const id = /identified=([0-9a-f-]{36})$/.exec(location)![1]!;
    expect(location).toBe(`/stakeholders?area=eng&identified=${id}`);
    const stored = (await world.store.readStream(`stakeholder-${id}`))[0]!;
    expect(stored).toMatchObject({
      type: 'StakeholderIdentified',
      data: { stakeholderId: id, ...fields, influence: 3, interest: 5 },
      metadata: { actor: { kind: 'user', id: 'acct-admin' }, source: 'ui' },
    });

    const page = await app.inject(location);
    expect(page.body).toContain(`Noor Haddad is identified. <a href="/stakeholders/${id}">Open their page</a>`);
    expect(names(page.body)).toEqual(['Vera Patel', 'Lars Ek', 'Noor Haddad']);
    expect(gridCell(page.body, 3, 5)).toEqual(['Noor Haddad, Not assessed']);

    const timeline = await app.inject(`/timeline?stakeholder=${id}`);
    expect(timeline.body).toContain('Noor Haddad');
    expect(timeline.body).toContain('StakeholderIdentified');
  });

  it('identifies once when the same form is sent twice (a retry after a lost answer)', async () => {
    const sent = keyed();
    expect((await post('/stakeholders', sent)).statusCode).toBe(303);
    expect((await post('/stakeholders', sent)).statusCode).toBe(303);
    expect((await world.store.readStream(`stakeholder-${sent.key}`)).map((e) => e.type)).toEqual(['StakeholderIdentified']);
  });

  it('answers htmx with the list re-rendered, the new stakeholder in it', async () => {
    const res = await post('/stakeholders', keyed(), { 'hx-request': 'true' });
    expect(res.statusCode).toBe(200);
    expect(res.body.trimStart()).toMatch(/^<div id="stakeholders"/);
    expect(res.body).toContain('Noor Haddad is identified.');
    expect(names(res.body)).toContain('Noor Haddad');
  });

  it('re-renders the form (422) naming each bad field, keeping what was typed', async () => {
    const res = await post('/stakeholders', { ...keyed(), name: 'N', areaId: '', influence: '9' });
    expect(res.statusCode).toBe(422);
    expect(res.body).toMatch(/id="identify-areaId-error">Area is required</);
    expect(res.body).toMatch(/id="identify-name-error">Name must be at least 2 characters</);
    expect(res.body).toMatch(/id="identify-influence-error">Influence must be at most 5</);
    expect(res.body).not.toContain('id="identify-interest-error"');
    expect(tag(res.body, 'identify-name')).toContain('value="N"');
    expect(tag(res.body, 'identify-role')).toContain('value="Head of Sales Ops"');
    expect(tag(res.body, 'identify-areaId')).toContain('aria-invalid="true"');
    expect(res.body).toContain('<details class="card form-card form-card--primary identify-stakeholder records" open>');
    expect(names(res.body)).toEqual(['Vera Patel', 'Lars Ek', 'Rita &lt;Finance&gt;']);
  });

  it('refuses an area that does not exist (422 on areaId)', async () => {
    const res = await post('/stakeholders', { ...keyed(), areaId: 'atlantis' });
    expect(res.statusCode).toBe(422);
    expect(tag(res.body, 'identify-areaId')).toContain('aria-invalid="true"');
  });
});

describe('a stakeholder page', () => {
  it('shows the header, the engagement log and the history of assessments, newest first', async () => {
    const res = await app.inject('/stakeholders/vera');
    expect(res.statusCode).toBe(200);
    expect(res.body).toMatch(
      /<h1>Vera Patel <span class="attitude attitude--champion"><span class="attitude__mark" aria-hidden="true">\+\+<\/span> Champion<\/span>\s*<\/h1>/,
    );
    expect(res.body).toContain('VP Engineering · <a href="/areas/eng">Engineering</a>');
    expect(res.body).toContain('<p class="eyebrow">Stakeholder · Manage closely</p>');
    expect(res.body).toContain('<span class="kpi__value kpi__value--text">Desire</span>');
    expect(res.body).toMatch(
      /<td><time datetime="2026-11-18">18 Nov 2026<\/time><\/td>\s*<td>One-on-one<\/td>\s*<td><span class="sentiment sentiment--very-positive"><b>\+2<\/b> Very positive<\/span><\/td>\s*<td class="engagement-log__note">wants OKRs in every QBR<\/td>\s*<td>Ada Lovelace<\/td>/,
    );
    const history = /<table class="events stakeholder-history">([\s\S]*?)<\/table>/.exec(res.body)![1]!;
    const entries = [
      ...history.matchAll(
        /<td class="events__type">([^<]*)<\/td>\s*<td>([^<]*)<\/td>\s*<td class="stakeholder-history__note">([^<]*)<\/td>/g,
      ),
    ].map((m) => `${m[1]}: ${m[2]} (${m[3]})`);
    expect(entries).toEqual([
      'ADKAR stage: Desire ()',
      'Attitude: Neutral → Champion (opened the all-hands with OKRs)',
      'Attitude: Neutral ()',
      'Identified: VP Engineering; influence 5, interest 4 ()',
    ]);
  });

  it('reads only the read models: no event stream is read to render it', async () => {
    const reads = vi.spyOn(world.store, 'readStream');
    const res = await app.inject('/stakeholders/vera');
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain('wants OKRs in every QBR');
    expect(reads).not.toHaveBeenCalled();
  });

  it('offers the coaches, the area’s coach first and chosen, today, and the stakeholder as they are', async () => {
    const res = await app.inject('/stakeholders/lars');
    expect(res.body).toMatch(
      /<select id="engagement-coachId"[^>]*>\s*<option value="ada" selected>Ada Lovelace \(coaches this area\)<\/option>\s*<option value="bo">Bo Berg<\/option>/,
    );
    expect(tag(res.body, 'engagement-occurredOn')).toContain(`value="${TODAY}"`);
    expect(res.body).toContain('<option value="skeptic" selected>Skeptic</option>');
    expect(res.body).toMatch(/<select id="map-influence"[\s\S]*?<option value="4" selected>4 · high<\/option>/);
    expect(revisionOf(res.body, 'map')).toBe('3');
    const unassessed = await app.inject('/stakeholders/rita');
    expect(unassessed.body).toContain('<option value="" selected>Choose an attitude</option>');
    expect(unassessed.body).toContain('No engagement logged yet.');
  });

  it('answers an unknown stakeholder or form with 404', async () => {
    expect((await app.inject('/stakeholders/nobody')).statusCode).toBe(404);
    expect((await post('/stakeholders/nobody/engagement', { key: randomUUID() })).statusCode).toBe(404);
    expect((await post('/stakeholders/vera/nonsense', {})).statusCode).toBe(404);
  });
});

describe('logging an engagement', () => {
  it('logs once when the same form is sent twice (a retry after a lost answer)', async () => {
    const engagement = { key: randomUUID(), kind: 'meeting', occurredOn: TODAY, sentiment: '0', coachId: 'ada' };
    const before = (await world.store.readStream('stakeholder-lars')).length;
    expect((await post('/stakeholders/lars/engagement', engagement)).statusCode).toBe(303);
    expect((await post('/stakeholders/lars/engagement', engagement)).statusCode).toBe(303);
    expect((await world.store.readStream('stakeholder-lars')).length).toBe(before + 1);
  });

  it('redirects (303) to the page, where it heads the log; the list shows it as the last engagement', async () => {
    const res = await post('/stakeholders/lars/engagement', {
      key: randomUUID(),
      kind: 'workshop',
      occurredOn: TODAY,
      sentiment: '1',
      coachId: 'bo',
      note: 'came round on check-ins',
    });
    expect(res.statusCode).toBe(303);
    expect(res.headers.location).toBe('/stakeholders/lars?recorded=engagement');
    const page = await app.inject(res.headers.location as string);
    expect(page.body).toContain('<p class="success">Engagement logged.</p>');
    expect(page.body).toMatch(
      /<tbody>\s*<tr id="engagement-[^"]+">\s*<td><time datetime="2026-11-25">25 Nov 2026<\/time><\/td>\s*<td>Workshop<\/td>\s*<td><span class="sentiment sentiment--positive"><b>\+1<\/b> Positive<\/span><\/td>\s*<td class="engagement-log__note">came round on check-ins<\/td>\s*<td>Bo Berg<\/td>/,
    );
    const list = await app.inject('/stakeholders?area=plat');
    expect(rows(list.body)[0]![5]).toBe('today 25 Nov 2026');
    expect(names((await app.inject('/stakeholders?weeks=4')).body)).toEqual(['Rita &lt;Finance&gt;']);
  });

  it('answers htmx with the page body re-rendered', async () => {
    const res = await post(
      '/stakeholders/lars/engagement',
      { key: randomUUID(), kind: 'meeting', occurredOn: TODAY, sentiment: '-2', coachId: 'ada' },
      { 'hx-request': 'true' },
    );
    expect(res.statusCode).toBe(200);
    expect(res.body.trimStart()).toMatch(/^<div id="stakeholder"/);
    expect(res.body).toContain('<span class="sentiment sentiment--very-negative"><b>−2</b> Very negative</span>');
  });

  it('re-renders the form (422) beside a bad date and a coach that does not exist', async () => {
    const res = await post('/stakeholders/lars/engagement', {
      key: randomUUID(),
      kind: 'meeting',
      occurredOn: '2026-02-30',
      sentiment: '0',
      coachId: 'ada',
      note: 'kept',
    });
    expect(res.statusCode).toBe(422);
    expect(tag(res.body, 'engagement-occurredOn')).toContain('aria-invalid="true"');
    expect(res.body).toMatch(/id="engagement-occurredOn-error">Occurred on must be a calendar date, YYYY-MM-DD</);
    expect(tag(res.body, 'engagement-note')).toContain('value="kept"');
    const ghost = await post('/stakeholders/lars/engagement', {
      key: randomUUID(),
      kind: 'meeting',
      occurredOn: TODAY,
      sentiment: '0',
      coachId: 'ghost',
    });
    expect(ghost.statusCode).toBe(422);
    expect(tag(ghost.body, 'engagement-coachId')).toContain('aria-invalid="true"');
    expect(await world.store.readStream('stakeholder-lars')).toHaveLength(4);
  });
});

describe('assessing', () => {
  it('records a new attitude with its note, shown in the header, the history and the grid', async () => {
    const res = await post('/stakeholders/lars/attitude', { attitude: 'supporter', note: 'saw the pilot results' });
    expect(res.statusCode).toBe(303);
    const page = await app.inject(res.headers.location as string);
    expect(page.body).toContain('<p class="success">Attitude assessed.</p>');
    expect(page.body).toMatch(
      /<td class="events__type">Attitude<\/td>\s*<td>Skeptic → Supporter<\/td>\s*<td class="stakeholder-history__note">saw the pilot results<\/td>\s*<td>Ann Admin<\/td>/,
    );
    expect(gridCell((await app.inject('/stakeholders')).body, 4, 2)).toEqual(['Lars Ek, Supporter']);
  });

  it('records a new ADKAR stage', async () => {
    expect((await post('/stakeholders/lars/adkar', { stage: 'desire' })).statusCode).toBe(303);
    expect(names((await app.inject('/stakeholders?adkar=desire')).body)).toEqual(['Vera Patel', 'Lars Ek']);
  });

  it('refuses (422) an assessment that repeats the current one, saying what to do instead', async () => {
    const res = await post('/stakeholders/lars/attitude', { attitude: 'skeptic', note: 'still unsure' });
    expect(res.statusCode).toBe(422);
    expect(res.body).toMatch(
      /id="attitude-attitude-error">Attitude is already skeptic: choose another, or log an engagement to note what you saw</,
    );
    expect(tag(res.body, 'attitude-note')).toContain('value="still unsure"');
    expect(await world.store.readStream('stakeholder-lars')).toHaveLength(4);
  });
});

describe('the desired attitude', () => {
  it('is set on the stakeholder page and shown beside the current one there, in the list and on the grid, with the gap in steps', async () => {
    const res = await post('/stakeholders/lars/desired', { attitude: 'champion', reason: 'owns the platform roadmap' });
    expect(res.statusCode).toBe(303);
    expect(res.headers.location).toBe('/stakeholders/lars?recorded=desired');
    const page = await app.inject(res.headers.location as string);
    expect(page.body).toContain('<p class="success">Desired attitude set.</p>');
    expect(page.body).toMatch(
      /<h1>Lars Ek <span class="attitude attitude--skeptic">[\s\S]*?<span class="sh-aim">→ <span class="attitude attitude--champion">[\s\S]*?<small>wants Champion · 3 steps to go<\/small>/,
    );
    expect(page.body).toMatch(
      /<td class="events__type">Desired attitude<\/td>\s*<td>wants Champion<\/td>\s*<td class="stakeholder-history__note">owns the platform roadmap<\/td>/,
    );
    // The form now offers the aim as it is.
    expect(page.body).toMatch(/<select[^>]* id="desired-attitude"[\s\S]*?<option value="champion" selected>/);
    const list = await app.inject('/stakeholders');
    expect(rows(list.body)[1]![3]).toBe('− Skeptic → wants Champion · 3 steps to go');
    expect(gridCell(list.body, 4, 2)).toEqual(['Lars Ek, Skeptic → wants Champion (3 steps to go)']);
    expect(list.body).toContain('<span class="sh-chip__gap">↑3</span>');
    const timeline = await app.inject('/timeline?stakeholder=lars');
    expect(timeline.body).toContain('Desired attitude set: Champion');
    expect(timeline.body).toContain('StakeholderDesiredAttitudeSet');
  });

  it('refuses (422) an unknown attitude and the same aim again, beside the field, recording nothing', async () => {
    const bad = await post('/stakeholders/lars/desired', { attitude: 'fan', reason: 'keen' }, { 'hx-request': 'true' });
    expect(bad.statusCode).toBe(422);
    expect(tag(bad.body, 'desired-attitude')).toContain('aria-invalid="true"');
    expect(bad.body).toMatch(/id="desired-attitude-error">Desired attitude [^<]+</);
    expect(tag(bad.body, 'desired-reason')).toContain('value="keen"');
    expect(await world.store.readStream('stakeholder-lars')).toHaveLength(4);

    expect((await post('/stakeholders/lars/desired', { attitude: 'supporter' })).statusCode).toBe(303);
    const again = await post('/stakeholders/lars/desired', { attitude: 'supporter' });
    expect(again.statusCode).toBe(422);
    expect(again.body).toMatch(/id="desired-attitude-error">Desired attitude is already supporter: choose another aim</);
    expect(await world.store.readStream('stakeholder-lars')).toHaveLength(5);
  });
});

describe('movement and relationship health', () => {
  /** Lars, skeptic at awareness on (4, 2) since September: re-mapped to (5, 3) on 10 Nov, engaged on 18 Nov, supporter at desire on 20 Nov. */
  async function larsMoves(): Promise<void> {
    await given(world, 'stakeholder', 'lars', '2026-11-10', {
      type: 'StakeholderMapped',
      data: { stakeholderId: 'lars', influence: 5, interest: 3 },
    });
    await given(world, 'stakeholder', 'lars', '2026-11-18', {
      type: 'EngagementLogged',
      data: { stakeholderId: 'lars', engagementId: 'e3', kind: 'workshop', occurredOn: '2026-11-18', sentiment: 1, coachId: 'ada' },
    });
    await given(world, 'stakeholder', 'lars', '2026-11-20', {
      type: 'AttitudeAssessed',
      data: { stakeholderId: 'lars', attitude: 'supporter' },
    });
    await given(world, 'stakeholder', 'lars', '2026-11-20', {
      type: 'AdkarStageAssessed',
      data: { stakeholderId: 'lars', stage: 'desire' },
    });
    await world.runner.catchUp();
  }
  const arrows = (html: string) => [...html.matchAll(/<g class="sh-movement__arrow[^"]*"><title>([^<]*)<\/title>/g)].map((m) => m[1]);
  const moves = (html: string) =>
    [...html.matchAll(/<li class="sh-move">([\s\S]*?)<\/li>\s*(?=<li class="sh-move">|<\/ol>)/g)].map((m) =>
      m[1]!
        .replace(/<[^>]+>/g, ' ')
        .replace(/\s+/g, ' ')
        .trim(),
    );

  it('draws an arrow from where each re-mapped stakeholder stood N days ago to where they stand, 30 days unless chosen', async () => {
    await larsMoves();
    const month = await app.inject('/stakeholders/movement');
    expect(arrows(month.body)).toEqual(['Lars Ek: influence 4 → 5, interest 2 → 3']);
    expect(month.body).toContain('<option value="30" selected>the last 30 days</option>');
    // From (4, 2) to (5, 3): the map's cells are 80 wide, 28 in for the axis, influence counted from the top.
    expect(month.body).toMatch(/<line x1="148" y1="120" x2="228" y2="40" marker-end="url\(#sh-arrowhead\)"\/>/);
    // Re-mapped 15 days ago: not within the last 14.
    const fortnight = await app.inject('/stakeholders/movement?days=14');
    expect(fortnight.statusCode).toBe(200);
    expect(arrows(fortnight.body)).toEqual([]);
    expect(fortnight.body).toContain('Nobody shown here was re-mapped in the last 14 days.');
    // The grid's filters apply: Lars is not in R&D.
    expect(arrows((await app.inject('/stakeholders/movement?area=rnd')).body)).toEqual([]);
    // The list reads no movement: it links to this page, keeping its filters and the period.
    const list = await app.inject('/stakeholders?area=rnd&days=14');
    expect(arrows(list.body)).toEqual([]);
    expect(list.body).toContain('<a href="/stakeholders/movement?area=rnd&amp;days=14">Who moved, and how far</a>');
    expect(fortnight.body).toContain('<a class="stakeholder-filter__clear" href="/stakeholders?days=14">Back to the list</a>');
  });

  it('lists the biggest attitude and ADKAR moves of the period with the engagements around them, linked to their rows', async () => {
    await larsMoves();
    const page = await app.inject('/stakeholders/movement?days=14');
    expect(page.body).toContain('Biggest moves in the last 14 days');
    expect(moves(page.body)).toEqual([
      'Lars Ek Head of Platform · 20 Nov 2026 Attitude: Skeptic → Supporter +2 steps ADKAR stage: Awareness → Desire +1 step 18 Nov 2026 · Workshop +1 Positive',
    ]);
    expect(page.body).toContain('<a href="/stakeholders/lars#engagement-e3">');
    expect((await app.inject('/stakeholders/lars')).body).toContain('<tr id="engagement-e3">');
    // Over 90 days everyone was first assessed within the period: from "not assessed" is no move.
    expect(moves((await app.inject('/stakeholders/movement?days=90')).body)).toEqual([]);
    expect((await app.inject('/stakeholders/movement?area=rnd')).body).toContain(
      "Nobody's attitude or ADKAR stage moved in the last 30 days in this area.",
    );
  });

  it('refuses (422) a period it does not offer, naming the parameter and the rule', async () => {
    for (const days of ['7', 'month', '-30']) {
      for (const page of ['/stakeholders/movement', '/stakeholders']) {
        const res = await app.inject(`${page}?days=${days}`);
        expect(res.statusCode).toBe(422);
        expect(res.body, days).toContain(`Movement period &quot;${days}&quot; must be one of 14, 30, 90`);
      }
    }
  });

  it('shows relationship health in a word, with its score and why, on the stakeholder page', async () => {
    const page = await app.inject('/stakeholders/lars');
    expect(page.body).toMatch(/<span class="health health--at-risk">At risk<\/span>/);
    expect(page.body).toContain('score 36 of 100');
    expect(page.body).toContain('<li>Last engaged 42 days ago; expected every 30 days (keep satisfied)</li>');
    expect(page.body).toContain('<li>1 engagement in the last 90 days, 3 expected</li>');
    expect(page.body).toContain('<li>Average sentiment −1 over them</li>');
    const rita = await app.inject('/stakeholders/rita');
    expect(rita.body).toContain('<span class="health health--neglected">Neglected</span>');
    expect(rita.body).toContain('<li>Never engaged; expected every 60 days (monitor)</li>');
    expect(rita.body).toContain('<li>No recent engagement to read sentiment from</li>');
  });
});

describe('re-mapping influence and interest', () => {
  it('moves the stakeholder on the grid', async () => {
    const page = await app.inject('/stakeholders/lars');
    const res = await post('/stakeholders/lars/map', { influence: '5', interest: '5', revision: revisionOf(page.body, 'map') });
    expect(res.statusCode).toBe(303);
    const after = await app.inject(res.headers.location as string);
    expect(after.body).toContain('Influence and interest re-mapped.');
    expect(after.body).toMatch(
      /<td class="events__type">Influence × interest<\/td>\s*<td>influence 4, interest 2 → influence 5, interest 5<\/td>/,
    );
    const list = await app.inject('/stakeholders');
    expect(gridCell(list.body, 5, 5)).toEqual(['Lars Ek, Skeptic']);
    expect(gridCell(list.body, 4, 2)).toEqual([]);
  });

  it('answers a re-map from a stale page with 409, listing what changed, and overwrites nothing', async () => {
    const stale = revisionOf((await app.inject('/stakeholders/lars')).body, 'map');
    expect(
      (
        await post('/stakeholders/lars/engagement', {
          key: randomUUID(),
          kind: 'meeting',
          occurredOn: TODAY,
          sentiment: '0',
          coachId: 'ada',
        })
      ).statusCode,
    ).toBe(303);

    const res = await post('/stakeholders/lars/map', { influence: '2', interest: '2', revision: stale });
    expect(res.statusCode).toBe(409);
    expect(res.body).toContain('This changed since you loaded the page.');
    expect(res.body).toMatch(
      /<li><b>Meeting on 25 Nov 2026 with Ada Lovelace \(sentiment 0\)<\/b> <span class="form__when">· 25 Nov 2026, 10:00 UTC · Ann Admin<\/span><\/li>/,
    );
    expect(res.body).toContain('<a href="/stakeholders/lars">reload the page</a>');
    expect(tag(res.body, 'map-influence')).toBeDefined();
    expect(res.body).toMatch(/<select id="map-influence"[\s\S]*?<option value="2" selected>/);
    expect(gridCell((await app.inject('/stakeholders')).body, 4, 2)).toEqual(['Lars Ek, Skeptic']);

    // Sent again, now knowingly on top of the change, it is applied.
    expect(revisionOf(res.body, 'map')).toBe('4');
    expect((await post('/stakeholders/lars/map', { influence: '2', interest: '2', revision: '4' })).statusCode).toBe(303);
    expect(gridCell((await app.inject('/stakeholders')).body, 2, 2)).toEqual(['Lars Ek, Skeptic']);
  });

  it('refuses (422) a re-map to the same place', async () => {
    const res = await post('/stakeholders/lars/map', { influence: '4', interest: '2', revision: '3' });
    expect(res.statusCode).toBe(422);
    expect(res.body).toMatch(/id="map-influence-error">Influence and interest are already 4 and 2: change one to re-map</);
  });
});

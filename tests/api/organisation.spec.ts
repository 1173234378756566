import { randomUUID } from 'node:crypto';
/**
 * The organisation page and the area page over real components (SQLite store, live projection
 * runner): registering areas, teams and coaches, renaming, moving and staffing an area, each
 * through the shared form path (303 or the htmx partial; 422 beside the field; 409 on a stale
 * revision), and what the area page shows about its coaches, signals, stakeholders and events.
 */
import type { FastifyInstance } from 'fastify';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SqliteDirectory } from '../../projections/index.ts';
import {
  appFor,
  closeWorld,
  given,
  openWorld,
  postForm,
  seedSmallOrganisation,
  storeNoPageMayRead,
  type World,
} from '../support/webApp.ts';

let world: World;
let app: FastifyInstance;

beforeEach(async () => {
  world = openWorld();
  await seedSmallOrganisation(world);
  await given(world, 'coach', 'ada', '2026-09-20', {
    type: 'CoachRegistered',
    data: { coachId: 'ada', name: 'Ada Lovelace', email: 'ada@example.com' },
  });
  await given(world, 'area', 'eng', '2026-09-22', { type: 'CoachAssignedToArea', data: { areaId: 'eng', coachId: 'ada' } });
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

const revisionOf = (html: string, formId: string): string => {
  const form = html.slice(html.indexOf(`<form class="form" id="${formId}"`));
  return /name="revision" value="(-?\d+)"/.exec(form)![1]!;
};

const areaIdByCode = (code: string): string =>
  (world.db.prepare('SELECT area_id AS areaId FROM org_areas WHERE code = ?').get(code) as { areaId: string } | undefined)?.areaId ?? '';

describe('the organisation page', () => {
  it('shows the area tree nested, with codes, team counts and coaches, and links each area to its page', async () => {
    const res = await app.inject('/organisation');
    expect(res.statusCode).toBe(200);
    expect(res.body).toMatch(/^<!doctype html>/);
    expect(res.body).toContain('<a href="/organisation" aria-current="page">Organisation</a>');
    expect(res.body).toContain('3 areas · 2 teams · 1 coach');
    // Platform is listed inside Engineering's item, R&D after it.
    const eng = res.body.indexOf('id="area-eng"');
    const plat = res.body.indexOf('id="area-plat"');
    const rnd = res.body.indexOf('id="area-rnd"');
    expect(eng).toBeGreaterThan(0);
    expect(plat).toBeGreaterThan(eng);
    expect(rnd).toBeGreaterThan(plat);
    expect(res.body.slice(eng, plat)).toContain('<ol class="org-tree">');
    expect(res.body).toContain('<a class="org-area__name" href="/areas/eng">Engineering</a>');
    expect(res.body).toContain('1 team · 2 with sub-areas · coached by Ada Lovelace');
    expect(res.body).toContain('R&amp;D &lt;Labs&gt;');
    expect(res.body).not.toContain('<Labs>');
    expect(res.body).toContain('href="/organisation?area=plat#area-plat">Manage<span class="visually-hidden"> Platform</span>');
  });

  it('lists each area’s teams, linked to their pages, and links each coach to their week', async () => {
    const res = await app.inject('/organisation');
    const eng = res.body.slice(res.body.indexOf('id="area-eng"'), res.body.indexOf('id="area-plat"'));
    expect(eng).toContain('<ul class="org-area__teams" aria-label="Teams in Engineering">');
    expect(eng).toContain('<a class="team-name" href="/teams/srch"><span class="team-key">SRCH</span> Search &amp; &lt;Discovery&gt;</a>');
    expect(eng).not.toContain('/teams/pay');
    const plat = res.body.slice(res.body.indexOf('id="area-plat"'), res.body.indexOf('id="area-rnd"'));
    expect(plat).toContain('<a class="team-name" href="/teams/pay"><span class="team-key">PAY</span> Payments</a>');
    expect(res.body.slice(res.body.indexOf('id="area-rnd"'))).not.toContain('org-area__teams');
    expect(res.body).toContain('<a class="org-coaches__name" href="/coaches/ada/week">Ada Lovelace</a>');
    expect((await app.inject('/coaches/ada/week')).statusCode).toBe(200);
  });

  it('links to the first teams of an area with many, and to where the rest are listed', async () => {
    for (let i = 1; i <= 14; i++) {
      const key = `LAB${String(i).padStart(2, '0')}`;
      await given(world, 'team', key, '2026-09-21', {
        type: 'TeamRegistered',
        data: { teamId: key, key, name: `Lab ${i}`, areaId: 'rnd', size: 3 },
      });
    }
    await world.runner.waitFor(await world.store.headPosition());
    const rnd = (await app.inject('/organisation')).body.split('id="area-rnd"')[1]!;
    const linked = [...rnd.matchAll(/href="\/teams\/(LAB\d+)"/g)].map((m) => m[1]);
    expect(linked).toEqual(Array.from({ length: 12 }, (_, i) => `LAB${String(i + 1).padStart(2, '0')}`));
    expect(rnd).toContain(
      '<li><a href="/organisation?area=rnd#area-rnd">2 more teams<span class="visually-hidden"> in R&amp;D &lt;Labs&gt;</span></a></li>',
    );
    const opened = (await app.inject('/organisation?area=rnd')).body;
    expect(opened).toContain('href="/teams/LAB14"');
    expect(opened).not.toContain('more teams');
  });

  it('opens an area for managing: its teams linked to their pages, and rename, move and coach forms', async () => {
    const res = await app.inject('/organisation?area=eng');
    expect(res.body).toContain('Teams directly in Engineering');
    expect(res.body).toContain('<a class="team-name" href="/teams/srch">');
    expect(tag(res.body, 'rename-area-name')).toContain('value="Engineering"');
    expect(revisionOf(res.body, 'rename-area')).toBe('1');
    // Engineering cannot move under itself or Platform, which is inside it.
    const move = res.body.slice(
      res.body.indexOf('id="move-area-parentAreaId"'),
      res.body.indexOf('</select>', res.body.indexOf('id="move-area-parentAreaId"')),
    );
    expect(move).toContain('<option value="" selected>Top level</option>');
    expect(move).toContain('<option value="rnd">R&amp;D &lt;Labs&gt;</option>');
    expect(move).not.toContain('value="plat"');
    expect(move).not.toContain('value="eng"');
    expect(res.body).toContain('Every registered coach is assigned here.');
    expect(tag(res.body, 'unassign-coach-coachId')).toBeDefined();
    expect((await app.inject('/organisation?area=nowhere')).statusCode).toBe(404);
  });

  it('reads only read models: the opened area’s edit forms carry the revision the read models know', async () => {
    const store = storeNoPageMayRead(world);
    const readOnly = await appFor(world, { store, application: { store, directory: new SqliteDirectory(world.db) } });
    const res = await readOnly.inject('/organisation?area=eng');
    await readOnly.close();
    expect(res.statusCode).toBe(200);
    expect(revisionOf(res.body, 'move-area')).toBe('1');
  });

  it('carries a fresh key in each register form, the team’s apart from the team’s own key field', async () => {
    const res = await app.inject('/organisation');
    const keyOf = (formId: string, name: string) =>
      new RegExp(`<input type="hidden" name="${name}" value="([0-9a-f-]{36})">`).exec(
        res.body.slice(res.body.indexOf(`<form class="form" id="${formId}"`)),
      )?.[1];
    expect(keyOf('register-area', 'key')).toBeDefined();
    expect(keyOf('register-coach', 'key')).toBeDefined();
    expect(keyOf('register-team', 'formKey')).toBeDefined();
    expect(tag(res.body, 'register-team-key')).toContain('name="key"');
    const keyless = await post('/organisation/register-area', { code: 'OPS', name: 'Operations', parentAreaId: '' });
    expect(keyless.statusCode).toBe(422);
    expect(keyless.body).toContain('The form you sent is missing or damaged: reload the page and try again');
  });

  it('says what to do first when there is no area yet', async () => {
    await closeWorld(world);
    world = openWorld();
    await world.runner.start();
    await app.close();
    app = await appFor(world);
    const res = await app.inject('/organisation');
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain('No area is registered yet. Register the first one below');
    expect(res.body).toContain('No coach is registered yet.');
  });
});

describe('registering', () => {
  it('registers an area under a parent: 303 to the page opened at it, which shows it in the tree and on the heatmap', async () => {
    const res = await post('/organisation/register-area', { key: randomUUID(), code: 'OPS', name: 'Operations', parentAreaId: 'eng' });
    expect(res.statusCode).toBe(303);
    const areaId = areaIdByCode('OPS');
    expect(areaId).not.toBe('');
    expect(res.headers.location).toBe(`/organisation?area=${areaId}&recorded=register-area#area-${areaId}`);

    const page = await app.inject(res.headers.location as string);
    expect(page.body).toContain('Area registered.');
    expect(page.body).toContain('Teams directly in Operations');
    const eng = page.body.indexOf('id="area-eng"');
    expect(page.body.indexOf(`id="area-${areaId}"`)).toBeGreaterThan(eng);
    expect(page.body.indexOf(`id="area-${areaId}"`)).toBeLessThan(page.body.indexOf('id="area-rnd"'));

    const heatmap = await app.inject('/heatmap');
    expect(heatmap.body).toContain(`href="/areas/${areaId}?cycle=2026-q4&amp;asOf=2026-11-25"`);
    expect(heatmap.body).toContain('OPS · 0 teams');
    const [stored] = await world.store.readStream(`area-${areaId}`);
    expect(stored).toMatchObject({
      type: 'AreaRegistered',
      data: { areaId, code: 'OPS', name: 'Operations', parentAreaId: 'eng' },
      metadata: { actor: { kind: 'user', id: 'acct-admin' }, source: 'ui' },
    });
  });

  it('registers once when the same form is sent twice (a retry after a lost answer): area, team and coach', async () => {
    const sentTwice = async (url: string, fields: Record<string, string>, stream: string) => {
      expect((await post(url, fields)).statusCode).toBe(303);
      expect((await post(url, fields)).statusCode).toBe(303);
      expect((await world.store.readStream(stream)).map((e) => e.type)).toHaveLength(1);
    };
    const area = randomUUID();
    await sentTwice('/organisation/register-area', { key: area, code: 'OPS', name: 'Operations', parentAreaId: 'eng' }, `area-${area}`);
    const team = randomUUID();
    await sentTwice('/organisation/register-team', { formKey: team, key: 'OPS', name: 'Ops', areaId: 'rnd', size: '5' }, `team-${team}`);
    const coach = randomUUID();
    await sentTwice('/organisation/register-coach', { key: coach, name: 'Grace Hopper', email: 'grace@example.com' }, `coach-${coach}`);
  });

  it('registers a top-level area when the parent is left at "Top level"', async () => {
    expect(
      (await post('/organisation/register-area', { key: randomUUID(), code: 'FIN', name: 'Finance', parentAreaId: '' })).statusCode,
    ).toBe(303);
    const [stored] = await world.store.readStream(`area-${areaIdByCode('FIN')}`);
    expect(stored!.data).toMatchObject({ parentAreaId: null });
  });

  it('re-renders the form (422) naming code when it breaks its rule, keeping what was typed', async () => {
    const res = await post('/organisation/register-area', { key: randomUUID(), code: 'ops!', name: 'Operations', parentAreaId: 'eng' });
    expect(res.statusCode).toBe(422);
    const code = tag(res.body, 'register-area-code');
    expect(code).toContain('value="ops!"');
    expect(code).toContain('aria-invalid="true"');
    expect(res.body).toMatch(/id="register-area-code-error">Code must be upper-case letters and digits only</);
    expect(tag(res.body, 'register-area-name')).toContain('value="Operations"');
    expect(res.body).toContain('<option value="eng" selected>Engineering</option>');
  });

  it('refuses a name a sibling already has (422 naming name)', async () => {
    const res = await post('/organisation/register-area', { key: randomUUID(), code: 'PLAT2', name: 'platform', parentAreaId: 'eng' });
    expect(res.statusCode).toBe(422);
    expect(res.body).toMatch(/id="register-area-name-error">Another area under the same parent is already named &quot;platform&quot;</);
  });

  it('registers a team in an area: it shows on the opened area, on the area page and in the heatmap rows', async () => {
    const res = await post('/organisation/register-team', {
      formKey: randomUUID(),
      key: 'OPS',
      name: 'Ops <Crew>',
      areaId: 'rnd',
      size: '5',
    });
    expect(res.statusCode).toBe(303);
    expect(res.headers.location).toBe('/organisation?area=rnd&recorded=register-team#area-rnd');
    const page = await app.inject(res.headers.location as string);
    expect(page.body).toContain('Team registered.');
    expect(page.body).toMatch(/<span class="team-key">OPS<\/span> Ops &lt;Crew&gt;<\/a> <span class="muted">· 5 people<\/span>/);
    expect(page.body).toContain('1 team · <span class="org-area__nocoach">no coach</span>');
    const rows = await app.inject({ url: '/areas/rnd?cycle=2026-q4', headers: { 'hx-request': 'true' } });
    expect(rows.body).toContain('Ops &lt;Crew&gt;');
  });

  it('refuses a team key that is taken (422 naming key) and a size that is not a number', async () => {
    const res = await post('/organisation/register-team', {
      formKey: randomUUID(),
      key: 'PAY',
      name: 'Payments two',
      areaId: 'rnd',
      size: 'many',
    });
    expect(res.statusCode).toBe(422);
    expect(tag(res.body, 'register-team-size')).toContain('aria-invalid="true"');
    expect(res.body).toMatch(/id="register-team-size-error">People must be a whole number</);
    const taken = await post('/organisation/register-team', {
      formKey: randomUUID(),
      key: 'PAY',
      name: 'Payments two',
      areaId: 'rnd',
      size: '3',
    });
    expect(taken.statusCode).toBe(422);
    expect(tag(taken.body, 'register-team-key')).toContain('aria-invalid="true"');
  });

  it('registers a coach (htmx: the page body re-rendered in place), who can then be assigned', async () => {
    const res = await post(
      '/organisation/register-coach',
      { key: randomUUID(), name: 'Grace Hopper', email: 'grace@example.com' },
      { 'hx-request': 'true' },
    );
    expect(res.statusCode).toBe(200);
    expect(res.body.trimStart()).toMatch(/^<div id="organisation"/);
    expect(res.body).toContain('Coach registered.');
    expect(res.body).toMatch(/<a class="org-coaches__name" href="\/coaches\/[0-9a-f-]{36}\/week">Grace Hopper<\/a>/);
    const bad = await post('/organisation/register-coach', { key: randomUUID(), name: 'Grace Hopper', email: 'grace' });
    expect(bad.statusCode).toBe(422);
    expect(tag(bad.body, 'register-coach-email')).toContain('aria-invalid="true"');
  });

  it('answers an unknown form with 404', async () => {
    expect((await post('/organisation/nonsense', {})).statusCode).toBe(404);
    expect((await post('/organisation/areas/eng/nonsense', {})).statusCode).toBe(404);
  });
});

describe('changing an area', () => {
  it('renames it, and a rename from a stale page is a 409 listing what changed, overwriting nothing', async () => {
    const stale = revisionOf((await app.inject('/organisation?area=plat')).body, 'rename-area');
    const res = await post('/organisation/areas/plat/rename-area', { name: 'Platform Engineering', revision: stale });
    expect(res.statusCode).toBe(303);
    expect(res.headers.location).toBe('/organisation?area=plat&recorded=rename-area#area-plat');
    expect((await app.inject('/heatmap')).body).toContain('Platform Engineering');

    const conflict = await post('/organisation/areas/plat/rename-area', { name: 'Core Platform', revision: stale });
    expect(conflict.statusCode).toBe(409);
    expect(conflict.body).toContain('This changed since you loaded the page.');
    expect(conflict.body).toContain(
      '<li><b>Area renamed to Platform Engineering</b> <span class="form__when">· 25 Nov 2026, 10:00 UTC · Ann Admin</span></li>',
    );
    expect(conflict.body).toContain('<a href="/organisation?area=plat#area-plat">reload the page</a>');
    expect(tag(conflict.body, 'rename-area-name')).toContain('value="Core Platform"');
    expect((await world.store.readStream('area-plat')).at(-1)!.data).toMatchObject({ name: 'Platform Engineering' });
  });

  it('moves it under another area, and refuses a loop (422 naming parentAreaId)', async () => {
    const page = await app.inject('/organisation?area=eng');
    const loop = await post('/organisation/areas/eng/move-area', { parentAreaId: 'plat', revision: revisionOf(page.body, 'move-area') });
    expect(loop.statusCode).toBe(422);
    expect(tag(loop.body, 'move-area-parentAreaId')).toContain('aria-invalid="true"');
    expect(loop.body).toMatch(/id="move-area-parentAreaId-error">An area cannot be moved under itself or an area inside it</);

    const moved = await post('/organisation/areas/eng/move-area', { parentAreaId: 'rnd', revision: revisionOf(page.body, 'move-area') });
    expect(moved.statusCode).toBe(303);
    const tree = (await app.inject('/organisation')).body;
    expect(tree.indexOf('id="area-eng"')).toBeGreaterThan(tree.indexOf('id="area-rnd"'));
    expect(tree).toContain('0 teams · 2 with sub-areas');
    // And back to the top level.
    const fresh = (await app.inject('/organisation?area=eng')).body;
    const back = await post('/organisation/areas/eng/move-area', { parentAreaId: '', revision: revisionOf(fresh, 'move-area') });
    expect(back.statusCode).toBe(303);
    expect((await world.store.readStream('area-eng')).at(-1)!.data).toMatchObject({ parentAreaId: null });
  });

  it('assigns and unassigns coaches, and the area page shows who coaches it', async () => {
    await post('/organisation/register-coach', { key: randomUUID(), name: 'Grace Hopper', email: 'grace@example.com' });
    const coachId = (
      world.db.prepare("SELECT coach_id AS coachId FROM org_coaches WHERE name = 'Grace Hopper'").get() as { coachId: string }
    ).coachId;
    const assigned = await post('/organisation/areas/plat/assign-coach', { coachId });
    expect(assigned.statusCode).toBe(303);
    expect((await app.inject('/organisation')).body).toContain('1 team · coached by Grace Hopper');
    const area = await app.inject('/areas/plat');
    expect(area.body).toMatch(/<b>Grace Hopper<\/b> <a class="muted" href="mailto:grace@example.com">/);

    expect((await post('/organisation/areas/plat/unassign-coach', { coachId })).statusCode).toBe(303);
    expect((await app.inject('/areas/plat')).body).toContain('No coach is assigned to Platform.');
  });

  it('refuses to assign a coach who is not registered (422 naming coachId)', async () => {
    const res = await post('/organisation/areas/rnd/assign-coach', { coachId: 'nobody' });
    expect(res.statusCode).toBe(422);
    expect(res.body).toContain('Coach must be a registered coach (none has the id &quot;nobody&quot;)');
  });
});

describe('the area page', () => {
  beforeEach(async () => {
    await given(world, 'stakeholder', 'st-1', '2026-10-02', {
      type: 'StakeholderIdentified',
      data: { stakeholderId: 'st-1', name: 'Lin <CTO>', role: 'Chief Technology Officer', areaId: 'plat', influence: 5, interest: 4 },
    });
    await given(world, 'stakeholder', 'st-2', '2026-10-02', {
      type: 'StakeholderIdentified',
      data: { stakeholderId: 'st-2', name: 'Mo', role: 'Engineer', areaId: 'eng', influence: 2, interest: 5 },
    });
    await world.runner.catchUp();
  });

  it('shows its coaches, its open signals by severity, its stakeholders and its recent events, and links to manage it', async () => {
    const res = await app.inject('/areas/eng?cycle=2026-q4&asOf=2026-11-25');
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain('<a href="/organisation?area=eng#area-eng">Manage Engineering</a>');
    expect(res.body).toContain('<b>Ada Lovelace</b>');
    expect(res.body).toContain('<li class="resistance resistance--high">severity 4: <b>1</b></li>');
    expect(res.body).toContain('<a href="/resistance/sig-1">No time</a>');
    expect(res.body).toContain('Search skips check-ins during the release crunch');
    expect(res.body).toContain('href="/resistance?area=eng">All 1 open in the resistance log</a>');
    // Stakeholders of the area and the areas within it, most influential first.
    const lin = res.body.indexOf('<a href="/stakeholders/st-1"><b>Lin &lt;CTO&gt;</b></a>');
    expect(lin).toBeGreaterThan(0);
    expect(res.body.indexOf('<a href="/stakeholders/st-2"><b>Mo</b></a>')).toBeGreaterThan(lin);
    expect(res.body).toContain('influence 5 · interest 4 · not assessed · never engaged');
    // The latest first by when it happened: the signal raised on 2 Nov before Mo, identified on 2 Oct though recorded after it.
    const events = res.body.slice(res.body.indexOf('id="events-title"'));
    const raised = events.indexOf('Resistance signal raised in Search &amp; &lt;Discovery&gt;: No time, high (4)');
    expect(raised).toBeGreaterThan(0);
    expect(events.indexOf('Stakeholder Mo, ')).toBeGreaterThan(raised);
    expect(events).toContain('<a href="/timeline?area=eng">Everything in Engineering on the timeline</a>');
  });

  it('counts signals open on the page’s as-of date, and says what to do when there are none', async () => {
    const before = await app.inject('/areas/eng?cycle=2026-q4&asOf=2026-10-15');
    expect(before.body).toContain('No signal is open here as of 15 Oct 2026.');
    const rnd = await app.inject('/areas/rnd?cycle=2026-q4');
    expect(rnd.body).toContain('No coach is assigned to R&amp;D &lt;Labs&gt;.');
    expect(rnd.body).toContain('No stakeholder is mapped in R&amp;D &lt;Labs&gt; yet.');
  });

  it('keeps the heatmap’s in-place expand: an htmx request still gets only the team rows', async () => {
    const res = await app.inject({ url: '/areas/eng?cycle=2026-q4', headers: { 'hx-request': 'true' } });
    expect(res.body.trimStart()).toMatch(/^<tr class="team-row">/);
    expect(res.body).not.toContain('Open resistance');
  });
});

/**
 * The resistance log and a signal's page over real components (SQLite store, live projection
 * runner): raise a signal, see it in the log and on the heatmap; acknowledge, plan, complete,
 * escalate and resolve; bad input is a 422 beside the field; a stale form is a 409.
 */
import { randomUUID } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SqliteDirectory } from '../../projections/index.ts';
import { appFor, closeWorld, given, mainOf, openWorld, postForm, seedSmallOrganisation, TODAY, type World } from '../support/webApp.ts';

let world: World;
let app: FastifyInstance;

beforeEach(async () => {
  world = openWorld();
  // sig-1: open, severity 4, no time, in Engineering about Search & <Discovery>, raised 2 Nov 2026 by coach-ada.
  await seedSmallOrganisation(world);
  await given(world, 'coach', 'coach-ada', '2026-09-20', {
    type: 'CoachRegistered',
    data: { coachId: 'coach-ada', name: 'Ada <Lovelace>', email: 'ada@example.org' },
  });
  await given(world, 'coach', 'coach-bob', '2026-09-20', {
    type: 'CoachRegistered',
    data: { coachId: 'coach-bob', name: 'Bob', email: 'bob@example.org' },
  });
  await given(world, 'area', 'eng', '2026-09-20', { type: 'CoachAssignedToArea', data: { areaId: 'eng', coachId: 'coach-ada' } });
  await world.runner.start();
  app = await appFor(world);
});

afterEach(async () => {
  await app?.close();
  if (world) await closeWorld(world);
});

const post = (url: string, fields: Record<string, string>, headers: Record<string, string> = {}) => postForm(app, url, fields, headers);

const page = async (url: string) => (await app.inject(url)).body;

/** The opening tag of the form control with this id. */
function tag(html: string, id: string): string {
  const match = new RegExp(`<(?:input|select)[^>]* id="${id}"[^>]*>`).exec(html);
  if (!match) throw new Error(`no element #${id}`);
  return match[0];
}

/** The rows of the log, each as its text without markup. */
const rows = (html: string): string[] =>
  [...html.matchAll(/<tr class="signal-row[^"]*">([\s\S]*?)<\/tr>/g)].map((m) =>
    m[1]!
      .replace(/<[^>]+>/g, ' ')
      .replace(/\s+/g, ' ')
      .trim(),
  );

const revisionOf = (html: string, formId: string): string =>
  /name="revision" value="(-?\d+)"/.exec(html.slice(html.indexOf(`id="${formId}"`)))![1]!;

const signalEvents = async (signalId: string) => (await world.store.readStream(`signal-${signalId}`)).map((e) => e.type);

/** The heatmap's resistance cell of one area, as text. */
function heatmapResistance(html: string, areaId: string): string {
  const match = new RegExp(`<a class="resistance-link" href="/resistance\\?area=${areaId}"[^>]*>([\\s\\S]*?)</a>`).exec(html);
  if (!match) throw new Error(`no resistance link for ${areaId}`);
  return match[1]!.replace(/<[^>]+>/g, '').trim();
}

const raise = (fields: Record<string, string> = {}, url = '/resistance', headers: Record<string, string> = {}) =>
  post(
    url,
    {
      key: randomUUID(),
      areaId: 'plat',
      teamId: 'pay',
      stakeholderId: '',
      kind: 'unconvinced',
      severity: '5',
      raisedOn: TODAY,
      description: 'Payments lead calls OKRs "a <fad>"',
      ...fields,
    },
    headers,
  );

describe('the resistance log', () => {
  it('lists the open signals, most severe first, each with where, source, dates, status and interventions', async () => {
    const res = await app.inject('/resistance');
    expect(res.statusCode).toBe(200);
    expect(res.body).toMatch(/^<!doctype html>/);
    expect(res.body).toContain('<a href="/resistance" aria-current="page">Resistance</a>');
    expect(rows(res.body)).toEqual([
      '4 High No time Search skips check-ins during the release crunch Engineering SRCH Search &amp; &lt;Discovery&gt; Observed Raised 2 Nov 2026 Raised Interventions None yet',
    ]);
    expect(res.body).toContain('<a class="signal-row__kind" href="/resistance/sig-1">No time</a>');
    expect(res.body).toContain('<a href="/areas/eng">Engineering</a>');
    expect(res.body).toContain('href="/teams/srch"');
    expect(res.body).toMatch(/1 open signal <span class="muted">everywhere<\/span>/);
    expect(res.body).toMatch(/High<small>severity 4<\/small><\/span>\s*<span class="kpi__value">1<small>open/);
  });

  it('is what the heatmap links to from each area’s resistance column', async () => {
    const heatmap = await page('/heatmap');
    expect(heatmapResistance(heatmap, 'eng')).toBe('1 open · severity 4');
    expect(heatmapResistance(heatmap, 'rnd')).toBe('none open');
    const engineering = await page('/resistance?area=eng');
    expect(engineering).toContain('<h1>Resistance in Engineering</h1>');
    expect(rows(engineering)).toHaveLength(1);
  });

  it('filters by area (with the areas below it), status, severity, kind and source', async () => {
    expect(rows(await page('/resistance?area=plat'))).toEqual([]);
    expect(await page('/resistance?area=plat')).toContain('No signal matches these filters.');
    expect(rows(await page('/resistance?status=resolved'))).toEqual([]);
    expect(rows(await page('/resistance?status=all'))).toHaveLength(1);
    expect(rows(await page('/resistance?severity=4'))).toHaveLength(1);
    expect(rows(await page('/resistance?severity=5'))).toEqual([]);
    expect(rows(await page('/resistance?kind=no-time&source=observed'))).toHaveLength(1);
    expect(rows(await page('/resistance?kind=unable'))).toEqual([]);
    expect(rows(await page('/resistance?source=rule'))).toEqual([]);
    // The filter keeps what was chosen.
    const chosen = await page('/resistance?severity=4&status=all');
    expect(chosen).toContain('<option value="4" selected>High and above (4+)</option>');
    expect(chosen).toContain('<option value="all" selected>All</option>');
  });

  it('answers a bad filter with 422, the message beside its field, and the rest applied', async () => {
    const res = await app.inject('/resistance?severity=9&kind=no-time');
    expect(res.statusCode).toBe(422);
    expect(tag(res.body, 'filter-severity')).toContain('aria-invalid="true"');
    expect(res.body).toMatch(/id="filter-severity-error">Severity &quot;9&quot; must be a severity from 1 to 5</);
    expect(rows(res.body)).toHaveLength(1);
  });

  it('answers an area it does not know with 422 beside the area, showing every area', async () => {
    const res = await app.inject('/resistance?area=atlantis');
    expect(res.statusCode).toBe(422);
    expect(res.body).toMatch(/id="filter-area-error">Area must be one of the areas listed</);
    expect(res.body).toContain('<h1>Resistance signals</h1>');
    expect(rows(res.body)).toHaveLength(1);
  });

  it('answers htmx with the log alone', async () => {
    const res = await app.inject({ url: '/resistance?status=all', headers: { 'hx-request': 'true' } });
    expect(res.statusCode).toBe(200);
    expect(res.body.trimStart()).toMatch(/^<div id="resistance"/);
    expect(res.body).not.toContain('<html');
  });

  it('says what to do when nothing is open', async () => {
    await post('/resistance/sig-1/resolve', { resolution: 'Release is out', resolvedOn: TODAY, revision: '0' });
    const html = await page('/resistance');
    expect(html).toContain('No open resistance signals.');
    expect(html).toContain('use <em>Raise a signal</em> above');
  });
});

describe('raising a signal', () => {
  it('records it as observed by the web user, shows it in the log (303), on the heatmap and in its area and the areas above', async () => {
    const res = await raise();
    expect(res.statusCode).toBe(303);
    const location = res.headers.location as string;
    const signalId = /^\/resistance\?raised=([0-9a-f-]{36})$/.exec(location)?.[1];
    expect(signalId).toBeDefined();

    const [stored] = await world.store.readStream(`signal-${signalId}`);
    expect(stored).toMatchObject({
      type: 'ResistanceSignalRaised',
      data: {
        signalId,
        areaId: 'plat',
        teamId: 'pay',
        kind: 'unconvinced',
        severity: 5,
        source: 'observed',
        raisedOn: TODAY,
        description: 'Payments lead calls OKRs "a <fad>"',
      },
      metadata: { actor: { kind: 'user', id: 'acct-admin' }, source: 'ui' },
    });
    expect((stored!.data as Record<string, unknown>).stakeholderId).toBeUndefined();

    const log = await page(location);
    expect(log).toContain(`<p class="success">Signal raised. <a href="/resistance/${signalId}">Open it to plan an intervention</a>.</p>`);
    expect(log).toContain('<tr class="signal-row signal-row--new">');
    expect(rows(log)[0]).toBe(
      '5 Critical Unconvinced Payments lead calls OKRs &quot;a &lt;fad&gt;&quot; Platform PAY Payments Observed Raised 25 Nov 2026 Raised Interventions None yet',
    );
    expect(rows(log)).toHaveLength(2);

    const heatmap = await page('/heatmap');
    expect(heatmapResistance(heatmap, 'plat')).toBe('1 open · severity 5');
    expect(heatmapResistance(heatmap, 'eng')).toBe('2 open · severity 5');
    expect(rows(await page('/resistance?area=eng'))).toHaveLength(2);
    expect(rows(await page('/resistance?area=plat'))).toHaveLength(1);
  });

  it('records once when the same form is sent twice (a retry after a lost answer)', async () => {
    const key = randomUUID();
    expect((await raise({ key })).statusCode).toBe(303);
    await raise({ key });
    expect(await signalEvents(key)).toEqual(['ResistanceSignalRaised']);
    expect(rows(await page('/resistance'))).toHaveLength(2);
  });

  it('comes back to the log as it was filtered', async () => {
    const res = await raise({}, '/resistance?area=eng&severity=3');
    expect(res.headers.location).toMatch(/^\/resistance\?area=eng&severity=3&raised=/);
  });

  it('re-renders the form (422) with each message beside its field, keeping what was typed', async () => {
    const res = await raise({ severity: '9', description: '', teamId: 'nobody' });
    expect(res.statusCode).toBe(422);
    expect(res.body).toMatch(/<details class="card form-card signal-raise records" open>/);
    expect(tag(res.body, 'raise-description')).toContain('aria-invalid="true"');
    expect(res.body).toMatch(/id="raise-description-error">What did you see\? is required</);
    expect(tag(res.body, 'raise-severity')).toContain('value="9"');
    expect(res.body).toMatch(/id="raise-severity-error">[^<]*5/);
    expect(res.body).toContain('<option value="plat" selected>Engineering › Platform</option>');
    expect(rows(res.body)).toHaveLength(1);
  });

  it('refuses a team that is not registered (422, beside the team)', async () => {
    const res = await raise({ teamId: 'nobody' });
    expect(res.statusCode).toBe(422);
    expect(res.body).toMatch(/id="raise-teamId-error">Team must be a registered team \(none has the id &quot;nobody&quot;\)</);
  });

  it("offers the teams of the log's area and the areas below it, and all of them unfiltered", async () => {
    const teamOptions = (html: string) => {
      const select = /<select id="raise-teamId"[^>]*>([\s\S]*?)<\/select>/.exec(html)![1]!;
      return [...select.matchAll(/<option value="([^"]*)"/g)].map((m) => m[1]);
    };
    expect(teamOptions(await page('/resistance'))).toEqual(['', 'pay', 'srch']);
    expect(teamOptions(await page('/resistance?area=eng'))).toEqual(['', 'pay', 'srch']);
    expect(teamOptions(await page('/resistance?area=plat'))).toEqual(['', 'pay']);
    expect(teamOptions(await page('/resistance?area=rnd'))).toEqual(['']);
    // All of them listed: no word about others.
    expect(await page('/resistance')).not.toContain('id="raise-teamId-hint"');
  });

  it('answers htmx with the re-rendered log: the new row, the counts and a fresh form', async () => {
    const res = await raise({}, '/resistance', { 'hx-request': 'true' });
    expect(res.statusCode).toBe(200);
    expect(res.body.trimStart()).toMatch(/^<div id="resistance"/);
    expect(res.body).toContain('Signal raised.');
    expect(rows(res.body)).toHaveLength(2);
    expect(tag(res.body, 'raise-raisedOn')).toContain(`value="${TODAY}"`);
    expect(res.body).toMatch(/2 open signals/);
  });
});

describe("a signal's page", () => {
  it('shows the signal, its history and the forms its state accepts, defaulting to today and the area’s coach', async () => {
    const html = await page('/resistance/sig-1');
    expect(html).toContain('<h1>No time <span class="severity severity--4"');
    expect(html).toContain('<p class="signal-description">Search skips check-ins during the release crunch</p>');
    expect(html).toMatch(
      /<b>Resistance signal raised in Search &amp; &lt;Discovery&gt;: No time, high \(4\)<\/b><\/td>\s*<td><span class="actor-kind">user<\/span> Ada &lt;Lovelace&gt;<small>from <code>ui<\/code>/,
    );
    for (const form of ['acknowledge', 'escalate', 'resolve']) expect(revisionOf(html, form)).toBe('0');
    // Planning logs something new: it carries a key and no revision, so it never conflicts.
    expect(html.slice(html.indexOf('id="plan"'), html.indexOf('</form>', html.indexOf('id="plan"')))).not.toContain('name="revision"');
    expect(tag(html, 'acknowledge-acknowledgedOn')).toContain(`value="${TODAY}"`);
    expect(html).toContain('<option value="coach-ada" selected>Ada &lt;Lovelace&gt;</option>');
    expect(tag(html, 'plan-dueOn')).toContain('value="2026-12-02"');
    expect(html).toContain('Nothing planned yet.');
  });

  it('reads no event stream: the page comes from the read models alone', async () => {
    const store = Object.assign(Object.create(world.store), {
      readStream: () => Promise.reject(new Error('a page read an event stream')),
    });
    const readOnly = await appFor(world, { store, application: { store, directory: new SqliteDirectory(world.db) } });
    const res = await readOnly.inject('/resistance/sig-1');
    await readOnly.close();
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain('Resistance signal raised in Search &amp; &lt;Discovery&gt;');
  });

  it('answers an unknown signal or form with 404', async () => {
    expect((await app.inject('/resistance/nope')).statusCode).toBe(404);
    expect((await post('/resistance/sig-1/nonsense', {})).statusCode).toBe(404);
  });

  it('takes a signal from raised to resolved: acknowledge, plan, complete, escalate, resolve', async () => {
    let res = await post('/resistance/sig-1/acknowledge', { acknowledgedOn: '2026-11-03', revision: '0' });
    expect(res.statusCode).toBe(303);
    expect(res.headers.location).toBe('/resistance/sig-1?recorded=acknowledge');
    let html = await page(res.headers.location as string);
    expect(html).toContain('<p class="success">Signal acknowledged.</p>');
    expect(html).not.toContain('id="acknowledge"');
    expect(html).toMatch(/<dt>Acknowledged<\/dt><dd><time datetime="2026-11-03">3 Nov 2026<\/time>/);

    // Planned for a day already past: overdue, and it stands out here and in the log.
    res = await post('/resistance/sig-1/plan', {
      key: randomUUID(),
      kind: 'workshop',
      ownerId: 'coach-bob',
      dueOn: '2026-11-20',
    });
    expect(res.statusCode).toBe(303);
    html = await page('/resistance/sig-1');
    const planned = (await world.store.readStream('signal-sig-1')).find((e) => e.type === 'InterventionPlanned');
    const { interventionId } = planned!.data as { interventionId: string };
    expect(html).toMatch(
      /<li class="intervention intervention--overdue">[\s\S]*Workshop[\s\S]*owner <b>Bob<\/b> · due <time datetime="2026-11-20">20 Nov 2026<\/time>[\s\S]*Overdue/,
    );
    expect(html).toContain(`action="/resistance/sig-1/interventions/${interventionId}/complete"`);
    const log = await page('/resistance');
    expect(rows(log)[0]).toContain('Acknowledged Interventions 1 planned next due 20 Nov 2026 1 overdue');
    expect(log).toContain('<tr class="signal-row signal-row--overdue">');
    expect(log).toMatch(/<span class="kpi__value">1<small>overdue<\/small>/);

    res = await post(`/resistance/sig-1/interventions/${interventionId}/complete`, {
      outcome: 'Moved check-ins to Fridays',
      completedOn: '2026-11-21',
      revision: revisionOf(html, `complete-${interventionId}`),
    });
    expect(res.statusCode).toBe(303);
    expect(res.headers.location).toBe('/resistance/sig-1?recorded=complete');
    html = await page(res.headers.location as string);
    expect(html).toContain('<p class="success">Intervention completed.</p>');
    expect(html).toMatch(/<b>Outcome<\/b> Moved check-ins to Fridays/);
    expect(html).not.toContain('Overdue');
    expect(rows(await page('/resistance'))[0]).toContain('Interventions 1 done');

    res = await post('/resistance/sig-1/escalate', {
      to: 'Head of Engineering',
      reason: 'Still skipping',
      escalatedOn: TODAY,
      revision: revisionOf(html, 'escalate'),
    });
    expect(res.statusCode).toBe(303);
    html = await page('/resistance/sig-1');
    expect(html).toContain('<span class="status status--escalated">Escalated</span>');
    expect(html).toContain('to Head of Engineering on');

    res = await post('/resistance/sig-1/resolve', {
      resolution: 'Release shipped; check-ins back',
      resolvedOn: TODAY,
      revision: revisionOf(html, 'resolve'),
    });
    expect(res.statusCode).toBe(303);
    html = await page('/resistance/sig-1');
    expect(html).toContain('<span class="status status--resolved">Resolved</span>');
    expect(mainOf(html)).not.toContain('<form');
    expect(html.match(/<tr>\s*<td><time/g)).toHaveLength(6);
    expect(html).toMatch(/<b>Intervention completed on 21 Nov 2026<\/b><small>Moved check-ins to Fridays<\/small>/);
    expect(html).toMatch(/<b>Resistance signal escalated to Head of Engineering on 25 Nov 2026<\/b><small>Still skipping<\/small>/);

    expect(rows(await page('/resistance'))).toEqual([]);
    expect(rows(await page('/resistance?status=resolved'))).toHaveLength(1);
    expect(heatmapResistance(await page('/heatmap'), 'eng')).toBe('none open');
    expect(await signalEvents('sig-1')).toEqual([
      'ResistanceSignalRaised',
      'ResistanceSignalAcknowledged',
      'InterventionPlanned',
      'InterventionCompleted',
      'ResistanceSignalEscalated',
      'ResistanceSignalResolved',
    ]);
  });

  it('answers htmx with the page’s partial, re-rendered', async () => {
    const res = await post('/resistance/sig-1/acknowledge', { acknowledgedOn: TODAY, revision: '0' }, { 'hx-request': 'true' });
    expect(res.statusCode).toBe(200);
    expect(res.body.trimStart()).toMatch(/^<div id="signal"/);
    expect(res.body).toContain('Signal acknowledged.');
    expect(revisionOf(res.body, 'escalate')).toBe('1');
  });

  it('puts a rule the signal refuses beside its field (422), keeping what was typed', async () => {
    const res = await post('/resistance/sig-1/plan', {
      key: randomUUID(),
      kind: 'workshop',
      ownerId: 'coach-ada',
      dueOn: '2026-10-01',
    });
    expect(res.statusCode).toBe(422);
    expect(tag(res.body, 'plan-dueOn')).toContain('value="2026-10-01"');
    expect(res.body).toMatch(/id="plan-dueOn-error">Due on must be on or after the day the signal was raised \(2026-11-02\)</);
    expect(await signalEvents('sig-1')).toEqual(['ResistanceSignalRaised']);
  });

  it('answers a form from a stale page with 409, listing what changed, and records nothing', async () => {
    const plan = { kind: 'workshop', ownerId: 'coach-ada', dueOn: '2026-12-01' };
    expect((await post('/resistance/sig-1/plan', { key: randomUUID(), ...plan })).statusCode).toBe(303);
    const res = await post('/resistance/sig-1/escalate', {
      to: 'Head of Engineering',
      reason: 'Still skipping',
      escalatedOn: TODAY,
      revision: '0',
    });
    expect(res.statusCode).toBe(409);
    expect(res.body).toContain('This changed since you loaded the page.');
    expect(res.body).toContain('<li><b>Workshop planned, owned by Ada &lt;Lovelace&gt;, due 1 Dec 2026</b>');
    expect(tag(res.body, 'escalate-to')).toContain('value="Head of Engineering"');
    expect(revisionOf(res.body, 'escalate')).toBe('1');
    expect(await signalEvents('sig-1')).toEqual(['ResistanceSignalRaised', 'InterventionPlanned']);
  });

  it('plans once when the same plan is sent twice, and two plans from one page both count', async () => {
    const plan = { kind: 'workshop', ownerId: 'coach-ada', dueOn: '2026-12-01' };
    const key = randomUUID();
    expect((await post('/resistance/sig-1/plan', { key, ...plan })).statusCode).toBe(303);
    expect((await post('/resistance/sig-1/plan', { key, ...plan })).statusCode).toBe(303);
    expect((await post('/resistance/sig-1/plan', { key: randomUUID(), ...plan, kind: 'training' })).statusCode).toBe(303);
    expect(await signalEvents('sig-1')).toEqual(['ResistanceSignalRaised', 'InterventionPlanned', 'InterventionPlanned']);
  });

  /** Plans an intervention on sig-1 and gives back its id (the form's key). */
  async function planned(kind: string): Promise<string> {
    const key = randomUUID();
    expect((await post('/resistance/sig-1/plan', { key, kind, ownerId: 'coach-ada', dueOn: '2026-12-01' })).statusCode).toBe(303);
    return key;
  }

  it('cancels a planned intervention with its reason: shown as cancelled, no longer offered', async () => {
    const workshop = await planned('workshop');
    let html = await page('/resistance/sig-1');
    expect(html).toContain(`action="/resistance/sig-1/interventions/${workshop}/cancel"`);
    const res = await post(`/resistance/sig-1/interventions/${workshop}/cancel`, {
      reason: 'The team lead left',
      cancelledOn: TODAY,
      revision: revisionOf(html, `cancel-${workshop}`),
    });
    expect(res.statusCode).toBe(303);
    expect(res.headers.location).toBe('/resistance/sig-1?recorded=cancel');
    html = await page(res.headers.location as string);
    expect(html).toContain('<p class="success">Intervention cancelled.</p>');
    expect(html).toContain('<span class="status status--cancelled">Cancelled</span>');
    expect(html).toMatch(/<b>Cancelled<\/b> The team lead left <span class="muted">· <time datetime="2026-11-25">25 Nov 2026<\/time>/);
    expect(html).not.toContain(`/interventions/${workshop}/`);
    expect(html).toMatch(/<b>Intervention cancelled on 25 Nov 2026<\/b><small>The team lead left<\/small>/); // The log counts it as cancelled, not as done.
    const row = rows(await page('/resistance')).find((r) => r.includes('Search skips check-ins'));
    expect(row).toContain('1 cancelled');
    expect(row).not.toContain('done');
  });

  it('refuses a cancellation without a reason (422, beside the field)', async () => {
    const workshop = await planned('workshop');
    const html = await page('/resistance/sig-1');
    const res = await post(`/resistance/sig-1/interventions/${workshop}/cancel`, {
      reason: '',
      cancelledOn: TODAY,
      revision: revisionOf(html, `cancel-${workshop}`),
    });
    expect(res.statusCode).toBe(422);
    expect(res.body).toMatch(new RegExp(`id="cancel-${workshop}-reason-error">Why it will not happen is required<`));
    expect(res.body).toMatch(/<details class="intervention__cancel records" open>/);
  });

  it('offers to cancel the planned interventions with the resolution, and says why it refuses without', async () => {
    let html = await page('/resistance/sig-1');
    expect(html).not.toContain('name="cancelOpenInterventions"');
    await planned('workshop');
    await planned('training');
    html = await page('/resistance/sig-1');
    expect(tag(html, 'resolve-cancelOpenInterventions')).toContain('type="checkbox"');
    expect(html).toContain('> Cancel the 2 planned interventions</label>');

    const refused = await post('/resistance/sig-1/resolve', {
      resolution: 'Gone quiet',
      resolvedOn: TODAY,
      revision: revisionOf(html, 'resolve'),
    });
    expect(refused.statusCode).toBe(422);
    expect(refused.body).toMatch(
      /id="resolve-cancelOpenInterventions-error">2 interventions are still planned: complete or cancel them first, or cancel them with the resolution</,
    );
    expect(tag(refused.body, 'resolve-resolution')).toContain('value="Gone quiet"');

    const res = await post('/resistance/sig-1/resolve', {
      resolution: 'Gone quiet',
      resolvedOn: TODAY,
      cancelOpenInterventions: 'on',
      revision: revisionOf(html, 'resolve'),
    });
    expect(res.statusCode).toBe(303);
    html = await page('/resistance/sig-1');
    expect(html.match(/<span class="status status--cancelled">Cancelled<\/span>/g)).toHaveLength(2);
    expect(html.match(/<b>Cancelled<\/b> signal resolved/g)).toHaveLength(2);
    expect(await signalEvents('sig-1')).toEqual([
      'ResistanceSignalRaised',
      'InterventionPlanned',
      'InterventionPlanned',
      'InterventionCancelled',
      'InterventionCancelled',
      'ResistanceSignalResolved',
    ]);
  });

  it('offers no action on a resolved signal, and refuses a form from a page loaded before it was resolved (422)', async () => {
    const before = await page('/resistance/sig-1');
    expect((await post('/resistance/sig-1/resolve', { resolution: 'Gone quiet', resolvedOn: TODAY, revision: '0' })).statusCode).toBe(303);
    expect(mainOf(await page('/resistance/sig-1'))).not.toContain('<form');

    const stale = await post('/resistance/sig-1/escalate', {
      to: 'Head of Engineering',
      reason: 'Still skipping',
      escalatedOn: TODAY,
      revision: revisionOf(before, 'escalate'),
    });
    expect(stale.statusCode).toBe(422);
    expect(stale.body).toContain(`<p>This signal was resolved on ${TODAY}</p>`);
    expect(stale.body).toContain('This signal is resolved');
    // Only the form that was sent is shown, with its answer and what was typed; no other action is offered.
    expect(mainOf(stale.body).match(/<form/g)).toHaveLength(1);
    expect(tag(stale.body, 'escalate-to')).toContain('value="Head of Engineering"');
    expect(await signalEvents('sig-1')).toEqual(['ResistanceSignalRaised', 'ResistanceSignalResolved']);
  });
});

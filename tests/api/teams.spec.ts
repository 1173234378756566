/**
 * The team page and its forms over real components (SQLite store, live projection runner):
 * a POST runs the command handler, waits for the read models and redirects (303) or, for
 * htmx, answers with the re-rendered partial; bad input is a 422 with the form kept; a stale
 * edit is a 409 that says what changed.
 */
import { randomUUID } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SqliteDirectory } from '../../projections/index.ts';
import {
  appFor,
  closeWorld,
  CYCLE,
  given,
  openWorld,
  postForm,
  seedSmallOrganisation,
  storeNoPageMayRead,
  TODAY,
  type World,
} from '../support/webApp.ts';

let world: World;
let app: FastifyInstance;

beforeEach(async () => {
  world = openWorld();
  await seedSmallOrganisation(world);
  await given(world, 'cycle', '2026-q3', '2026-06-20', {
    type: 'CycleOpened',
    data: { cycleId: '2026-q3', name: '2026-Q3', startsOn: '2026-07-01', endsOn: '2026-09-30', checkInCadenceDays: 14 },
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

/** The opening tag of the element with this id. */
function tag(html: string, id: string): string {
  const match = new RegExp(`<(?:input|select)[^>]* id="${id}"[^>]*>`).exec(html);
  if (!match) throw new Error(`no element #${id}`);
  return match[0];
}

/** The printed score (number) of one dimension on the team page. */
function pageScore(html: string, dimension: string): string {
  const match = new RegExp(`dimension=${dimension}&amp;asOf=[0-9-]+" title="[^"]*">([^<]*)<`).exec(html);
  if (!match) throw new Error(`no ${dimension} score`);
  return match[1]!;
}

const revisionOf = (html: string, formId: string): string => {
  const form = html.slice(html.indexOf(`id="${formId}"`));
  return /name="revision" value="(-?\d+)"/.exec(form)![1]!;
};

describe('team page', () => {
  it('shows the team, its scores and a check-in form defaulting to today and the current cycle', async () => {
    const res = await app.inject('/teams/srch');
    expect(res.statusCode).toBe(200);
    expect(res.body).toMatch(/^<!doctype html>/);
    expect(res.body).toContain('Search &amp; &lt;Discovery&gt;');
    expect(res.body).toContain('<span class="team-key team-key--lg">SRCH</span>');
    expect(res.body).toContain('4 people');
    expect(res.body).toContain('<a href="/areas/eng?cycle=2026-q4&amp;asOf=2026-11-25">Engineering</a>');
    expect(pageScore(res.body, 'run')).toBe(String(Math.round(world.queries.team('srch', CYCLE, TODAY)!.scores.run)));
    expect(tag(res.body, 'check-in-held-heldOn')).toContain(`value="${TODAY}"`);
    expect(res.body).toContain('<option value="2026-q4" selected>2026-Q4</option>');
    expect(res.body).toContain('<option value="2026-q3">2026-Q3 (closed)</option>');
    expect(revisionOf(res.body, 'resize')).toBe('0');
  });

  it('reads only read models: the edit forms carry the revision the read models know', async () => {
    await post('/teams/srch/resize?cycle=2026-q4', { size: '6', revision: '0' });
    const store = storeNoPageMayRead(world);
    const readOnly = await appFor(world, { store, application: { store, directory: new SqliteDirectory(world.db) } });
    const res = await readOnly.inject('/teams/srch');
    await readOnly.close();
    expect(res.statusCode).toBe(200);
    expect(revisionOf(res.body, 'resize')).toBe('1');
  });

  it('is linked from the team rows of the heatmap and the area page', async () => {
    const rows = await app.inject({ url: '/areas/eng?cycle=2026-q4', headers: { 'hx-request': 'true' } });
    expect(rows.body).toContain('href="/teams/srch?cycle=2026-q4&amp;asOf=2026-11-25"');
  });

  it('answers an unknown team or form with 404', async () => {
    expect((await app.inject('/teams/nobody')).statusCode).toBe(404);
    expect((await post('/teams/srch/nonsense', {})).statusCode).toBe(404);
  });
});

describe('what the team page tells about the team', () => {
  it('shows its recent history in words, linked to the whole of it in the timeline', async () => {
    const html = (await app.inject('/teams/pay')).body;
    const history = html.slice(html.indexOf('id="team-history"'));
    expect(history).toContain('<a class="muted" href="/timeline?team=pay">In the timeline</a>');
    expect(history).toMatch(/<td>Check-in held on 12 Nov 2026[^<]*<\/td>/);
    expect(history).toContain('Team Payments (PAY) registered in Platform, 8 people');
    expect(history).not.toContain('CheckInHeld');
  });

  it('lists its open signals, linked, and the stakeholders of its area, linked', async () => {
    await given(world, 'stakeholder', 'vera', '2026-10-01', {
      type: 'StakeholderIdentified',
      data: { stakeholderId: 'vera', name: 'Vera <Patel>', role: 'VP Engineering', areaId: 'eng', influence: 5, interest: 4 },
    });
    await given(world, 'stakeholder', 'rita', '2026-10-01', {
      type: 'StakeholderIdentified',
      data: { stakeholderId: 'rita', name: 'Rita', role: 'CFO', areaId: 'rnd', influence: 5, interest: 2 },
    });
    await world.runner.catchUp();
    const html = (await app.inject('/teams/srch')).body;
    const signals = html.slice(html.indexOf('id="team-signals"'), html.indexOf('id="team-stakeholders"'));
    expect(signals).toContain('<a href="/resistance/sig-1">No time</a>');
    expect(signals).toContain('Search skips check-ins during the release crunch');
    const stakeholders = html.slice(html.indexOf('id="team-stakeholders"'), html.indexOf('aria-labelledby="edit-title"'));
    expect(stakeholders).toContain('<a href="/stakeholders/vera">Vera &lt;Patel&gt;</a>');
    expect(stakeholders).not.toContain('Rita');

    const payments = (await app.inject('/teams/pay')).body;
    expect(payments.slice(payments.indexOf('id="team-signals"'))).toContain('No open signal names this team.');
  });

  it('offers the key results reported in the cycle, and takes another one typed beside them', async () => {
    let html = (await app.inject('/teams/pay')).body;
    expect(tag(html, 'key-result-progress-keyResultRef')).toMatch(/^<input[^>]* type="text"/);
    const report = (fields: Record<string, string>) =>
      post('/teams/pay/key-result-progress?cycle=2026-q4', {
        key: randomUUID(),
        progress: '40',
        reportedOn: TODAY,
        cycleId: CYCLE,
        ...fields,
      });
    expect((await report({ keyResultRef: 'KR2 Churn' })).statusCode).toBe(303);
    expect((await report({ keyResultRef: 'KR2 Churn', 'keyResultRef-other': 'KR1 Activation' })).statusCode).toBe(303);

    html = (await app.inject('/teams/pay')).body;
    const select = html.slice(
      html.indexOf('<select id="key-result-progress-keyResultRef"'),
      html.indexOf('</select>', html.indexOf('id="key-result-progress-keyResultRef"')),
    );
    expect(select).toContain('<option value="KR1 Activation" selected>KR1 Activation</option>');
    expect(select).toContain('<option value="KR2 Churn">KR2 Churn</option>');
    expect(select).toContain('<option value="">Another key result</option>');
    expect(tag(html, 'key-result-progress-keyResultRef-other')).toContain('name="keyResultRef-other"');

    expect((await report({ keyResultRef: 'KR1 Activation' })).statusCode).toBe(303);
    const refs = (await world.store.readStream('team-pay'))
      .filter((e) => e.type === 'KeyResultProgressReported')
      .map((e) => (e.data as { keyResultRef: string }).keyResultRef);
    expect(refs).toEqual(['KR2 Churn', 'KR1 Activation', 'KR1 Activation']);
  });

  it('keeps what was typed as another key result when the form is refused', async () => {
    await post('/teams/pay/key-result-progress?cycle=2026-q4', {
      key: randomUUID(),
      keyResultRef: 'KR2 Churn',
      progress: '40',
      reportedOn: TODAY,
      cycleId: CYCLE,
    });
    const res = await post('/teams/pay/key-result-progress?cycle=2026-q4', {
      key: randomUUID(),
      keyResultRef: '',
      'keyResultRef-other': 'KR9 New',
      progress: '140',
      reportedOn: TODAY,
      cycleId: CYCLE,
    });
    expect(res.statusCode).toBe(422);
    expect(tag(res.body, 'key-result-progress-keyResultRef-other')).toContain('value="KR9 New"');
    expect(res.body).toContain('<option value="" selected>Another key result</option>');
  });
});

describe('recording a check-in', () => {
  it('redirects (303) to the team page, which shows the new score, and so does the heatmap', async () => {
    const before = world.queries.team('srch', CYCLE, TODAY)!;
    const res = await post('/teams/srch/check-in-held?cycle=2026-q4', {
      key: randomUUID(),
      heldOn: TODAY,
      cycleId: CYCLE,
      attendance: '75',
      confidence: '',
    });
    expect(res.statusCode).toBe(303);
    // The anchor brings the browser back to the form, which says it was recorded and is ready for the next one.
    expect(res.headers.location).toBe('/teams/srch?cycle=2026-q4&recorded=check-in-held#check-in-held');

    const after = world.queries.team('srch', CYCLE, TODAY)!;
    expect(after.scores.run).toBeGreaterThan(before.scores.run);
    const page = await app.inject(res.headers.location as string);
    const form = page.body.slice(
      page.body.indexOf('<form class="form" id="check-in-held"'),
      page.body.indexOf('</form>', page.body.indexOf('id="check-in-held"')),
    );
    expect(form).toContain('<p class="success form__recorded" role="status">Check-in recorded.</p>');
    expect(tag(page.body, 'check-in-held-heldOn')).toContain('autofocus');
    expect(page.body.match(/role="status"/g)).toHaveLength(1);
    expect(pageScore(page.body, 'run')).toBe(String(Math.round(after.scores.run)));
    expect(page.body).toContain('last 25 Nov 2026');

    const rows = await app.inject({ url: '/areas/eng?cycle=2026-q4', headers: { 'hx-request': 'true' } });
    expect(rows.body).toContain(`title="Run: ${Math.round(after.scores.run)} of 100"`);
    const heatmap = await app.inject('/heatmap');
    const engineering = world.queries.heatmap(CYCLE, TODAY)!.areas.find((a) => a.areaId === 'eng')!;
    expect(heatmap.body).toContain(`title="Run: ${Math.round(engineering.scores!.run)} of 100"`);

    const [stored] = (await world.store.readStream('team-srch')).slice(-1);
    expect(stored).toMatchObject({
      type: 'CheckInHeld',
      data: { teamId: 'srch', cycleId: CYCLE, heldOn: TODAY, attendance: 0.75 },
      metadata: { actor: { kind: 'user', id: 'acct-admin' }, source: 'ui', recordedAt: `${TODAY}T10:00:00.000Z` },
    });
  });

  it('records once when the same check-in is sent twice (a retry after a lost answer): the key is the event’s id', async () => {
    const key = randomUUID();
    const checkIn = { key, heldOn: TODAY, cycleId: CYCLE, attendance: '75' };
    expect((await post('/teams/srch/check-in-held?cycle=2026-q4', checkIn)).statusCode).toBe(303);
    expect((await post('/teams/srch/check-in-held?cycle=2026-q4', checkIn, { 'hx-request': 'true' })).statusCode).toBe(200);
    expect((await post('/teams/srch/check-in-held?cycle=2026-q4', checkIn)).statusCode).toBe(303);
    const checkIns = (await world.store.readStream('team-srch')).filter((e) => e.type === 'CheckInHeld');
    expect(checkIns.map((e) => e.metadata.eventId)).toEqual([key]);
  });

  it('carries a fresh key in every adoption form, and no revision', async () => {
    const html = (await app.inject('/teams/srch')).body;
    for (const formId of [
      'check-in-held',
      'check-in-missed',
      'training-completed',
      'okrs-drafted',
      'okrs-published',
      'key-result-progress',
      'cycle-review',
      'retrospective',
    ]) {
      const form = html.slice(html.indexOf(`id="${formId}"`), html.indexOf('</form>', html.indexOf(`id="${formId}"`)));
      expect(form, formId).toMatch(/name="key" value="[0-9a-f-]{36}"/);
      expect(form, formId).not.toContain('name="revision"');
    }
  });

  it('keeps an adoption form open after it was used, saying so inside it, and its action brings it back into view', async () => {
    const res = await post(
      '/teams/srch/key-result-progress?cycle=2026-q4',
      { key: randomUUID(), keyResultRef: 'KR1', progress: '40', reportedOn: TODAY, cycleId: CYCLE },
      { 'hx-request': 'true' },
    );
    expect(res.statusCode).toBe(200);
    expect(res.body).toMatch(/<details class="form-card" open>\s*<summary id="key-result-progress-title">/);
    expect(res.body).toContain('action="/teams/srch/key-result-progress?cycle=2026-q4#key-result-progress"');
    expect(res.body).toContain('<p class="success form__recorded" role="status">Key-result progress recorded.</p>');
    expect(res.body.match(/<details class="form-card" open>/g)).toHaveLength(1);
  });

  it('answers htmx with the re-rendered partial instead of a redirect', async () => {
    const res = await post(
      '/teams/srch/check-in-held?cycle=2026-q4',
      { key: randomUUID(), heldOn: TODAY, cycleId: CYCLE },
      { 'hx-request': 'true' },
    );
    expect(res.statusCode).toBe(200);
    expect(res.body).not.toContain('<html');
    expect(res.body.trimStart()).toMatch(/^<div id="team"/);
    expect(res.body).toContain('Check-in recorded.');
    expect(pageScore(res.body, 'run')).toBe(String(Math.round(world.queries.team('srch', CYCLE, TODAY)!.scores.run)));
  });

  it('re-renders the form (422) naming heldOn when the date is not a date, keeping what was typed', async () => {
    const res = await post('/teams/srch/check-in-held?cycle=2026-q4', {
      key: randomUUID(),
      heldOn: '2026-13-45',
      cycleId: CYCLE,
      attendance: '80',
      confidence: 'lots',
    });
    expect(res.statusCode).toBe(422);
    expect(res.body).toMatch(/^<!doctype html>/);
    const heldOn = tag(res.body, 'check-in-held-heldOn');
    expect(heldOn).toContain('value="2026-13-45"');
    expect(heldOn).toContain('aria-invalid="true"');
    expect(heldOn).toContain('aria-describedby="check-in-held-heldOn-error"');
    expect(res.body).toContain('id="check-in-held-heldOn-error"');
    expect(tag(res.body, 'check-in-held-attendance')).toContain('value="80"');
    expect(tag(res.body, 'check-in-held-confidence')).toContain('aria-invalid="true"');
    expect(res.body).toMatch(/id="check-in-held-confidence-error">Confidence must be a percentage from 0 to 100</);
    expect(await world.store.readStream('team-srch')).toHaveLength(1);
  });

  it('refuses a check-in in a closed cycle (422) naming cycleId', async () => {
    const res = await post('/teams/srch/check-in-held?cycle=2026-q4', { key: randomUUID(), heldOn: '2026-08-10', cycleId: '2026-q3' });
    expect(res.statusCode).toBe(422);
    const cycle = tag(res.body, 'check-in-held-cycleId');
    expect(cycle).toContain('aria-invalid="true"');
    expect(res.body).toMatch(/id="check-in-held-cycleId-error">Cycle 2026-Q3 is closed</);
    expect(res.body).toContain('<option value="2026-q3" selected>2026-Q3 (closed)</option>');
  });

  it('answers an htmx 422 with the partial, the message beside the field', async () => {
    const res = await post(
      '/teams/srch/check-in-held?cycle=2026-q4',
      { key: randomUUID(), heldOn: '', cycleId: CYCLE },
      { 'hx-request': 'true' },
    );
    expect(res.statusCode).toBe(422);
    expect(res.body.trimStart()).toMatch(/^<div id="team"/);
    expect(res.body).toMatch(/id="check-in-held-heldOn-error">Held on is required</);
    expect(tag(res.body, 'check-in-held-heldOn')).toContain('autofocus');
  });
});

describe('editing the team', () => {
  it('answers a resize from a stale page with 409, listing what changed, and overwrites nothing', async () => {
    const stale = revisionOf((await app.inject('/teams/srch')).body, 'resize');
    expect((await post('/teams/srch/resize?cycle=2026-q4', { size: '6', revision: stale })).statusCode).toBe(303);

    const res = await post('/teams/srch/resize?cycle=2026-q4', { size: '9', revision: stale });
    expect(res.statusCode).toBe(409);
    expect(res.body).toContain('This changed since you loaded the page.');
    expect(res.body).toMatch(
      /<li><b>Team resized to 6 people<\/b> <span class="form__when">· 25 Nov 2026, 10:00 UTC · Ann Admin<\/span><\/li>/,
    );
    expect(res.body).toContain('<a href="/teams/srch?cycle=2026-q4">reload the page</a>');
    expect(tag(res.body, 'resize-size')).toContain('value="9"');
    expect(world.queries.team('srch', CYCLE, TODAY)!.size).toBe(6);

    // Sent again, now knowingly on top of the change, it is applied.
    expect(revisionOf(res.body, 'resize')).toBe('1');
    expect((await post('/teams/srch/resize?cycle=2026-q4', { size: '9', revision: '1' })).statusCode).toBe(303);
    expect(world.queries.team('srch', CYCLE, TODAY)!.size).toBe(9);
  });

  it('rejects a resize whose revision field is missing', async () => {
    const res = await post('/teams/srch/resize?cycle=2026-q4', { size: '9' });
    expect(res.statusCode).toBe(422);
    expect(res.body).toContain('The page you sent this from is missing or damaged: reload the page and try again');
  });

  it('moves the team to the area picked from the list', async () => {
    const page = await app.inject('/teams/srch');
    expect(page.body).toContain('<option value="plat">Engineering › Platform</option>');
    const res = await post('/teams/srch/move?cycle=2026-q4', { areaId: 'plat', revision: revisionOf(page.body, 'move') });
    expect(res.statusCode).toBe(303);
    const moved = await app.inject(res.headers.location as string);
    expect(moved.body).toContain('Team moved.');
    expect(moved.body).toContain('<a href="/areas/plat?cycle=2026-q4&amp;asOf=2026-11-25">Platform</a>');
  });
});

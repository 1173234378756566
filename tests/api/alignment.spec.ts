/**
 * The alignment map and an objective's page over real components: themes and objectives set
 * through the forms, links made and removed, and the heatmap's align dimension following them.
 */
import type { FastifyInstance } from 'fastify';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { appFor, closeWorld, CYCLE, mainOf, openWorld, postForm, seedSmallOrganisation, TODAY, type World } from '../support/webApp.ts';

let world: World;
let app: FastifyInstance;

beforeEach(async () => {
  world = openWorld();
  await seedSmallOrganisation(world);
  await world.runner.start();
  app = await appFor(world);
});

afterEach(async () => {
  await app?.close();
  if (world) await closeWorld(world);
});

// Keys are what a rendered form carries: UUIDs, which become the ids.
const GROWTH = '0b6b6c1e-3f0c-4d0e-9a57-5f7c1c2b0a01';
const PLAT_O1 = '0b6b6c1e-3f0c-4d0e-9a57-5f7c1c2b0a02';
const PAY_O1 = '0b6b6c1e-3f0c-4d0e-9a57-5f7c1c2b0a03';

const post = (url: string, fields: Record<string, string>) => postForm(app, url, fields);
const idOf = (table: 'themes' | 'objectives', title: string): string => {
  const column = table === 'themes' ? 'theme_id' : 'objective_id';
  return (world.db.prepare(`SELECT ${column} AS id FROM strategy_${table} WHERE title = ?`).get(title) as { id: string }).id;
};
const revisionOf = async (objectiveId: string) => (await world.store.readStream(`objective-${objectiveId}`)).length - 1;
const themeRevision = async (themeId: string) => String((await world.store.readStream(`theme-${themeId}`)).length - 1);
const alertOf = (html: string) =>
  /role="alert">([\s\S]*?)<\/div>/
    .exec(html)?.[1]
    ?.replace(/<[^>]*>/g, ' ')
    .replace(/\s+/g, ' ') ?? '';
const errorOf = (html: string) => /class="field__error"[^>]*>([^<]*)</.exec(html)?.[1] ?? '';
const align = () => world.queries.team('pay', CYCLE, TODAY)?.scores.align;

async function setUpCascade() {
  const theme = await post('/alignment/themes', { key: GROWTH, title: 'Grow recurring revenue' });
  expect(theme.statusCode, theme.body.match(/role="alert"[\s\S]{0,400}/)?.[0]).toBe(303);
  expect(
    (await post('/alignment/objectives', { key: PLAT_O1, title: 'Self-service platform', areaId: 'plat', cycleId: CYCLE })).statusCode,
  ).toBe(303);
  expect(
    (await post('/alignment/team-objectives', { key: PAY_O1, title: 'Payouts in a day', teamId: 'pay', cycleId: CYCLE })).statusCode,
  ).toBe(303);
}

describe('the alignment map', () => {
  it('sets a theme, an area objective and a team objective (its area taken from the team), and shows the orphans', async () => {
    await setUpCascade();
    const res = await app.inject(`/alignment?cycle=${CYCLE}`);
    expect(res.statusCode).toBe(200);
    const main = mainOf(res.body);
    expect(main).toContain('Grow recurring revenue');
    expect(main).toContain('nobody contributes yet');
    // Both objectives reach no theme, and neither has a key result.
    expect(main).toMatch(/Orphans <span class="need-count need-count--some">2<\/span>/);
    expect(main).toContain('orphan: reaches no theme');
    expect(main).toContain('no key results');
    expect(world.db.prepare('SELECT area_id AS areaId FROM strategy_objectives WHERE objective_id = ?').get(PAY_O1)).toEqual({
      areaId: 'plat',
    });
    expect(res.body).toContain('<a href="/alignment" aria-current="page">Alignment</a>');
  });

  it('moves the align score as links are made and removed', async () => {
    await setUpCascade();
    expect(align()).toBe(0);
    let res = await post(`/objectives/${PAY_O1}/link`, { parentId: PLAT_O1, revision: String(await revisionOf(PAY_O1)) });
    expect(res.statusCode).toBe(303);
    // The chain stops at Platform's objective, which serves no theme yet.
    expect(align()).toBe(0);
    res = await post(`/objectives/${PLAT_O1}/link`, { parentId: GROWTH, revision: String(await revisionOf(PLAT_O1)) });
    expect(res.statusCode).toBe(303);
    expect(align()).toBe(100);
    const map = mainOf((await app.inject(`/alignment?cycle=${CYCLE}`)).body);
    expect(map).toContain('1 of 1');
    expect(map).toContain('1 team objective from 1 team');
    expect(mainOf((await app.inject(`/alignment?cycle=${CYCLE}&area=rnd`)).body)).toContain(
      'Every objective of this cycle reaches a theme.',
    );
    // Dropping Platform's objective breaks the chain below it.
    res = await post(`/objectives/${PLAT_O1}/drop`, { revision: String(await revisionOf(PLAT_O1)) });
    expect(res.statusCode).toBe(303);
    expect(align()).toBe(0);
    res = await post(`/objectives/${PAY_O1}/link`, { parentId: GROWTH, revision: String(await revisionOf(PAY_O1)) });
    expect(align()).toBe(100);
    res = await post(`/objectives/${PAY_O1}/unlink`, { revision: String(await revisionOf(PAY_O1)) });
    expect(res.statusCode).toBe(303);
    expect(align()).toBe(0);
    // The evidence page says why.
    const evidence = mainOf((await app.inject(`/evidence?team=pay&cycle=${CYCLE}&dimension=align&area=plat`)).body);
    expect(evidence).toContain('0 of 1 objective reach a strategic theme');
  });

  it('answers a broken link rule in the form, naming the field: an unknown parent, a loop, a stale page', async () => {
    await setUpCascade();
    let res = await post(`/objectives/${PAY_O1}/link`, { parentId: 'nothing-here', revision: String(await revisionOf(PAY_O1)) });
    expect(res.statusCode).toBe(422);
    expect(mainOf(res.body)).toContain('Serves must be an objective that is set');
    await post(`/objectives/${PAY_O1}/link`, { parentId: PLAT_O1, revision: String(await revisionOf(PAY_O1)) });
    res = await post(`/objectives/${PLAT_O1}/link`, { parentId: PAY_O1, revision: String(await revisionOf(PLAT_O1)) });
    expect(res.statusCode).toBe(422);
    expect(mainOf(res.body)).toContain('the link would make a loop');
    res = await post(`/objectives/${PAY_O1}/unlink`, { revision: '0' });
    expect(res.statusCode).toBe(409);
  });

  it('refuses a hostile title and keeps markup as text', async () => {
    const res = await post('/alignment/themes', { key: '0b6b6c1e-3f0c-4d0e-9a57-5f7c1c2b0a04', title: 'a\u202Eb' });
    expect(res.statusCode).toBe(422);
    await post('/alignment/themes', { key: '0b6b6c1e-3f0c-4d0e-9a57-5f7c1c2b0a05', title: '<script>alert(1)</script>' });
    const map = (await app.inject(`/alignment?cycle=${CYCLE}`)).body;
    expect(map).not.toContain('<script>alert(1)</script>');
    expect(map).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
  });

  it('shows an objective’s key results and its events', async () => {
    await setUpCascade();
    expect(
      (await post(`/objectives/${PAY_O1}/key-result`, { key: '0b6b6c1e-3f0c-4d0e-9a57-5f7c1c2b0a06', title: 'Payout time under 24 h' }))
        .statusCode,
    ).toBe(303);
    const page = mainOf((await app.inject(`/objectives/${PAY_O1}`)).body);
    expect(page).toContain('Payout time under 24 h');
    expect(page).toContain('Key result &quot;Payout time under 24 h&quot; defined');
    expect(page).toContain('Objective &quot;Payouts in a day&quot; set for Payments in 2026-Q4');
    expect((await app.inject('/objectives/nothing')).statusCode).toBe(404);
    expect(idOf('themes', 'Grow recurring revenue')).toBe(GROWTH);
  });
});

describe('key results known by name', () => {
  it('the team page’s progress form offers the key results its objectives define, by title, reported by id', async () => {
    await setUpCascade();
    await post(`/objectives/${PAY_O1}/key-result`, { key: '0b6b6c1e-3f0c-4d0e-9a57-5f7c1c2b0a07', title: 'Payout time under 24 h' });
    const html = (await app.inject(`/teams/pay?cycle=${CYCLE}`)).body;
    expect(html).toContain(
      '<option value="0b6b6c1e-3f0c-4d0e-9a57-5f7c1c2b0a07" selected>Payout time under 24 h (Payouts in a day)</option>',
    );
    const res = await post(`/teams/pay/key-result-progress?cycle=${CYCLE}`, {
      key: '0b6b6c1e-3f0c-4d0e-9a57-5f7c1c2b0a08',
      keyResultRef: '0b6b6c1e-3f0c-4d0e-9a57-5f7c1c2b0a07',
      progress: '40',
      reportedOn: TODAY,
      cycleId: CYCLE,
    });
    expect(res.statusCode).toBe(303);
    // Its progress rolls up on the map.
    expect(mainOf((await app.inject(`/objectives/${PAY_O1}`)).body)).toContain('Payout time under 24 h <span class="muted">· 40%</span>');
  });
});

describe('renaming an objective', () => {
  it('renames it from its page; the title is checked, the same title records nothing, a stale page gets 409', async () => {
    await setUpCascade();
    const rename = async (title: string, revision?: string) =>
      post(`/objectives/${PAY_O1}/rename`, { title, revision: revision ?? String(await revisionOf(PAY_O1)) });
    const form = mainOf((await app.inject(`/objectives/${PAY_O1}`)).body);
    expect(form).toContain(`action="/objectives/${PAY_O1}/rename"`);
    expect(form).toContain('value="Payouts in a day"');

    let res = await rename('Payouts the same day');
    expect(res.statusCode).toBe(303);
    expect(res.headers.location).toBe(`/objectives/${PAY_O1}?recorded=rename`);
    const page = mainOf((await app.inject(res.headers.location as string)).body);
    expect(page).toContain('<h1>Payouts the same day</h1>');
    expect(page).toContain('Objective renamed.');
    expect(page).toContain('Objective renamed to &quot;Payouts the same day&quot;');
    expect(mainOf((await app.inject(`/alignment?cycle=${CYCLE}`)).body)).toContain('<b><bdi>Payouts the same day</bdi></b>');

    const head = await world.store.headPosition();
    res = await rename('Payouts the same day');
    expect(res.statusCode).toBe(303);
    expect(await world.store.headPosition()).toBe(head);

    for (const [title, message] of [
      ['', 'Objective is required'],
      ['x', 'Objective must be at least 2 characters'],
      ['x'.repeat(161), 'Objective must be at most 160 characters'],
      ['Payouts \u202Ein a day', 'Objective must not contain control or direction-override characters'],
    ] as const) {
      res = await rename(title);
      expect(res.statusCode, title).toBe(422);
      expect(errorOf(res.body), title).toBe(message);
    }
    expect(await world.store.headPosition()).toBe(head);

    res = await rename('Payouts within hours', '0');
    expect(res.statusCode).toBe(409);
    expect(alertOf(res.body)).toContain('This changed since you loaded the page.');
    expect(alertOf(res.body)).toContain('renamed');
    expect(await world.store.headPosition()).toBe(head);
  });
});

describe('renaming and dropping a strategic theme', () => {
  it('an admin renames a theme from its page; coaches and leaders see no form and are refused', async () => {
    await setUpCascade();
    const page = mainOf((await app.inject(`/themes/${GROWTH}`)).body);
    expect(page).toContain(`action="/themes/${GROWTH}/rename"`);
    expect(page).toContain(`action="/themes/${GROWTH}/drop"`);

    let res = await post(`/themes/${GROWTH}/rename`, { title: 'Grow revenue that recurs', revision: await themeRevision(GROWTH) });
    expect(res.statusCode).toBe(303);
    expect(res.headers.location).toBe(`/themes/${GROWTH}?recorded=rename`);
    const renamed = mainOf((await app.inject(res.headers.location as string)).body);
    expect(renamed).toContain('<h1>Grow revenue that recurs</h1>');
    expect(renamed).toContain('Theme renamed.');
    expect(renamed).toContain('Strategic theme renamed to &quot;Grow revenue that recurs&quot;');

    res = await post(`/themes/${GROWTH}/rename`, { title: ' ', revision: await themeRevision(GROWTH) });
    expect(res.statusCode).toBe(422);
    expect(errorOf(res.body)).toBe('Theme is required');
    res = await post(`/themes/${GROWTH}/rename`, { title: 'Grow', revision: '0' });
    expect(res.statusCode).toBe(409);
    expect(alertOf(res.body)).toContain('This changed since you loaded the page.');

    for (const role of ['coach', 'leader'] as const) {
      const other = await appFor(world, {}, role);
      try {
        const seen = mainOf((await other.inject(`/themes/${GROWTH}`)).body);
        expect(seen, role).toContain('Grow revenue that recurs');
        expect(seen, role).not.toContain('<form');
        const head = await world.store.headPosition();
        for (const form of ['rename', 'drop']) {
          const refused = await postForm(other, `/themes/${GROWTH}/${form}`, { title: 'Mine now', revision: await themeRevision(GROWTH) });
          expect(refused.statusCode, `${role} ${form}`).toBe(403);
        }
        expect(await world.store.headPosition()).toBe(head);
      } finally {
        await other.close();
      }
    }
  });

  it('dropping a theme ends the chains that reached it: the align score falls, the map and the pages say why', async () => {
    await setUpCascade();
    await post(`/objectives/${PAY_O1}/link`, { parentId: PLAT_O1, revision: String(await revisionOf(PAY_O1)) });
    await post(`/objectives/${PLAT_O1}/link`, { parentId: GROWTH, revision: String(await revisionOf(PLAT_O1)) });
    expect(align()).toBe(100);

    let res = await post(`/themes/${GROWTH}/drop`, { revision: await themeRevision(GROWTH) });
    expect(res.statusCode).toBe(303);
    expect(align()).toBe(0);
    const evidence = mainOf((await app.inject(`/evidence?team=pay&cycle=${CYCLE}&dimension=align&area=plat`)).body);
    expect(evidence).toContain('0 of 1 objective reach a strategic theme');

    const theme = mainOf((await app.inject(`/themes/${GROWTH}?recorded=drop`)).body);
    expect(theme).toContain('Theme dropped.');
    expect(theme).toContain('<span class="flag">dropped</span>');
    expect(theme).toContain('These are orphans now');
    expect(theme).toContain('Self-service platform');
    expect(theme).not.toContain('<form');
    const map = mainOf((await app.inject(`/alignment?cycle=${CYCLE}`)).body);
    expect(map).toContain('dropped: what still links to it is listed under Orphans');
    // Both objectives are orphans now, Payments' below Platform's.
    expect(map).toContain('<span class="kpi__label">Orphans</span><span class="kpi__value">2</span>');
    expect(map).toContain('No strategic theme is set yet');
    const objective = mainOf((await app.inject(`/objectives/${PLAT_O1}`)).body);
    expect(objective).toContain('Theme: Grow recurring revenue (dropped: the chain reaches no theme)');
    expect(objective).not.toContain(`<option value="${GROWTH}"`);

    // Nothing links to it again, nor renames it; dropping it again records nothing.
    res = await post(`/objectives/${PAY_O1}/link`, { parentId: GROWTH, revision: String(await revisionOf(PAY_O1)) });
    expect(res.statusCode).toBe(422);
    expect(alertOf(res.body) + errorOf(res.body)).toContain('Serves must be a strategic theme that is set');
    res = await post(`/themes/${GROWTH}/rename`, { title: 'Back again', revision: await themeRevision(GROWTH) });
    expect(res.statusCode).toBe(422);
    expect(alertOf(res.body)).toContain('Theme &quot;Grow recurring revenue&quot; was dropped');
    const head = await world.store.headPosition();
    res = await post(`/themes/${GROWTH}/drop`, { revision: await themeRevision(GROWTH) });
    expect(res.statusCode).toBe(303);
    expect(await world.store.headPosition()).toBe(head);
    expect((await app.inject('/themes/nothing')).statusCode).toBe(404);
  });
});

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

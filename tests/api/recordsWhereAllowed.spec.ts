/**
 * A page offers its forms only to someone who may record there: a leader nowhere, a coach in
 * the areas she coaches and those under them, an admin anywhere. Ada coaches Platform, so
 * Payments (in Platform) is hers and Search (in Engineering, above it) is not.
 */
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appFor, closeWorld, mainOf, openWorld, seedSmallOrganisation, type TestRole, type World } from '../support/webApp.ts';

let world: World;
const apps = {} as Record<TestRole, FastifyInstance>;

beforeAll(async () => {
  world = openWorld();
  await seedSmallOrganisation(world);
  for (const role of ['admin', 'coach', 'leader'] as const) apps[role] = await appFor(world, {}, role);
});

afterAll(async () => {
  for (const app of Object.values(apps)) await app.close();
  await closeWorld(world);
});

const page = async (role: TestRole, url: string) => {
  const res = await apps[role].inject({ url });
  expect(res.statusCode).toBe(200);
  return mainOf(res.body);
};
const offersForms = (html: string) => /<form class="form"/.test(html);
const readOnly = (html: string) => /class="stack read-only"/.test(html);

describe('the forms a page offers', () => {
  it('a coach records on a team in her area', async () => {
    const html = await page('coach', '/teams/pay');
    expect(offersForms(html)).toBe(true);
    expect(readOnly(html)).toBe(false);
  });

  it('a coach reads a team outside her areas, told why there is nothing to record', async () => {
    const html = await page('coach', '/teams/srch');
    expect(readOnly(html)).toBe(true);
    expect(html).toContain('you record only in the areas you coach and the areas under them');
  });

  it('a leader reads every page, told a leader records nothing', async () => {
    for (const url of ['/teams/pay', '/resistance/sig-1']) {
      const html = await page('leader', url);
      expect(readOnly(html), url).toBe(true);
      expect(html, url).toContain('A leader account reads everything and records nothing.');
    }
  });

  it('an admin records anywhere', async () => {
    for (const url of ['/teams/pay', '/teams/srch', '/resistance/sig-1']) {
      const html = await page('admin', url);
      expect(readOnly(html), url).toBe(false);
      expect(offersForms(html), url).toBe(true);
    }
  });
});

describe('the sign-in page of a store nobody can sign in to yet', () => {
  it('says how the first admin is made', async () => {
    const empty = openWorld();
    const app = await appFor(empty, {}, null);
    try {
      const res = await app.inject({ url: '/signin' });
      expect(res.statusCode).toBe(200);
      expect(res.body).toContain('Nobody can sign in yet');
      expect(res.body).toContain('user add --role admin');
    } finally {
      await app.close();
      await closeWorld(empty);
    }
  });
});

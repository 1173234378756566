/**
 * A failure inside Uptake is logged, never shown: no message, stack trace or file path of the
 * original error reaches a page, a fragment or a JSON answer.
 */
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { OrgQueries } from '../../projections/org/queries.ts';
import type { IntegrationTokens } from '../../projections/integrations.ts';
import { appFor, closeWorld, openWorld, seedSmallOrganisation, type World } from '../support/webApp.ts';

const SECRET = 'SQLITE_CORRUPT: database disk image is malformed at /var/lib/uptake/secret-path.db';

/** A dependency whose every method throws the internal error. */
const broken = <T extends object>() =>
  new Proxy({} as T, {
    get: () => () => {
      throw new Error(SECRET);
    },
  });

let world: World;
let app: FastifyInstance;
const logged: string[] = [];

beforeAll(async () => {
  world = openWorld();
  await seedSmallOrganisation(world);
  app = await appFor(world, {
    org: broken<OrgQueries>(),
    integrationTokens: broken<IntegrationTokens>(),
    logger: { level: 'error', stream: { write: (line: string) => logged.push(line) } },
  });
});
afterAll(async () => {
  await app.close();
  await closeWorld(world);
});

function expectNothingInternal(body: string) {
  expect(body).not.toContain('SQLITE_CORRUPT');
  expect(body).not.toContain('secret-path');
  expect(body).not.toMatch(/\bat .+\.(ts|js):\d+/);
  expect(body).not.toContain('node_modules');
  expect(body).not.toContain('/work/');
}

describe('an internal error', () => {
  it.each([
    ['a page (HTML)', { accept: 'text/html' }],
    ['an htmx fragment', { accept: 'text/html', 'hx-request': 'true' }],
    ['JSON', { accept: 'application/json' }],
  ])('as %s: 500, a safe message, nothing of the original', async (_as, headers) => {
    const response = await app.inject({ url: '/organisation', headers });
    expect(response.statusCode).toBe(500);
    expect(response.body).toContain('The error has been logged');
    expectNothingInternal(response.body);
  });

  it('in the ingest API (its own error handler): 500 JSON, nothing of the original', async () => {
    const response = await app.inject({
      method: 'POST',
      url: '/api/v1/events',
      headers: { authorization: 'Bearer some-token', 'content-type': 'application/cloudevents+json' },
      payload: '{}',
    });
    expect(response.statusCode).toBe(500);
    expect(response.json()).toMatchObject({ statusCode: 500, error: 'internal_error' });
    expectNothingInternal(response.body);
  });

  it('is logged with its message and stack, for whoever runs Uptake', () => {
    const entries = logged.join('\n');
    expect(entries).toContain(SECRET);
    expect(entries).toMatch(/"stack":"Error: SQLITE_CORRUPT/);
  });
});

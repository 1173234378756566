/**
 * What every response tells the browser (helmet's headers, the Content-Security-Policy), and
 * the Host allow-list that answers only for the app's own names: over the real app and store,
 * with `app.inject` (whose requests carry `Host: localhost:80`).
 */
import { randomUUID } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultAllowedHosts, hostAllowed, parseHost } from '../../src/http/hosts.ts';
import { findPackageRoot } from '../../src/http/packageRoot.ts';
import { appFor, closeWorld, openWorld, postForm, seedSmallOrganisation, type World } from '../support/webApp.ts';

const POLICY =
  "default-src 'self';script-src 'self';style-src 'self';img-src 'self' data:;connect-src 'self';form-action 'self';base-uri 'none';object-src 'none';frame-ancestors 'none'";

describe('security headers', () => {
  let world: World;
  let app: FastifyInstance;
  let tlsApp: FastifyInstance;

  beforeAll(async () => {
    world = openWorld();
    await seedSmallOrganisation(world);
    app = await appFor(world);
    tlsApp = await appFor(world, { tls: true });
  });

  afterAll(async () => {
    await app.close();
    await tlsApp.close();
    await closeWorld(world);
  });

  it.each(['/', '/teams/pay', '/assets/uptake.css', '/vendor/htmx/htmx.min.js', '/healthz', '/api/v1/openapi.json', '/no-such-page'])(
    '%s carries the policy that allows only our own scripts, styles and sockets, and cannot be framed',
    async (url) => {
      const res = await app.inject(url);
      expect(res.headers['content-security-policy']).toBe(POLICY);
      expect(res.headers['x-frame-options']).toBe('DENY');
      expect(res.headers['x-content-type-options']).toBe('nosniff');
      expect(res.headers['referrer-policy']).toBe('same-origin');
      // Plain HTTP: no HSTS, and no upgrading of requests to an HTTPS nobody serves.
      expect(res.headers['strict-transport-security']).toBeUndefined();
    },
  );

  it('sends HSTS and upgrades insecure requests only when TLS is terminated in front', async () => {
    const res = await tlsApp.inject('/');
    expect(res.headers['strict-transport-security']).toBe('max-age=31536000');
    expect(res.headers['content-security-policy']).toBe(`${POLICY};upgrade-insecure-requests`);
  });

  it('a form answered with a 422 carries them too', async () => {
    const res = await postForm(app, '/cycles', { key: randomUUID(), name: '' });
    expect(res.statusCode).toBe(422);
    expect(res.headers['content-security-policy']).toBe(POLICY);
  });

  it('no template writes an inline style or script, nor an event-handler attribute', () => {
    const root = join(findPackageRoot(), 'views');
    const templates = ['layouts', 'pages', 'partials'].flatMap((dir) =>
      readdirSync(join(root, dir)).map((file) => ({ file: `${dir}/${file}`, text: readFileSync(join(root, dir, file), 'utf8') })),
    );
    expect(templates.length).toBeGreaterThan(20);
    const offending = templates.filter(({ text }) => /\sstyle=|<style|<script(?![^>]*\ssrc=)|\son[a-z]+=|hx-on/i.test(text));
    expect(offending.map((t) => t.file)).toEqual([]);
  });
});

describe('Host allow-list', () => {
  let world: World;
  let app: FastifyInstance;
  let named: FastifyInstance;

  beforeAll(async () => {
    world = openWorld();
    await seedSmallOrganisation(world);
    app = await appFor(world);
    await world.runner.start();
    named = await appFor(world, { allowedHosts: [parseHost('uptake.example.org')!, parseHost('10.0.0.5:3000')!] }, null);
  });

  afterAll(async () => {
    await app.close();
    await named.close();
    await closeWorld(world);
  });

  it.each(['localhost', 'localhost:80', 'LOCALHOST:3000', '127.0.0.1:3000', '[::1]:3000'])('by default answers for %s', async (host) => {
    expect((await app.inject({ url: '/healthz', headers: { host } })).statusCode).toBe(200);
  });

  it.each(['evil.example', 'evil.example:80', 'localhost.evil.example', '192.168.1.20:3000'])(
    'refuses Host "%s" with 421 and a short plain message, before any handler',
    async (host) => {
      const res = await app.inject({ url: '/', headers: { host } });
      expect(res.statusCode).toBe(421);
      expect(res.headers['content-type']).toBe('text/plain; charset=utf-8');
      expect(res.headers['x-content-type-options']).toBe('nosniff');
      expect(res.body).toBe('This server does not answer for that Host. Its names are set by UPTAKE_ALLOWED_HOSTS.\n');
    },
  );

  it('refuses a write for another Host before it is recorded; the same write for our own is', async () => {
    const before = await world.store.headPosition();
    const openCycle = (host: string) =>
      app.inject({
        method: 'POST',
        url: '/cycles',
        headers: { host, 'content-type': 'application/x-www-form-urlencoded' },
        payload: new URLSearchParams({
          key: randomUUID(),
          name: '2027-Q1',
          startsOn: '2027-01-01',
          endsOn: '2027-03-31',
          checkInCadenceDays: '14',
        }).toString(),
      });
    expect((await openCycle('rebound.example')).statusCode).toBe(421);
    expect(await world.store.headPosition()).toBe(before);
    expect((await openCycle('localhost:80')).statusCode).toBe(303);
    expect(await world.store.headPosition()).toBeGreaterThan(before);
  });

  it('with a list, answers for exactly its names, and a name given with a port only on that port', async () => {
    const status = async (host: string) => (await named.inject({ url: '/healthz', headers: { host } })).statusCode;
    expect(await status('uptake.example.org')).toBe(200);
    expect(await status('uptake.example.org:8443')).toBe(200);
    expect(await status('10.0.0.5:3000')).toBe(200);
    expect(await status('10.0.0.5:3001')).toBe(421);
    expect(await status('10.0.0.5')).toBe(421);
    expect(await status('localhost')).toBe(421);
  });

  it('adds the address it listens on to the default, unless that is every interface', () => {
    expect(defaultAllowedHosts('10.0.0.5').map((h) => h.name)).toEqual(['localhost', '127.0.0.1', '[::1]', '10.0.0.5']);
    expect(defaultAllowedHosts('0.0.0.0')).toEqual(defaultAllowedHosts());
    expect(defaultAllowedHosts('::')).toEqual(defaultAllowedHosts());
    expect(hostAllowed(defaultAllowedHosts('fd00::5'), '[fd00::5]:3000')).toBe(true);
  });
});

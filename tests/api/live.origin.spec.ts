/**
 * A live socket opened by a page of another origin gets nothing, even when the browser sends the
 * visitor's session cookie with it (it does for a same-site origin: another port on the same
 * host, a sibling subdomain). Fails until the live route checks `Origin` (issue 7, item 4).
 */
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { appFor, closeWorld, openWorld, seedSmallOrganisation, type World } from '../support/webApp.ts';

let world: World;
let app: FastifyInstance;

beforeAll(async () => {
  world = openWorld();
  await seedSmallOrganisation(world);
  app = await appFor(world);
  await app.ready();
});
afterAll(async () => {
  await app.close();
  await closeWorld(world);
});

/** The first thing the socket says: a message, its closing, or nothing within a second. */
async function firstWord(origin: string): Promise<string> {
  let socket: Awaited<ReturnType<FastifyInstance['injectWS']>>;
  try {
    socket = await app.injectWS('/live?page=/heatmap', { headers: { origin } });
  } catch (error) {
    return `refused: ${(error as Error).message}`;
  }
  const word = await new Promise<string>((resolve) => {
    socket.on('message', () => resolve('a message'));
    socket.on('close', (code: number) => resolve(`closed ${code}`));
    setTimeout(() => resolve('silence'), 1000);
  });
  socket.terminate();
  return word;
}

it('from the app’s own origin, the page’s live regions arrive', async () => {
  expect(await firstWord('http://localhost:80')).toBe('a message');
});

it.each(['http://evil.example', 'http://localhost:3000', 'null'])('from %s, nothing arrives', async (origin) => {
  expect(await firstWord(origin)).not.toBe('a message');
});

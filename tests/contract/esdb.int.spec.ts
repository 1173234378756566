/**
 * The event-store contract against EventStoreDB: the server at EVENTSTORE_URL, or else a
 * throwaway container when a container runtime answers. Without either the suite is skipped,
 * and says why.
 */
import { createServer, type Server, type Socket } from 'node:net';
import { GenericContainer, getContainerRuntimeClient, Wait, type StartedTestContainer } from 'testcontainers';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { connectEventStoreDb, EventStoreUnavailableError } from '../../infra/eventstoredb/esdbEventStore.ts';
import { eventStoreContract } from './eventStore.contract.ts';

/** The image docker-compose.yml runs; insecure single node as in testcontainers' own Kurrent module. */
const IMAGE = 'eventstore/eventstore:24.10';
const PORT = 2113;

type Target = { kind: 'url'; url: string } | { kind: 'container' } | { kind: 'skip'; reason: string };

async function findTarget(): Promise<Target> {
  const url = process.env.EVENTSTORE_URL;
  if (url) return { kind: 'url', url };
  try {
    await getContainerRuntimeClient();
    return { kind: 'container' };
  } catch (error) {
    return { kind: 'skip', reason: (error as Error).message };
  }
}

const target = await findTarget();
if (target.kind === 'skip') {
  console.warn(`EventStoreDB contract suite skipped: EVENTSTORE_URL not set and no container runtime (${target.reason})`);
}

describe.skipIf(target.kind === 'skip')(`EventStoreDB (${target.kind === 'url' ? 'EVENTSTORE_URL' : IMAGE})`, () => {
  let container: StartedTestContainer | undefined;
  let url = target.kind === 'url' ? target.url : '';

  beforeAll(async () => {
    if (target.kind !== 'container') return;
    container = await new GenericContainer(IMAGE)
      .withEnvironment({ EVENTSTORE_CLUSTER_SIZE: '1', EVENTSTORE_INSECURE: 'true', EVENTSTORE_MEM_DB: 'true' })
      .withExposedPorts(PORT)
      .withWaitStrategy(Wait.forHealthCheck())
      .withStartupTimeout(120_000)
      .start();
    url = `esdb://${container.getHost()}:${container.getMappedPort(PORT)}?tls=false`;
  });

  afterAll(async () => {
    await container?.stop();
  });

  eventStoreContract('EventStoreDB', async (options) => {
    const store = await connectEventStoreDb(url, { timeoutMs: 10_000, ...options });
    return { store, cleanup: () => store.close() };
  });
});

describe('connectEventStoreDb when nothing usable answers', () => {
  const servers: Server[] = [];
  const sockets: Socket[] = [];

  /** A TCP port that accepts connections and never speaks: what the ESDB client hangs on. */
  async function silentPort(): Promise<number> {
    const server = createServer((socket) => void sockets.push(socket));
    servers.push(server);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return (server.address() as { port: number }).port;
  }

  async function closedPort(): Promise<number> {
    const port = await silentPort();
    await new Promise((resolve) => servers.pop()!.close(resolve));
    return port;
  }

  afterEach(async () => {
    for (const socket of sockets.splice(0)) socket.destroy();
    for (const server of servers.splice(0)) await new Promise((resolve) => server.close(resolve));
  });

  it('fails with a clear message when no server listens', async () => {
    const url = `esdb://127.0.0.1:${await closedPort()}?tls=false`;
    const error = await connectEventStoreDb(url, { timeoutMs: 10_000 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(EventStoreUnavailableError);
    expect((error as Error).message).toMatch(/^EventStoreDB at esdb:\/\/127\.0\.0\.1:\d+\?tls=false (cannot be reached|did not answer)/);
  });

  it('gives up after its timeout against a port that is not EventStoreDB', async () => {
    const url = `esdb://127.0.0.1:${await silentPort()}?tls=false`;
    const error = await connectEventStoreDb(url, { timeoutMs: 300 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(EventStoreUnavailableError);
    expect((error as Error).message).toMatch(/did not answer within 300 ms/);
  });

  it('keeps credentials out of the message', async () => {
    const url = `esdb://admin:changeit@127.0.0.1:${await silentPort()}?tls=false`;
    const error = await connectEventStoreDb(url, { timeoutMs: 300 }).catch((e: unknown) => e);
    expect((error as Error).message).toContain('esdb://***@127.0.0.1');
    expect((error as Error).message).not.toContain('changeit');
  });

  it('rejects a malformed connection string', async () => {
    await expect(connectEventStoreDb('http://localhost:2113')).rejects.toThrow(/invalid connection string/);
  });
});

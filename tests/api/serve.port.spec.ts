import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';

const dir = mkdtempSync(join(tmpdir(), 'uptake-serve-'));
const holder = createServer();
afterAll(() => {
  holder.close();
  rmSync(dir, { recursive: true, force: true });
});

it('serve on a port already taken fails with one clear line before writing anything', { timeout: 60_000 }, async () => {
  await new Promise<void>((resolve) => holder.listen({ port: 0, host: '127.0.0.1' }, resolve));
  const { port } = holder.address() as AddressInfo;
  const file = join(dir, 'uptake.db');
  const { EVENTSTORE_URL: _esdb, KAFKA_BROKERS: _kafka, ...env } = process.env;
  const child = spawn('npx', ['tsx', 'src/main.ts', 'serve'], {
    env: { ...env, PORT: String(port), HOST: '127.0.0.1', UPTAKE_DB: file, LOG_LEVEL: 'silent' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));

  expect(code).toBe(1);
  expect(stderr.trim()).toMatch(/^uptake: port already in use \(.*\); set PORT to a free port$/);
  expect(existsSync(file)).toBe(false); // not even opened, let alone seeded
});

import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { openDatabase } from '../../infra/sqlite/database.ts';
import { SqliteIntegrationTokens } from '../../projections/integrations.ts';
import { tokenHash } from '../../src/integration/tokens.ts';

const dir = mkdtempSync(join(tmpdir(), 'uptake-token-'));
const file = join(dir, 'uptake.db');
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function uptake(...args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const { EVENTSTORE_URL: _esdb, KAFKA_BROKERS: _kafka, ...env } = process.env;
  const child = spawn('npx', ['tsx', 'src/main.ts', ...args], {
    env: { ...env, UPTAKE_DB: file, LOG_LEVEL: 'silent' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
  return { code, stdout, stderr };
}

it('token create prints the token once and stores only its hash; revoke marks it revoked', { timeout: 90_000 }, async () => {
  const created = await uptake('token', 'create', '--source', 'urn:okr-tool', '--name', 'OKR tool');
  expect(created.code, created.stderr).toBe(0);
  const [, tokenId] = /^token (\S+) for source urn:okr-tool/.exec(created.stdout) ?? [];
  const token = created.stdout.trim().split('\n').at(-1)!;
  expect(token).toMatch(/^upt_[A-Za-z0-9_-]{43}$/);

  const listed = await uptake('token', 'list');
  expect(listed.stdout).toContain(`${tokenId}  urn:okr-tool  "OKR tool"`);
  expect(listed.stdout).toContain('active');
  expect(listed.stdout).not.toContain(token);

  const revoked = await uptake('token', 'revoke', tokenId!);
  expect(revoked.code, revoked.stderr).toBe(0);
  expect((await uptake('token', 'list')).stdout).toMatch(/revoked \d{4}-/);

  const db = openDatabase(file);
  const stored = new SqliteIntegrationTokens(db).byHash(tokenHash(token));
  db.close();
  expect(stored).toMatchObject({ tokenId, source: 'urn:okr-tool', revokedAt: expect.any(String) });

  const unknown = await uptake('token', 'revoke', 'nope');
  expect(unknown.code).toBe(1);
  expect(unknown.stderr.trim()).toBe('uptake: tokenId: no integration token has the id "nope"');
});

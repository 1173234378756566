import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { openDatabase } from '../../infra/sqlite/database.ts';
import { SqliteAccounts } from '../../projections/accounts.ts';
import { verifyPassword } from '../../src/access/password.ts';

const dir = mkdtempSync(join(tmpdir(), 'uptake-user-'));
const file = join(dir, 'uptake.db');
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function uptake(args: string[], extraEnv: Record<string, string> = {}) {
  const { EVENTSTORE_URL: _esdb, KAFKA_BROKERS: _kafka, UPTAKE_NEW_PASSWORD: _password, ...env } = process.env;
  const child = spawn('npx', ['tsx', 'src/main.ts', ...args], {
    env: { ...env, UPTAKE_DB: file, LOG_LEVEL: 'silent', ...extraEnv },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
  return { code, stdout, stderr };
}

/** The account as the read model has it, with its hash (the CLI has caught it up). */
function stored(email: string) {
  const db = openDatabase(file);
  try {
    return new SqliteAccounts(db).credentialsOf(email);
  } finally {
    db.close();
  }
}

it('user add opens the first admin with a password printed once; list, deactivate, reactivate and password follow', {
  timeout: 180_000,
}, async () => {
  const added = await uptake(['user', 'add', '--email', 'root@test.example', '--name', 'Rita Root', '--role', 'admin']);
  expect(added.code, added.stderr).toBe(0);
  const [, password] = /password \(shown once; they change it under Your account\): (\S+)$/m.exec(added.stdout) ?? [];
  expect(password).toMatch(/^[A-Za-z0-9_-]{24}$/);
  const root = stored('root@test.example');
  expect(root?.account).toMatchObject({ name: 'Rita Root', role: 'admin', coachId: null, active: true });
  expect(await verifyPassword(password!, root!.passwordHash!)).toBe(true);

  const scripted = await uptake(['user', 'add', '--email', 'lee@test.example', '--name', 'Lee Leader', '--role', 'leader'], {
    UPTAKE_NEW_PASSWORD: 'a scripted password',
  });
  expect(scripted.code, scripted.stderr).toBe(0);
  expect(scripted.stdout).toContain('password: UPTAKE_NEW_PASSWORD');
  expect(scripted.stdout).not.toContain('a scripted password');
  expect(await verifyPassword('a scripted password', stored('lee@test.example')!.passwordHash!)).toBe(true);

  const listed = await uptake(['user', 'list']);
  expect(listed.stdout).toMatch(/^lee@test\.example {2}leader {2}- {2}"Lee Leader" {2}active {2}opened \d{4}-/m);
  expect(listed.stdout).toMatch(/^root@test\.example {2}admin {2}- {2}"Rita Root" {2}active/m);
  expect(listed.stdout).not.toContain(password);

  // The rules hold on the CLI too, each as one line and exit code 1.
  const refusals: [string[], Record<string, string>, string][] = [
    [
      ['user', 'deactivate', 'root@test.example'],
      {},
      'uptake: accountId: Rita Root is the only active admin: deactivating it would leave nobody to manage people',
    ],
    [['user', 'deactivate', 'nobody@test.example'], {}, 'uptake: no account signs in as nobody@test.example'],
    [['user', 'password', 'nobody@test.example'], {}, 'uptake: no account signs in as nobody@test.example'],
    [
      ['user', 'add', '--email', 'LEE@test.example', '--name', 'Lee Again', '--role', 'leader'],
      {},
      'uptake: email: Another account already signs in as LEE@test.example',
    ],
    [
      ['user', 'add', '--email', 'ada@test.example', '--name', 'Ada', '--role', 'coach', '--coach', 'coach-nobody'],
      {},
      'uptake: coachId: must be a registered coach (none has the id "coach-nobody")',
    ],
    [
      ['user', 'add', '--email', 'short@test.example', '--name', 'Shorty', '--role', 'leader'],
      { UPTAKE_NEW_PASSWORD: 'short' },
      'uptake: invalid configuration:\n  UPTAKE_NEW_PASSWORD=(hidden): must be at least 12 characters',
    ],
  ];
  for (const [args, env, line] of refusals) {
    const refused = await uptake(args, env);
    expect(refused.code, args.join(' ')).toBe(1);
    expect(refused.stderr.trim()).toBe(line);
  }
  const badRole = await uptake(['user', 'add', '--email', 'x@test.example', '--name', 'Xena', '--role', 'root']);
  expect(badRole.code).toBe(1);
  expect(badRole.stderr).toContain('--role must be one of admin, coach, leader');
  expect(stored('short@test.example')).toBeUndefined();
  expect(stored('x@test.example')).toBeUndefined();

  const deactivated = await uptake(['user', 'deactivate', 'lee@test.example']);
  expect(deactivated.code, deactivated.stderr).toBe(0);
  expect(stored('lee@test.example')?.account.active).toBe(false);
  expect((await uptake(['user', 'list'])).stdout).toMatch(/^lee@test\.example .* deactivated/m);
  expect((await uptake(['user', 'reactivate', 'lee@test.example'])).code).toBe(0);
  expect(stored('lee@test.example')?.account.active).toBe(true);

  const reset = await uptake(['user', 'password', 'lee@test.example']);
  expect(reset.code, reset.stderr).toBe(0);
  const [, fresh] = /: (\S+)$/m.exec(reset.stdout) ?? [];
  const after = stored('lee@test.example')!;
  expect(await verifyPassword(fresh!, after.passwordHash!)).toBe(true);
  expect(await verifyPassword('a scripted password', after.passwordHash!)).toBe(false);
});

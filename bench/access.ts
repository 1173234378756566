/**
 * The ways into a served bench file, made as an operator makes them: an admin account opened
 * and given a password through the account handlers, an integration token granted through the
 * integration handlers (both as the CLI, the `system` actor), the read models caught up so the
 * server finds them. Then signing in over HTTP as a browser does.
 */
import { randomBytes } from 'node:crypto';
import { ProjectionRunner, readModels, SqliteDirectory } from '../projections/index.ts';
import { openAccount, setPassword } from '../src/access/handlers.ts';
import { grantIntegrationToken } from '../src/integration/handlers.ts';
import { mintToken } from '../src/integration/tokens.ts';
import type { CommandContext } from '../src/shared/commandHandler.ts';
import { openStore } from './sqlite.ts';

export const BENCH_ADMIN = { accountId: 'bench-admin', email: 'bench@uptake.example', name: 'Bench Admin' } as const;

export interface Credentials {
  email: string;
  password: string;
}

const asCli = (): CommandContext => ({ actor: { kind: 'system', id: 'cli' }, source: 'cli', now: new Date() });

/** Opens the bench's admin account in `file` with a fresh password. */
export async function openBenchAccount(file: string): Promise<Credentials> {
  const password = randomBytes(18).toString('base64url');
  await withCaughtUp(file, async ({ store, directory }) => {
    await openAccount({ store, directory }, { type: 'OpenAccount', data: { ...BENCH_ADMIN, role: 'admin', coachId: null } }, asCli());
    await setPassword({ store }, { accountId: BENCH_ADMIN.accountId, password }, asCli());
  });
  return { email: BENCH_ADMIN.email, password };
}

/** Grants an integration token for `source` in `file`; returns the token itself (shown once, as `uptake token create` does). */
export async function grantBenchToken(file: string, source: string): Promise<string> {
  const { tokenId, token, hash } = mintToken();
  await withCaughtUp(file, ({ store }) =>
    grantIntegrationToken({ store }, { type: 'GrantIntegrationToken', data: { tokenId, source, name: 'bench', hash } }, asCli()),
  );
  return token;
}

async function withCaughtUp(
  file: string,
  work: (deps: { store: ReturnType<typeof openStore>['store']; directory: SqliteDirectory }) => Promise<unknown>,
): Promise<void> {
  const { db, store, close } = openStore(file);
  const runner = new ProjectionRunner(db, store, readModels);
  try {
    await runner.catchUp();
    await work({ store, directory: new SqliteDirectory(db) });
    await runner.catchUp();
  } finally {
    await runner.stop();
    await close();
  }
}

/** A signed-in browser: its session cookie and the CSRF token its pages carry. */
export interface Session {
  cookie: string;
  csrfToken: string;
}

const cookiesOf = (response: Response) =>
  response.headers
    .getSetCookie()
    .map((c) => c.split(';')[0]!)
    .join('; ');
const csrfOf = (html: string) => /name="(?:_csrf|csrf-token)" (?:value|content)="([^"]+)"/.exec(html)?.[1];

/** GET /signin for its CSRF field and cookie, POST /signin (303), then the CSRF token off a signed-in page. */
export async function signIn(base: string, { email, password }: Credentials): Promise<Session> {
  const form = await fetch(`${base}/signin`);
  const field = csrfOf(await form.text());
  if (form.status !== 200 || field === undefined) throw new Error(`GET /signin answered ${form.status} without a CSRF field`);
  const answer = await fetch(`${base}/signin`, {
    method: 'POST',
    headers: { cookie: cookiesOf(form), origin: base, 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ email, password, _csrf: field }),
    redirect: 'manual',
  });
  const cookie = cookiesOf(answer);
  if (answer.status !== 303 || cookie === '') throw new Error(`sign-in answered ${answer.status}: ${(await answer.text()).slice(0, 300)}`);
  const page = await fetch(`${base}/account`, { headers: { cookie } });
  const csrfToken = csrfOf(await page.text());
  if (page.status !== 200 || csrfToken === undefined) throw new Error(`GET /account answered ${page.status} without a CSRF token`);
  return { cookie, csrfToken };
}

/** What only a signed-in page shows: the layout's sign-out form. */
export const SIGNED_IN_MARKER = 'action="/signout"';

/**
 * The web app over real components, for the API and browser specs: a SQLite file in a temp
 * folder, the SQLite event store, the projection runner, the heatmap queries and the directory.
 * Events are appended as the application would store them; the projections catch up.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type Database from 'better-sqlite3';
import type { FastifyInstance, InjectOptions, LightMyRequestResponse } from 'fastify';
import { SqliteConsumerLedger } from '../../infra/sqlite/consumerLedger.ts';
import { openDatabase, sqliteUnitOfWork } from '../../infra/sqlite/database.ts';
import { SqliteEventStore } from '../../infra/sqlite/sqliteEventStore.ts';
import { SqliteAlignmentQueries } from '../../projections/alignment/queries.ts';
import { SqliteCoachWeekQueries } from '../../projections/coachWeek/queries.ts';
import { SqliteDigestQueries } from '../../projections/digest/queries.ts';
import {
  readModels,
  SqliteDirectory,
  SqliteHeatmapQueries,
  SqliteRevisions,
  SqliteTimelineQueries,
  waitForWrite,
} from '../../projections/index.ts';
import { SqliteNames } from '../../projections/org/names.ts';
import { SqliteOrgQueries } from '../../projections/org/queries.ts';
import { SqliteReferences } from '../../projections/org/references.ts';
import { SqliteIntegrationTokens } from '../../projections/integrations.ts';
import { SqliteAccounts } from '../../projections/accounts.ts';
import { SqliteSessionStore } from '../../infra/sqlite/sessionStore.ts';
import { SqliteRuleCheckpoint } from '../../infra/sqlite/ruleCheckpoint.ts';
import { hashPassword } from '../../src/access/password.ts';
import { grantIntegrationToken } from '../../src/integration/handlers.ts';
import { mintToken } from '../../src/integration/tokens.ts';
import type { CommandContext } from '../../src/shared/commandHandler.ts';
import { SqliteResistanceQueries } from '../../projections/resistance/queries.ts';
import { SqliteSaturationQueries } from '../../projections/saturation/queries.ts';
import { SqliteStakeholderQueries } from '../../projections/stakeholders/queries.ts';
import { ProjectionRunner } from '../../projections/runner.ts';
import { validateNewEvent, type UptakeEvent } from '../../src/events.ts';
import { buildApp, type AppDeps } from '../../src/http/app.ts';
import { seed } from '../../src/seed/seed.ts';
import { type RuleProcess, startRules } from '../../src/rules/processManager.ts';
import { defaultRuleSettings } from '../../src/rules/settings.ts';
import { healthOf } from '../../src/http/health.ts';
import { withMetadata } from '../../src/shared/commandHandler.ts';
import type { Actor } from '../../src/shared/event.ts';
import { streamName, type Category } from '../../src/shared/streams.ts';

/** The business day every web spec runs on, inside the demo cycle. */
export const TODAY = '2026-11-25';
export const CYCLE = '2026-q4';

export interface World {
  dir: string;
  db: Database.Database;
  store: SqliteEventStore;
  runner: ProjectionRunner;
  queries: SqliteHeatmapQueries;
}

export function openWorld(): World {
  const dir = mkdtempSync(join(tmpdir(), 'uptake-web-'));
  const db = openDatabase(join(dir, 'uptake.db'));
  const store = new SqliteEventStore(db, { validate: validateNewEvent });
  return { dir, db, store, runner: new ProjectionRunner(db, store, readModels), queries: new SqliteHeatmapQueries(db) };
}

export async function closeWorld(world: World): Promise<void> {
  await world.runner.stop();
  world.db.close();
  rmSync(world.dir, { recursive: true, force: true });
}

/** Appends one event to its stream as a coach using the UI would, on the given business day. */
export async function given(world: World, category: Category, id: string, on: string, event: UptakeEvent): Promise<void> {
  await append(world, category, id, on, event, { kind: 'user', id: 'coach-ada' }, 'ui');
}

async function append(world: World, category: Category, id: string, on: string, event: UptakeEvent, actor: Actor, source: string) {
  const [stored] = withMetadata([event], { actor, source, occurredAt: `${on}T09:00:00.000Z`, now: new Date(`${on}T09:00:01.000Z`) });
  await world.store.appendToStream(streamName(category, id), [stored!], 'any');
}

/**
 * Cycle 2026-Q4; Engineering with Platform under it, and R&D <Labs>; Payments (in Platform,
 * trained, OKRs published, three check-ins) and Search & <Discovery> (in Engineering); one open
 * resistance signal in Engineering. Names carry markup to prove the pages escape it.
 */
export async function seedSmallOrganisation(world: World): Promise<void> {
  await given(world, 'cycle', CYCLE, '2026-09-20', {
    type: 'CycleOpened',
    data: { cycleId: CYCLE, name: '2026-Q4', startsOn: '2026-10-01', endsOn: '2026-12-31', checkInCadenceDays: 14 },
  });
  await given(world, 'area', 'eng', '2026-09-20', {
    type: 'AreaRegistered',
    data: { areaId: 'eng', code: 'ENG', name: 'Engineering', parentAreaId: null },
  });
  await given(world, 'area', 'plat', '2026-09-20', {
    type: 'AreaRegistered',
    data: { areaId: 'plat', code: 'PLAT', name: 'Platform', parentAreaId: 'eng' },
  });
  await given(world, 'area', 'rnd', '2026-09-20', {
    type: 'AreaRegistered',
    data: { areaId: 'rnd', code: 'RND', name: 'R&D <Labs>', parentAreaId: null },
  });
  await given(world, 'team', 'pay', '2026-09-21', {
    type: 'TeamRegistered',
    data: { teamId: 'pay', key: 'PAY', name: 'Payments', areaId: 'plat', size: 8 },
  });
  await given(world, 'team', 'srch', '2026-09-21', {
    type: 'TeamRegistered',
    data: { teamId: 'srch', key: 'SRCH', name: 'Search & <Discovery>', areaId: 'eng', size: 4 },
  });
  await given(world, 'team', 'pay', '2026-09-25', {
    type: 'TrainingCompleted',
    data: { teamId: 'pay', kind: 'okr-basics', participants: 8, completedOn: '2026-09-25' },
  });
  await given(world, 'team', 'pay', '2026-10-03', {
    type: 'OkrsDrafted',
    data: { teamId: 'pay', cycleId: CYCLE, objectives: 2, keyResults: 6, draftedOn: '2026-10-03' },
  });
  await given(world, 'team', 'pay', '2026-10-06', {
    type: 'OkrsPublished',
    data: { teamId: 'pay', cycleId: CYCLE, publishedOn: '2026-10-06' },
  });
  for (const heldOn of ['2026-10-15', '2026-10-29', '2026-11-12']) {
    await given(world, 'team', 'pay', heldOn, {
      type: 'CheckInHeld',
      data: { teamId: 'pay', cycleId: CYCLE, heldOn, attendance: 0.9, confidence: 0.7 },
    });
  }
  await given(world, 'signal', 'sig-1', '2026-11-02', {
    type: 'ResistanceSignalRaised',
    data: {
      signalId: 'sig-1',
      areaId: 'eng',
      teamId: 'srch',
      kind: 'no-time',
      severity: 4,
      description: 'Search skips check-ins during the release crunch',
      source: 'observed',
      raisedOn: '2026-11-02',
    },
  });
  await world.runner.catchUp();
}

/**
 * The app over the world, on TODAY. Writes wait for the real runner: call `world.runner.start()`
 * first in specs that post forms.
 */
export async function appFor(world: World, overrides: Partial<AppDeps> = {}, as: TestRole | null = 'admin'): Promise<FastifyInstance> {
  const app = await buildApp({
    accounts: new SqliteAccounts(world.db),
    sessions: new SqliteSessionStore(world.db),
    sessionSecret: 'a test secret that is long enough to sign cookies',
    signInLimits: { perAccount: 1000, perAddress: 1000 },
    queries: world.queries,
    timeline: new SqliteTimelineQueries(world.db),
    org: new SqliteOrgQueries(world.db),
    resistance: new SqliteResistanceQueries(world.db),
    saturation: new SqliteSaturationQueries(world.db),
    stakeholders: new SqliteStakeholderQueries(world.db),
    coachWeek: new SqliteCoachWeekQueries(world.db, world.queries),
    digest: new SqliteDigestQueries(world.db),
    alignment: new SqliteAlignmentQueries(world.db),
    store: world.store,
    names: new SqliteNames(world.db),
    revisions: new SqliteRevisions(world.db),
    health: healthOf(world.store, world.runner),
    today: () => TODAY,
    now: () => new Date(`${TODAY}T10:00:00.000Z`),
    application: { store: world.store, directory: new SqliteDirectory(world.db) },
    references: new SqliteReferences(world.db),
    ingestUnitOfWork: sqliteUnitOfWork(world.db),
    integrationTokens: new SqliteIntegrationTokens(world.db),
    deadLetters: new SqliteConsumerLedger(world.db, 'uptake', () => new Date(`${TODAY}T10:00:00.000Z`)),
    waitFor: waitForWrite(world.runner, world.queries),
    ...overrides,
  });
  if (as !== null) signInEveryRequest(app, await signIn(app, world, as));
  return app;
}

/** The accounts every web spec can sign in as; the coach is Ada, who coaches Platform (and nothing above it). */
export const TEST_ACCOUNTS = {
  admin: { accountId: 'acct-admin', email: 'admin@test.example', name: 'Ann Admin', role: 'admin', coachId: null },
  coach: { accountId: 'acct-ada', email: 'ada@test.example', name: 'Ada Coach', role: 'coach', coachId: 'coach-ada' },
  leader: { accountId: 'acct-lee', email: 'lee@test.example', name: 'Lee Leader', role: 'leader', coachId: null },
} as const;
export type TestRole = keyof typeof TEST_ACCOUNTS;
export const TEST_PASSWORD = 'correct horse battery staple';

let testHash: Promise<string> | undefined;

/** Who sets up the test accounts: Uptake's command line, as for a real store's first admin. */
const CLI: Actor = { kind: 'system', id: 'cli' };

/**
 * Opens a test account in the world, once, with TEST_PASSWORD (hashed once per process), from the
 * command line on TODAY. The coach is Ada, registered as a coach and assigned to Platform when
 * the world has it; she is opened only when a spec signs in as her, so other specs' organisation
 * stays as they built it.
 */
export async function openTestAccount(world: World, as: TestRole): Promise<void> {
  const account = TEST_ACCOUNTS[as];
  if (new SqliteAccounts(world.db).byId(account.accountId) !== undefined) return;
  testHash ??= hashPassword(TEST_PASSWORD);
  const hash = await testHash;
  const setUp = (category: Category, id: string, event: UptakeEvent) => append(world, category, id, TODAY, event, CLI, 'cli');
  if (as === 'coach') {
    await setUp('coach', 'coach-ada', {
      type: 'CoachRegistered',
      data: { coachId: 'coach-ada', name: 'Ada Lovelace', email: 'ada.coach@test.example' },
    });
    if (new SqliteOrgQueries(world.db).areas().some((a) => a.areaId === 'plat')) {
      await setUp('area', 'plat', { type: 'CoachAssignedToArea', data: { areaId: 'plat', coachId: 'coach-ada' } });
    }
  }
  await setUp('account', account.accountId, { type: 'AccountOpened', data: account });
  await setUp('account', account.accountId, { type: 'PasswordSet', data: { accountId: account.accountId, hash } });
  await world.runner.catchUp();
}

/** A signed-in browser's credentials: its session cookie and the CSRF token its pages carry. */
export interface Session {
  cookie: string;
  csrfToken: string;
}

const cookieOf = (res: { cookies: { name: string; value: string }[] }) => res.cookies.map((c) => `${c.name}=${c.value}`).join('; ');
const csrfOf = (html: string) => /name="(?:_csrf|csrf-token)" (?:value|content)="([^"]+)"/.exec(html)?.[1];

/** Signs in through the sign-in form, as a browser would, and reads the CSRF token off a page. */
export async function signIn(app: FastifyInstance, world: World, as: TestRole): Promise<Session> {
  await openTestAccount(world, as);
  // As a browser behind a TLS proxy would arrive (ignored unless the app is told TLS is in front).
  const form = await app.inject({ url: '/signin', headers: { cookie: '', 'x-forwarded-proto': 'https' } });
  const anonymous = cookieOf(form);
  const signedIn = await app.inject({
    method: 'POST',
    url: '/signin',
    headers: { cookie: anonymous, 'content-type': 'application/x-www-form-urlencoded', 'x-forwarded-proto': 'https' },
    payload: new URLSearchParams({ email: TEST_ACCOUNTS[as].email, password: TEST_PASSWORD, _csrf: csrfOf(form.body) ?? '' }).toString(),
  });
  if (signedIn.statusCode !== 303) throw new Error(`sign-in as ${as} failed: ${signedIn.statusCode} ${signedIn.body.slice(0, 300)}`);
  const cookie = cookieOf(signedIn);
  const page = await app.inject({ url: '/account', headers: { cookie } });
  const csrfToken = csrfOf(page.body);
  if (csrfToken === undefined) throw new Error(`no CSRF token on the account page of ${as}`);
  return { cookie, csrfToken };
}

/**
 * Every `app.inject` and `app.injectWS` of a spec then comes from this session, CSRF token
 * included, unless the request names its own cookie: specs about access send theirs. A socket
 * also comes from the app's own page (host and origin), unless the spec says otherwise.
 */
export function signInEveryRequest(app: FastifyInstance, session: Session): void {
  type Headers = NonNullable<InjectOptions['headers']>;
  const withSession = (headers: Headers = {}): Headers =>
    'cookie' in headers ? headers : { cookie: session.cookie, 'x-csrf-token': session.csrfToken, ...headers };
  const inject = app.inject.bind(app) as (options: InjectOptions) => Promise<LightMyRequestResponse>;
  app.inject = ((options: string | InjectOptions) =>
    inject(
      typeof options === 'string' ? { url: options, headers: withSession() } : { ...options, headers: withSession(options.headers) },
    )) as unknown as typeof app.inject;
  const injectWS = app.injectWS.bind(app);
  app.injectWS = ((path, context) =>
    injectWS(path, {
      ...context,
      // As the app's own page opens it (its host and origin), unless the spec names a host.
      headers: {
        ...(context?.headers?.host === undefined && { host: 'localhost:80', origin: 'http://localhost:80' }),
        ...withSession(context?.headers as Headers),
      } as Record<string, string>,
    })) as typeof app.injectWS;
}

/** The demo organisation `npm start` seeds (seed 42, as of TODAY), read models caught up: what the screenshots show. */
export async function openDemoWorld(): Promise<World> {
  const world = openWorld();
  await seed(
    { store: world.store, unitOfWork: sqliteUnitOfWork(world.db) },
    { seed: 42, scale: 1, today: TODAY, now: new Date(`${TODAY}T18:00:00.000Z`) },
  );
  await world.runner.catchUp();
  return world;
}

/** A form POST as a browser without JavaScript sends it; extra headers (`hx-request`) make it an htmx one. */
export const postForm = (app: FastifyInstance, url: string, fields: Record<string, string>, headers: Record<string, string> = {}) =>
  app.inject({
    method: 'POST',
    url,
    payload: new URLSearchParams(fields).toString(),
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
  });

/** The world's store with every read refused: a page rendered over it proves it reads read models only. */
export function storeNoPageMayRead(world: World): SqliteEventStore {
  const refuse = () => Promise.reject(new Error('a page read the event store'));
  return Object.assign(Object.create(world.store) as SqliteEventStore, { readStream: refuse, streamRevision: refuse, readAll: refuse });
}

/** A page's own content, inside `<main>`: without the layout's navigation and its sign-out form. */
export function mainOf(html: string): string {
  const main = /<main id="main"[^>]*>([\s\S]*)<\/main>/.exec(html);
  if (!main) throw new Error(`not a full page: ${html.slice(0, 200)}`);
  return main[1]!;
}

/** Uptake's command line, on the specs' business day: who grants tokens and opens the first accounts. */
export const byCli: CommandContext = { actor: { kind: 'system', id: 'cli' }, source: 'cli', now: new Date(`${TODAY}T08:00:00.000Z`) };

/** An integration token for `source`, granted from the command line: its id, and the token an integration presents. */
export async function grantTestToken(world: World, source: string): Promise<{ tokenId: string; token: string }> {
  const { tokenId, token, hash } = mintToken();
  await grantIntegrationToken(world, { type: 'GrantIntegrationToken', data: { tokenId, source, name: source, hash } }, byCli);
  return { tokenId, token };
}

/**
 * The rules over a test world, wired as `uptake serve` wires them (default settings, today TODAY,
 * the clock at `time` that day); `warn` hears what a rule could not record.
 */
export function startTestRules(
  world: World,
  options: { time: string; warn: (message: string) => void; pollMs?: number; checkpoint?: SqliteRuleCheckpoint },
): RuleProcess {
  return startRules({
    store: world.store,
    handlers: { store: world.store, directory: new SqliteDirectory(world.db) },
    checkpoint: options.checkpoint ?? new SqliteRuleCheckpoint(world.db),
    settings: defaultRuleSettings,
    today: () => TODAY,
    now: () => new Date(`${TODAY}T${options.time}Z`),
    log: { warn: (_details, message) => options.warn(message) },
    ...(options.pollMs === undefined ? {} : { pollMs: options.pollMs }),
  });
}

/**
 * The demo organisation as `npm start` shows it once its rules caught up on it (on TODAY's evening),
 * read models included; `warn` hears what a rule could not record.
 */
export async function openDemoWorldWithRules(warn: (message: string) => void): Promise<World> {
  const world = await openDemoWorld();
  const rules = startTestRules(world, { time: '18:30:00.000', warn });
  await rules.caughtUp();
  await rules.stop();
  await world.runner.catchUp();
  return world;
}

import { join } from 'node:path';
import formbody from '@fastify/formbody';
import fastifyStatic from '@fastify/static';
import websocket from '@fastify/websocket';
import Fastify, { type FastifyInstance, type FastifyServerOptions } from 'fastify';
import { serializerCompiler, validatorCompiler } from 'fastify-type-provider-zod';
import type { CoachWeekQueries } from '../../projections/coachWeek/queries.ts';
import type { DigestQueries } from '../../projections/digest/queries.ts';
import type { HeatmapQueries } from '../../projections/heatmap/types.ts';
import type { IntegrationTokens } from '../../projections/integrations.ts';
import type { OrgQueries } from '../../projections/org/queries.ts';
import type { ResistanceQueries } from '../../projections/resistance/queries.ts';
import type { SaturationQueries } from '../../projections/saturation/queries.ts';
import { defaultSaturationThreshold } from '../resistance/saturation.ts';
import type { StakeholderQueries } from '../../projections/stakeholders/queries.ts';
import type { TimelineQueries } from '../../projections/timeline.ts';
import type { HandlerDeps } from '../shared/directory.ts';
import type { EventStore } from '../shared/eventStore.ts';
import type { Reach } from '../../projections/runner.ts';
import type { Names } from '../shared/names.ts';
import { installErrorHandling } from './errors.ts';
import { type AllowedHost, defaultAllowedHosts, refuseUnknownHosts } from './hosts.ts';
import { registerSecurityHeaders } from './securityHeaders.ts';
import { type LiveLimits, liveRoutes, type OnApplied } from './live.ts';
import { findPackageRoot } from './packageRoot.ts';
import { healthRoutes, type Health } from './health.ts';
import { createViews } from './views.ts';
import type { Revisions, WebDeps } from './webDeps.ts';
import { organisationRoutes } from '../area/routes.ts';
import { cycleRoutes } from '../cycle/routes.ts';
import { alignmentRoutes } from '../objective/routes.ts';
import type { AlignmentQueries } from '../../projections/alignment/queries.ts';
import { areaLive } from '../overview/area.ts';
import { coachWeekLive } from '../overview/coachWeek.ts';
import { heatmapLive } from '../overview/heatmap.ts';
import { overviewRoutes } from '../overview/routes.ts';
import { digestRoutes } from '../digest/routes.ts';
import { timelineLive } from '../overview/timeline.ts';
import { resistanceLogLive, resistanceRoutes, signalLive } from '../resistance/routes.ts';
import { teamLive, teamRoutes } from '../team/routes.ts';
import { stakeholderLive, stakeholderRoutes } from '../stakeholder/routes.ts';
import { ingestRoutes } from '../ingest/routes.ts';
import type { References } from '../ingest/mapping.ts';
import type { UnitOfWork } from '../ingest/ingest.ts';
import type { KafkaTopics } from '../ingest/contract.ts';
import { DEFAULT_TOPICS } from '../config.ts';
import { registerOpenApi } from './openapi.ts';
import type { SessionStore } from '@fastify/session';
import type { Accounts } from '../../projections/accounts.ts';
import { peopleRoutes } from '../access/peopleRoutes.ts';
import { accessRoutes, SIGN_IN_LIMITS, type SignInLimits } from '../access/routes.ts';
import { scopeOf } from '../access/scope.ts';
import { registerAuth, type Viewer } from './auth.ts';
import { integrationRoutes, type IntegrationRouteOptions } from '../integration/routes.ts';

export interface AppDeps {
  queries: HeatmapQueries;
  /** The timeline / audit read side. */
  timeline: TimelineQueries;
  /** The organisation as it is: the area tree, coaches, and per area its teams, open signals and stakeholders. */
  org: OrgQueries;
  /** What needs each coach now (the coach's week). */
  coachWeek: CoachWeekQueries;
  /** The leadership digest's weekly questions. */
  digest: DigestQueries;
  /** Strategic themes, objectives, key results and their links: the alignment map. */
  alignment: AlignmentQueries;
  /** The resistance log: signals, their interventions, counts. */
  resistance: ResistanceQueries;
  /** How much change is going on at once per area and week (src/resistance/saturation.ts). */
  saturation: SaturationQueries;
  /** The load from which an area has too much change at once (`UPTAKE_SATURATION_THRESHOLD`; default `defaultSaturationThreshold`). */
  saturationThreshold?: number;
  /** Stakeholders: the filtered list, the grid, one stakeholder, the areas and coaches their forms offer. */
  stakeholders: StakeholderQueries;
  /** The event store the write routes append to. */
  store: EventStore;
  /** Names of areas, teams, coaches, cycles and stakeholders, for putting events in words. */
  names: Names;
  /** Each stream's revision as the read models know it: what edit forms carry. */
  revisions: Revisions;
  health: () => Promise<Health>;
  /** Today's calendar date (`YYYY-MM-DD`) from the injected clock. */
  today: () => string;
  /** The injected clock's instant: when a form's command is recorded. */
  now: () => Date;
  /** What the command handlers need (src/<slice>/handlers.ts). */
  application: HandlerDeps;
  /** Uptake's ids for the team keys, area codes and cycle names integrations send. */
  references: References;
  /** One transaction around each batch of ingested CloudEvents where the store can (SQLite). */
  ingestUnitOfWork?: UnitOfWork | undefined;
  /** The Kafka topics the AsyncAPI document names (default `DEFAULT_TOPICS`). */
  kafkaTopics?: KafkaTopics;
  /** The integration tokens the ingest endpoint accepts. */
  integrationTokens: IntegrationTokens;
  /** The dead-letter list of the configured consumer group (it stays readable with Kafka off). */
  deadLetters: IntegrationRouteOptions['deadLetters'];
  /** The running Kafka consumer, for the integrations page; absent when `KAFKA_BROKERS` is unset. */
  kafka?: IntegrationRouteOptions['kafka'];
  /** Resolves once the read models include the event at `position`, so a write's redirect shows it. */
  waitFor: (position: bigint) => Promise<Reach>;
  /** The projection runner's feed of applied batches: open pages update live from it (without it, only on connect). */
  onApplied?: OnApplied;
  /** Who may sign in, as what. */
  accounts: Accounts;
  /** Where signed-in sessions are kept (server side). */
  sessions: SessionStore;
  /** Signs the session cookie: at least 32 characters, from the environment (`UPTAKE_SESSION_SECRET`). */
  sessionSecret: string;
  /** E-mails of the demo accounts, listed on the sign-in page; only for a demo store. */
  demoEmails?: readonly string[];
  /** Sign-in attempts allowed (default `SIGN_IN_LIMITS`). */
  signInLimits?: Partial<SignInLimits>;
  /** Bounds on the live sockets (default `LIVE_LIMITS`). */
  liveLimits?: Partial<LiveLimits>;
  logger?: FastifyServerOptions['logger'];
  /** TLS is terminated in front (`UPTAKE_TLS`): HSTS, Secure cookies, and live sockets only from https pages. */
  tls?: boolean;
  /** The names the app answers for (`UPTAKE_ALLOWED_HOSTS`; default: loopback on any port). */
  allowedHosts?: readonly AllowedHost[];
}

/** htmx's builds and its websocket extension only: the rest of its dist folder (docs, editor files) is not ours to publish. */
const htmxFile = /^\/(htmx(\.esm)?|ext\/hx-ws)(\.min)?\.js(\.map)?$/;

/**
 * The web app as a Fastify instance that never listens: `src/main.ts` starts it, tests call
 * `app.inject`.
 */
export async function buildApp(deps: AppDeps): Promise<FastifyInstance> {
  // Behind the TLS proxy `UPTAKE_TLS` names, X-Forwarded-Proto says the page was https: Secure
  // cookies are set and origins compare as https. Uptake must then be reachable only through it.
  const app = Fastify({ logger: deps.logger ?? false, trustProxy: deps.tls ?? false });
  const root = findPackageRoot();
  const views = createViews(root);

  // Every route declares its params, querystring and body as zod schemas.
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  installErrorHandling(app, views);
  // A foreign Host is refused, with the headers every answer carries, before anything else runs.
  await registerSecurityHeaders(app, { tls: deps.tls ?? false });
  refuseUnknownHosts(app, deps.allowedHosts ?? defaultAllowedHosts());
  const recordingScope = (viewer: Viewer) =>
    scopeOf(viewer, (coachId) => deps.org.coaches().find((c) => c.coachId === coachId)?.areas ?? [], deps.application.directory);
  await registerAuth(app, {
    scopeOf: recordingScope,
    accounts: deps.accounts,
    sessions: deps.sessions,
    secret: deps.sessionSecret,
    tls: deps.tls ?? false,
    now: deps.now,
  });
  await registerOpenApi(app);
  await app.register(formbody);
  await app.register(websocket);
  // Styles, scripts and htmx are for anyone: the sign-in page needs them too.
  await app.register(async (assets) => {
    assets.addHook('onRoute', (route) => {
      route.config = { ...route.config, access: 'public' };
    });
    await assets.register(fastifyStatic, { root: join(root, 'views', 'assets'), prefix: '/assets/' });
    await assets.register(fastifyStatic, {
      root: join(root, 'node_modules', 'htmx.org', 'dist'),
      prefix: '/vendor/htmx/',
      decorateReply: false,
      allowedPath: (path) => htmxFile.test(path),
    });
  });

  const web: WebDeps = {
    views,
    today: deps.today,
    handlers: deps.application,
    forms: {
      store: deps.store,
      names: deps.names,
      waitFor: deps.waitFor,
      now: deps.now,
      scopeOf: recordingScope,
    },
    revisions: deps.revisions,
  };
  const overview = {
    ...web,
    queries: deps.queries,
    org: deps.org,
    timeline: deps.timeline,
    coachWeek: deps.coachWeek,
    names: deps.names,
    saturation: { queries: deps.saturation, threshold: deps.saturationThreshold ?? defaultSaturationThreshold },
  };
  const team = {
    ...web,
    queries: deps.queries,
    alignment: deps.alignment,
    timeline: deps.timeline,
    resistance: deps.resistance,
    stakeholders: deps.stakeholders,
  };
  const resistance = { ...web, resistance: deps.resistance };
  const stakeholders = { ...web, stakeholders: deps.stakeholders };
  await app.register(accessRoutes, {
    ...web,
    accounts: deps.accounts,
    demoEmails: deps.demoEmails ?? [],
    signInLimits: { ...SIGN_IN_LIMITS, ...deps.signInLimits },
  });
  await app.register(peopleRoutes, { ...web, accounts: deps.accounts, org: deps.org });
  await app.register(overviewRoutes, overview);
  await app.register(digestRoutes, { ...overview, digest: deps.digest });
  await app.register(teamRoutes, team);
  await app.register(resistanceRoutes, resistance);
  await app.register(organisationRoutes, { ...web, org: deps.org });
  await app.register(cycleRoutes, { ...web, queries: deps.queries });
  await app.register(alignmentRoutes, {
    ...web,
    alignment: deps.alignment,
    queries: deps.queries,
    timeline: deps.timeline,
    names: deps.names,
  });
  await app.register(stakeholderRoutes, stakeholders);
  await app.register(ingestRoutes, {
    ...deps.application,
    references: deps.references,
    unitOfWork: deps.ingestUnitOfWork,
    tokens: deps.integrationTokens,
    now: deps.now,
    topics: deps.kafkaTopics ?? DEFAULT_TOPICS,
  });
  await app.register(integrationRoutes, {
    ...web,
    tokens: deps.integrationTokens,
    deadLetters: deps.deadLetters,
    references: deps.references,
    kafka: deps.kafka,
  });
  await app.register(healthRoutes, { health: deps.health });
  const pages = [
    heatmapLive(overview),
    areaLive(overview),
    teamLive(team),
    coachWeekLive(overview),
    timelineLive(overview),
    stakeholderLive(stakeholders),
    resistanceLogLive(resistance),
    signalLive(resistance),
  ];
  await app.register(liveRoutes, { views, pages, onApplied: deps.onApplied, limits: deps.liveLimits, tls: deps.tls ?? false });
  return app;
}

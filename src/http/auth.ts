/**
 * Who is asking, and whether they may. Sessions are server side (`@fastify/session` over
 * SQLite), so signing out, a deactivation or a password change ends them at once; every
 * state-changing request also needs the session's CSRF token (`@fastify/csrf-protection`: a
 * hidden field in forms, a header htmx sends) and must not come from another site. Each route's
 * rule (src/http/access.ts) is checked before any of its handlers runs.
 */
import fastifyCookie from '@fastify/cookie';
import csrfProtection from '@fastify/csrf-protection';
import { fastifyRequestContext, requestContext } from '@fastify/request-context';
import fastifySession, { type SessionStore } from '@fastify/session';
import type { FastifyInstance, FastifyReply, FastifyRequest, RouteOptions } from 'fastify';
import type { Account, Accounts } from '../../projections/accounts.ts';
import type { Role } from '../access/events.ts';
import type { Scope } from '../shared/commandHandler.ts';
import type { Actor } from '../shared/event.ts';
import { ForbiddenError } from '../shared/errors.ts';
import type { Access } from './access.ts';

/** The signed-in person a request comes from. */
export type Viewer = Pick<Account, 'accountId' | 'name' | 'email' | 'role' | 'coachId'>;

declare module 'fastify' {
  interface Session {
    accountId?: string;
    /** When this session signed in: a password change or deactivation after it ends it. */
    signedInAt?: string;
    /** When a request last kept this session alive (written at most every SESSION_SEEN_EVERY_MS). */
    seenAt?: string;
  }
  interface FastifyRequest {
    viewer: Viewer | null;
  }
}

/** What every page's layout needs about the request it answers (templates read it as `it.page`). */
export interface PageContext {
  viewer: Viewer | null;
  /** The session's CSRF token, made on first use (a page that shows no form makes none). */
  csrfToken: () => string;
  /**
   * Whether the viewer may record in this area: pages offer their forms only then (the handlers
   * check again on the command). A leader records nowhere, a coach in her areas, an admin anywhere.
   */
  mayRecordIn: (areaId: string) => boolean;
}

declare module '@fastify/request-context' {
  interface RequestContextData {
    page: PageContext;
  }
}

/** The request being answered, for the views; undefined outside a request (a live push). */
export const currentPage = (): PageContext | undefined => requestContext.get('page');

export interface AuthOptions {
  accounts: Pick<Accounts, 'byId'>;
  sessions: SessionStore;
  /** Signs the session cookie; at least 32 characters. */
  secret: string;
  /** TLS is terminated in front of Uptake: cookies are `Secure`. */
  tls: boolean;
  /** Where a signed-in person may record (src/access/scope.ts). */
  scopeOf: (viewer: Viewer) => Promise<Scope>;
  now: () => Date;
}

/** A session idles out after this long without a request… */
export const SESSION_IDLE_MS = 8 * 60 * 60 * 1000;
/**
 * …kept alive by a request at most this often: a session is written to disk only then, not on
 * every request (which cost each page a synchronous write).
 */
export const SESSION_SEEN_EVERY_MS = 10 * 60 * 1000;
/** …and ends this long after signing in whatever happens. */
export const SESSION_LIFETIME_MS = 7 * 24 * 60 * 60 * 1000;

export const CSRF_FIELD = '_csrf';
export const CSRF_HEADER = 'x-csrf-token';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/** The roles each rule lets in; `public` and `ingest` are decided elsewhere. */
const rolesFor: Record<Exclude<Access, 'public' | 'ingest'>, readonly Role[]> = {
  read: ['admin', 'coach', 'leader'],
  write: ['admin', 'coach'],
  admin: ['admin'],
};

export const actorOf = (viewer: Viewer): Actor => ({ kind: 'user', id: viewer.accountId });

/**
 * A request another site made the browser send: `Sec-Fetch-Site` says so in every current
 * browser; `Origin` (including `null` from a sandboxed frame) covers the rest. SameSite=Lax
 * already keeps the cookie off cross-site POSTs; this refuses them before anything runs.
 */
function crossSite(request: FastifyRequest): boolean {
  const site = request.headers['sec-fetch-site'];
  if (site !== undefined && site !== 'same-origin' && site !== 'none') return true;
  const origin = request.headers.origin;
  if (origin === undefined) return false;
  return origin !== `${request.protocol}://${request.host}`;
}

/** Where to go after signing in: a path of this app, never another site (`//evil.example`). */
export function safeNext(next: unknown): string {
  return typeof next === 'string' && /^\/(?![/\\])/.test(next) ? next : '/';
}

export const signInPath = (next: string) => (next === '/' ? '/signin' : `/signin?next=${encodeURIComponent(next)}`);

export async function registerAuth(app: FastifyInstance, options: AuthOptions): Promise<void> {
  const { accounts, now } = options;

  // Checked once every plugin has added its routes: a plugin may set its routes' rule in an onRoute hook of its own.
  const routes: RouteOptions[] = [];
  app.addHook('onRoute', (route) => {
    routes.push(route);
  });
  app.addHook('onReady', async () => {
    const open = routes.filter((route) => route.config?.access === undefined);
    if (open.length > 0) {
      throw new Error(
        `${open.map((r) => `${String(r.method)} ${r.url}`).join(', ')}: no access rule; add config.access (src/http/access.ts)`,
      );
    }
  });

  await app.register(fastifyCookie);
  await app.register(fastifySession, {
    secret: options.secret,
    cookieName: 'uptake_session',
    store: options.sessions,
    saveUninitialized: false,
    rolling: false,
    cookie: { httpOnly: true, sameSite: 'lax', secure: options.tls, path: '/', maxAge: SESSION_IDLE_MS },
  });
  await app.register(csrfProtection, {
    sessionPlugin: '@fastify/session',
    getToken: (request) => {
      const header = request.headers[CSRF_HEADER];
      if (typeof header === 'string') return header;
      const field = (request.body as Record<string, unknown> | undefined)?.[CSRF_FIELD];
      return typeof field === 'string' ? field : undefined;
    },
  });
  await app.register(fastifyRequestContext);

  /**
   * The account behind the session, if the session still counts; `ended` when it never will
   * again. An account the read model does not know (yet: a rebuild is replaying) ends nothing.
   */
  function viewerOf(request: FastifyRequest): { viewer: Viewer | null; ended: boolean } {
    const { accountId, signedInAt } = request.session;
    if (accountId === undefined || signedInAt === undefined) return { viewer: null, ended: false };
    const account = accounts.byId(accountId);
    if (account === undefined) return { viewer: null, ended: false };
    const expired = now().getTime() - Date.parse(signedInAt) > SESSION_LIFETIME_MS;
    if (!account.active || signedInAt < account.sessionsFrom || expired) return { viewer: null, ended: true };
    const { name, email, role, coachId } = account;
    return { viewer: { accountId, name, email, role, coachId }, ended: false };
  }

  /** An active session is kept alive for another SESSION_IDLE_MS, written at most every SESSION_SEEN_EVERY_MS. */
  function keepAlive(request: FastifyRequest): void {
    const at = now();
    const seen = Date.parse(request.session.seenAt ?? request.session.signedInAt ?? '');
    if (at.getTime() - seen < SESSION_SEEN_EVERY_MS) return;
    request.session.set('seenAt', at.toISOString());
    request.session.touch();
  }

  app.decorateRequest('viewer', null);
  app.addHook('onRequest', async (request, reply) => {
    const { viewer, ended } = viewerOf(request);
    if (ended) await request.session.destroy();
    if (viewer !== null) keepAlive(request);
    request.viewer = viewer;
    // No route matched: the not-found page is for anyone.
    const access = request.is404 ? 'public' : request.routeOptions.config.access;
    let token: string | undefined;
    // Pages and forms only: an asset or a health check has nothing to offer or refuse.
    const pageOrForm = access === 'read' || access === 'write' || access === 'admin';
    const scope = viewer === null || viewer.role === 'leader' || !pageOrForm ? null : await options.scopeOf(viewer);
    request.requestContext.set('page', {
      viewer,
      csrfToken: () => (token ??= reply.generateCsrf()),
      mayRecordIn: (areaId) => scope === 'everywhere' || scope?.areas.has(areaId) === true,
    });

    const unsafe = !SAFE_METHODS.has(request.method);
    if (unsafe && access !== 'ingest' && crossSite(request)) {
      throw new ForbiddenError('This request came from another site, so Uptake refused it. Open Uptake itself and try again.');
    }
    if (access === 'public' || access === 'ingest' || access === undefined) return;
    if (viewer === null) return askToSignIn(request, reply);
    if (!rolesFor[access].includes(viewer.role)) {
      throw new ForbiddenError(
        access === 'admin' ? 'Only an admin can do this.' : `A ${viewer.role} account can read everything in Uptake but record nothing.`,
      );
    }
  });

  // After the body is parsed (a form's hidden field), before any validation or handler. A refusal
  // is sent by the plugin through the error handler (src/http/errors.ts words it).
  app.addHook('preValidation', (request, reply, done) => {
    if (SAFE_METHODS.has(request.method) || request.routeOptions.config.access === 'ingest' || request.is404) return done();
    app.csrfProtection(request, reply, done);
  });
}

/**
 * A page asks the visitor to sign in and come back; an htmx request sends the whole window there
 * (a fragment of the sign-in page inside a table would help nobody); anything else is refused.
 */
function askToSignIn(request: FastifyRequest, reply: FastifyReply): FastifyReply {
  if (request.headers['hx-request'] === 'true') {
    const current = request.headers['hx-current-url'];
    const path = typeof current === 'string' ? new URL(current, 'http://x').pathname + new URL(current, 'http://x').search : '/';
    return reply.code(401).header('hx-redirect', signInPath(path)).send();
  }
  if (request.method === 'GET' && !request.ws) return reply.code(303).header('location', signInPath(request.url)).send();
  return reply
    .code(401)
    .type('text/plain; charset=utf-8')
    .send('Sign in first: your session has ended or you have not signed in. Open Uptake in your browser to sign in.');
}

import rateLimit from '@fastify/rate-limit';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Accounts } from '../../projections/accounts.ts';
import { actorOf, CSRF_FIELD, safeNext } from '../http/auth.ts';
import { optional } from '../http/query.ts';
import { sendHtml } from '../http/views.ts';
import type { WebDeps } from '../http/webDeps.ts';
import { UptakeError, ValidationError } from '../shared/errors.ts';
import { setPassword } from './handlers.ts';
import { verifyPassword } from './password.ts';
import { roleDescriptions } from './vocabulary.ts';

/** Sign-in attempts allowed per window: per account (a guessed password) and per address (a sprayed one). */
export interface SignInLimits {
  perAccount: number;
  perAddress: number;
  windowMs: number;
}

export const SIGN_IN_LIMITS: SignInLimits = { perAccount: 10, perAddress: 50, windowMs: 15 * 60 * 1000 };

export interface AccessRouteOptions extends WebDeps {
  accounts: Pick<Accounts, 'credentialsOf' | 'byId' | 'emails'>;
  /** E-mails of the demo accounts, listed on the sign-in page of a demo store only. */
  demoEmails: readonly string[];
  signInLimits: SignInLimits;
}

class TooManyAttempts extends UptakeError {
  readonly statusCode = 429;
  readonly code = 'too_many_attempts';
}

/** Checked when no account has the e-mail, so a wrong e-mail takes as long as a wrong password. */
const UNKNOWN_ACCOUNT_HASH = 'scrypt$32768$8$3$AAAAAAAAAAAAAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA';

const SignInQuery = z.object({ next: optional(z.string().max(2000)) });
const SignInBody = z.object({
  email: z.string().max(200).default(''),
  password: z.string().max(200).default(''),
  next: optional(z.string().max(2000)),
});
const PasswordBody = z.object({
  current: z.string().max(200).default(''),
  password: z.string().max(200).default(''),
  confirm: z.string().max(200).default(''),
});

const emailOf = (body: unknown) => {
  const email = (body as { email?: unknown } | undefined)?.email;
  return typeof email === 'string' ? email.trim().toLowerCase() : '';
};

/**
 * Sign-in, sign-out and one's own account. A failed sign-in never says whether the e-mail
 * exists; attempts are limited per account and per address, and the refusal says when to try
 * again. Signing in starts a new session (no fixation); changing one's password ends every other.
 */
export const accessRoutes: FastifyPluginAsyncZod<AccessRouteOptions> = async (app, options) => {
  const { views, accounts, forms, handlers } = options;
  await app.register(rateLimit, { global: false });
  const limit = (groupId: string, max: number, keyGenerator: (request: { ip: string; body: unknown }) => string) =>
    app.rateLimit({
      groupId,
      max,
      timeWindow: options.signInLimits.windowMs,
      keyGenerator,
      errorResponseBuilder: (_request, context) =>
        new TooManyAttempts(
          `Too many sign-in attempts ${groupId === 'account' ? 'for this account' : 'from your address'}. Try again in ${context.after}.`,
        ),
    });

  const signInPage = (input: { email: string; next: string; error: string | null }) =>
    views.render('pages/signIn', {
      ...input,
      demoEmails: options.demoEmails,
      noAccounts: accounts.emails().length === 0,
      csrfField: CSRF_FIELD,
    });

  app.get('/signin', { config: { access: 'public' }, schema: { querystring: SignInQuery } }, async (request, reply) => {
    const next = safeNext(request.query.next);
    if (request.viewer !== null) return reply.code(303).header('location', next).send();
    return sendHtml(reply, signInPage({ email: '', next, error: null }));
  });

  app.post(
    '/signin',
    {
      config: { access: 'public' },
      schema: { body: SignInBody },
      preHandler: [
        limit('address', options.signInLimits.perAddress, (request) => request.ip),
        limit('account', options.signInLimits.perAccount, (request) => emailOf(request.body)),
      ],
    },
    async (request, reply) => {
      const { email, password } = request.body;
      const next = safeNext(request.body.next);
      const found = accounts.credentialsOf(email);
      const matches = await verifyPassword(password, found?.passwordHash ?? UNKNOWN_ACCOUNT_HASH);
      if (found === undefined || !matches || !found.account.active || found.passwordHash === null) {
        request.log.info({ email }, 'sign-in refused');
        return sendHtml(reply, signInPage({ email, next, error: 'That e-mail and password do not match an active account.' }), 401);
      }
      await request.session.regenerate();
      request.session.set('accountId', found.account.accountId);
      request.session.set('signedInAt', forms.now().toISOString());
      return reply.code(303).header('location', next).send();
    },
  );

  app.post('/signout', { config: { access: 'read' } }, async (request, reply) => {
    await request.session.destroy();
    return reply.code(303).header('location', '/signin').send();
  });

  const accountPage = (viewerId: string, state: { error?: string; field?: string; done?: boolean }) => {
    const account = accounts.byId(viewerId)!;
    return views.render('pages/account', { account, can: roleDescriptions[account.role], csrfField: CSRF_FIELD, ...state });
  };

  app.get('/account', { config: { access: 'read' } }, async (request, reply) =>
    sendHtml(reply, accountPage(request.viewer!.accountId, {})),
  );

  app.post('/account/password', { config: { access: 'read' }, schema: { body: PasswordBody } }, async (request, reply) => {
    const viewer = request.viewer!;
    const { current, password, confirm } = request.body;
    const hash = accounts.credentialsOf(viewer.email)?.passwordHash ?? UNKNOWN_ACCOUNT_HASH;
    if (!(await verifyPassword(current, hash)))
      return sendHtml(reply, accountPage(viewer.accountId, { field: 'current', error: 'Current password is not right.' }), 422);
    if (password !== confirm)
      return sendHtml(
        reply,
        accountPage(viewer.accountId, { field: 'confirm', error: 'The new password and its repetition differ.' }),
        422,
      );
    try {
      const now = forms.now();
      const { position } = await setPassword(
        handlers,
        { accountId: viewer.accountId, password },
        { actor: actorOf(viewer), source: 'ui', now },
      );
      await forms.waitFor(position);
      // Every other session signed in before the change and ends; this one signs in again now.
      await request.session.regenerate();
      request.session.set('accountId', viewer.accountId);
      request.session.set('signedInAt', new Date(now.getTime() + 1).toISOString());
    } catch (error) {
      if (!(error instanceof ValidationError)) throw error;
      return sendHtml(reply, accountPage(viewer.accountId, { field: 'password', error: `New password ${error.issues[0]!.message}.` }), 422);
    }
    return sendHtml(reply, accountPage(viewer.accountId, { done: true }));
  });
};

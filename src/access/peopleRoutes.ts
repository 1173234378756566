import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Accounts } from '../../projections/accounts.ts';
import type { OrgQueries } from '../../projections/org/queries.ts';
import { type Form, submitForm, type Submission } from '../http/forms.ts';
import { optional } from '../http/query.ts';
import { sendHtml, wantsFragment } from '../http/views.ts';
import type { WebDeps } from '../http/webDeps.ts';
import type { CommandDefinition } from '../shared/command.ts';
import type { CommandContext } from '../shared/commandHandler.ts';
import { NotFoundError } from '../shared/errors.ts';
import type { FastifyRequest } from 'fastify';
import { Id } from '../shared/event.ts';
import { streamName } from '../shared/streams.ts';
import { generatedPassword } from './demo.ts';
import { changeRoleForm, deactivateForm, inviteForm, peopleForms, reactivateForm, resetPasswordForm } from './forms.ts';
import { changeRole, deactivateAccount, openAccount, reactivateAccount, setPassword } from './handlers.ts';
import { accountForms, type Answered, peopleView } from './viewModels.ts';

declare module 'fastify' {
  interface Session {
    /** A password generated for someone, kept only until the page after the redirect shows it (a browser without JavaScript). */
    shownOnce?: { accountId: string; password: string };
  }
}

export interface PeopleRouteOptions extends WebDeps {
  accounts: Pick<Accounts, 'all' | 'byId'>;
  org: Pick<OrgQueries, 'coaches'>;
}

const recordedBy = new Map(peopleForms.map((form) => [form.id, form.recorded]));
const PeopleQuery = z.object({ recorded: optional(z.enum(peopleForms.map((form) => form.id) as [string, ...string[]])) });
const AccountParams = z.object({ accountId: Id });

/** The batch a keyed form recorded is found by its key; the password set after it is a write of its own. */
const withoutKey = ({ idempotencyKey: _, ...ctx }: CommandContext): CommandContext => ctx;

/** A browser without JavaScript is answered by a redirect: the page it opens shows the password, once. */
function passwordSet<R>(request: FastifyRequest, made: { accountId: string; password: string }, result: R): R {
  if (!wantsFragment(request)) request.session.set('shownOnce', made);
  return result;
}

/**
 * The People page, for admins: every account with its role, the coach it is and that coach's
 * areas, whether it is active and since when; a form to invite someone, and per account forms
 * to change the role, deactivate or reactivate, and reset the password. A generated password is
 * shown once, in the answer to the form that made it (after a plain-HTML POST, on the page the
 * redirect opens, from the session, which forgets it there).
 */
export const peopleRoutes: FastifyPluginAsyncZod<PeopleRouteOptions> = async (
  app,
  { accounts, org, views, handlers, forms, revisions },
) => {
  const render = (fragment: boolean, input: Answered) =>
    views.render(
      fragment ? 'partials/people' : 'pages/people',
      peopleView(
        { accounts: accounts.all(), coaches: org.coaches(), revisionOf: (accountId) => revisions.of(streamName('account', accountId)) },
        input,
      ),
    );

  // An answer here may carry a password: no cache keeps it, nor shows it again on Back.
  app.addHook('onRequest', async (_request, reply) => {
    reply.header('cache-control', 'no-store');
  });

  app.get('/people', { config: { access: 'admin' }, schema: { querystring: PeopleQuery } }, async (request, reply) => {
    const { recorded } = request.query;
    const password = request.session.shownOnce;
    if (password !== undefined) request.session.set('shownOnce', undefined);
    return sendHtml(reply, render(false, { recorded: recorded && recordedBy.get(recorded), password }));
  });

  /** A form's answer: its state after a problem, or the status line (and a password just made) after a success. */
  function answer<C extends CommandDefinition, F extends Form<C>['fields']>(
    form: Form<C, F>,
    recordedAs: Form,
    password: () => { accountId: string; password: string } | undefined,
  ): Pick<Submission<C, F>, 'render' | 'redirectTo'> {
    return {
      redirectTo: `/people?recorded=${recordedAs.id}`,
      render: ({ state, fragment }) =>
        render(
          fragment,
          state === null ? { recorded: recordedAs.recorded, password: password() } : { answered: { formId: form.id, state } },
        ),
    };
  }

  app.post('/people', { config: { access: 'admin' } }, async (request, reply) => {
    let made: { accountId: string; password: string } | undefined;
    return submitForm(request, reply, forms, {
      form: inviteForm,
      data: (values, key) => ({ ...values, accountId: key }),
      execute: async (command, ctx) => {
        await openAccount(handlers, command, ctx);
        made = { accountId: command.data.accountId, password: generatedPassword() };
        return passwordSet(request, made, await setPassword(handlers, made, withoutKey(ctx)));
      },
      ...answer(inviteForm, inviteForm, () => made),
    });
  });

  /** The account a per-account form is about, and that form. */
  function accountFormOf(accountId: string) {
    const account = accounts.byId(accountId);
    if (account === undefined) throw new NotFoundError(`There is no account "${accountId}".`);
    return accountForms(account);
  }

  app.post('/people/:accountId/role', { config: { access: 'admin' }, schema: { params: AccountParams } }, async (request, reply) => {
    const { accountId } = request.params;
    const form = accountFormOf(accountId).changeRole;
    return submitForm(request, reply, forms, {
      form,
      data: (values) => ({ ...values, accountId }),
      execute: (command, ctx, revision) => changeRole(handlers, command, ctx, revision),
      ...answer(form, changeRoleForm, () => undefined),
    });
  });

  app.post('/people/:accountId/deactivate', { config: { access: 'admin' }, schema: { params: AccountParams } }, async (request, reply) => {
    const { accountId } = request.params;
    const form = accountFormOf(accountId).deactivate;
    return submitForm(request, reply, forms, {
      form,
      data: () => ({ accountId }),
      execute: (command, ctx) => deactivateAccount(handlers, command, ctx),
      ...answer(form, deactivateForm, () => undefined),
    });
  });

  app.post('/people/:accountId/reactivate', { config: { access: 'admin' }, schema: { params: AccountParams } }, async (request, reply) => {
    const { accountId } = request.params;
    const form = accountFormOf(accountId).reactivate;
    return submitForm(request, reply, forms, {
      form,
      data: () => ({ accountId }),
      execute: (command, ctx) => reactivateAccount(handlers, command, ctx),
      ...answer(form, reactivateForm, () => undefined),
    });
  });

  app.post('/people/:accountId/password', { config: { access: 'admin' }, schema: { params: AccountParams } }, async (request, reply) => {
    const { accountId } = request.params;
    const form = accountFormOf(accountId).resetPassword;
    let made: { accountId: string; password: string } | undefined;
    return submitForm(request, reply, forms, {
      form,
      data: () => ({ accountId }),
      execute: async (command, ctx) => {
        made = { accountId: command.data.accountId, password: generatedPassword() };
        return passwordSet(request, made, await setPassword(handlers, made, ctx));
      },
      ...answer(form, resetPasswordForm, () => made),
    });
  });
};

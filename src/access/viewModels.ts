import type { Account } from '../../projections/accounts.ts';
import type { OrgCoach } from '../../projections/org/queries.ts';
import { formatInstant } from '../adoption/calendar.ts';
import { type Form, formFor, type FormState, formView, freshState, type Option, REVISION } from '../http/forms.ts';
import { organisationUrl } from '../http/urls.ts';
import { changeRoleForm, deactivateForm, inviteForm, reactivateForm, resetPasswordForm } from './forms.ts';
import { roleLabels } from './vocabulary.ts';
import { Role } from './events.ts';

/** Each account's own forms, each with its own id (and so its own element ids). */
export const accountForms = (account: Pick<Account, 'accountId' | 'name'>) => ({
  changeRole: formFor(changeRoleForm, `role-${account.accountId}`, `Change ${account.name}'s role`),
  deactivate: formFor(deactivateForm, `deactivate-${account.accountId}`, `Deactivate ${account.name}`),
  reactivate: formFor(reactivateForm, `reactivate-${account.accountId}`, `Reactivate ${account.name}`),
  resetPassword: formFor(resetPasswordForm, `password-${account.accountId}`, `Reset ${account.name}'s password`),
});

export const accountPath = (accountId: string, action: string) => `/people/${encodeURIComponent(accountId)}/${action}`;

export interface PeoplePage {
  /** By name. */
  accounts: Account[];
  /** Every registered coach, with the areas they are assigned to. */
  coaches: OrgCoach[];
  /** An account's stream revision, as the read models know it: what its role form carries. */
  revisionOf: (accountId: string) => number;
}

export interface Answered {
  /** The form a POST just answered, and what it shows now. */
  answered?: { formId: string; state: FormState };
  /** The status line after a success. */
  recorded?: string | undefined;
  /** A password just generated: shown in this answer only. */
  password?: { accountId: string; password: string } | undefined;
}

/** A role as a select offers it: what it may do, in brief (roleDescriptions says it in full on the account page). */
const roleChoices: Record<Role, string> = {
  admin: 'admin: manages everything',
  coach: 'coach: records in their areas',
  leader: 'leader: reads everything',
};
const roleOptions: Option[] = Role.options.map((role) => ({ value: role, label: roleChoices[role] }));
const noCoach: Option = { value: '', label: 'None (an admin or a leader)' };

/** What `views/partials/people.eta` prints. */
export function peopleView(page: PeoplePage, input: Answered) {
  const answeredFor = (formId: string) => (input.answered?.formId === formId ? input.answered.state : null);
  const coachById = new Map(page.coaches.map((c) => [c.coachId, c]));
  const linkedTo = new Map(page.accounts.flatMap((a) => (a.coachId === null ? [] : [[a.coachId, a.accountId] as const])));
  // A coach is one person: offered to the account it is linked to, or to nobody yet.
  const coachOptions = (accountId: string | null): Option[] => [
    noCoach,
    ...page.coaches
      .filter((c) => (linkedTo.get(c.coachId) ?? accountId) === accountId)
      .map((c) => ({ value: c.coachId, label: `${c.name} (${c.email})` })),
  ];
  const view = (form: Form, action: string, state: FormState, accountId: string | null) =>
    formView(form, {
      action,
      hxTarget: '#people',
      state: answeredFor(form.id) ?? state,
      options: { role: roleOptions, coachId: coachOptions(accountId) },
      reloadHref: '/people',
    });
  const shown = input.password && page.accounts.find((a) => a.accountId === input.password?.accountId);
  return {
    title: 'People',
    recorded: input.recorded ?? null,
    password: shown && input.password ? { name: shown.name, email: shown.email, password: input.password.password } : null,
    summary: `${page.accounts.filter((a) => a.active).length} active of ${page.accounts.length}`,
    accounts: page.accounts.map((account) => {
      const forms = accountForms(account);
      const coach = account.coachId === null ? undefined : coachById.get(account.coachId);
      const answered = Object.values(forms).some((f) => input.answered?.formId === f.id);
      const activation = account.active ? forms.deactivate : forms.reactivate;
      return {
        accountId: account.accountId,
        name: account.name,
        email: account.email,
        role: roleLabels[account.role],
        coach: coach && {
          name: coach.name,
          areas: coach.areas.map((a) => ({ name: a.name, href: organisationUrl({ area: a.areaId }) })),
        },
        active: account.active,
        openedAt: formatInstant(account.openedAt),
        // Left open when one of its forms was just answered with a problem (a success answers with `recorded`).
        open: answered,
        forms: [
          view(
            forms.changeRole,
            accountPath(account.accountId, 'role'),
            freshState(forms.changeRole, {
              role: account.role,
              coachId: account.coachId ?? '',
              [REVISION]: String(page.revisionOf(account.accountId)),
            }),
            account.accountId,
          ),
          view(
            activation,
            accountPath(account.accountId, account.active ? 'deactivate' : 'reactivate'),
            freshState(activation, {}),
            account.accountId,
          ),
          view(forms.resetPassword, accountPath(account.accountId, 'password'), freshState(forms.resetPassword, {}), account.accountId),
        ],
      };
    }),
    inviteForm: view(inviteForm, '/people', freshState(inviteForm, { name: '', email: '', role: 'coach', coachId: '' }), null),
  };
}

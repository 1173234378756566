import { defineForm, fields, orNull } from '../http/forms.ts';
import { ChangeRole, DeactivateAccount, OpenAccount, ReactivateAccount, ResetPassword } from './commands.ts';

const role = fields.select('Role');
const coach = orNull(fields.select('Coach', { hint: 'For a coach account: the registered coach they are' }));

/** The key becomes the new account's id; a password is generated and shown once in the answer. */
export const inviteForm = defineForm(OpenAccount, {
  id: 'invite',
  title: 'Invite someone',
  submit: 'Invite',
  recorded: 'Account opened.',
  keyed: true,
  fields: { name: fields.text('Name'), email: fields.text('E-mail'), role, coachId: coach },
});

export const changeRoleForm = defineForm(ChangeRole, {
  id: 'change-role',
  title: 'Change role',
  submit: 'Change role',
  recorded: 'Role changed.',
  revisioned: true,
  fields: { role, coachId: coach },
});

// Deactivating or reactivating twice records nothing, so these carry neither key nor revision.
export const deactivateForm = defineForm(DeactivateAccount, {
  id: 'deactivate',
  title: 'Deactivate',
  submit: 'Deactivate',
  recorded: 'Account deactivated; their sessions have ended.',
  fields: {},
});

export const reactivateForm = defineForm(ReactivateAccount, {
  id: 'reactivate',
  title: 'Reactivate',
  submit: 'Reactivate',
  recorded: 'Account reactivated.',
  fields: {},
});

/** No field: the new password is generated, shown once, and every session of theirs ends. */
export const resetPasswordForm = defineForm(ResetPassword, {
  id: 'reset-password',
  title: 'Reset password',
  submit: 'Reset password',
  recorded: 'Password reset; their sessions have ended.',
  fields: {},
});

export const peopleForms = [inviteForm, changeRoleForm, deactivateForm, reactivateForm, resetPasswordForm] as const;

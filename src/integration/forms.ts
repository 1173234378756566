import { defineForm, fields } from '../http/forms.ts';
import { GrantIntegrationToken, RedriveDeadLetter, RedriveDeadLettersOfReason, RevokeIntegrationToken } from './commands.ts';

/** The token's id is the form's key, so a retried POST grants once. */
export const grantTokenForm = defineForm(GrantIntegrationToken, {
  id: 'grant-token',
  title: 'Create an integration token',
  submit: 'Create token',
  recorded: 'Token created.',
  keyed: true,
  fields: {
    name: fields.text('Name', { hint: 'What the token is for, e.g. OKR tool' }),
    source: fields.text('CloudEvents source', { hint: 'The source its events carry, e.g. urn:okr-tool; it may ingest for this one only' }),
  },
});

export const revokeTokenForm = defineForm(RevokeIntegrationToken, {
  id: 'revoke-token',
  title: 'Revoke',
  submit: 'Revoke',
  recorded: 'Token revoked.',
  fields: {},
});

export const redriveForm = defineForm(RedriveDeadLetter, {
  id: 'redrive',
  title: 'Re-drive',
  submit: 'Re-drive',
  recorded: 'Re-driven.',
  keyed: true,
  fields: {},
});

export const redriveReasonForm = defineForm(RedriveDeadLettersOfReason, {
  id: 'redrive-reason',
  title: 'Re-drive all of this reason',
  submit: 'Re-drive all waiting',
  recorded: 'Re-driven.',
  keyed: true,
  fields: {},
});

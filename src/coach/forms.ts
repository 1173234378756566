import { defineForm, fields } from '../http/forms.ts';
import { RegisterCoach } from './commands.ts';

/** The key becomes the new coach's id. */
export const registerCoachForm = defineForm(RegisterCoach, {
  id: 'register-coach',
  title: 'Register a coach',
  submit: 'Register coach',
  recorded: 'Coach registered.',
  keyed: true,
  fields: { name: fields.text('Name'), email: fields.text('Email') },
});

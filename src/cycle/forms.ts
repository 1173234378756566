import { defineForm, fields } from '../http/forms.ts';
import { CloseCycle, OpenCycle } from './commands.ts';

export const openCycleForm = defineForm(OpenCycle, {
  id: 'open-cycle',
  title: 'Open a cycle',
  submit: 'Open cycle',
  recorded: 'Cycle opened.',
  keyed: true,
  fields: {
    name: fields.text('Name', { hint: 'e.g. 2027-Q1' }),
    startsOn: fields.date('Starts on'),
    endsOn: fields.date('Ends on'),
    checkInCadenceDays: fields.integer('Check-in every', { hint: 'Days between check-ins, 1–42' }),
  },
});

export const closeCycleForm = defineForm(CloseCycle, {
  id: 'close-cycle',
  title: 'Close',
  submit: 'Close cycle',
  recorded: 'Cycle closed.',
  revisioned: true,
  fields: { closedOn: fields.date('Closed on') },
});

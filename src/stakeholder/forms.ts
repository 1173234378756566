import { defineForm, fields, optional } from '../http/forms.ts';
import { AssessAdkarStage, AssessAttitude, IdentifyStakeholder, LogEngagement, MapStakeholder, SetDesiredAttitude } from './commands.ts';

export const identifyStakeholderForm = defineForm(IdentifyStakeholder, {
  id: 'identify',
  title: 'Identify a stakeholder',
  submit: 'Identify',
  recorded: 'Stakeholder identified.',
  keyed: true,
  fields: {
    name: fields.text('Name'),
    role: fields.text('Role', { hint: 'e.g. VP Sales, Head of Platform' }),
    areaId: fields.select('Area'),
    influence: fields.numericSelect('Influence', { hint: 'Power over the change' }),
    interest: fields.numericSelect('Interest', { hint: 'How much it affects them' }),
  },
});

export const logEngagementForm = defineForm(LogEngagement, {
  id: 'engagement',
  title: 'Log an engagement',
  submit: 'Log engagement',
  recorded: 'Engagement logged.',
  keyed: true,
  fields: {
    kind: fields.select('Kind'),
    occurredOn: fields.date('Occurred on'),
    sentiment: fields.numericSelect('Sentiment', { hint: 'How it went, from −2 to +2' }),
    coachId: fields.select('Coach'),
    note: optional(fields.text('Note')),
  },
});

export const assessAttitudeForm = defineForm(AssessAttitude, {
  id: 'attitude',
  title: 'Assess attitude',
  submit: 'Record attitude',
  recorded: 'Attitude assessed.',
  fields: { attitude: fields.select('Attitude'), note: optional(fields.text('Why')) },
});

export const assessAdkarStageForm = defineForm(AssessAdkarStage, {
  id: 'adkar',
  title: 'Assess ADKAR stage',
  submit: 'Record stage',
  recorded: 'ADKAR stage assessed.',
  fields: { stage: fields.select('ADKAR stage'), note: optional(fields.text('Why')) },
});

export const setDesiredAttitudeForm = defineForm(SetDesiredAttitude, {
  id: 'desired',
  title: 'Set desired attitude',
  submit: 'Set desired attitude',
  recorded: 'Desired attitude set.',
  fields: { attitude: fields.select('Desired attitude'), reason: optional(fields.text('Why this aim')) },
});

export const mapStakeholderForm = defineForm(MapStakeholder, {
  id: 'map',
  title: 'Re-map influence and interest',
  submit: 'Re-map',
  recorded: 'Influence and interest re-mapped.',
  revisioned: true,
  fields: { influence: fields.numericSelect('Influence'), interest: fields.numericSelect('Interest') },
});

/** The forms on a stakeholder's page, in the order it shows them. */
export const stakeholderPageForms = [
  logEngagementForm,
  assessAttitudeForm,
  setDesiredAttitudeForm,
  assessAdkarStageForm,
  mapStakeholderForm,
] as const;

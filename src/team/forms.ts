import { defineForm, fields, optional } from '../http/forms.ts';
import {
  CompleteTraining,
  DraftOkrs,
  HoldCheckIn,
  HoldCycleReview,
  HoldRetrospective,
  MissCheckIn,
  MoveTeam,
  PublishOkrs,
  RegisterTeam,
  ReportKeyResultProgress,
  ResizeTeam,
} from './commands.ts';

const cycle = fields.select('Cycle');

export const checkInHeldForm = defineForm(HoldCheckIn, {
  id: 'check-in-held',
  keyed: true,
  title: 'Check-in held',
  submit: 'Record check-in',
  recorded: 'Check-in recorded.',
  fields: {
    heldOn: fields.date('Held on'),
    cycleId: cycle,
    attendance: optional(fields.percent('Attendance', { hint: 'Share of the team present' })),
    confidence: optional(fields.percent('Confidence', { hint: 'In reaching the key results' })),
  },
});

export const checkInMissedForm = defineForm(MissCheckIn, {
  id: 'check-in-missed',
  keyed: true,
  title: 'Check-in missed',
  submit: 'Record missed check-in',
  recorded: 'Missed check-in recorded.',
  fields: { dueOn: fields.date('Was due on'), cycleId: cycle, reason: optional(fields.text('Reason')) },
});

export const trainingCompletedForm = defineForm(CompleteTraining, {
  id: 'training-completed',
  keyed: true,
  title: 'Training completed',
  submit: 'Record training',
  recorded: 'Training recorded.',
  fields: {
    kind: fields.select('Training'),
    participants: fields.integer('Participants'),
    completedOn: fields.date('Completed on'),
    cycleId: optional(fields.select('Cycle', { hint: 'Leave empty for training outside any cycle' })),
  },
});

export const okrsDraftedForm = defineForm(DraftOkrs, {
  id: 'okrs-drafted',
  keyed: true,
  title: 'OKRs drafted',
  submit: 'Record draft',
  recorded: 'OKR draft recorded.',
  fields: {
    objectives: fields.integer('Objectives'),
    keyResults: fields.integer('Key results'),
    draftedOn: fields.date('Drafted on'),
    cycleId: cycle,
  },
});

export const okrsPublishedForm = defineForm(PublishOkrs, {
  id: 'okrs-published',
  keyed: true,
  title: 'OKRs published',
  submit: 'Record publication',
  recorded: 'OKR publication recorded.',
  fields: { publishedOn: fields.date('Published on'), cycleId: cycle },
});

export const keyResultProgressForm = defineForm(ReportKeyResultProgress, {
  id: 'key-result-progress',
  keyed: true,
  title: 'Key-result progress',
  submit: 'Record progress',
  recorded: 'Key-result progress recorded.',
  fields: {
    keyResultRef: fields.choiceOrOther('Key result', 'Another key result'),
    progress: fields.percent('Progress'),
    reportedOn: fields.date('Reported on'),
    cycleId: cycle,
  },
});

export const cycleReviewForm = defineForm(HoldCycleReview, {
  id: 'cycle-review',
  keyed: true,
  title: 'Cycle review held',
  submit: 'Record review',
  recorded: 'Cycle review recorded.',
  fields: { heldOn: fields.date('Held on'), cycleId: cycle },
});

export const retrospectiveForm = defineForm(HoldRetrospective, {
  id: 'retrospective',
  keyed: true,
  title: 'Retrospective held',
  submit: 'Record retrospective',
  recorded: 'Retrospective recorded.',
  fields: { heldOn: fields.date('Held on'), actions: optional(fields.integer('Actions agreed')), cycleId: cycle },
});

export const resizeTeamForm = defineForm(ResizeTeam, {
  id: 'resize',
  title: 'Resize team',
  submit: 'Resize',
  recorded: 'Team resized.',
  revisioned: true,
  fields: { size: fields.integer('People') },
});

export const moveTeamForm = defineForm(MoveTeam, {
  id: 'move',
  title: 'Move team',
  submit: 'Move',
  recorded: 'Team moved.',
  revisioned: true,
  fields: { areaId: fields.select('Area') },
});

/** On the organisation page: the key becomes the new team's id (and travels apart from the team's own `key`). */
export const registerTeamForm = defineForm(RegisterTeam, {
  id: 'register-team',
  title: 'Register a team',
  submit: 'Register team',
  recorded: 'Team registered.',
  keyed: true,
  keyName: 'formKey',
  fields: {
    key: fields.text('Key', { hint: 'Upper-case, starting with a letter, e.g. PAY' }),
    name: fields.text('Name'),
    areaId: fields.select('Area'),
    size: fields.integer('People'),
  },
});

/** The forms that record adoption, in the page's order: the first (a check-in) is the page's primary form. */
export const adoptionForms = [
  checkInHeldForm,
  checkInMissedForm,
  trainingCompletedForm,
  okrsDraftedForm,
  okrsPublishedForm,
  keyResultProgressForm,
  cycleReviewForm,
  retrospectiveForm,
] as const;
/** The forms that edit the team itself, carrying its revision. */
export const teamEditForms = [resizeTeamForm, moveTeamForm] as const;

import { defineForm, fields, optional } from '../http/forms.ts';
import {
  AcknowledgeResistanceSignal,
  CancelIntervention,
  CompleteIntervention,
  EscalateResistanceSignal,
  PlanIntervention,
  RaiseResistanceSignal,
  ResolveResistanceSignal,
} from './commands.ts';

export const raiseForm = defineForm(RaiseResistanceSignal, {
  id: 'raise',
  title: 'Raise a signal',
  submit: 'Raise signal',
  recorded: 'Signal raised.',
  keyed: true,
  fields: {
    areaId: fields.select('Area'),
    teamId: optional(fields.select('Team')),
    stakeholderId: optional(fields.select('Stakeholder')),
    kind: fields.select('Kind'),
    severity: fields.integer('Severity', { hint: '1 minor · 3 moderate · 5 critical' }),
    raisedOn: fields.date('Raised on'),
    description: fields.text('What did you see?'),
  },
});

export const acknowledgeForm = defineForm(AcknowledgeResistanceSignal, {
  id: 'acknowledge',
  title: 'Acknowledge',
  submit: 'Acknowledge',
  recorded: 'Signal acknowledged.',
  revisioned: true,
  fields: { acknowledgedOn: fields.date('Acknowledged on') },
});

/** Plans a new intervention: keyed, the key is its id. */
export const planForm = defineForm(PlanIntervention, {
  id: 'plan',
  title: 'Plan an intervention',
  submit: 'Plan intervention',
  recorded: 'Intervention planned.',
  keyed: true,
  fields: {
    kind: fields.select('Intervention'),
    ownerId: fields.select('Owner'),
    dueOn: fields.date('Due on'),
  },
});

export const escalateForm = defineForm(EscalateResistanceSignal, {
  id: 'escalate',
  title: 'Escalate',
  submit: 'Escalate',
  recorded: 'Signal escalated.',
  revisioned: true,
  fields: {
    to: fields.text('Escalate to', { hint: 'Who takes it on, e.g. the area’s sponsor' }),
    reason: fields.text('Reason'),
    escalatedOn: fields.date('Escalated on'),
  },
});

export const resolveForm = defineForm(ResolveResistanceSignal, {
  id: 'resolve',
  title: 'Resolve',
  submit: 'Resolve signal',
  recorded: 'Signal resolved.',
  revisioned: true,
  fields: {
    resolution: fields.text('Resolution', { hint: 'What changed, in a sentence' }),
    resolvedOn: fields.date('Resolved on'),
    cancelOpenInterventions: fields.checkbox('Cancel the planned interventions'),
  },
});

/** One per planned intervention on the page; `formFor` gives each its own id. */
export const completeForm = defineForm(CompleteIntervention, {
  id: 'complete',
  title: 'Complete',
  submit: 'Record outcome',
  recorded: 'Intervention completed.',
  revisioned: true,
  fields: {
    outcome: fields.text('Outcome'),
    completedOn: fields.date('Completed on'),
  },
});

/** One per planned intervention, beside its complete form: why it will not happen. */
export const cancelForm = defineForm(CancelIntervention, {
  id: 'cancel',
  title: 'Cancel',
  submit: 'Cancel intervention',
  recorded: 'Intervention cancelled.',
  revisioned: true,
  fields: {
    reason: fields.text('Why it will not happen'),
    cancelledOn: fields.date('Cancelled on'),
  },
});

import { defineForm, fields, orNull } from '../http/forms.ts';
import { AssignCoachToArea, MoveArea, RegisterArea, RenameArea, UnassignCoachFromArea } from './commands.ts';

const parentArea = orNull(fields.select('Parent area', { hint: 'Leave at “Top level” for an area of its own' }));

/** The key becomes the new area's id. */
export const registerAreaForm = defineForm(RegisterArea, {
  id: 'register-area',
  title: 'Register an area',
  submit: 'Register area',
  recorded: 'Area registered.',
  keyed: true,
  fields: {
    code: fields.text('Code', { hint: 'Upper-case letters and digits, e.g. SALES' }),
    name: fields.text('Name'),
    parentAreaId: parentArea,
  },
});

export const renameAreaForm = defineForm(RenameArea, {
  id: 'rename-area',
  title: 'Rename',
  submit: 'Rename',
  recorded: 'Area renamed.',
  revisioned: true,
  fields: { name: fields.text('Name') },
});

export const moveAreaForm = defineForm(MoveArea, {
  id: 'move-area',
  title: 'Move',
  submit: 'Move',
  recorded: 'Area moved.',
  revisioned: true,
  fields: { parentAreaId: parentArea },
});

// Assignment is a set (assigning twice records nothing), so these carry neither key nor revision.
export const assignCoachForm = defineForm(AssignCoachToArea, {
  id: 'assign-coach',
  title: 'Assign a coach',
  submit: 'Assign',
  recorded: 'Coach assigned.',
  fields: { coachId: fields.select('Coach') },
});

export const unassignCoachForm = defineForm(UnassignCoachFromArea, {
  id: 'unassign-coach',
  title: 'Unassign a coach',
  submit: 'Unassign',
  recorded: 'Coach unassigned.',
  fields: { coachId: fields.select('Coach') },
});

/** The forms that change the area opened on the organisation page, in the page's order. */
export const areaForms = [renameAreaForm, moveAreaForm, assignCoachForm, unassignCoachForm] as const;

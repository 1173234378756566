import { defineForm, fields, optional } from '../http/forms.ts';
import {
  DefineKeyResult,
  DropObjective,
  DropTheme,
  LinkObjective,
  RenameObjective,
  RenameTheme,
  SetObjective,
  SetTheme,
  UnlinkObjective,
} from './commands.ts';

/** On the alignment map, admins only: the key becomes the theme's id. */
export const setThemeForm = defineForm(SetTheme, {
  id: 'set-theme',
  keyed: true,
  title: 'Set a strategic theme',
  submit: 'Set theme',
  recorded: 'Strategic theme set.',
  fields: { title: fields.text('Theme', { hint: 'What the organisation is going for, across cycles' }) },
});

/** On a theme's page, admins only, like setting one. */
export const renameThemeForm = defineForm(RenameTheme, {
  id: 'rename',
  title: 'Rename this theme',
  submit: 'Rename theme',
  recorded: 'Theme renamed.',
  revisioned: true,
  fields: { title: fields.text('Theme') },
});

export const dropThemeForm = defineForm(DropTheme, {
  id: 'drop',
  title: 'Drop this theme',
  submit: 'Drop theme',
  recorded: 'Theme dropped.',
  revisioned: true,
  fields: {},
});

export const setAreaObjectiveForm = defineForm(SetObjective, {
  id: 'set-area-objective',
  keyed: true,
  title: 'Set an area objective',
  submit: 'Set objective',
  recorded: 'Area objective set.',
  fields: { title: fields.text('Objective'), areaId: fields.select('Area'), cycleId: fields.select('Cycle') },
});

export const setTeamObjectiveForm = defineForm(SetObjective, {
  id: 'set-team-objective',
  keyed: true,
  title: 'Set a team objective',
  submit: 'Set objective',
  recorded: 'Team objective set.',
  fields: { title: fields.text('Objective'), teamId: optional(fields.select('Team')), cycleId: fields.select('Cycle') },
});

export const renameObjectiveForm = defineForm(RenameObjective, {
  id: 'rename',
  title: 'Rename',
  submit: 'Rename objective',
  recorded: 'Objective renamed.',
  revisioned: true,
  fields: { title: fields.text('Objective') },
});

/** The parent's kind is not asked: the route finds whether the chosen id is a theme's or an objective's. */
export const linkObjectiveForm = defineForm(LinkObjective, {
  id: 'link',
  title: 'Link to a parent',
  submit: 'Link',
  recorded: 'Objective linked.',
  revisioned: true,
  fields: {
    parentId: fields.select('Serves'),
    crossArea: fields.checkbox('A cross-area contribution', { hint: 'For a team objective serving another area’s objective' }),
  },
});

export const unlinkObjectiveForm = defineForm(UnlinkObjective, {
  id: 'unlink',
  title: 'Unlink',
  submit: 'Unlink from its parent',
  recorded: 'Objective unlinked.',
  revisioned: true,
  fields: {},
});

export const defineKeyResultForm = defineForm(DefineKeyResult, {
  id: 'key-result',
  keyed: true,
  title: 'Add a key result',
  submit: 'Add key result',
  recorded: 'Key result added.',
  fields: { title: fields.text('Key result', { hint: 'Measurable: “Churn under 3%”' }) },
});

export const dropObjectiveForm = defineForm(DropObjective, {
  id: 'drop',
  title: 'Drop this objective',
  submit: 'Drop objective',
  recorded: 'Objective dropped.',
  revisioned: true,
  fields: {},
});

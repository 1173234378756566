import { z } from 'zod';
import { defineCommand, type CommandOf } from '../shared/command.ts';
import { Id } from '../shared/event.ts';
import {
  KeyResultDefined,
  ObjectiveDropped,
  ObjectiveLinked,
  ObjectiveRenamed,
  ObjectiveSet,
  ObjectiveUnlinked,
  StrategicThemeDropped,
  StrategicThemeRenamed,
  StrategicThemeSet,
} from './events.ts';

export const SetTheme = defineCommand('SetTheme', StrategicThemeSet.schema);
export const RenameTheme = defineCommand('RenameTheme', StrategicThemeRenamed.schema);
export const DropTheme = defineCommand('DropTheme', StrategicThemeDropped.schema);

/** A team's objective may leave out the area: the handler takes the team's. */
export const SetObjective = defineCommand('SetObjective', ObjectiveSet.schema.extend({ areaId: Id.optional() }));
export const RenameObjective = defineCommand('RenameObjective', ObjectiveRenamed.schema);
export const DefineKeyResult = defineCommand('DefineKeyResult', KeyResultDefined.schema);
/** Not marked cross-area unless said so. */
export const LinkObjective = defineCommand('LinkObjective', ObjectiveLinked.schema.extend({ crossArea: z.boolean().default(false) }));
export const UnlinkObjective = defineCommand('UnlinkObjective', ObjectiveUnlinked.schema);
export const DropObjective = defineCommand('DropObjective', ObjectiveDropped.schema);

export type SetTheme = CommandOf<typeof SetTheme>;
export type RenameTheme = CommandOf<typeof RenameTheme>;
export type DropTheme = CommandOf<typeof DropTheme>;
export type SetObjective = CommandOf<typeof SetObjective>;
export type RenameObjective = CommandOf<typeof RenameObjective>;
export type DefineKeyResult = CommandOf<typeof DefineKeyResult>;
export type LinkObjective = CommandOf<typeof LinkObjective>;
export type UnlinkObjective = CommandOf<typeof UnlinkObjective>;
export type DropObjective = CommandOf<typeof DropObjective>;

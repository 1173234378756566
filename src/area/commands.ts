import { defineCommand, type CommandOf } from '../shared/command.ts';
import { AreaMoved, AreaRegistered, AreaRenamed, CoachAssignedToArea, CoachUnassignedFromArea } from './events.ts';

export const RegisterArea = defineCommand('RegisterArea', AreaRegistered.schema);
export const RenameArea = defineCommand('RenameArea', AreaRenamed.schema);
/** `parentAreaId: null` moves the area to the top level. */
export const MoveArea = defineCommand('MoveArea', AreaMoved.schema);
export const AssignCoachToArea = defineCommand('AssignCoachToArea', CoachAssignedToArea.schema);
export const UnassignCoachFromArea = defineCommand('UnassignCoachFromArea', CoachUnassignedFromArea.schema);

export type RegisterArea = CommandOf<typeof RegisterArea>;
export type RenameArea = CommandOf<typeof RenameArea>;
export type MoveArea = CommandOf<typeof MoveArea>;
export type AssignCoachToArea = CommandOf<typeof AssignCoachToArea>;
export type UnassignCoachFromArea = CommandOf<typeof UnassignCoachFromArea>;

import { defineCommand, type CommandOf } from '../shared/command.ts';
import { CoachRegistered } from './events.ts';

export const RegisterCoach = defineCommand('RegisterCoach', CoachRegistered.schema);
export type RegisterCoach = CommandOf<typeof RegisterCoach>;

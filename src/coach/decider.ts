import type { WithContext } from '../shared/command.ts';
import type { Decider } from '../shared/decider.ts';
import { ruleBroken, sameData } from '../shared/validation.ts';
import type { RegisterCoach } from './commands.ts';
import type { CoachEvent } from './events.ts';

export type CoachState = { status: 'Empty' } | { status: 'Registered'; coachId: string; name: string; email: string };

/** `emails`: every registered coach's e-mail, from the directory. */
export type CoachCommand = WithContext<RegisterCoach, { emails: readonly string[] }>;

/** For commands elsewhere that name a coach (an area's assignment, an engagement's author). */
export function requireRegisteredCoach(coach: CoachState, coachId: string, field = 'coachId'): void {
  if (coach.status !== 'Registered') throw ruleBroken(field, `must be a registered coach (none has the id "${coachId}")`);
}

export const coachDecider: Decider<CoachState, CoachCommand, CoachEvent> = {
  initialState: () => ({ status: 'Empty' }),

  evolve: (state, event) => {
    switch (event.type) {
      case 'CoachRegistered':
        return { status: 'Registered', ...event.data };
      default: {
        event.type satisfies never;
        return state;
      }
    }
  },

  decide: (command, state) => {
    switch (command.type) {
      case 'RegisterCoach':
        if (state.status !== 'Empty') {
          const { status, ...registered } = state;
          if (sameData(command.data, registered)) return [];
          throw ruleBroken('coachId', `Coach ${state.name} is already registered under this id, with other details`);
        }
        if (command.context.emails.some((email) => email.toLowerCase() === command.data.email.toLowerCase())) {
          throw ruleBroken('email', `Another coach is already registered as ${command.data.email}`);
        }
        return [{ type: 'CoachRegistered', data: command.data }];
      default: {
        const unexpected: never = command.type;
        throw new Error(`unknown command ${String(unexpected)}`);
      }
    }
  },
};

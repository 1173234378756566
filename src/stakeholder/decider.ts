import type { z } from 'zod';
import { requireRegisteredArea, type AreaState } from '../area/decider.ts';
import { requireRegisteredCoach, type CoachState } from '../coach/decider.ts';
import type { Today, WithContext } from '../shared/command.ts';
import type { Decider } from '../shared/decider.ts';
import { requireNotAfterToday, ruleBroken, sameData } from '../shared/validation.ts';
import type {
  AssessAdkarStage,
  AssessAttitude,
  IdentifyStakeholder,
  LogEngagement,
  MapStakeholder,
  SetDesiredAttitude,
} from './commands.ts';
import type { AdkarStage, Attitude, EngagementLogged, StakeholderEvent } from './events.ts';

type EngagementData = z.infer<typeof EngagementLogged.schema>;

export type StakeholderState =
  | { status: 'Empty' }
  | {
      status: 'Identified';
      stakeholderId: string;
      name: string;
      role: string;
      areaId: string;
      influence: number;
      interest: number;
      /** Null until first assessed. */
      attitude: z.infer<typeof Attitude> | null;
      adkarStage: z.infer<typeof AdkarStage> | null;
      /** Null until a coach sets the attitude they work towards. */
      desiredAttitude: z.infer<typeof Attitude> | null;
      /** What each engagement recorded, by id. */
      engagements: Readonly<Record<string, EngagementData>>;
    };

export type StakeholderCommand =
  | WithContext<IdentifyStakeholder, { area: AreaState }>
  | MapStakeholder
  | AssessAttitude
  | AssessAdkarStage
  | SetDesiredAttitude
  | WithContext<LogEngagement, { coach: CoachState } & Today>;

export const stakeholderDecider: Decider<StakeholderState, StakeholderCommand, StakeholderEvent> = {
  initialState: () => ({ status: 'Empty' }),

  evolve: (state, event) => {
    if (event.type === 'StakeholderIdentified')
      return { status: 'Identified', ...event.data, attitude: null, adkarStage: null, desiredAttitude: null, engagements: {} };
    if (state.status !== 'Identified') return state;
    switch (event.type) {
      case 'StakeholderMapped':
        return { ...state, influence: event.data.influence, interest: event.data.interest };
      case 'AttitudeAssessed':
        return { ...state, attitude: event.data.attitude };
      case 'AdkarStageAssessed':
        return { ...state, adkarStage: event.data.stage };
      case 'StakeholderDesiredAttitudeSet':
        return { ...state, desiredAttitude: event.data.attitude };
      case 'EngagementLogged':
        return { ...state, engagements: { ...state.engagements, [event.data.engagementId]: event.data } };
      default: {
        event satisfies never;
        return state;
      }
    }
  },

  decide: (command, state) => {
    if (command.type === 'IdentifyStakeholder') {
      const { data, context } = command;
      if (state.status !== 'Empty') {
        const { status, attitude, adkarStage, desiredAttitude, engagements, ...identified } = state;
        if (sameData(data, identified)) return [];
        throw ruleBroken('stakeholderId', `${state.name} is already identified under this id, with other details`);
      }
      requireRegisteredArea(context.area, data.areaId);
      return [{ type: 'StakeholderIdentified', data }];
    }
    if (state.status !== 'Identified') throw ruleBroken('stakeholderId', `There is no stakeholder "${command.data.stakeholderId}"`);
    switch (command.type) {
      case 'MapStakeholder':
        if (command.data.influence === state.influence && command.data.interest === state.interest) return [];
        return [{ type: 'StakeholderMapped', data: command.data }];
      // An assessment that repeats the current one changes nothing; observations go in an engagement's note.
      case 'AssessAttitude':
        if (command.data.attitude === state.attitude) return [];
        return [{ type: 'AttitudeAssessed', data: command.data }];
      case 'AssessAdkarStage':
        if (command.data.stage === state.adkarStage) return [];
        return [{ type: 'AdkarStageAssessed', data: command.data }];
      // Like an assessment: the same aim again changes nothing.
      case 'SetDesiredAttitude':
        if (command.data.attitude === state.desiredAttitude) return [];
        return [{ type: 'StakeholderDesiredAttitudeSet', data: command.data }];
      case 'LogEngagement': {
        const { data, context } = command;
        const logged = state.engagements[data.engagementId];
        if (logged !== undefined) {
          if (sameData(data, logged)) return [];
          throw ruleBroken('engagementId', 'This engagement is already logged, with other details');
        }
        requireRegisteredCoach(context.coach, data.coachId);
        requireNotAfterToday('occurredOn', data.occurredOn, context.today);
        return [{ type: 'EngagementLogged', data }];
      }
      default: {
        const unexpected: never = command;
        throw new Error(`unknown command ${JSON.stringify(unexpected)}`);
      }
    }
  },
};

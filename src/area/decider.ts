import { requireRegisteredCoach, type CoachState } from '../coach/decider.ts';
import type { WithContext } from '../shared/command.ts';
import type { Decider } from '../shared/decider.ts';
import { ruleBroken, sameData } from '../shared/validation.ts';
import type { AssignCoachToArea, MoveArea, RegisterArea, RenameArea, UnassignCoachFromArea } from './commands.ts';
import type { AreaEvent } from './events.ts';

export type AreaState =
  | { status: 'Empty' }
  | { status: 'Registered'; areaId: string; code: string; name: string; parentAreaId: string | null; coachIds: readonly string[] };

/** An area as seen from a sibling: enough to keep names unique under one parent. */
export interface AreaSummary {
  areaId: string;
  name: string;
}

/** Where an area would sit: the parent's state (null at the top level) and who already sits there. */
export interface Placement {
  parent: AreaState | null;
  /** Areas directly under that parent; may include the area itself. */
  siblings: readonly AreaSummary[];
}

export type AreaCommand =
  | WithContext<RegisterArea, Placement & { areaCodes: readonly string[] }>
  | WithContext<RenameArea, { siblings: readonly AreaSummary[] }>
  | WithContext<MoveArea, Placement & { descendantIds: readonly string[] }>
  | WithContext<AssignCoachToArea, { coach: CoachState }>
  | UnassignCoachFromArea;

/** Names are compared ignoring case: "Sales" and "sales" side by side would confuse a reader. */
const sameName = (a: string, b: string) => a.localeCompare(b, undefined, { sensitivity: 'accent' }) === 0;

function requireUniqueName(name: string, areaId: string, siblings: readonly AreaSummary[]): void {
  if (siblings.some((s) => s.areaId !== areaId && sameName(s.name, name))) {
    throw ruleBroken('name', `Another area under the same parent is already named "${name}"`);
  }
}

/** For commands elsewhere that point at an area (a team's, a stakeholder's, a signal's). */
export function requireRegisteredArea(area: AreaState, areaId: string, field = 'areaId'): void {
  if (area.status !== 'Registered') throw ruleBroken(field, `must be a registered area (none has the id "${areaId}")`);
}

function requireParent(parentAreaId: string | null, parent: AreaState | null): void {
  if (parentAreaId !== null) requireRegisteredArea(parent ?? { status: 'Empty' }, parentAreaId, 'parentAreaId');
}

export const areaDecider: Decider<AreaState, AreaCommand, AreaEvent> = {
  initialState: () => ({ status: 'Empty' }),

  evolve: (state, event) => {
    if (event.type === 'AreaRegistered') return { status: 'Registered', ...event.data, coachIds: [] };
    if (state.status !== 'Registered') return state;
    switch (event.type) {
      case 'AreaRenamed':
        return { ...state, name: event.data.name };
      case 'AreaMoved':
        return { ...state, parentAreaId: event.data.parentAreaId };
      case 'CoachAssignedToArea':
        return { ...state, coachIds: [...state.coachIds, event.data.coachId] };
      case 'CoachUnassignedFromArea':
        return { ...state, coachIds: state.coachIds.filter((id) => id !== event.data.coachId) };
      default: {
        event satisfies never;
        return state;
      }
    }
  },

  decide: (command, state) => {
    if (command.type === 'RegisterArea') {
      const { data, context } = command;
      if (state.status !== 'Empty') {
        const { status, coachIds, ...registered } = state;
        if (sameData(data, registered)) return [];
        throw ruleBroken('areaId', `Area ${state.name} is already registered under this id, with other details`);
      }
      requireParent(data.parentAreaId, context.parent);
      requireUniqueName(data.name, data.areaId, context.siblings);
      if (context.areaCodes.includes(data.code)) throw ruleBroken('code', `Another area already has the code ${data.code}`);
      return [{ type: 'AreaRegistered', data }];
    }
    if (state.status !== 'Registered') throw ruleBroken('areaId', `There is no area "${command.data.areaId}"`);
    switch (command.type) {
      case 'RenameArea':
        if (command.data.name === state.name) return [];
        requireUniqueName(command.data.name, state.areaId, command.context.siblings);
        return [{ type: 'AreaRenamed', data: command.data }];
      case 'MoveArea': {
        const { data, context } = command;
        if (data.parentAreaId === state.parentAreaId) return [];
        if (data.parentAreaId === state.areaId || (data.parentAreaId !== null && context.descendantIds.includes(data.parentAreaId))) {
          throw ruleBroken('parentAreaId', 'An area cannot be moved under itself or an area inside it');
        }
        requireParent(data.parentAreaId, context.parent);
        requireUniqueName(state.name, state.areaId, context.siblings);
        return [{ type: 'AreaMoved', data }];
      }
      // Assignment is a set: assigning a coach already assigned, or unassigning one who is not, records nothing.
      case 'AssignCoachToArea':
        if (state.coachIds.includes(command.data.coachId)) return [];
        requireRegisteredCoach(command.context.coach, command.data.coachId);
        return [{ type: 'CoachAssignedToArea', data: command.data }];
      case 'UnassignCoachFromArea':
        if (!state.coachIds.includes(command.data.coachId)) return [];
        return [{ type: 'CoachUnassignedFromArea', data: command.data }];
      default: {
        const unexpected: never = command;
        throw new Error(`unknown command ${JSON.stringify(unexpected)}`);
      }
    }
  },
};

import { requireRegisteredArea, type AreaState } from '../area/decider.ts';
import type { CycleState } from '../cycle/decider.ts';
import type { WithContext } from '../shared/command.ts';
import type { Decider } from '../shared/decider.ts';
import { ruleBroken, sameData } from '../shared/validation.ts';
import type { TeamState } from '../team/decider.ts';
import type {
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
import type { ObjectiveEvent, ThemeEvent } from './events.ts';

export type ThemeState = { status: 'Empty' } | { status: 'Set' | 'Dropped'; themeId: string; title: string };

export type ThemeCommand = SetTheme | RenameTheme | DropTheme;

export const themeDecider: Decider<ThemeState, ThemeCommand, ThemeEvent> = {
  initialState: () => ({ status: 'Empty' }),

  evolve: (state, event) => {
    switch (event.type) {
      case 'StrategicThemeSet':
        return { status: 'Set', ...event.data };
      case 'StrategicThemeRenamed':
        return state.status === 'Empty' ? state : { ...state, title: event.data.title };
      case 'StrategicThemeDropped':
        return state.status === 'Empty' ? state : { ...state, status: 'Dropped' };
      default: {
        event satisfies never;
        return state;
      }
    }
  },

  decide: (command, state) => {
    if (command.type === 'SetTheme') {
      if (state.status === 'Empty') return [{ type: 'StrategicThemeSet', data: command.data }];
      if (state.status === 'Set' && state.title === command.data.title) return [];
      throw ruleBroken('themeId', `Theme "${state.title}" is already set under this id`);
    }
    if (state.status === 'Empty') throw ruleBroken('themeId', `There is no strategic theme "${command.data.themeId}"`);
    if (command.type === 'DropTheme') return state.status === 'Dropped' ? [] : [{ type: 'StrategicThemeDropped', data: command.data }];
    if (state.status === 'Dropped') throw ruleBroken('themeId', `Theme "${state.title}" was dropped`);
    switch (command.type) {
      case 'RenameTheme':
        return command.data.title === state.title ? [] : [{ type: 'StrategicThemeRenamed', data: command.data }];
      default: {
        const unexpected: never = command;
        throw new Error(`unknown command ${JSON.stringify(unexpected)}`);
      }
    }
  },
};

export interface Link {
  parentKind: 'theme' | 'objective';
  parentId: string;
  crossArea: boolean;
}

interface ObjectiveFacts {
  objectiveId: string;
  title: string;
  cycleId: string;
  areaId: string;
  /** Null for an area's objective. */
  teamId: string | null;
  /** Key result titles by id. */
  keyResults: Readonly<Record<string, string>>;
  parent: Link | null;
}

export type ObjectiveState = { status: 'Empty' } | ({ status: 'Set' | 'Dropped' } & ObjectiveFacts);

/** The parent a link points at, as its own stream tells it. */
export type ParentState =
  | { kind: 'theme'; theme: ThemeState }
  | {
      kind: 'objective';
      objective: ObjectiveState /** When the parent's cycle starts; null if that cycle is unknown. */;
      startsOn: string | null;
    };

export interface LinkContext {
  parent: ParentState;
  /** The parent's own parents, nearest first, up to a theme or an unlinked objective: a link that would close a loop is refused. */
  ancestors: readonly string[];
  /** When the linked objective's cycle starts. */
  startsOn: string;
  /** A team objective's area chain: the team's area now and every area above it; empty for an area's objective. */
  areaChain: readonly string[];
}

/** A SetObjective whose area the handler has resolved. */
type ObjectiveToSet = { type: SetObjective['type']; data: SetObjective['data'] & { areaId: string } };

export type ObjectiveCommand =
  | WithContext<ObjectiveToSet, { cycle: CycleState; area: AreaState; team: TeamState | null }>
  | RenameObjective
  | DefineKeyResult
  | WithContext<LinkObjective, LinkContext>
  | UnlinkObjective
  | DropObjective;

function requireParent(data: LinkObjective['data'], context: LinkContext, child: ObjectiveFacts): void {
  const { parent } = context;
  if (parent.kind === 'theme') {
    if (parent.theme.status !== 'Set') throw ruleBroken('parentId', `must be a strategic theme that is set (none is "${data.parentId}")`);
    return;
  }
  const { objective } = parent;
  if (objective.status !== 'Set') throw ruleBroken('parentId', `must be an objective that is set (none is "${data.parentId}")`);
  if (data.parentId === child.objectiveId || context.ancestors.includes(child.objectiveId)) {
    throw ruleBroken('parentId', `"${objective.title}" already serves this objective: the link would make a loop`);
  }
  if (parent.startsOn === null || parent.startsOn > context.startsOn) {
    throw ruleBroken('parentId', `"${objective.title}" belongs to a cycle that starts later; a parent is in the same or an earlier cycle`);
  }
  if (child.teamId !== null && !data.crossArea && !context.areaChain.includes(objective.areaId)) {
    throw ruleBroken(
      'crossArea',
      `"${objective.title}" belongs to an area outside the team's own; link to an objective of the team's area (or above), to a theme, or mark it a cross-area contribution`,
    );
  }
}

export const objectiveDecider: Decider<ObjectiveState, ObjectiveCommand, ObjectiveEvent> = {
  initialState: () => ({ status: 'Empty' }),

  evolve: (state, event) => {
    if (event.type === 'ObjectiveSet')
      return { status: 'Set', ...event.data, teamId: event.data.teamId ?? null, keyResults: {}, parent: null };
    if (state.status === 'Empty') return state;
    switch (event.type) {
      case 'ObjectiveRenamed':
        return { ...state, title: event.data.title };
      case 'KeyResultDefined':
        return { ...state, keyResults: { ...state.keyResults, [event.data.keyResultId]: event.data.title } };
      case 'ObjectiveLinked': {
        const { parentKind, parentId, crossArea } = event.data;
        return { ...state, parent: { parentKind, parentId, crossArea } };
      }
      case 'ObjectiveUnlinked':
        return { ...state, parent: null };
      case 'ObjectiveDropped':
        return { ...state, status: 'Dropped' };
      default: {
        event satisfies never;
        return state;
      }
    }
  },

  decide: (command, state) => {
    if (command.type === 'SetObjective') {
      const { data, context } = command;
      if (state.status !== 'Empty') {
        const { objectiveId, title, cycleId, areaId, teamId } = state;
        if (sameData(data, { objectiveId, title, cycleId, areaId, ...(teamId !== null && { teamId }) })) return [];
        throw ruleBroken('objectiveId', `Objective "${state.title}" is already set under this id, with other details`);
      }
      if (context.cycle.status === 'Empty') throw ruleBroken('cycleId', `There is no cycle "${data.cycleId}"`);
      if (context.cycle.status === 'Closed') throw ruleBroken('cycleId', `Cycle ${context.cycle.name} is closed`);
      requireRegisteredArea(context.area, data.areaId);
      if (data.teamId !== undefined) {
        if (context.team?.status !== 'Registered')
          throw ruleBroken('teamId', `must be a registered team (none has the id "${data.teamId}")`);
        if (context.team.areaId !== data.areaId) throw ruleBroken('areaId', `must be the area team ${context.team.key} belongs to`);
      }
      return [{ type: 'ObjectiveSet', data }];
    }
    if (state.status === 'Empty') throw ruleBroken('objectiveId', `There is no objective "${command.data.objectiveId}"`);
    if (command.type === 'DropObjective') return state.status === 'Dropped' ? [] : [{ type: 'ObjectiveDropped', data: command.data }];
    if (state.status === 'Dropped') throw ruleBroken('objectiveId', `Objective "${state.title}" was dropped`);
    switch (command.type) {
      case 'RenameObjective':
        return command.data.title === state.title ? [] : [{ type: 'ObjectiveRenamed', data: command.data }];
      case 'DefineKeyResult': {
        const { keyResultId, title } = command.data;
        const defined = state.keyResults[keyResultId];
        if (defined !== undefined) {
          if (defined === title) return [];
          throw ruleBroken('keyResultId', `Key result "${defined}" is already defined under this id`);
        }
        if (Object.values(state.keyResults).some((t) => t.toLowerCase() === title.toLowerCase())) {
          throw ruleBroken('title', `This objective already has a key result named "${title}"`);
        }
        return [{ type: 'KeyResultDefined', data: command.data }];
      }
      case 'LinkObjective': {
        const { data, context } = command;
        const { parent } = state;
        if (parent?.parentId === data.parentId && parent.parentKind === data.parentKind && parent.crossArea === data.crossArea) return [];
        requireParent(data, context, state);
        return [
          {
            type: 'ObjectiveLinked',
            data: { objectiveId: data.objectiveId, parentKind: data.parentKind, parentId: data.parentId, crossArea: data.crossArea },
          },
        ];
      }
      case 'UnlinkObjective':
        return state.parent === null ? [] : [{ type: 'ObjectiveUnlinked', data: command.data }];
      default: {
        const unexpected: never = command;
        throw new Error(`unknown command ${JSON.stringify(unexpected)}`);
      }
    }
  },
};

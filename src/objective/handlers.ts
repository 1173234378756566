import { areaOf } from '../area/handlers.ts';
import { cycleOf } from '../cycle/handlers.ts';
import { parseCommand } from '../shared/command.ts';
import { commandHandlerFor, stateOf, type CommandContext } from '../shared/commandHandler.ts';
import type { HandlerDeps } from '../shared/directory.ts';
import { ValidationError } from '../shared/errors.ts';
import type { EventStore } from '../shared/eventStore.ts';
import { ruleBroken } from '../shared/validation.ts';
import { teamOf } from '../team/handlers.ts';
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
import { objectiveDecider, themeDecider, type LinkContext, type ObjectiveState, type ParentState } from './decider.ts';

export const themeOf = (store: EventStore, themeId: string) => stateOf(store, 'theme', themeId, themeDecider);
export const objectiveOf = (store: EventStore, objectiveId: string) => stateOf(store, 'objective', objectiveId, objectiveDecider);

/** The strategy belongs to the whole organisation. */
const inTheme = commandHandlerFor(
  'theme',
  themeDecider,
  (command) => command.data.themeId,
  () => 'organisation',
);

/** An objective's commands touch its area (a team objective's: the team's area when it was set). */
const inObjective = commandHandlerFor(
  'objective',
  objectiveDecider,
  (command) => command.data.objectiveId,
  (command, state) => [state.status === 'Empty' ? undefined : state.areaId, 'areaId' in command.data ? command.data.areaId : undefined],
);

/** Far more than any real cascade; a chain this long is cut rather than followed for ever. */
const MAX_CHAIN = 32;

async function startsOn(store: EventStore, cycleId: string): Promise<string | null> {
  const cycle = await cycleOf(store, cycleId);
  return cycle.status === 'Empty' ? null : cycle.startsOn;
}

/** The objective's parents, nearest first, while they are objectives. */
async function ancestorsOf(store: EventStore, objective: ObjectiveState): Promise<string[]> {
  const chain: string[] = [];
  let current = objective;
  while (current.status !== 'Empty' && current.parent?.parentKind === 'objective' && chain.length < MAX_CHAIN) {
    if (chain.includes(current.parent.parentId)) break;
    chain.push(current.parent.parentId);
    current = await objectiveOf(store, current.parent.parentId);
  }
  return chain;
}

/** A team's area now and every area above it. */
async function areaChainOf(store: EventStore, teamId: string): Promise<string[]> {
  const team = await teamOf(store, teamId);
  const chain: string[] = [];
  let areaId = team.status === 'Registered' ? team.areaId : null;
  while (areaId !== null && !chain.includes(areaId) && chain.length < MAX_CHAIN) {
    chain.push(areaId);
    const area = await areaOf(store, areaId);
    areaId = area.status === 'Registered' ? area.parentAreaId : null;
  }
  return chain;
}

export async function setTheme(deps: HandlerDeps, command: SetTheme, ctx: CommandContext, expectedRevision?: number) {
  return inTheme(deps.store, parseCommand(SetTheme, command.data), ctx, expectedRevision);
}

export async function renameTheme(deps: HandlerDeps, command: RenameTheme, ctx: CommandContext, expectedRevision?: number) {
  return inTheme(deps.store, parseCommand(RenameTheme, command.data), ctx, expectedRevision);
}

export async function dropTheme(deps: HandlerDeps, command: DropTheme, ctx: CommandContext, expectedRevision?: number) {
  return inTheme(deps.store, parseCommand(DropTheme, command.data), ctx, expectedRevision);
}

export async function setObjective(deps: HandlerDeps, command: SetObjective, ctx: CommandContext, expectedRevision?: number) {
  const { type, data } = parseCommand(SetObjective, command.data);
  const team = data.teamId === undefined ? null : await teamOf(deps.store, data.teamId);
  if (team?.status === 'Empty') throw ruleBroken('teamId', `must be a registered team (none has the id "${data.teamId}")`);
  const areaId = data.areaId ?? (team?.status === 'Registered' ? team.areaId : undefined);
  if (areaId === undefined) throw ValidationError.field('areaId', 'is required for an area’s objective');
  const [cycle, area] = await Promise.all([cycleOf(deps.store, data.cycleId), areaOf(deps.store, areaId)]);
  return inObjective(deps.store, { type, data: { ...data, areaId }, context: { cycle, area, team } }, ctx, expectedRevision);
}

export async function renameObjective(deps: HandlerDeps, command: RenameObjective, ctx: CommandContext, expectedRevision?: number) {
  return inObjective(deps.store, parseCommand(RenameObjective, command.data), ctx, expectedRevision);
}

export async function defineKeyResult(deps: HandlerDeps, command: DefineKeyResult, ctx: CommandContext, expectedRevision?: number) {
  return inObjective(deps.store, parseCommand(DefineKeyResult, command.data), ctx, expectedRevision);
}

export async function linkObjective(deps: HandlerDeps, command: LinkObjective, ctx: CommandContext, expectedRevision?: number) {
  const { type, data } = parseCommand(LinkObjective, command.data);
  const child = await objectiveOf(deps.store, data.objectiveId);
  let parent: ParentState;
  let ancestors: string[] = [];
  if (data.parentKind === 'theme') parent = { kind: 'theme', theme: await themeOf(deps.store, data.parentId) };
  else {
    const objective = await objectiveOf(deps.store, data.parentId);
    ancestors = await ancestorsOf(deps.store, objective);
    parent = {
      kind: 'objective',
      objective,
      startsOn: objective.status === 'Empty' ? null : await startsOn(deps.store, objective.cycleId),
    };
  }
  const context: LinkContext = {
    parent,
    ancestors,
    startsOn: child.status === 'Empty' ? '' : ((await startsOn(deps.store, child.cycleId)) ?? ''),
    areaChain: child.status !== 'Empty' && child.teamId !== null ? await areaChainOf(deps.store, child.teamId) : [],
  };
  return inObjective(deps.store, { type, data, context }, ctx, expectedRevision);
}

export async function unlinkObjective(deps: HandlerDeps, command: UnlinkObjective, ctx: CommandContext, expectedRevision?: number) {
  return inObjective(deps.store, parseCommand(UnlinkObjective, command.data), ctx, expectedRevision);
}

export async function dropObjective(deps: HandlerDeps, command: DropObjective, ctx: CommandContext, expectedRevision?: number) {
  return inObjective(deps.store, parseCommand(DropObjective, command.data), ctx, expectedRevision);
}

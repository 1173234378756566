import { areaOf } from '../area/handlers.ts';
import { cycleOf } from '../cycle/handlers.ts';
import { parseCommand } from '../shared/command.ts';
import { commandHandlerFor, stateOf, todayOf, type CommandContext } from '../shared/commandHandler.ts';
import type { HandlerDeps } from '../shared/directory.ts';
import type { EventStore } from '../shared/eventStore.ts';
import { CompleteTraining, MoveTeam, RegisterTeam, ResizeTeam, cycleAdoptionCommands, type CycleAdoptionCommand } from './commands.ts';
import { teamDecider } from './decider.ts';

export const teamOf = (store: EventStore, teamId: string) => stateOf(store, 'team', teamId, teamDecider);

/** A team's commands touch its area and, for a register or a move, the area it joins. */
const inTeam = commandHandlerFor(
  'team',
  teamDecider,
  (command) => command.data.teamId,
  (command, state) => [
    state.status === 'Registered' ? state.areaId : undefined,
    'areaId' in command.data ? command.data.areaId : undefined,
  ],
);

export async function registerTeam(deps: HandlerDeps, command: RegisterTeam, ctx: CommandContext, expectedRevision?: number) {
  const { type, data } = parseCommand(RegisterTeam, command.data);
  const [area, teamKeys] = await Promise.all([areaOf(deps.store, data.areaId), deps.directory.teamKeys()]);
  return inTeam(deps.store, { type, data, context: { area, teamKeys } }, ctx, expectedRevision);
}

export async function moveTeam(deps: HandlerDeps, command: MoveTeam, ctx: CommandContext, expectedRevision?: number) {
  const { type, data } = parseCommand(MoveTeam, command.data);
  return inTeam(deps.store, { type, data, context: { area: await areaOf(deps.store, data.areaId) } }, ctx, expectedRevision);
}

export async function resizeTeam(deps: HandlerDeps, command: ResizeTeam, ctx: CommandContext, expectedRevision?: number) {
  return inTeam(deps.store, parseCommand(ResizeTeam, command.data), ctx, expectedRevision);
}

/** Training may belong to no cycle, so it is not a cycle adoption command. */
export async function completeTraining(deps: HandlerDeps, command: CompleteTraining, ctx: CommandContext, expectedRevision?: number) {
  const { type, data } = parseCommand(CompleteTraining, command.data);
  const cycle = data.cycleId === undefined ? null : await cycleOf(deps.store, data.cycleId);
  return inTeam(deps.store, { type, data, context: { cycle, today: todayOf(ctx) } }, ctx, expectedRevision);
}

const cycleAdoptionDefinitions = new Map(cycleAdoptionCommands.map((definition) => [definition.type, definition]));

/** Any adoption command that belongs to a cycle (check-ins, OKRs, reviews…): decided with that cycle's state. */
export async function recordAdoption(deps: HandlerDeps, command: CycleAdoptionCommand, ctx: CommandContext, expectedRevision?: number) {
  const valid = parseCommand(cycleAdoptionDefinitions.get(command.type)!, command.data) as CycleAdoptionCommand;
  const cycle = await cycleOf(deps.store, valid.data.cycleId);
  return inTeam(deps.store, { ...valid, context: { cycle, today: todayOf(ctx) } }, ctx, expectedRevision);
}

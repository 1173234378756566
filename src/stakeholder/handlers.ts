import { areaOf } from '../area/handlers.ts';
import { coachOf } from '../coach/handlers.ts';
import { parseCommand } from '../shared/command.ts';
import { commandHandlerFor, stateOf, todayOf, type CommandContext } from '../shared/commandHandler.ts';
import type { HandlerDeps } from '../shared/directory.ts';
import type { EventStore } from '../shared/eventStore.ts';
import { AssessAdkarStage, AssessAttitude, IdentifyStakeholder, LogEngagement, MapStakeholder, SetDesiredAttitude } from './commands.ts';
import { stakeholderDecider } from './decider.ts';

export const stakeholderOf = (store: EventStore, stakeholderId: string) => stateOf(store, 'stakeholder', stakeholderId, stakeholderDecider);

/** A stakeholder's commands touch the area they belong to. */
const inStakeholder = commandHandlerFor(
  'stakeholder',
  stakeholderDecider,
  (command) => command.data.stakeholderId,
  (command, state) => [
    state.status === 'Identified' ? state.areaId : undefined,
    'areaId' in command.data ? command.data.areaId : undefined,
  ],
);

export async function identifyStakeholder(deps: HandlerDeps, command: IdentifyStakeholder, ctx: CommandContext, expectedRevision?: number) {
  const { type, data } = parseCommand(IdentifyStakeholder, command.data);
  return inStakeholder(deps.store, { type, data, context: { area: await areaOf(deps.store, data.areaId) } }, ctx, expectedRevision);
}

export async function mapStakeholder(deps: HandlerDeps, command: MapStakeholder, ctx: CommandContext, expectedRevision?: number) {
  return inStakeholder(deps.store, parseCommand(MapStakeholder, command.data), ctx, expectedRevision);
}

export async function assessAttitude(deps: HandlerDeps, command: AssessAttitude, ctx: CommandContext, expectedRevision?: number) {
  return inStakeholder(deps.store, parseCommand(AssessAttitude, command.data), ctx, expectedRevision);
}

export async function assessAdkarStage(deps: HandlerDeps, command: AssessAdkarStage, ctx: CommandContext, expectedRevision?: number) {
  return inStakeholder(deps.store, parseCommand(AssessAdkarStage, command.data), ctx, expectedRevision);
}

export async function setDesiredAttitude(deps: HandlerDeps, command: SetDesiredAttitude, ctx: CommandContext, expectedRevision?: number) {
  return inStakeholder(deps.store, parseCommand(SetDesiredAttitude, command.data), ctx, expectedRevision);
}

export async function logEngagement(deps: HandlerDeps, command: LogEngagement, ctx: CommandContext, expectedRevision?: number) {
  const { type, data } = parseCommand(LogEngagement, command.data);
  return inStakeholder(
    deps.store,
    { type, data, context: { coach: await coachOf(deps.store, data.coachId), today: todayOf(ctx) } },
    ctx,
    expectedRevision,
  );
}

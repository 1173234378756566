import { parseCommand } from '../shared/command.ts';
import { commandHandlerFor, stateOf, todayOf, type CommandContext } from '../shared/commandHandler.ts';
import type { HandlerDeps } from '../shared/directory.ts';
import type { EventStore } from '../shared/eventStore.ts';
import { CloseCycle, OpenCycle } from './commands.ts';
import { cycleDecider } from './decider.ts';

export const cycleOf = (store: EventStore, cycleId: string) => stateOf(store, 'cycle', cycleId, cycleDecider);

const inCycle = commandHandlerFor(
  'cycle',
  cycleDecider,
  (command) => command.data.cycleId,
  () => 'organisation',
);

export async function openCycle(deps: HandlerDeps, command: OpenCycle, ctx: CommandContext, expectedRevision?: number) {
  const { type, data } = parseCommand(OpenCycle, command.data);
  return inCycle(deps.store, { type, data, context: { cycles: await deps.directory.cycles() } }, ctx, expectedRevision);
}

export async function closeCycle(deps: HandlerDeps, command: CloseCycle, ctx: CommandContext, expectedRevision?: number) {
  return inCycle(deps.store, { ...parseCommand(CloseCycle, command.data), context: { today: todayOf(ctx) } }, ctx, expectedRevision);
}

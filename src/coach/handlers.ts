import { parseCommand } from '../shared/command.ts';
import { commandHandlerFor, stateOf, type CommandContext } from '../shared/commandHandler.ts';
import type { HandlerDeps } from '../shared/directory.ts';
import type { EventStore } from '../shared/eventStore.ts';
import { RegisterCoach } from './commands.ts';
import { coachDecider } from './decider.ts';

export const coachOf = (store: EventStore, coachId: string) => stateOf(store, 'coach', coachId, coachDecider);

const inCoach = commandHandlerFor(
  'coach',
  coachDecider,
  (command) => command.data.coachId,
  () => 'organisation',
);

export async function registerCoach(deps: HandlerDeps, command: RegisterCoach, ctx: CommandContext, expectedRevision?: number) {
  const { type, data } = parseCommand(RegisterCoach, command.data);
  return inCoach(deps.store, { type, data, context: { emails: await deps.directory.coachEmails() } }, ctx, expectedRevision);
}

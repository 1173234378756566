import { parseCommand } from '../shared/command.ts';
import { commandHandlerFor, type CommandContext } from '../shared/commandHandler.ts';
import type { HandlerDeps } from '../shared/directory.ts';
import { GrantIntegrationToken, RevokeIntegrationToken } from './commands.ts';
import { integrationTokenDecider } from './decider.ts';

const inToken = commandHandlerFor(
  'integration',
  integrationTokenDecider,
  (command) => command.data.tokenId,
  () => 'organisation',
);

export async function grantIntegrationToken(deps: Pick<HandlerDeps, 'store'>, command: GrantIntegrationToken, ctx: CommandContext) {
  return inToken(deps.store, parseCommand(GrantIntegrationToken, command.data), ctx);
}

export async function revokeIntegrationToken(deps: Pick<HandlerDeps, 'store'>, command: RevokeIntegrationToken, ctx: CommandContext) {
  return inToken(deps.store, parseCommand(RevokeIntegrationToken, command.data), ctx);
}

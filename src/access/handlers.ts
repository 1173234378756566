import { coachOf } from '../coach/handlers.ts';
import { parseCommand } from '../shared/command.ts';
import { commandHandlerFor, stateOf, type CommandContext } from '../shared/commandHandler.ts';
import type { HandlerDeps } from '../shared/directory.ts';
import type { EventStore } from '../shared/eventStore.ts';
import { ValidationError } from '../shared/errors.ts';
import { ChangeRole, DeactivateAccount, OpenAccount, ReactivateAccount, SetPassword } from './commands.ts';
import { accountDecider } from './decider.ts';
import { hashPassword, NewPassword } from './password.ts';

export const accountOf = (store: EventStore, accountId: string) => stateOf(store, 'account', accountId, accountDecider);

const inAccount = commandHandlerFor(
  'account',
  accountDecider,
  (command) => command.data.accountId,
  () => 'organisation',
);

/** What a role grant is checked against: the coach it names is registered, and no other account is that coach. */
async function coachContext(deps: HandlerDeps, coachId: string | null) {
  if (coachId === null) return { coachRegistered: true, coachLinkedTo: null };
  const [coach, linked] = await Promise.all([coachOf(deps.store, coachId), deps.directory.accountOfCoach(coachId)]);
  return { coachRegistered: coach.status === 'Registered', coachLinkedTo: linked };
}

export async function openAccount(deps: HandlerDeps, command: OpenAccount, ctx: CommandContext) {
  const { type, data } = parseCommand(OpenAccount, command.data);
  const [emails, activeAdmins, coach] = await Promise.all([
    deps.directory.accountEmails(),
    deps.directory.activeAdmins(),
    coachContext(deps, data.coachId),
  ]);
  return inAccount(deps.store, { type, data, context: { emails, activeAdmins, ...coach } }, ctx);
}

/** A new password, checked against the password rule, then stored only as its hash. */
export async function setPassword(deps: Pick<HandlerDeps, 'store'>, input: { accountId: string; password: string }, ctx: CommandContext) {
  const password = NewPassword.safeParse(input.password);
  if (!password.success) throw ValidationError.field('password', password.error.issues[0]!.message);
  const command = parseCommand(SetPassword, { accountId: input.accountId, hash: await hashPassword(password.data) });
  return inAccount(deps.store, command, ctx);
}

export async function changeRole(deps: HandlerDeps, command: ChangeRole, ctx: CommandContext, expectedRevision?: number) {
  const { type, data } = parseCommand(ChangeRole, command.data);
  const [activeAdmins, coach] = await Promise.all([deps.directory.activeAdmins(), coachContext(deps, data.coachId)]);
  return inAccount(deps.store, { type, data, context: { activeAdmins, ...coach } }, ctx, expectedRevision);
}

export async function deactivateAccount(deps: HandlerDeps, command: DeactivateAccount, ctx: CommandContext) {
  const { type, data } = parseCommand(DeactivateAccount, command.data);
  return inAccount(deps.store, { type, data, context: { activeAdmins: await deps.directory.activeAdmins() } }, ctx);
}

export async function reactivateAccount(deps: Pick<HandlerDeps, 'store'>, command: ReactivateAccount, ctx: CommandContext) {
  return inAccount(deps.store, parseCommand(ReactivateAccount, command.data), ctx);
}

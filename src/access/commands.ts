import { z } from 'zod';
import { defineCommand, type CommandOf } from '../shared/command.ts';
import { Id } from '../shared/event.ts';
import { AccountDeactivated, AccountOpened, AccountReactivated, PasswordSet, RoleChanged } from './events.ts';

export const OpenAccount = defineCommand('OpenAccount', AccountOpened.schema);
export const SetPassword = defineCommand('SetPassword', PasswordSet.schema);
export const ChangeRole = defineCommand('ChangeRole', RoleChanged.schema);
export const DeactivateAccount = defineCommand('DeactivateAccount', AccountDeactivated.schema);
export const ReactivateAccount = defineCommand('ReactivateAccount', AccountReactivated.schema);
/** An admin's ask: a generated password for the account, set as SetPassword and shown once. */
export const ResetPassword = defineCommand('ResetPassword', z.object({ accountId: Id }));

export type OpenAccount = CommandOf<typeof OpenAccount>;
export type SetPassword = CommandOf<typeof SetPassword>;
export type ChangeRole = CommandOf<typeof ChangeRole>;
export type DeactivateAccount = CommandOf<typeof DeactivateAccount>;
export type ReactivateAccount = CommandOf<typeof ReactivateAccount>;
export type ResetPassword = CommandOf<typeof ResetPassword>;

import type { WithContext } from '../shared/command.ts';
import type { Decider } from '../shared/decider.ts';
import { ruleBroken, sameData } from '../shared/validation.ts';
import type { ChangeRole, DeactivateAccount, OpenAccount, ReactivateAccount, SetPassword } from './commands.ts';
import type { AccessEvent, Role } from './events.ts';

interface Account {
  accountId: string;
  email: string;
  name: string;
  role: Role;
  coachId: string | null;
  active: boolean;
  passwordSet: boolean;
}

export type AccountState = { status: 'Empty' } | ({ status: 'Open' } & Account);

/** What a role change needs to know: the coach it links exists; the last admin stays an admin. */
interface RoleContext {
  /** Whether the coach the command names (if any) is registered. */
  coachRegistered: boolean;
  /** The account the coach the command names is linked to already, if any. */
  coachLinkedTo: string | null;
  /** Every active admin account's id. */
  activeAdmins: readonly string[];
}

export type AccountCommand =
  | WithContext<OpenAccount, RoleContext & { emails: readonly string[] }>
  | SetPassword
  | WithContext<ChangeRole, RoleContext>
  | WithContext<DeactivateAccount, Pick<RoleContext, 'activeAdmins'>>
  | ReactivateAccount;

function requireRoleFits(accountId: string, role: Role, coachId: string | null, context: RoleContext): void {
  if (role === 'coach' && coachId === null) throw ruleBroken('coachId', 'is needed for a coach account: the coach it is');
  if (role === 'leader' && coachId !== null) throw ruleBroken('coachId', 'must be empty for a leader: a leader writes nothing');
  if (coachId !== null && !context.coachRegistered)
    throw ruleBroken('coachId', `must be a registered coach (none has the id "${coachId}")`);
  if (coachId !== null && context.coachLinkedTo !== null && context.coachLinkedTo !== accountId)
    throw ruleBroken('coachId', 'is linked to another account already: a coach signs in as one account');
}

function requireAnotherAdmin(account: Account, activeAdmins: readonly string[], what: string): void {
  if (account.role === 'admin' && account.active && activeAdmins.every((id) => id === account.accountId)) {
    throw ruleBroken('accountId', `${account.name} is the only active admin: ${what} would leave nobody to manage people`);
  }
}

function requireOpen(state: AccountState, accountId: string): asserts state is { status: 'Open' } & Account {
  if (state.status === 'Empty') throw ruleBroken('accountId', `no account has the id "${accountId}"`);
}

/** An account: who may sign in, as what. Its events are the audit trail of access. */
export const accountDecider: Decider<AccountState, AccountCommand, AccessEvent> = {
  initialState: () => ({ status: 'Empty' }),

  evolve: (state, event) => {
    switch (event.type) {
      case 'AccountOpened':
        return { status: 'Open', ...event.data, active: true, passwordSet: false };
      case 'PasswordSet':
        return state.status === 'Open' ? { ...state, passwordSet: true } : state;
      case 'RoleChanged':
        return state.status === 'Open' ? { ...state, role: event.data.role, coachId: event.data.coachId } : state;
      case 'AccountDeactivated':
        return state.status === 'Open' ? { ...state, active: false } : state;
      case 'AccountReactivated':
        return state.status === 'Open' ? { ...state, active: true } : state;
      default: {
        event satisfies never;
        return state;
      }
    }
  },

  decide: (command, state) => {
    switch (command.type) {
      case 'OpenAccount': {
        const { data, context } = command;
        if (state.status === 'Open') {
          const { accountId, email, name, role, coachId } = state;
          if (sameData(data, { accountId, email, name, role, coachId })) return [];
          throw ruleBroken('accountId', `${state.name} already has this account id, with other details`);
        }
        if (context.emails.some((email) => email.toLowerCase() === data.email.toLowerCase())) {
          throw ruleBroken('email', `Another account already signs in as ${data.email}`);
        }
        requireRoleFits(data.accountId, data.role, data.coachId, context);
        return [{ type: 'AccountOpened', data }];
      }
      case 'SetPassword':
        requireOpen(state, command.data.accountId);
        return [{ type: 'PasswordSet', data: command.data }];
      case 'ChangeRole': {
        requireOpen(state, command.data.accountId);
        const { role, coachId } = command.data;
        if (state.role === role && state.coachId === coachId) return [];
        requireRoleFits(state.accountId, role, coachId, command.context);
        if (role !== 'admin') requireAnotherAdmin(state, command.context.activeAdmins, 'this change');
        return [{ type: 'RoleChanged', data: command.data }];
      }
      case 'DeactivateAccount':
        requireOpen(state, command.data.accountId);
        if (!state.active) return [];
        requireAnotherAdmin(state, command.context.activeAdmins, 'deactivating it');
        return [{ type: 'AccountDeactivated', data: command.data }];
      case 'ReactivateAccount':
        requireOpen(state, command.data.accountId);
        if (state.active) return [];
        return [{ type: 'AccountReactivated', data: command.data }];
      default: {
        const unexpected: never = command;
        throw new Error(`unknown command ${JSON.stringify(unexpected)}`);
      }
    }
  },
};

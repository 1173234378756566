import type { Decider } from '../shared/decider.ts';
import { ruleBroken, sameData } from '../shared/validation.ts';
import type { WithContext } from '../shared/command.ts';
import type { GrantIntegrationToken, RedriveDeadLetter, RevokeIntegrationToken } from './commands.ts';
import type { DeadLetterRedriven, IntegrationTokenEvent } from './events.ts';
import type { EventOf } from '../shared/event.ts';

interface Grant {
  tokenId: string;
  source: string;
  name: string;
  hash: string;
}

export type IntegrationTokenState = { status: 'Empty' } | ({ status: 'Granted' } & Grant) | ({ status: 'Revoked' } & Grant);

export type IntegrationTokenCommand = GrantIntegrationToken | RevokeIntegrationToken;

/** An integration token lets one CloudEvents `source` ingest events, until it is revoked. */
export const integrationTokenDecider: Decider<IntegrationTokenState, IntegrationTokenCommand, IntegrationTokenEvent> = {
  initialState: () => ({ status: 'Empty' }),

  evolve: (state, event) => {
    switch (event.type) {
      case 'IntegrationTokenGranted':
        return { status: 'Granted', ...event.data };
      case 'IntegrationTokenRevoked':
        return state.status === 'Empty' ? state : { ...state, status: 'Revoked' };
      default: {
        event satisfies never;
        return state;
      }
    }
  },

  decide: (command, state) => {
    switch (command.type) {
      case 'GrantIntegrationToken': {
        if (state.status === 'Empty') return [{ type: 'IntegrationTokenGranted', data: command.data }];
        const { status, ...granted } = state;
        if (status === 'Granted' && sameData(command.data, granted)) return [];
        throw ruleBroken('tokenId', `Token ${state.tokenId} was already granted`);
      }
      case 'RevokeIntegrationToken':
        if (state.status === 'Empty') throw ruleBroken('tokenId', `no integration token has the id "${command.data.tokenId}"`);
        if (state.status === 'Revoked') return [];
        return [{ type: 'IntegrationTokenRevoked', data: command.data }];
      default: {
        const unexpected: never = command;
        throw new Error(`unknown command ${JSON.stringify(unexpected)}`);
      }
    }
  },
};

type Redriven = EventOf<typeof DeadLetterRedriven>;

/** A dead letter's last re-drive: once one went through (accepted or duplicate), it is done. */
export interface DeadLetterState {
  last: Redriven['data'] | null;
}

export const wentThrough = (state: DeadLetterState): boolean => state.last !== null && state.last.outcome !== 'rejected';

/** `redriven`: what ingesting the message again just answered, worked out by the handler. */
export type DeadLetterCommand = WithContext<RedriveDeadLetter, { redriven: Redriven['data'] }>;

/**
 * A dead letter is re-driven until it goes through; after that a re-drive records nothing, so a
 * double click or a second "re-drive all" leaves one record.
 */
export const deadLetterDecider: Decider<DeadLetterState, DeadLetterCommand, Redriven> = {
  initialState: () => ({ last: null }),
  evolve: (_state, event) => ({ last: event.data }),
  decide: (command, state) => (wentThrough(state) ? [] : [{ type: 'DeadLetterRedriven', data: command.context.redriven }]),
};

import type { Decider } from '../shared/decider.ts';
import { ruleBroken, sameData } from '../shared/validation.ts';
import type { GrantIntegrationToken, RevokeIntegrationToken } from './commands.ts';
import type { IntegrationEvent } from './events.ts';

interface Grant {
  tokenId: string;
  source: string;
  name: string;
  hash: string;
}

export type IntegrationTokenState = { status: 'Empty' } | ({ status: 'Granted' } & Grant) | ({ status: 'Revoked' } & Grant);

export type IntegrationTokenCommand = GrantIntegrationToken | RevokeIntegrationToken;

/** An integration token lets one CloudEvents `source` ingest events, until it is revoked. */
export const integrationTokenDecider: Decider<IntegrationTokenState, IntegrationTokenCommand, IntegrationEvent> = {
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

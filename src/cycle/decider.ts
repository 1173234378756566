import type { Decider } from '../shared/decider.ts';
import { requireNotBefore, ruleBroken } from '../shared/validation.ts';
import type { CloseCycle, OpenCycle } from './commands.ts';
import type { CycleEvent } from './events.ts';

interface CycleFacts {
  cycleId: string;
  name: string;
  startsOn: string;
  endsOn: string;
  checkInCadenceDays: number;
}

export type CycleState = { status: 'Empty' } | ({ status: 'Open' } & CycleFacts) | ({ status: 'Closed'; closedOn: string } & CycleFacts);

export type CycleCommand = OpenCycle | CloseCycle;

export const cycleDecider: Decider<CycleState, CycleCommand, CycleEvent> = {
  initialState: () => ({ status: 'Empty' }),

  evolve: (state, event) => {
    switch (event.type) {
      case 'CycleOpened':
        return { status: 'Open', ...event.data };
      case 'CycleClosed':
        return state.status === 'Open' ? { ...state, status: 'Closed', closedOn: event.data.closedOn } : state;
      default: {
        const unexpected: never = event;
        return state;
      }
    }
  },

  decide: (command, state) => {
    switch (command.type) {
      case 'OpenCycle':
        if (state.status !== 'Empty') throw ruleBroken('cycleId', `cycle ${command.data.cycleId} is already opened`);
        return [{ type: 'CycleOpened', data: command.data }];
      case 'CloseCycle':
        if (state.status === 'Empty') throw ruleBroken('cycleId', `cycle ${command.data.cycleId} is not opened`);
        if (state.status === 'Closed') throw ruleBroken('cycleId', `cycle ${state.name} is already closed (on ${state.closedOn})`);
        requireNotBefore('closedOn', command.data.closedOn, state.startsOn, 'the cycle start');
        return [{ type: 'CycleClosed', data: command.data }];
      default: {
        const unexpected: never = command;
        throw new Error(`unknown command ${JSON.stringify(unexpected)}`);
      }
    }
  },
};

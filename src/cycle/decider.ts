import type { Today, WithContext } from '../shared/command.ts';
import type { Decider } from '../shared/decider.ts';
import { requireNotAfterToday, requireNotBefore, ruleBroken, sameData } from '../shared/validation.ts';
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

/** A cycle as another cycle's opening sees it. */
export type CycleSpan = Pick<CycleFacts, 'cycleId' | 'name' | 'startsOn' | 'endsOn'>;

/** `cycles`: every cycle already opened, from the directory. */
export type CycleCommand = WithContext<OpenCycle, { cycles: readonly CycleSpan[] }> | WithContext<CloseCycle, Today>;

/** One organisation, one cycle at a time: names are unique (ignoring case) and dates never overlap. */
function requireFits(cycle: OpenCycle['data'], others: readonly CycleSpan[]): void {
  for (const other of others) {
    if (other.cycleId === cycle.cycleId) continue;
    if (other.name.toLowerCase() === cycle.name.toLowerCase()) throw ruleBroken('name', `Another cycle is already named ${other.name}`);
    if (cycle.startsOn <= other.endsOn && other.startsOn <= cycle.endsOn) {
      throw ruleBroken('startsOn', `These dates overlap cycle ${other.name} (${other.startsOn} to ${other.endsOn}); cycles cannot overlap`);
    }
  }
}

export const cycleDecider: Decider<CycleState, CycleCommand, CycleEvent> = {
  initialState: () => ({ status: 'Empty' }),

  evolve: (state, event) => {
    switch (event.type) {
      case 'CycleOpened':
        return { status: 'Open', ...event.data };
      case 'CycleClosed':
        return state.status === 'Open' ? { ...state, status: 'Closed', closedOn: event.data.closedOn } : state;
      default: {
        event satisfies never;
        return state;
      }
    }
  },

  decide: (command, state) => {
    switch (command.type) {
      case 'OpenCycle':
        if (state.status === 'Open') {
          const { status, ...opened } = state;
          if (sameData(command.data, opened)) return [];
        }
        if (state.status !== 'Empty')
          throw ruleBroken('cycleId', `Cycle ${state.name} is already opened under this id, with other details`);
        requireFits(command.data, command.context.cycles);
        return [{ type: 'CycleOpened', data: command.data }];
      case 'CloseCycle':
        if (state.status === 'Empty') throw ruleBroken('cycleId', `There is no cycle "${command.data.cycleId}"`);
        if (state.status === 'Closed') throw ruleBroken('cycleId', `Cycle ${state.name} was already closed on ${state.closedOn}`);
        requireNotBefore('closedOn', command.data.closedOn, state.startsOn, 'the day the cycle starts');
        requireNotAfterToday('closedOn', command.data.closedOn, command.context.today);
        return [{ type: 'CycleClosed', data: command.data }];
      default: {
        const unexpected: never = command;
        throw new Error(`unknown command ${JSON.stringify(unexpected)}`);
      }
    }
  },
};

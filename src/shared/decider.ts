import type { DomainEvent } from './event.ts';

/**
 * A decider: pure functions only. Time and ids arrive inside the command; nothing here reads a
 * clock, a store or a random source.
 */
export interface Decider<State, Command, Event extends DomainEvent> {
  initialState: () => State;
  evolve: (state: State, event: Event) => State;
  /** Returns the events the command causes, or throws a ValidationError/DomainRuleError. */
  decide: (command: Command, state: State) => Event[];
}

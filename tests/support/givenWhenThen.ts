/**
 * Given events / when a command / then events (or then an error naming a field): the one shape
 * every decider spec takes. Pure: the state comes from folding the given events, no store.
 */
import { expect } from 'vitest';
import type { Decider } from '../../src/shared/decider.ts';
import { DomainRuleError, ValidationError } from '../../src/shared/errors.ts';
import type { DomainEvent } from '../../src/shared/event.ts';

type ErrorClass = typeof ValidationError | typeof DomainRuleError;

/** Runs `act` and checks it threw `kind` with an issue on `field`; returns the error for further checks. */
export function expectError(act: () => unknown, field: string, kind: ErrorClass = ValidationError): ValidationError {
  let thrown: unknown;
  try {
    act();
  } catch (error) {
    thrown = error;
  }
  expect(thrown, `expected a ${kind.name} on "${field}"`).toBeInstanceOf(kind);
  const error = thrown as ValidationError;
  expect(error.issues.map((i) => i.field)).toContain(field);
  return error;
}

export function deciderSpec<State, Command, Event extends DomainEvent>(decider: Decider<State, Command, Event>) {
  return {
    given: (events: readonly Event[]) => ({
      when: (command: Command) => {
        const decide = () => decider.decide(command, events.reduce(decider.evolve, decider.initialState()));
        return {
          // biome-ignore lint/suspicious/noThenProperty: given / when / then reads as the rule it tests; nothing awaits it.
          then: (expected: readonly Event[]) => expect(decide()).toEqual(expected),
          /** The command is accepted and changes nothing. */
          thenNothing: () => expect(decide()).toEqual([]),
          /** The state forbids the command; the error names the field. */
          thenRejects: (field: string) => expectError(decide, field, DomainRuleError),
        };
      },
    }),
  };
}

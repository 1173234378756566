import type { z } from 'zod';
import { zodIssuesToValidationError } from './validation.ts';

/** A command as a caller sends it: an imperative type and the caller's input. */
export interface CommandDefinition<T extends string = string, S extends z.ZodType = z.ZodType> {
  readonly type: T;
  readonly schema: S;
}

export function defineCommand<T extends string, S extends z.ZodType>(type: T, schema: S): CommandDefinition<T, S> {
  return { type, schema };
}

export type CommandOf<D> = D extends CommandDefinition<infer T, infer S> ? { type: T; data: z.output<S> } : never;

/**
 * A command completed by its handler (`src/<slice>/handlers.ts`) with what it read from other streams (the
 * area a team joins, the cycle a check-in belongs to), so the decider can check it and stay pure.
 */
export type WithContext<C, Context> = C & { context: Context };

/** The calendar day (UTC) a command is decided on, for rules about dates in the future. */
export interface Today {
  today: string;
}

/** Validates a command's data; the ValidationError names each field (`severity`, `endsOn`) and its rule. */
export function parseCommand<D extends CommandDefinition>(definition: D, data: unknown): CommandOf<D> {
  const result = definition.schema.safeParse(data);
  if (!result.success) throw zodIssuesToValidationError(result.error.issues);
  return { type: definition.type, data: result.data } as CommandOf<D>;
}

import type { z } from 'zod';
import { DomainRuleError, ValidationError } from './errors.ts';

/**
 * Turns zod issues into a ValidationError whose fields are dotted paths (`severity`,
 * `data.heldOn` with prefix `data`); an issue about the whole input names the prefix, or `data`.
 */
export function zodIssuesToValidationError(issues: readonly z.core.$ZodIssue[], prefix: readonly string[] = []): ValidationError {
  return new ValidationError(issues.map((i) => ({ field: [...prefix, ...i.path.map(String)].join('.') || 'data', message: i.message })));
}

/** A forbidden transition, named by the field whose value the current state refuses. */
export const ruleBroken = (field: string, message: string): DomainRuleError => new DomainRuleError([{ field, message }]);

/**
 * Whether a create or log command repeats what its id already recorded: a form retried after a
 * lost response carries the same id and data, and records nothing. Fields compare by value.
 */
export function sameData(data: object, recorded: object): boolean {
  const a = data as Record<string, unknown>;
  const b = recorded as Record<string, unknown>;
  return [...new Set([...Object.keys(a), ...Object.keys(b)])].every((key) => a[key] === b[key]);
}

/** Nothing a person records happened in the future; `today` comes in with the command. */
export function requireNotAfterToday(field: string, date: string, today: string): void {
  if (date > today) throw ruleBroken(field, `cannot be after today (${today})`);
}

/** Calendar dates (`YYYY-MM-DD`) order as strings. */
export function requireNotBefore(field: string, date: string, earliest: string, earliestWhat: string): void {
  if (date < earliest) throw ruleBroken(field, `must be on or after ${earliestWhat} (${earliest})`);
}

import type { ExpectedRevision } from './eventStore.ts';

/** Errors carry their HTTP status; one handler in src/http maps them to responses. */
export abstract class UptakeError extends Error {
  abstract readonly statusCode: number;
  abstract readonly code: string;
  override readonly name = this.constructor.name;
}

export interface FieldIssue {
  /** Dotted path of the field, e.g. `severity` or `data.heldOn`. */
  field: string;
  message: string;
}

/** Input that breaks a rule: which field, which rule. */
export class ValidationError extends UptakeError {
  readonly statusCode = 422;
  readonly code = 'validation_failed';
  constructor(readonly issues: FieldIssue[]) {
    super(issues.map((i) => `${i.field}: ${i.message}`).join('; '));
  }
  static field<T extends ValidationError>(this: new (issues: FieldIssue[]) => T, field: string, message: string): T {
    return new this([{ field, message }]);
  }
}

/** A command that the current state forbids (resolving a resolved signal, …). */
export class DomainRuleError extends ValidationError {}

export class NotFoundError extends UptakeError {
  readonly statusCode = 404;
  readonly code = 'not_found';
}

/** The stream moved on since the writer read it. */
export class ConcurrencyConflictError extends UptakeError {
  readonly statusCode = 409;
  readonly code = 'conflict';
  constructor(
    readonly streamId: string,
    readonly expected: ExpectedRevision,
    readonly actual: number | 'no_stream',
  ) {
    super(`stream ${streamId}: expected revision ${String(expected)}, actual ${String(actual)}`);
  }
}

/** The actor may not do this here (a coach outside their areas); the message says why, in words. */
export class ForbiddenError extends UptakeError {
  readonly statusCode = 403;
  readonly code = 'forbidden';
}

import { z } from 'zod';
import { ValidationError, type FieldIssue } from '../shared/errors.ts';
import { Id } from '../shared/event.ts';
import { dimensions } from '../../projections/heatmap/types.ts';
import { EVIDENCE_CURSOR } from '../../projections/heatmap/queries.ts';

/** An empty form field (`?asOf=`) means "not given", not "invalid". */
export const optional = <S extends z.ZodType>(schema: S) => z.preprocess((v) => (v === '' ? undefined : v), schema.optional());

const AsOf = z.iso.date({ error: 'must be a calendar date, YYYY-MM-DD' });
const CycleId = Id;

/** The query every read page shares: which cycle, as of which day (both default sensibly). */
export const SelectionQuery = z.object({ cycle: optional(CycleId), asOf: optional(AsOf) });

export const EvidenceQuery = z.object({
  team: Id,
  area: optional(Id),
  cycle: CycleId,
  dimension: z.enum([...dimensions, 'overall'], { error: `must be one of ${[...dimensions, 'overall'].join(', ')}` }),
  asOf: optional(AsOf),
  /** The page of events after or before this one (the first page without either). */
  after: optional(z.string().regex(EVIDENCE_CURSOR, 'must be a date and a number, as the page links make it')),
  before: optional(z.string().regex(EVIDENCE_CURSOR, 'must be a date and a number, as the page links make it')),
});

type QueryResult<T> = { ok: true; value: T } | { ok: false; issues: FieldIssue[] };

function checkQuery<S extends z.ZodType>(schema: S, input: unknown): QueryResult<z.output<S>> {
  const result = schema.safeParse(input);
  if (result.success) return { ok: true, value: result.data };
  return { ok: false, issues: result.error.issues.map((i) => ({ field: i.path.map(String).join('.') || 'query', message: i.message })) };
}

/**
 * For pages that re-render with the message beside the field: the bad parameters are reported
 * and dropped, the rest is used (every field of such a schema must be optional).
 */
function parseLeniently<S extends z.ZodType>(schema: S, input: unknown): { value: z.output<S>; issues: FieldIssue[] } {
  const result = checkQuery(schema, input);
  if (result.ok) return { value: result.value, issues: [] };
  const bad = new Set(result.issues.map((i) => i.field.split('.')[0]));
  const rest = Object.fromEntries(Object.entries(input as Record<string, unknown>).filter(([key]) => !bad.has(key)));
  return { value: parseQuery(schema, rest), issues: result.issues };
}

/**
 * A querystring schema for pages that re-render with the message beside the field: it never
 * fails; the bad parameters are reported (each message quoting what was given) and dropped, and
 * the rest is used. Every field of `schema` must be optional.
 */
export function lenient<S extends z.ZodObject>(schema: S) {
  return z.record(z.string(), z.unknown()).transform((input): { value: z.output<S>; issues: FieldIssue[] } => {
    const { value, issues } = parseLeniently(schema, input);
    return {
      value,
      issues: issues.map((i) => ({ field: i.field, message: `${JSON.stringify(String(input[i.field] ?? ''))} ${i.message}` })),
    };
  });
}

/** Parses a querystring; a bad value is a ValidationError (422) naming the parameter and the rule. */
function parseQuery<S extends z.ZodType>(schema: S, input: unknown): z.output<S> {
  const result = checkQuery(schema, input);
  if (result.ok) return result.value;
  throw new ValidationError(result.issues);
}

/** A lenient query's issues as the messages a filter prints beside each field. */
export const messagesByField = (issues: FieldIssue[]): Record<string, string> =>
  Object.fromEntries(issues.map((i) => [i.field, i.message]));

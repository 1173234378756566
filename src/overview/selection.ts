import type { CycleSummary, HeatmapQueries } from '../../projections/heatmap/types.ts';
import { type FieldIssue, NotFoundError, ValidationError } from '../shared/errors.ts';
import type { Selection } from '../http/urls.ts';
import type { Views } from '../http/views.ts';

/** What the read pages' route plugins are given. */
export interface ReadRouteOptions {
  queries: HeatmapQueries;
  views: Views;
  /** Today's calendar date, from the injected clock: the default "as of". */
  today: () => string;
}

export interface Resolved {
  cycle: CycleSummary;
  selection: Selection;
}

/**
 * The rule an `asOf` breaks when it is after today: the read models hold today's facts, which a
 * later date would show as if they were that date's. `undefined` when it keeps it.
 */
export const futureAsOf = (asOf: string | undefined, today: string): FieldIssue | undefined =>
  asOf !== undefined && asOf > today ? { field: 'asOf', message: `must not be after today (${today})` } : undefined;

/**
 * A query without its `asOf` when that is after today, and the issue to print beside the field
 * (quoting the date, as a lenient query's messages do): the heatmap then shows today's, and so
 * does its live update.
 */
export function withoutFutureAsOf<Q extends { asOf?: string | undefined }>(query: Q, today: string): { query: Q; issue?: FieldIssue } {
  const future = futureAsOf(query.asOf, today);
  if (future === undefined) return { query };
  return { query: { ...query, asOf: undefined }, issue: { ...future, message: `${JSON.stringify(query.asOf)} ${future.message}` } };
}

/**
 * The cycle and date a page shows: the named cycle (404 when unknown) or the default one, as of
 * the given day (422 when after today) or today. `null` when there is no cycle at all yet.
 */
export function resolveSelection(
  queries: HeatmapQueries,
  today: () => string,
  query: { cycle?: string | undefined; asOf?: string | undefined },
): Resolved | null {
  const cycle = query.cycle === undefined ? queries.defaultCycle(today()) : queries.cycles().find((c) => c.cycleId === query.cycle);
  if (cycle === undefined) throw new NotFoundError(`There is no cycle "${query.cycle}".`);
  if (cycle === null) return null;
  const day = today();
  const future = futureAsOf(query.asOf, day);
  if (future !== undefined) throw new ValidationError([future]);
  return { cycle, selection: { cycleId: cycle.cycleId, asOf: query.asOf ?? day, cycleEndsOn: cycle.endsOn } };
}

export function requireSelection(...args: Parameters<typeof resolveSelection>): Resolved {
  const resolved = resolveSelection(...args);
  if (resolved === null) throw new NotFoundError('No cycle has been opened yet. Run `npm run seed` to load a demo organisation.');
  return resolved;
}

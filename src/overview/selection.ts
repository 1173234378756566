import type { CycleSummary, HeatmapQueries } from '../../projections/heatmap/types.ts';
import { NotFoundError } from '../shared/errors.ts';
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
 * The cycle and date a page shows: the named cycle (404 when unknown) or the default one, as of
 * the given day or today. `null` when there is no cycle at all yet.
 */
export function resolveSelection(
  queries: HeatmapQueries,
  today: () => string,
  query: { cycle?: string | undefined; asOf?: string | undefined },
): Resolved | null {
  const cycle = query.cycle === undefined ? queries.defaultCycle(today()) : queries.cycles().find((c) => c.cycleId === query.cycle);
  if (cycle === undefined) throw new NotFoundError(`There is no cycle "${query.cycle}".`);
  if (cycle === null) return null;
  return { cycle, selection: { cycleId: cycle.cycleId, asOf: query.asOf ?? today(), cycleEndsOn: cycle.endsOn } };
}

export function requireSelection(...args: Parameters<typeof resolveSelection>): Resolved {
  const resolved = resolveSelection(...args);
  if (resolved === null) throw new NotFoundError('No cycle has been opened yet. Run `npm run seed` to load a demo organisation.');
  return resolved;
}

import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { OrgQueries } from '../../projections/org/queries.ts';
import type { TimelineQueries } from '../../projections/timeline.ts';
import { parseTeamCursor, TEAM_CURSOR } from '../../projections/heatmap/queries.ts';
import type { AreaDetail, HeatmapQueries, TeamPaging } from '../../projections/heatmap/types.ts';
import { livePage } from '../http/live.ts';
import { optional, SelectionQuery } from '../http/query.ts';
import type { Selection } from '../http/urls.ts';
import { sendHtml, wantsFragment } from '../http/views.ts';
import { NotFoundError } from '../shared/errors.ts';
import { Id } from '../shared/event.ts';
import type { Names } from '../shared/names.ts';
import { adoptionChanged } from './heatmap.ts';
import { areaSaturation, type Saturation } from './saturation.ts';
import { futureAsOf, requireSelection, type ReadRouteOptions } from './selection.ts';
import { areaPageView, areaSectionsView, TEAM_PAGE, teamRowsView } from './viewModels.ts';

export interface AreaRouteOptions extends ReadRouteOptions {
  org: OrgQueries;
  timeline: TimelineQueries;
  names: Names;
  saturation: Saturation;
}

const AreaParams = z.object({ areaId: Id });

/** The most teams one request lists: a list longer than that is followed by its "show more" link. */
const MOST_TEAMS = 1000;

const AreaQuery = SelectionQuery.extend({
  /** How many of its teams the page lists, from the first ("show more" asks for more). */
  teams: optional(
    z.coerce
      .number({ error: 'must be a number of teams' })
      .int('must be a whole number of teams')
      .min(1, 'must be at least 1')
      .max(MOST_TEAMS, `must be at most ${MOST_TEAMS}`),
  ),
  /** The next teams after this one, for the list the page already shows (htmx's "show more"). */
  after: optional(
    z.string().regex(TEAM_CURSOR, 'must be a team key and id, as the "show more" link makes them').transform(parseTeamCursor),
  ),
});
type AreaQuery = z.output<typeof AreaQuery>;

/** How many of each the area page lists; each list links to the page that has them all. */
const TOP_SIGNALS = 5;
const TOP_STAKEHOLDERS = 6;
const RECENT_EVENTS = 10;

/**
 * One area. The same URL is the expand link on the heatmap: an htmx request gets the first of
 * its team rows to insert under the area's row (or, with `after`, the next teams of the area
 * page's list), a plain request (no JavaScript) gets the whole area page: its scores and its
 * first `teams` teams, its coaches, its open signals, its stakeholders and its recent events.
 */
export const areaRoutes: FastifyPluginAsyncZod<AreaRouteOptions> = async (app, options) => {
  const { queries, views, today } = options;
  app.get(
    '/areas/:areaId',
    { config: { access: 'read' }, schema: { params: AreaParams, querystring: AreaQuery } },
    async (request, reply) => {
      const { areaId } = request.params;
      if (wantsFragment(request)) {
        const { after } = request.query;
        const { selection } = requireSelection(queries, today, request.query);
        // With a cursor, the next teams of the area page's own list; without, the heatmap's expand rows under the area's row.
        const detail = requireArea(queries, areaId, selection, { limit: TEAM_PAGE, after });
        const rows =
          after === undefined ? teamRowsView(detail, selection, detail.area.depth + 1, false) : teamRowsView(detail, selection, 0, true);
        return sendHtml(reply, views.render('partials/teamRows', rows));
      }
      return sendHtml(reply, views.render('pages/area', areaPage(options, areaId, request.query)));
    },
  );
};

function requireArea(queries: HeatmapQueries, areaId: string, selection: Selection, paging?: TeamPaging): AreaDetail {
  const detail = queries.area(areaId, selection.cycleId, selection.asOf, paging);
  if (detail === null) throw new NotFoundError(`There is no area "${areaId}".`);
  return detail;
}

/** The area page's view-model: its scores and teams, coaches, open signals, stakeholders and recent events. */
function areaPage({ queries, today, org, timeline, names, saturation }: AreaRouteOptions, areaId: string, query: AreaQuery) {
  const { cycle, selection } = requireSelection(queries, today, query);
  const detail = requireArea(queries, areaId, selection, { limit: query.teams ?? TEAM_PAGE });
  const parentId = detail.area.parentAreaId;
  const parent = parentId === null ? null : (queries.area(parentId, selection.cycleId, selection.asOf)?.area ?? null);
  const sections = areaSectionsView({
    areaId,
    coaches: org.coachesOf(areaId),
    signals: org.openSignals(areaId, selection.asOf, TOP_SIGNALS),
    stakeholders: org.stakeholders(areaId, TOP_STAKEHOLDERS),
    events: timeline.page({ areaId }, RECENT_EVENTS).entries,
    names,
  });
  const page = areaPageView({
    cycles: queries.cycles(),
    cycle,
    detail,
    selection,
    parent,
    saturation: areaSaturation(saturation, org.areas(), areaId, cycle, selection.asOf),
  });
  return { ...page, ...sections };
}

/**
 * The area page updates live: its scores, its change saturation and its teams' rows with
 * adoption; the coaches, open signals, stakeholders and recent events with anything (its
 * timeline shows every kind).
 */
export const areaLive = (options: AreaRouteOptions) =>
  livePage({
    path: /^\/areas\/(?<areaId>[^/]+)$/,
    params: AreaQuery.omit({ after: true }).extend({ areaId: Id }),
    // A date after today was answered with an error page (422): it has no regions to update.
    load: ({ areaId, ...query }) => (futureAsOf(query.asOf, options.today()) === undefined ? areaPage(options, areaId, query) : null),
    regions: [
      { id: 'area-summary', partial: 'partials/areaSummary', affectedBy: adoptionChanged, view: (page) => page },
      { id: 'saturation', partial: 'partials/areaSaturation', affectedBy: adoptionChanged, view: (page) => page },
      { id: 'area-teams', partial: 'partials/teamRows', affectedBy: adoptionChanged, view: (page) => page.teamRows, swap: 'innerMorph' },
      { id: 'area-sections', partial: 'partials/areaSections', affectedBy: () => true, view: (page) => page },
    ],
  });

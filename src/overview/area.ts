import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { OrgQueries } from '../../projections/org/queries.ts';
import type { TimelineQueries } from '../../projections/timeline.ts';
import type { AreaDetail, HeatmapQueries } from '../../projections/heatmap/types.ts';
import { livePage } from '../http/live.ts';
import { SelectionQuery } from '../http/query.ts';
import type { Selection } from '../http/urls.ts';
import { sendHtml, wantsFragment } from '../http/views.ts';
import { NotFoundError } from '../shared/errors.ts';
import { Id } from '../shared/event.ts';
import type { Names } from '../shared/names.ts';
import { adoptionChanged } from './heatmap.ts';
import { areaSaturation, type Saturation } from './saturation.ts';
import { requireSelection, type ReadRouteOptions } from './selection.ts';
import { areaPageView, areaSectionsView, teamRowsView } from './viewModels.ts';

export interface AreaRouteOptions extends ReadRouteOptions {
  org: OrgQueries;
  timeline: TimelineQueries;
  names: Names;
  saturation: Saturation;
}

const AreaParams = z.object({ areaId: Id });
type AreaQuery = z.output<typeof SelectionQuery>;

/** How many of each the area page lists; each list links to the page that has them all. */
const TOP_SIGNALS = 5;
const TOP_STAKEHOLDERS = 6;
const RECENT_EVENTS = 10;

/**
 * One area. The same URL is the expand link on the heatmap: an htmx request gets the team rows
 * to insert under the area's row, a plain request (no JavaScript) gets the whole area page: its
 * scores and teams, its coaches, its open signals, its stakeholders and its recent events.
 */
export const areaRoutes: FastifyPluginAsyncZod<AreaRouteOptions> = async (app, options) => {
  const { queries, views, today } = options;
  app.get(
    '/areas/:areaId',
    { config: { access: 'read' }, schema: { params: AreaParams, querystring: SelectionQuery } },
    async (request, reply) => {
      const { areaId } = request.params;
      if (wantsFragment(request)) {
        const { selection } = requireSelection(queries, today, request.query);
        const detail = requireArea(queries, areaId, selection);
        return sendHtml(reply, views.render('partials/teamRows', teamRowsView(detail, selection, detail.area.depth + 1)));
      }
      return sendHtml(reply, views.render('pages/area', areaPage(options, areaId, request.query)));
    },
  );
};

function requireArea(queries: HeatmapQueries, areaId: string, selection: Selection): AreaDetail {
  const detail = queries.area(areaId, selection.cycleId, selection.asOf);
  if (detail === null) throw new NotFoundError(`There is no area "${areaId}".`);
  return detail;
}

/** The area page's view-model: its scores and teams, coaches, open signals, stakeholders and recent events. */
function areaPage({ queries, today, org, timeline, names, saturation }: AreaRouteOptions, areaId: string, query: AreaQuery) {
  const { cycle, selection } = requireSelection(queries, today, query);
  const detail = requireArea(queries, areaId, selection);
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
    params: SelectionQuery.extend({ areaId: Id }),
    load: ({ areaId, ...query }) => areaPage(options, areaId, query),
    regions: [
      { id: 'area-summary', partial: 'partials/areaSummary', affectedBy: adoptionChanged, view: (page) => page },
      { id: 'saturation', partial: 'partials/areaSaturation', affectedBy: adoptionChanged, view: (page) => page },
      { id: 'area-teams', partial: 'partials/teamRows', affectedBy: adoptionChanged, view: (page) => page.teamRows, swap: 'innerMorph' },
      { id: 'area-sections', partial: 'partials/areaSections', affectedBy: () => true, view: (page) => page },
    ],
  });

import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { OrgQueries } from '../../projections/org/queries.ts';
import type { TimelineQueries } from '../../projections/timeline.ts';
import { SelectionQuery } from '../http/query.ts';
import { sendHtml, wantsFragment } from '../http/views.ts';
import { NotFoundError } from '../shared/errors.ts';
import { Id } from '../shared/event.ts';
import type { Names } from '../shared/names.ts';
import { requireSelection, type ReadRouteOptions } from './selection.ts';
import { areaPageView, areaSectionsView, teamRowsView } from './viewModels.ts';

export interface AreaRouteOptions extends ReadRouteOptions {
  org: OrgQueries;
  timeline: TimelineQueries;
  names: Names;
}

const AreaParams = z.object({ areaId: Id });

/** How many of each the area page lists; each list links to the page that has them all. */
const TOP_SIGNALS = 5;
const TOP_STAKEHOLDERS = 6;
const RECENT_EVENTS = 10;

/**
 * One area. The same URL is the expand link on the heatmap: an htmx request gets the team rows
 * to insert under the area's row, a plain request (no JavaScript) gets the whole area page: its
 * scores and teams, its coaches, its open signals, its stakeholders and its recent events.
 */
export const areaRoutes: FastifyPluginAsyncZod<AreaRouteOptions> = async (app, { queries, views, today, org, timeline, names }) => {
  app.get('/areas/:areaId', { schema: { params: AreaParams, querystring: SelectionQuery } }, async (request, reply) => {
    const { areaId } = request.params;
    const { cycle, selection } = requireSelection(queries, today, request.query);
    const detail = queries.area(areaId, selection.cycleId, selection.asOf);
    if (detail === null) throw new NotFoundError(`There is no area "${areaId}".`);
    if (wantsFragment(request)) {
      return sendHtml(reply, views.render('partials/teamRows', teamRowsView(detail, selection, detail.area.depth + 1)));
    }
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
    return sendHtml(reply, views.render('pages/area', { ...areaPageView({ cycles: queries.cycles(), cycle, detail, selection, parent }), ...sections }));
  });
};

import type { FastifyPluginAsync } from 'fastify';
import { z } from 'zod';
import { NotFoundError } from '../../shared/errors.ts';
import { Id } from '../../shared/event.ts';
import { parseQuery, SelectionQuery } from '../query.ts';
import { areaPageView, teamRowsView } from '../viewModels.ts';
import { sendHtml, wantsFragment } from '../views.ts';
import { requireSelection, type ReadRouteOptions } from './selection.ts';

const AreaParams = z.object({ areaId: Id });

/**
 * One area. The same URL is the expand link on the heatmap: an htmx request gets the team rows
 * to insert under the area's row, a plain request (no JavaScript) gets the whole area page.
 */
export const areaRoutes: FastifyPluginAsync<ReadRouteOptions> = async (app, { queries, views, today }) => {
  app.get('/areas/:areaId', async (request, reply) => {
    const { areaId } = parseQuery(AreaParams, request.params);
    const { cycle, selection } = requireSelection(queries, today, parseQuery(SelectionQuery, request.query));
    const detail = queries.area(areaId, selection.cycleId, selection.asOf);
    if (detail === null) throw new NotFoundError(`There is no area "${areaId}".`);
    if (wantsFragment(request)) {
      return sendHtml(reply, views.render('partials/teamRows', teamRowsView(detail, selection, detail.area.depth + 1)));
    }
    const parentId = detail.area.parentAreaId;
    const parent = parentId === null ? null : (queries.area(parentId, selection.cycleId, selection.asOf)?.area ?? null);
    return sendHtml(reply, views.render('pages/area', areaPageView({ cycles: queries.cycles(), cycle, detail, selection, parent })));
  });
};

import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import { NotFoundError } from '../../shared/errors.ts';
import { parseLeniently, SelectionQuery } from '../query.ts';
import { heatmapPageView, issuesByField, noCyclePageView } from '../viewModels.ts';
import { sendHtml, wantsFragment } from '../views.ts';
import { resolveSelection, type ReadRouteOptions } from './selection.ts';

/**
 * The adoption heatmap: areas × dimensions for a cycle as of a date. A bad parameter re-renders
 * the page (422) with the message beside its field; htmx requests get the heatmap section only.
 */
export const heatmapRoutes: FastifyPluginAsync<ReadRouteOptions> = async (app, { queries, views, today }) => {
  const show = async (request: FastifyRequest, reply: FastifyReply) => {
    const { value: query, issues } = parseLeniently(SelectionQuery, request.query);
    const resolved = resolveSelection(queries, today, query);
    if (resolved === null) return sendHtml(reply, views.render('pages/heatmap', noCyclePageView()));
    const { cycleId, asOf } = resolved.selection;
    const heatmap = queries.heatmap(cycleId, asOf);
    if (heatmap === null) throw new NotFoundError(`There is no cycle "${cycleId}".`);
    const view = heatmapPageView({ cycles: queries.cycles(), heatmap, errors: issuesByField(issues, request.query as Record<string, unknown>) });
    return sendHtml(reply, views.render(wantsFragment(request) ? 'partials/heatmap' : 'pages/heatmap', view), issues.length > 0 ? 422 : 200);
  };
  app.get('/', show);
  app.get('/heatmap', show);
};

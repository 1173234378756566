import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { lenient, messagesByField, SelectionQuery } from '../http/query.ts';
import { sendHtml, wantsFragment } from '../http/views.ts';
import { NotFoundError } from '../shared/errors.ts';
import { resolveSelection, type ReadRouteOptions } from './selection.ts';
import { heatmapPageView, noCyclePageView } from './viewModels.ts';

/**
 * The adoption heatmap: areas × dimensions for a cycle as of a date. A bad parameter re-renders
 * the page (422) with the message beside its field; htmx requests get the heatmap section only.
 */
export const heatmapRoutes: FastifyPluginAsyncZod<ReadRouteOptions> = async (app, { queries, views, today }) => {
  for (const path of ['/', '/heatmap']) {
    app.get(path, { schema: { querystring: lenient(SelectionQuery) } }, async (request, reply) => {
      const { value: query, issues } = request.query;
      const resolved = resolveSelection(queries, today, query);
      if (resolved === null) return sendHtml(reply, views.render('pages/heatmap', noCyclePageView()));
      const { cycleId, asOf } = resolved.selection;
      const heatmap = queries.heatmap(cycleId, asOf);
      if (heatmap === null) throw new NotFoundError(`There is no cycle "${cycleId}".`);
      const view = heatmapPageView({ cycles: queries.cycles(), heatmap, errors: messagesByField(issues) });
      return sendHtml(reply, views.render(wantsFragment(request) ? 'partials/heatmap' : 'pages/heatmap', view), issues.length > 0 ? 422 : 200);
    });
  }
};

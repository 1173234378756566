import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { AreaRow, HeatmapQueries } from '../../projections/heatmap/types.ts';
import { fileNamePart, sendCsv } from '../http/download.ts';
import { fromCategories, livePage } from '../http/live.ts';
import { lenient, messagesByField, SelectionQuery } from '../http/query.ts';
import type { Selection } from '../http/urls.ts';
import { sendHtml, wantsFragment } from '../http/views.ts';
import { csvChunks } from '../shared/csv.ts';
import { NotFoundError } from '../shared/errors.ts';
import { heatmapColumns, heatmapLines } from './heatmapExport.ts';
import { areaLoads, type Saturation } from './saturation.ts';
import { requireSelection, resolveSelection, type ReadRouteOptions, withoutFutureAsOf } from './selection.ts';
import { heatmapPageView, noCyclePageView, TEAM_PAGE, teamRowsView } from './viewModels.ts';

/**
 * The adoption heatmap: areas × dimensions for a cycle as of a date. A bad parameter re-renders
 * the page (422) with the message beside its field; htmx requests get the heatmap section only.
 */
export interface HeatmapRouteOptions extends ReadRouteOptions {
  saturation: Saturation;
}

export const heatmapRoutes: FastifyPluginAsyncZod<HeatmapRouteOptions> = async (app, { queries, views, today, saturation }) => {
  for (const path of ['/', '/heatmap']) {
    app.get(path, { config: { access: 'read' }, schema: { querystring: lenient(SelectionQuery) } }, async (request, reply) => {
      // A date after today is reported beside the field like a malformed one, and today's heatmap shown.
      const { query, issue } = withoutFutureAsOf(request.query.value, today());
      const issues = issue === undefined ? request.query.issues : [...request.query.issues, issue];
      const resolved = resolveSelection(queries, today, query);
      if (resolved === null) return sendHtml(reply, views.render('pages/heatmap', noCyclePageView()));
      const { cycleId, asOf } = resolved.selection;
      const heatmap = queries.heatmap(cycleId, asOf);
      if (heatmap === null) throw new NotFoundError(`There is no cycle "${cycleId}".`);
      const loads = areaLoads(saturation, heatmap.areas, asOf);
      const view = heatmapPageView({ cycles: queries.cycles(), heatmap, loads, errors: messagesByField(issues) });
      return sendHtml(
        reply,
        views.render(wantsFragment(request) ? 'partials/heatmap' : 'pages/heatmap', view),
        issues.length > 0 ? 422 : 200,
      );
    });
  }
};

/** The heatmap as the page selects it (cycle, as of) as a CSV download: every area and team. */
export const heatmapExportRoutes: FastifyPluginAsyncZod<ReadRouteOptions> = async (app, { queries, today }) => {
  app.get('/heatmap.csv', { config: { access: 'read' }, schema: { querystring: SelectionQuery } }, async (request, reply) => {
    const { cycle, selection } = requireSelection(queries, today, request.query);
    const heatmap = queries.heatmap(selection.cycleId, selection.asOf);
    if (heatmap === null) throw new NotFoundError(`There is no cycle "${selection.cycleId}".`);
    const filename = `uptake-heatmap-${fileNamePart(cycle.name)}-${selection.asOf}.csv`;
    return sendCsv(reply, filename, csvChunks(heatmapColumns, [heatmapLines(heatmap)]));
  });
};

/** Scores, stages, check-in freshness and open resistance: what the organisation, its cycles, its teams' adoption and its signals say. */
export const adoptionChanged = fromCategories('area', 'team', 'cycle', 'signal', 'theme', 'objective');

/** Each area's team rows, as its expand link fetches them (the first TEAM_PAGE): re-sent so rows a reader unfolded stay unfolded and current. */
export const unfoldedTeamRows = (queries: HeatmapQueries, areas: readonly AreaRow[], selection: Selection) =>
  areas.flatMap((area) => {
    const detail = queries.area(area.areaId, selection.cycleId, selection.asOf, { limit: TEAM_PAGE });
    return detail === null ? [] : [{ id: `teams-${area.areaId}`, view: teamRowsView(detail, selection, detail.area.depth + 1, false) }];
  });

/** The heatmap updates live: its figures and matrix (not the head with its filter), and the team rows a reader unfolded. */
export const heatmapLive = ({ queries, today, saturation }: Pick<HeatmapRouteOptions, 'queries' | 'today' | 'saturation'>) =>
  livePage({
    path: /^\/(?:heatmap)?$/,
    params: SelectionQuery,
    load: (params) => {
      const { selection } = requireSelection(queries, today, withoutFutureAsOf(params, today()).query);
      const heatmap = queries.heatmap(selection.cycleId, selection.asOf);
      return (
        heatmap && {
          page: heatmapPageView({ cycles: queries.cycles(), heatmap, loads: areaLoads(saturation, heatmap.areas, selection.asOf) }),
          rows: unfoldedTeamRows(queries, heatmap.areas, selection),
        }
      );
    },
    regions: [
      { id: 'heatmap-scores', partial: 'partials/heatmapScores', affectedBy: adoptionChanged, view: (model) => model.page },
      { id: 'team-rows', partial: 'partials/teamRows', affectedBy: adoptionChanged, each: (model) => model.rows },
    ],
  });

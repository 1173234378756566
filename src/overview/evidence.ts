import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { TimelineQueries } from '../../projections/timeline.ts';
import { EvidenceQuery } from '../http/query.ts';
import { sendHtml } from '../http/views.ts';
import type { Names } from '../shared/names.ts';
import { evidencePageView } from './evidenceView.ts';
import { requireSelection, type ReadRouteOptions } from './selection.ts';

export interface EvidenceRouteOptions extends ReadRouteOptions {
  timeline: TimelineQueries;
  names: Names;
}

/**
 * The events behind one team's score in one dimension (or behind its overall score), and how the
 * adoption model computed the number from them: how a number on the heatmap is traced.
 */
export const evidenceRoutes: FastifyPluginAsyncZod<EvidenceRouteOptions> = async (app, { queries, views, today, timeline, names }) => {
  app.get('/evidence', { config: { access: 'read' }, schema: { querystring: EvidenceQuery } }, async (request, reply) => {
    const query = request.query;
    const { cycle, selection } = requireSelection(queries, today, query);
    const area = query.area === undefined ? null : queries.area(query.area, selection.cycleId, selection.asOf);
    const column = query.dimension;
    const evidence = queries.evidence(query.team, selection.cycleId, column === 'overall' ? null : column, selection.asOf);
    const entries = timeline.atPositions(evidence.map((e) => e.position));
    return sendHtml(
      reply,
      views.render('pages/evidence', evidencePageView({ cycle, selection, column, teamId: query.team, area, evidence, entries, names })),
    );
  });
};

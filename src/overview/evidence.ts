import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { EvidenceQuery } from '../http/query.ts';
import { sendHtml } from '../http/views.ts';
import { requireSelection, type ReadRouteOptions } from './selection.ts';
import { evidencePageView } from './viewModels.ts';

/** The events behind one team's score in one dimension: how a number on the heatmap is traced. */
export const evidenceRoutes: FastifyPluginAsyncZod<ReadRouteOptions> = async (app, { queries, views, today }) => {
  app.get('/evidence', { schema: { querystring: EvidenceQuery } }, async (request, reply) => {
    const query = request.query;
    const { cycle, selection } = requireSelection(queries, today, query);
    const area = query.area === undefined ? null : queries.area(query.area, selection.cycleId, selection.asOf);
    const evidence = queries.evidence(query.team, selection.cycleId, query.dimension, selection.asOf);
    return sendHtml(reply, views.render('pages/evidence', evidencePageView({ cycle, selection, dimension: query.dimension, teamId: query.team, area, evidence })));
  });
};

import type { FastifyPluginAsync } from 'fastify';
import { EvidenceQuery, parseQuery } from '../query.ts';
import { evidencePageView } from '../viewModels.ts';
import { sendHtml } from '../views.ts';
import { requireSelection, type ReadRouteOptions } from './selection.ts';

/** The events behind one team's score in one dimension: how a number on the heatmap is traced. */
export const evidenceRoutes: FastifyPluginAsync<ReadRouteOptions> = async (app, { queries, views, today }) => {
  app.get('/evidence', async (request, reply) => {
    const query = parseQuery(EvidenceQuery, request.query);
    const { cycle, selection } = requireSelection(queries, today, query);
    const area = query.area === undefined ? null : queries.area(query.area, selection.cycleId, selection.asOf);
    const evidence = queries.evidence(query.team, selection.cycleId, query.dimension, selection.asOf);
    return sendHtml(reply, views.render('pages/evidence', evidencePageView({ cycle, selection, dimension: query.dimension, teamId: query.team, area, evidence })));
  });
};

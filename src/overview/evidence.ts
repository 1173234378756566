import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { TimelineQueries } from '../../projections/timeline.ts';
import { EvidenceQuery } from '../http/query.ts';
import { sendHtml } from '../http/views.ts';
import type { Names } from '../shared/names.ts';
import { EVIDENCE_PAGE, type EvidencePageLinks, evidencePageView } from './evidenceView.ts';
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
    const dimension = column === 'overall' ? null : column;
    // One more than a page: whether there is a page beyond this one.
    const paging = { limit: EVIDENCE_PAGE + 1, after: query.after, before: query.before };
    const fetched = queries.evidence(query.team, selection.cycleId, dimension, selection.asOf, paging);
    const more = fetched.length > EVIDENCE_PAGE;
    // Read backwards, the extra one is the first; forwards, the last.
    const evidence = more ? (query.before === undefined ? fetched.slice(0, EVIDENCE_PAGE) : fetched.slice(1)) : fetched;
    const page: EvidencePageLinks = {
      earlier: evidence.length > 0 && (query.before === undefined ? query.after !== undefined : more) ? evidence[0]!.cursor : null,
      later: evidence.length > 0 && (query.before === undefined ? more : true) ? evidence.at(-1)!.cursor : null,
    };
    const summary = queries.evidenceSummary(query.team, selection.cycleId, dimension, selection.asOf);
    const entries = timeline.atPositions(evidence.map((e) => e.position));
    return sendHtml(
      reply,
      views.render(
        'pages/evidence',
        evidencePageView({ cycle, selection, column, teamId: query.team, area, evidence, summary, page, entries, names }),
      ),
    );
  });
};

import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { DigestQueries } from '../../projections/digest/queries.ts';
import type { HeatmapQueries } from '../../projections/heatmap/types.ts';
import type { TimelineQueries } from '../../projections/timeline.ts';
import { lenient, messagesByField, optional } from '../http/query.ts';
import { sendHtml } from '../http/views.ts';
import type { WebDeps } from '../http/webDeps.ts';
import type { Names } from '../shared/names.ts';
import { digestOf, readDigest } from './digest.ts';
import { digestWeek, type IsoWeek, lastCompleteWeek } from '../adoption/isoWeek.ts';

export interface DigestRouteOptions extends Pick<WebDeps, 'views' | 'today'> {
  queries: HeatmapQueries;
  digest: DigestQueries;
  timeline: TimelineQueries;
  names: Names;
}

/** `week`: an ISO week that has begun by today; checked against today's date, so the schema is made per request. */
const DigestQuery = (today: string) =>
  z.object({
    week: optional(
      z.string().transform((text, ctx): IsoWeek => {
        const parsed = digestWeek(text, today);
        if (!parsed.ok) ctx.addIssue({ code: 'custom', message: parsed.message });
        return parsed.ok ? parsed.week : z.NEVER;
      }),
    ),
  });

/**
 * The leadership digest: `/digest?week=2026-W48`, by default the last complete week. A bad or
 * future week re-renders the page (422) with the message beside the picker, showing the default.
 */
export const digestRoutes: FastifyPluginAsyncZod<DigestRouteOptions> = async (app, options) => {
  app.get('/digest', { config: { access: 'read' }, schema: { querystring: z.record(z.string(), z.unknown()) } }, async (request, reply) => {
    const today = options.today();
    const { value, issues } = lenient(DigestQuery(today)).parse(request.query);
    const week = value.week ?? lastCompleteWeek(today);
    const digest = digestOf(readDigest({ heatmap: options.queries, ...options }, week, today), options.names);
    const html = options.views.render('pages/digest', { ...digest, errors: messagesByField(issues) });
    return sendHtml(reply, html, issues.length === 0 ? 200 : 422);
  });
};

import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { CoachWeekQueries } from '../../projections/coachWeek/queries.ts';
import type { CycleSummary, HeatmapQueries } from '../../projections/heatmap/types.ts';
import { sendHtml } from '../http/views.ts';
import type { WebDeps } from '../http/webDeps.ts';
import { NotFoundError } from '../shared/errors.ts';
import { Id } from '../shared/event.ts';
import { coachesPageView, coachWeekPageView } from './coachWeekView.ts';

export interface CoachWeekRouteOptions extends Pick<WebDeps, 'views' | 'today'> {
  coachWeek: CoachWeekQueries;
  queries: HeatmapQueries;
}

/** Only a cycle that is open today has check-ins due; the heatmap's default may be a finished one. */
function currentCycle(queries: HeatmapQueries, today: string): CycleSummary | null {
  const cycle = queries.defaultCycle(today);
  return cycle !== null && cycle.closedOn === null && cycle.startsOn <= today && today <= cycle.endsOn ? cycle : null;
}

const CoachParams = z.object({ coachId: Id });

/**
 * The coach's week: `/coaches` to pick a coach (until sign-in exists), then a bookmarkable
 * `/coaches/:coachId/week` listing what needs them today, each item a link to the form that
 * answers it.
 */
export const coachWeekRoutes: FastifyPluginAsyncZod<CoachWeekRouteOptions> = async (app, { coachWeek, queries, views, today }) => {
  app.get('/coaches', async (_request, reply) => {
    const day = today();
    const coaches = coachWeek.coaches(day, currentCycle(queries, day)?.cycleId ?? null);
    return sendHtml(reply, views.render('pages/coaches', coachesPageView(coaches)));
  });

  app.get('/coaches/:coachId/week', { schema: { params: CoachParams } }, async (request, reply) => {
    const { coachId } = request.params;
    const day = today();
    const cycle = currentCycle(queries, day);
    const week = coachWeek.week(coachId, day, cycle?.cycleId ?? null);
    if (week === null) throw new NotFoundError(`There is no coach "${coachId}".`);
    return sendHtml(reply, views.render('pages/coachWeek', coachWeekPageView(week, cycle)));
  });
};

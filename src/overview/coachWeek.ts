import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { CoachWeekQueries } from '../../projections/coachWeek/queries.ts';
import type { CycleSummary, HeatmapQueries } from '../../projections/heatmap/types.ts';
import { fromCategories, livePage } from '../http/live.ts';
import { sendHtml } from '../http/views.ts';
import type { WebDeps } from '../http/webDeps.ts';
import { NotFoundError, ValidationError } from '../shared/errors.ts';
import { Id } from '../shared/event.ts';
import { optional } from '../http/query.ts';
import { coachWeekPath } from '../http/urls.ts';
import { streamName } from '../shared/streams.ts';
import { COACH_PAGE, coachesPageView, coachWeekPageView } from './coachWeekView.ts';

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
/** `all`: the list of coaches even for a coach account, which `/coaches` otherwise sends to its own week. */
const CoachesQuery = z.object({
  all: optional(z.literal('1', { error: 'must be 1 or left out' })),
  /** Keyset paging: the page right after this coach in the list's order. */
  after: optional(Id),
});

/**
 * The coach's week: `/coaches` lists the coaches (a coach account goes straight to its own week
 * — "My week"), and a bookmarkable `/coaches/:coachId/week` lists what needs them today, each
 * item a link to the form that answers it.
 */
export const coachWeekRoutes: FastifyPluginAsyncZod<CoachWeekRouteOptions> = async (app, { coachWeek, queries, views, today }) => {
  app.get('/coaches', { config: { access: 'read' }, schema: { querystring: CoachesQuery } }, async (request, reply) => {
    const coachId = request.viewer?.coachId;
    if (request.viewer?.role === 'coach' && coachId && request.query.all === undefined)
      return reply.code(303).header('location', coachWeekPath(coachId)).send();
    const day = today();
    const { after } = request.query;
    const page = coachWeek.coaches(day, currentCycle(queries, day)?.cycleId ?? null, { limit: COACH_PAGE, after });
    if (page === null) throw ValidationError.field('after', `"${after}" is no coach: page from a coach in the list`);
    return sendHtml(reply, views.render('pages/coaches', coachesPageView(page, after !== undefined)));
  });

  app.get('/coaches/:coachId/week', { config: { access: 'read' }, schema: { params: CoachParams } }, async (request, reply) => {
    return sendHtml(reply, views.render('pages/coachWeek', weekPage({ coachWeek, queries, today }, request.params.coachId)));
  });
};

function weekPage({ coachWeek, queries, today }: Omit<CoachWeekRouteOptions, 'views'>, coachId: string) {
  const day = today();
  const cycle = currentCycle(queries, day);
  const week = coachWeek.week(coachId, day, cycle?.cycleId ?? null);
  if (week === null) throw new NotFoundError(`There is no coach "${coachId}".`);
  return coachWeekPageView(week, cycle);
}

/** The coach's week updates live with anything but what other coaches' own streams say. */
export const coachWeekLive = (options: Omit<CoachWeekRouteOptions, 'views'>) =>
  livePage({
    path: /^\/coaches\/(?<coachId>[^/]+)\/week$/,
    params: CoachParams,
    load: ({ coachId }) => weekPage(options, coachId),
    regions: [
      {
        id: 'coach-week',
        partial: 'partials/coachWeek',
        affectedBy: (event, { coachId }) => !fromCategories('coach')(event) || event.streamId === streamName('coach', coachId),
        view: (page) => page,
      },
    ],
  });

import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { TimelineQueries } from '../../projections/timeline.ts';
import { timelineEventTypes } from '../../projections/timeline.ts';
import { livePage } from '../http/live.ts';
import { lenient, messagesByField, optional } from '../http/query.ts';
import { sendHtml, wantsFragment } from '../http/views.ts';
import type { WebDeps } from '../http/webDeps.ts';
import { ActorKind, Id, type RecordedEvent } from '../shared/event.ts';
import { streamName } from '../shared/streams.ts';
import type { Names } from '../shared/names.ts';
import { TIMELINE_PAGE_SIZE, timelinePageView } from './timelineView.ts';

/** Positions are unsigned 64-bit in the stores, signed 64-bit in SQLite: the common range. */
const MAX_POSITION = 2n ** 63n - 1n;

const Position = z
  .string()
  .regex(/^[1-9]\d{0,18}$/, 'must be an event position, a whole number from 1')
  .transform(BigInt)
  .refine((p) => p <= MAX_POSITION, 'must be an event position, a whole number from 1');

const actorKinds = ActorKind.options;

export const TimelineQuery = z.object({
  area: optional(Id),
  team: optional(Id),
  stakeholder: optional(Id),
  type: optional(z.enum(timelineEventTypes, { error: 'must be an event type, e.g. CheckInHeld' })),
  actor: optional(z.enum(actorKinds, { error: `must be one of ${actorKinds.join(', ')}` })),
  before: optional(Position),
});
export type TimelineQuery = z.output<typeof TimelineQuery>;

export interface TimelineRouteOptions extends WebDeps {
  timeline: TimelineQueries;
  names: Names;
}

/**
 * Every event, newest first, 50 to a page (keyset: `?before=<position>`), filtered by area,
 * team, stakeholder, type and actor, each put in words as it is read. A bad parameter re-renders
 * the page (422) with the message beside its field; htmx requests (the filter form, the Older
 * link) get the timeline section.
 */
export const timelineRoutes: FastifyPluginAsyncZod<TimelineRouteOptions> = async (app, options) => {
  const { views } = options;
  app.get('/timeline', { schema: { querystring: lenient(TimelineQuery) } }, async (request, reply) => {
    const { value: query, issues } = request.query;
    const view = timelineView(options, query, messagesByField(issues));
    return sendHtml(
      reply,
      views.render(wantsFragment(request) ? 'partials/timeline' : 'pages/timeline', view),
      issues.length > 0 ? 422 : 200,
    );
  });
};

function timelineView(
  { timeline, names }: Pick<TimelineRouteOptions, 'timeline' | 'names'>,
  query: TimelineQuery,
  errors: Record<string, string> = {},
) {
  const page = timeline.page(
    {
      areaId: query.area,
      teamId: query.team,
      stakeholderId: query.stakeholder,
      type: query.type,
      actorKind: query.actor,
      before: query.before,
    },
    TIMELINE_PAGE_SIZE,
  );
  return timelinePageView({
    page,
    choices: timeline.choices(),
    query,
    names,
    hasEvents: page.entries.length > 0 || timeline.hasEvents(),
    errors,
  });
}

/** Whether an event can be on this first page of the timeline: older pages never change. */
function newOn(event: RecordedEvent, query: TimelineQuery): boolean {
  const data = event.data as { teamId?: unknown; stakeholderId?: unknown };
  return (
    query.before === undefined &&
    (query.type === undefined || event.type === query.type) &&
    (query.actor === undefined || event.metadata.actor.kind === query.actor) &&
    (query.team === undefined || event.streamId === streamName('team', query.team) || data.teamId === query.team) &&
    (query.stakeholder === undefined ||
      event.streamId === streamName('stakeholder', query.stakeholder) ||
      data.stakeholderId === query.stakeholder)
  );
}

/** The timeline's first page takes the newest entries live; its filter form is left alone. */
export const timelineLive = (options: Pick<TimelineRouteOptions, 'timeline' | 'names'>) =>
  livePage({
    path: /^\/timeline$/,
    params: TimelineQuery,
    load: (query) => timelineView(options, query),
    regions: [{ id: 'timeline-entries', partial: 'partials/timelineEntries', affectedBy: newOn, view: (page) => page }],
  });

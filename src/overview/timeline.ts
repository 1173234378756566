import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import {
  cursorFromText,
  isPositionText,
  type TimelineCursor,
  type TimelineFrom,
  type TimelineQueries,
  timelineEventTypes,
} from '../../projections/timeline.ts';
import { livePage } from '../http/live.ts';
import { lenient, messagesByField, optional } from '../http/query.ts';
import { sendHtml, wantsFragment } from '../http/views.ts';
import type { WebDeps } from '../http/webDeps.ts';
import type { FieldIssue } from '../shared/errors.ts';
import { Actor, Id, type RecordedEvent } from '../shared/event.ts';
import { streamName } from '../shared/streams.ts';
import type { Names } from '../shared/names.ts';
import { TIMELINE_CHOICES, TIMELINE_PAGE_SIZE, timelinePageView } from './timelineView.ts';

const cursorRule = 'must be a place on the timeline, as its Older and Newer links give';

/** A page's start: a cursor, or (before only, as older links gave it) a bare event position. */
const Cursor = z.string().transform((text, ctx) => {
  const cursor = cursorFromText(text);
  if (cursor === null) ctx.addIssue({ code: 'custom', message: cursorRule });
  return cursor ?? z.NEVER;
});
const CursorOrPosition = z.string().transform((text, ctx): TimelineCursor | bigint => {
  if (isPositionText(text)) return BigInt(text);
  const cursor = cursorFromText(text);
  if (cursor === null) ctx.addIssue({ code: 'custom', message: cursorRule });
  return cursor ?? z.NEVER;
});

const actorRule = 'must be one of the people and systems the filter offers';
/** An actor as the filter's value carries it: `<kind>:<id>` (`user:coach-ada`, `system:seed`). */
const ActorValue = z.string().transform((text, ctx): Actor => {
  const colon = text.indexOf(':');
  const actor = Actor.safeParse({ kind: text.slice(0, colon), id: text.slice(colon + 1) });
  if (colon < 0 || !actor.success) ctx.addIssue({ code: 'custom', message: actorRule });
  return actor.data ?? z.NEVER;
});

export const TimelineQuery = z
  .object({
    area: optional(Id),
    team: optional(Id),
    stakeholder: optional(Id),
    type: optional(z.enum(timelineEventTypes, { error: 'must be one of the event types the filter offers' })),
    actor: optional(ActorValue),
    before: optional(CursorOrPosition),
    after: optional(Cursor),
  })
  .refine((q) => q.before === undefined || q.after === undefined, { path: ['after'], message: 'cannot be given with before' });
export type TimelineQuery = z.output<typeof TimelineQuery>;

/** A page's start as the query names it, a bare position resolved to its event's place. */
function fromOf(query: TimelineQuery, timeline: TimelineQueries): { from?: TimelineFrom; issue?: FieldIssue } {
  const { before, after } = query;
  if (after !== undefined) return { from: { direction: 'after', cursor: after } };
  if (before === undefined) return {};
  if (typeof before !== 'bigint') return { from: { direction: 'before', cursor: before } };
  const cursor = timeline.cursorAt(before);
  if (cursor === null) return { issue: { field: 'before', message: `"${before}" must be the position of an event on the timeline` } };
  return { from: { direction: 'before', cursor } };
}

export interface TimelineRouteOptions extends WebDeps {
  timeline: TimelineQueries;
  names: Names;
}

/**
 * Every event, latest business time first, 50 to a page (keyset: `?before=<cursor>` for Older,
 * `?after=<cursor>` for Newer), filtered by area, team, stakeholder, type and actor, each put in
 * words as it is read. A bad parameter re-renders the page (422) with the message beside its
 * field; htmx requests (the filter form, the Older and Newer links) get the timeline section.
 */
export const timelineRoutes: FastifyPluginAsyncZod<TimelineRouteOptions> = async (app, options) => {
  app.get('/timeline', { config: { access: 'read' }, schema: { querystring: lenient(TimelineQuery) } }, async (request, reply) => {
    const { value: query, issues } = request.query;
    const { view, valid } = timelineView(options, query, issues);
    return sendHtml(reply, options.views.render(wantsFragment(request) ? 'partials/timeline' : 'pages/timeline', view), valid ? 200 : 422);
  });
};

function timelineView(
  { timeline, names }: Pick<TimelineRouteOptions, 'timeline' | 'names'>,
  query: TimelineQuery,
  queryIssues: FieldIssue[] = [],
) {
  const { from, issue } = fromOf(query, timeline);
  const issues = issue === undefined ? queryIssues : [...queryIssues, issue];
  const filter = { areaId: query.area, teamId: query.team, stakeholderId: query.stakeholder, type: query.type, actor: query.actor };
  const page = timeline.page(filter, TIMELINE_PAGE_SIZE, from);
  const view = timelinePageView({
    page,
    from,
    choices: timeline.choices(),
    named: timeline.teamsAndStakeholders(query.area, TIMELINE_CHOICES),
    query,
    names,
    hasEvents: page.entries.length > 0 || timeline.hasEvents(),
    errors: messagesByField(issues),
  });
  return { view, valid: issues.length === 0 };
}

/** Whether an event can be on this first page of the timeline: older and newer pages never change. */
function newOn(event: RecordedEvent, query: TimelineQuery): boolean {
  const data = event.data as { teamId?: unknown; stakeholderId?: unknown };
  const { actor } = event.metadata;
  return (
    query.before === undefined &&
    query.after === undefined &&
    (query.type === undefined || event.type === query.type) &&
    (query.actor === undefined || (actor.kind === query.actor.kind && actor.id === query.actor.id)) &&
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
    load: (query) => timelineView(options, query).view,
    regions: [{ id: 'timeline-entries', partial: 'partials/timelineEntries', affectedBy: newOn, view: (page) => page }],
  });

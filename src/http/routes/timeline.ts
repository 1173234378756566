import type { FastifyPluginAsync } from 'fastify';
import { z } from 'zod';
import type { TimelineChoices, TimelineEntry, TimelinePage, TimelineQueries } from '../../../projections/timeline.ts';
import { timelineEventTypes } from '../../../projections/timeline.ts';
import { ActorKind, Id } from '../../shared/event.ts';
import { optional, parseLeniently } from '../query.ts';
import { areaPath, teamPath } from '../urls.ts';
import { formatInstant, issuesByField } from '../viewModels.ts';
import { sendHtml, wantsFragment, type Views } from '../views.ts';

export const TIMELINE_PAGE_SIZE = 50;

/** Positions are unsigned 64-bit in the stores, signed 64-bit in SQLite: the common range. */
const MAX_POSITION = 2n ** 63n - 1n;

/** An empty form field (`?area=`) means "not given", not "invalid". */

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
type TimelineQuery = z.output<typeof TimelineQuery>;

const actorLabels: Record<(typeof actorKinds)[number], string> = { user: 'Users', integration: 'Integrations', rule: 'Rules', system: 'System' };


/** The timeline's URL for a query, empty parameters left out so links stay short. */
export function timelineUrl(query: Partial<Record<keyof TimelineQuery, string | bigint>>): string {
  const params = Object.entries(query).flatMap(([key, value]): [string, string][] => (value === undefined || value === '' ? [] : [[key, String(value)]]));
  const search = new URLSearchParams(params).toString();
  return search === '' ? '/timeline' : `/timeline?${search}`;
}


function entryView(entry: TimelineEntry) {
  const { actor, area, team, stakeholder } = entry;
  return {
    position: entry.position,
    eventId: entry.eventId,
    type: entry.type,
    summary: entry.summary,
    occurred: { iso: entry.occurredAt, label: formatInstant(entry.occurredAt) },
    recorded: { iso: entry.recordedAt, label: formatInstant(entry.recordedAt) },
    actor: { kind: actor.kind, name: actor.name ?? actor.id, id: actor.id },
    source: entry.source,
    area: area === null ? null : { name: area.name ?? area.areaId, href: areaPath(area.areaId) },
    team: team === null ? null : { key: team.key, name: team.name ?? team.teamId, href: teamPath(team.teamId) },
    stakeholder: stakeholder === null ? null : { name: stakeholder.name ?? stakeholder.stakeholderId },
  };
}

const option = (value: string, label: string, selected: string | undefined) => ({ value, label, selected: value === selected });

function filterView(choices: TimelineChoices, query: TimelineQuery, errors: Record<string, string>) {
  return {
    action: '/timeline',
    fields: [
      { name: 'area', label: 'Area', any: 'All areas', options: choices.areas.map((a) => option(a.areaId, `${'\u00a0\u00a0'.repeat(a.depth)}${a.name}`, query.area)) },
      { name: 'team', label: 'Team', any: 'All teams', options: choices.teams.map((t) => option(t.teamId, `${t.key} · ${t.name}`, query.team)) },
      { name: 'stakeholder', label: 'Stakeholder', any: 'All stakeholders', options: choices.stakeholders.map((s) => option(s.stakeholderId, s.name, query.stakeholder)) },
      { name: 'type', label: 'Event type', any: 'All types', options: timelineEventTypes.map((t) => option(t, t, query.type)) },
      { name: 'actor', label: 'Actor', any: 'Anyone', options: actorKinds.map((k) => option(k, actorLabels[k], query.actor)) },
    ].map((field) => ({ ...field, error: errors[field.name] ?? null })),
    /** Errors about parameters the form has no field for (`before`, from a hand-made link). */
    otherErrors: Object.entries(errors)
      .filter(([field]) => !['area', 'team', 'stakeholder', 'type', 'actor'].includes(field))
      .map(([field, message]) => `${field} ${message}`),
  };
}

export type TimelineEmptyState = 'no-events' | 'no-match' | 'no-older';

export function timelinePageView(input: { page: TimelinePage; choices: TimelineChoices; query: TimelineQuery; hasEvents: boolean; errors?: Record<string, string> }) {
  const { page, query } = input;
  const { before, ...filters } = query;
  const filtered = Object.values(filters).some((v) => v !== undefined);
  const empty: TimelineEmptyState | null = page.entries.length > 0 ? null : !input.hasEvents ? 'no-events' : before !== undefined ? 'no-older' : 'no-match';
  return {
    title: 'Timeline',
    filter: filterView(input.choices, query, input.errors ?? {}),
    filtered,
    clearHref: '/timeline',
    entries: page.entries.map(entryView),
    empty,
    /** Where the page starts: the newest events, or those before a position. */
    before: before === undefined ? null : before.toString(),
    newestHref: before === undefined ? null : timelineUrl(filters),
    olderHref: page.older === null ? null : timelineUrl({ ...filters, before: page.older }),
  };
}

/**
 * Every event, newest first, 50 to a page (keyset: `?before=<position>`), filtered by area,
 * team, stakeholder, type and actor. A bad parameter re-renders the page (422) with the message
 * beside its field; htmx requests (the filter form, the Older link) get the timeline section.
 */
export const timelineRoutes: FastifyPluginAsync<{ timeline: TimelineQueries; views: Views }> = async (app, { timeline, views }) => {
  app.get('/timeline', async (request, reply) => {
    const { value: query, issues } = parseLeniently(TimelineQuery, request.query);
    const page = timeline.page({ areaId: query.area, teamId: query.team, stakeholderId: query.stakeholder, type: query.type, actorKind: query.actor, before: query.before }, TIMELINE_PAGE_SIZE);
    const view = timelinePageView({
      page,
      choices: timeline.choices(),
      query,
      hasEvents: page.entries.length > 0 || timeline.hasEvents(),
      errors: issuesByField(issues, request.query as Record<string, unknown>),
    });
    return sendHtml(reply, views.render(wantsFragment(request) ? 'partials/timeline' : 'pages/timeline', view), issues.length > 0 ? 422 : 200);
  });
};

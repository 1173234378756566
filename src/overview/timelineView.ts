import type { TimelineChoices, TimelineEntry, TimelinePage } from '../../projections/timeline.ts';
import { timelineEventTypes } from '../../projections/timeline.ts';
import { formatInstant } from '../adoption/calendar.ts';
import { describeEvent, eventTypeLabel } from '../describe.ts';
import { areaPath, teamPath } from '../http/urls.ts';
import { ActorKind } from '../shared/event.ts';
import type { Names } from '../shared/names.ts';
import type { TimelineQuery } from './timeline.ts';

export const TIMELINE_PAGE_SIZE = 50;

const actorKinds = ActorKind.options;
const actorLabels: Record<(typeof actorKinds)[number], string> = {
  user: 'Users',
  integration: 'Integrations',
  rule: 'Rules',
  system: 'System',
};

/** The timeline's URL for a query, empty parameters left out so links stay short. */
export function timelineUrl(query: Partial<Record<keyof TimelineQuery, string | bigint>>): string {
  const params = Object.entries(query).flatMap(([key, value]): [string, string][] =>
    value === undefined || value === '' ? [] : [[key, String(value)]],
  );
  const search = new URLSearchParams(params).toString();
  return search === '' ? '/timeline' : `/timeline?${search}`;
}

function entryView(entry: TimelineEntry, names: Names) {
  const { actor, area, team, stakeholder } = entry;
  return {
    position: entry.position,
    eventId: entry.eventId,
    type: eventTypeLabel(entry.event.type),
    summary: describeEvent(entry.event, names),
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

const filterFields = ['area', 'team', 'stakeholder', 'type', 'actor'];

function filterView(choices: TimelineChoices, query: TimelineQuery, errors: Record<string, string>) {
  return {
    action: '/timeline',
    fields: [
      {
        name: 'area',
        label: 'Area',
        any: 'All areas',
        options: choices.areas.map((a) => option(a.areaId, `${'\u00a0\u00a0'.repeat(a.depth)}${a.name}`, query.area)),
      },
      {
        name: 'team',
        label: 'Team',
        any: 'All teams',
        options: choices.teams.map((t) => option(t.teamId, `${t.key} · ${t.name}`, query.team)),
      },
      {
        name: 'stakeholder',
        label: 'Stakeholder',
        any: 'All stakeholders',
        options: choices.stakeholders.map((s) => option(s.stakeholderId, s.name, query.stakeholder)),
      },
      {
        name: 'type',
        label: 'Event type',
        any: 'All types',
        options: timelineEventTypes.map((t) => option(t, eventTypeLabel(t), query.type)).sort((a, b) => a.label.localeCompare(b.label)),
      },
      { name: 'actor', label: 'Actor', any: 'Anyone', options: actorKinds.map((k) => option(k, actorLabels[k], query.actor)) },
    ].map((field) => ({ ...field, error: errors[field.name] ?? null })),
    /** Errors about parameters the form has no field for (`before`, from a hand-made link). */
    otherErrors: Object.entries(errors)
      .filter(([field]) => !filterFields.includes(field))
      .map(([field, message]) => `${field} ${message}`),
  };
}

export type TimelineEmptyState = 'no-events' | 'no-match' | 'no-older';

export function timelinePageView(input: {
  page: TimelinePage;
  choices: TimelineChoices;
  query: TimelineQuery;
  hasEvents: boolean;
  names: Names;
  errors?: Record<string, string>;
}) {
  const { page, query, names } = input;
  const { before, ...filters } = query;
  const filtered = Object.values(filters).some((v) => v !== undefined);
  const empty: TimelineEmptyState | null =
    page.entries.length > 0 ? null : !input.hasEvents ? 'no-events' : before !== undefined ? 'no-older' : 'no-match';
  return {
    title: 'Timeline',
    filter: filterView(input.choices, query, input.errors ?? {}),
    filtered,
    clearHref: '/timeline',
    entries: page.entries.map((entry) => entryView(entry, names)),
    empty,
    /** Where the page starts: the newest events, or those before a position. */
    before: before === undefined ? null : before.toString(),
    newestHref: before === undefined ? null : timelineUrl(filters),
    olderHref: page.older === null ? null : timelineUrl({ ...filters, before: page.older }),
  };
}

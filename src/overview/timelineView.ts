import {
  cursorText,
  type TimelineChoices,
  type TimelineEntry,
  type TimelineFrom,
  type TimelinePage,
  timelineEventTypes,
} from '../../projections/timeline.ts';
import type { FirstOf, TeamsAndStakeholders } from '../../projections/org/teamsAndStakeholders.ts';
import { formatInstant } from '../adoption/calendar.ts';
import { describeEvent, eventTypeLabel } from '../describe.ts';
import { areaPath, teamPath } from '../http/urls.ts';
import { type Actor, ActorKind } from '../shared/event.ts';
import type { Names } from '../shared/names.ts';
import type { TimelineQuery } from './timeline.ts';

export const TIMELINE_PAGE_SIZE = 50;

/** How many teams, and how many stakeholders, the filter lists at most. */
export const TIMELINE_CHOICES = 100;

/** The actor filter's groups, in this order. */
const actorGroups: Record<Actor['kind'], string> = {
  user: 'People',
  integration: 'Integrations',
  rule: 'Rules',
  system: 'Uptake',
};

/** An actor as the filter's value carries it. */
const actorValue = (actor: Actor): string => `${actor.kind}:${actor.id}`;

/** The timeline's URL for a query, empty parameters left out so links stay short. */
export function timelineUrl(query: Partial<Record<keyof TimelineQuery, string>>): string {
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

/** Each kind's actors by name: people (coaches by their name), integrations by source, rules, and Uptake itself. */
function actorOptions(actors: Actor[], names: Names, selected: string | undefined) {
  return ActorKind.options
    .map((kind) => ({
      label: actorGroups[kind],
      options: actors
        .filter((a) => a.kind === kind)
        .map((a) => option(actorValue(a), names.actor(a), selected))
        .sort((a, b) => a.label.localeCompare(b.label)),
    }))
    .filter((group) => group.options.length > 0);
}

/** The options listed, and the one chosen first when it is not among them (a link from a team's page names any team). */
function withChosen(options: ReturnType<typeof option>[], chosen: string | undefined, label: (id: string) => string) {
  if (chosen === undefined || options.some((o) => o.value === chosen)) return options;
  return [option(chosen, label(chosen), chosen), ...options];
}

/** When the filter lists only the first teams or stakeholders: which, and how to reach the others. */
function moreHint({ listed, total }: FirstOf<unknown>, what: string, by: string, areaChosen: boolean): string | null {
  if (total <= listed.length) return null;
  return `The first ${listed.length} of ${total} ${what}${areaChosen ? ' in the area' : ''} by ${by}: choose ${areaChosen ? 'an area below it' : 'an area'} to list the others.`;
}

function filterView(
  choices: TimelineChoices,
  named: TeamsAndStakeholders,
  query: TimelineQuery,
  names: Names,
  errors: Record<string, string>,
) {
  const ungrouped = <T>(options: T[]) => [{ label: null, options }];
  const areaChosen = query.area !== undefined;
  return {
    action: '/timeline',
    fields: [
      {
        name: 'area',
        label: 'Area',
        any: 'All areas',
        groups: ungrouped(choices.areas.map((a) => option(a.areaId, `${'\u00a0\u00a0'.repeat(a.depth)}${a.name}`, query.area))),
        hint: null,
      },
      {
        name: 'team',
        label: 'Team',
        any: 'All teams',
        groups: ungrouped(
          withChosen(
            named.teams.listed.map((t) => option(t.teamId, `${t.key} · ${t.name}`, query.team)),
            query.team,
            (id) => names.team(id),
          ),
        ),
        hint: moreHint(named.teams, 'teams', 'key', areaChosen),
      },
      {
        name: 'stakeholder',
        label: 'Stakeholder',
        any: 'All stakeholders',
        groups: ungrouped(
          withChosen(
            named.stakeholders.listed.map((s) => option(s.stakeholderId, s.name, query.stakeholder)),
            query.stakeholder,
            (id) => names.stakeholder(id),
          ),
        ),
        hint: moreHint(named.stakeholders, 'stakeholders', 'name', areaChosen),
      },
      {
        name: 'type',
        label: 'Event type',
        any: 'All types',
        groups: ungrouped(
          timelineEventTypes.map((t) => option(t, eventTypeLabel(t), query.type)).sort((a, b) => a.label.localeCompare(b.label)),
        ),
        hint: null,
      },
      {
        name: 'actor',
        label: 'Recorded by',
        any: 'Anyone',
        groups: actorOptions(choices.actors, names, query.actor === undefined ? undefined : actorValue(query.actor)),
        hint: null,
      },
    ].map((field) => ({ ...field, error: errors[field.name] ?? null })),
    /** Errors about parameters the form has no field for (`before`, `after`, from a hand-made link). */
    otherErrors: Object.entries(errors)
      .filter(([field]) => !filterFields.includes(field))
      .map(([field, message]) => `${field} ${message}`),
  };
}

export type TimelineEmptyState = 'no-events' | 'no-match' | 'no-older' | 'no-newer';

/** The filters of a query as link parameters: a page link keeps every one. */
function filterParams(query: TimelineQuery) {
  const { before: _before, after: _after, actor, ...filters } = query;
  return { ...filters, actor: actor === undefined ? undefined : actorValue(actor) };
}

export function timelinePageView(input: {
  page: TimelinePage;
  /** Where the page starts, if not at the newest event. */
  from: TimelineFrom | undefined;
  choices: TimelineChoices;
  /** The teams and stakeholders the filter lists: those of the chosen area, or the first of them. */
  named: TeamsAndStakeholders;
  query: TimelineQuery;
  hasEvents: boolean;
  names: Names;
  errors?: Record<string, string>;
}) {
  const { page, from, query, names } = input;
  const filters = filterParams(query);
  const filtered = Object.values(filters).some((v) => v !== undefined);
  const empty: TimelineEmptyState | null =
    page.entries.length > 0
      ? null
      : !input.hasEvents
        ? 'no-events'
        : from === undefined
          ? 'no-match'
          : from.direction === 'before'
            ? 'no-older'
            : 'no-newer';
  return {
    title: 'Timeline',
    filter: filterView(input.choices, input.named, query, names, input.errors ?? {}),
    filtered,
    clearHref: '/timeline',
    entries: page.entries.map((entry) => entryView(entry, names)),
    empty,
    /** Where the page starts: the newest events, or those that happened before or after an event. */
    from: from === undefined ? null : { direction: from.direction, label: formatInstant(from.cursor.occurredAt) },
    newestHref: from === undefined ? null : timelineUrl(filters),
    newerHref: page.newer === null ? null : timelineUrl({ ...filters, after: cursorText(page.newer) }),
    olderHref: page.older === null ? null : timelineUrl({ ...filters, before: cursorText(page.older) }),
  };
}

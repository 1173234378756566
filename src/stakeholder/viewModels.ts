import {
  stakeholderSorts,
  UNASSESSED,
  type AreaChoice,
  type CoachChoice,
  type EngagementRow,
  type GridRow,
  type HistoryRow,
  type Standing,
  type StakeholderCounts,
  type StakeholderRow,
  type StakeholderSort,
} from '../../projections/stakeholders/queries.ts';
import { daysBetween, formatDate } from '../adoption/calendar.ts';
import { formView, freshState, REVISION, type Form, type FormState, type Option } from '../http/forms.ts';
import { areaPath, stakeholderPath } from '../http/urls.ts';
import type { Actor } from '../shared/event.ts';
import { labelOf, plural, signed } from '../shared/vocabulary.ts';
import { AdkarStage, Attitude, EngagementKind } from './events.ts';
import { assessAdkarStageForm, assessAttitudeForm, identifyStakeholderForm, logEngagementForm, mapStakeholderForm } from './forms.ts';
import { isQuiet, QUIET_STAKEHOLDER_WEEKS, quadrantOf } from './model.ts';
import { adkarLabels, attitudes, engagementLabels, historyLabels, ratingWords, sentiments, sortLabels, unassessed } from './vocabulary.ts';

const RATINGS = [1, 2, 3, 4, 5] as const;

export const attitudeView = (attitude: string | null) => {
  const known = Attitude.safeParse(attitude);
  return known.success ? { key: known.data, ...attitudes[known.data] } : { key: UNASSESSED, ...unassessed };
};

const adkarView = (stage: string | null) => {
  const known = AdkarStage.safeParse(stage);
  // -1 when not assessed: no step is reached.
  const step = known.success ? AdkarStage.options.indexOf(known.data) : -1;
  return {
    key: known.success ? known.data : UNASSESSED,
    label: known.success ? adkarLabels[known.data] : unassessed.label,
    step: known.success ? step + 1 : null,
    steps: AdkarStage.options.map((s, i) => ({ label: adkarLabels[s], reached: i <= step })),
  };
};

const sentimentView = (value: number) => {
  const known = sentiments.find((s) => s.value === value) ?? sentiments[2];
  return { key: known.key, label: known.label, value: signed(value) };
};

/** How long ago the last engagement was, in words, and whether it is stale. */
export function lastEngagementView(lastEngagedOn: string | null, today: string) {
  if (lastEngagedOn === null) return { date: null, label: 'Never', ago: 'not engaged yet', stale: true };
  const days = daysBetween(lastEngagedOn, today);
  const weeks = Math.floor(days / 7);
  const ago =
    days < 0
      ? `in ${plural(-days, 'day')}`
      : days === 0
        ? 'today'
        : days < 7
          ? `${plural(days, 'day')} ago`
          : `${plural(weeks, 'week')} ago`;
  return { date: lastEngagedOn, label: formatDate(lastEngagedOn), ago, stale: isQuiet(lastEngagedOn, today) };
}

const initialsOf = (name: string): string =>
  name
    .split(/\s+/)
    .filter((part) => part !== '')
    .map((part) => part.charAt(0).toUpperCase())
    .filter((_, i, all) => i === 0 || i === all.length - 1)
    .join('');

// The list page: filters, the grid and the table.

export interface Filters {
  /** Text in the name or role. */
  q?: string | undefined;
  area?: string | undefined;
  attitude?: string | undefined;
  adkar?: string | undefined;
  weeks?: number | undefined;
  sort?: StakeholderSort | undefined;
}
const filterNames = ['q', 'area', 'attitude', 'adkar', 'weeks', 'sort'] as const;

/** Rows in one page of the list. */
export const PAGE_SIZE = 25;
/** Chips in one cell of the grid, the first by name; the cell counts the others. */
export const GRID_PER_CELL = 12;
const weekChoices = [1, 2, 3, 4, 6, 8, 12];
/** The list's parameters that have no field in its filter form. */
const otherParameters: Record<string, string> = { page: 'Page', identified: 'The stakeholder just identified' };

function listUrl(path: string, query: Filters & { page?: number; identified?: string }): string {
  const params = Object.entries(query).flatMap(([key, value]): [string, string][] =>
    value === undefined || value === '' ? [] : [[key, String(value)]],
  );
  const search = new URLSearchParams(params).toString();
  return search === '' ? path : `${path}?${search}`;
}

/** The list's URL for some filters, empty ones left out so links stay short. */
export const stakeholdersUrl = (query: Filters & { page?: number; identified?: string }): string => listUrl('/stakeholders', query);

/** The list's CSV download: its filters and order, never a page of it. */
export const stakeholdersCsvUrl = ({ q, area, attitude, adkar, weeks, sort }: Filters): string =>
  listUrl('/stakeholders.csv', { q, area, attitude, adkar, weeks, sort });

const choice = (value: string, label: string, selected: string | number | undefined) => ({
  value,
  label,
  selected: value === String(selected ?? ''),
});

function filterView(areas: readonly AreaChoice[], filters: Filters, errors: Record<string, string>) {
  const weeks =
    filters.weeks !== undefined && !weekChoices.includes(filters.weeks)
      ? [...weekChoices, filters.weeks].sort((a, b) => a - b)
      : weekChoices;
  const fields = [
    {
      name: 'area',
      label: 'Area',
      any: 'All areas',
      options: areas.map((a) => choice(a.areaId, `${'\u00a0\u00a0'.repeat(a.depth)}${a.name}`, filters.area)),
    },
    {
      name: 'attitude',
      label: 'Attitude',
      any: 'Any attitude',
      options: [
        ...Attitude.options.map((a) => choice(a, attitudes[a].label, filters.attitude)),
        choice(UNASSESSED, unassessed.label, filters.attitude),
      ],
    },
    {
      name: 'adkar',
      label: 'ADKAR stage',
      any: 'Any stage',
      options: [
        ...AdkarStage.options.map((s) => choice(s, adkarLabels[s], filters.adkar)),
        choice(UNASSESSED, unassessed.label, filters.adkar),
      ],
    },
    {
      name: 'weeks',
      label: 'Not engaged for',
      // What its rules are spoken of: "Not engaged for must be …" would not read.
      subject: 'Weeks without engagement',
      any: 'Any time',
      options: weeks.map((w) => choice(String(w), `${plural(w, 'week')} or more`, filters.weeks)),
    },
  ];
  const error = (name: string, subject: string) => (errors[name] === undefined ? null : `${subject} ${errors[name]}`);
  return {
    action: '/stakeholders',
    search: { value: filters.q ?? '', error: error('q', 'Search') },
    fields: fields.map((field) => ({ ...field, error: error(field.name, ('subject' in field && field.subject) || field.label) })),
    sort: { options: stakeholderSorts.map((s) => choice(s, sortLabels[s], filters.sort ?? 'influence')), error: error('sort', 'Sort by') },
    otherErrors: Object.entries(errors)
      .filter(([field]) => !(filterNames as readonly string[]).includes(field))
      .map(([field, message]) => `${labelOf(otherParameters, field)} ${message}`),
  };
}

function rowView(row: StakeholderRow, today: string) {
  return {
    stakeholderId: row.stakeholderId,
    href: stakeholderPath(row.stakeholderId),
    name: row.name,
    initials: initialsOf(row.name),
    role: row.role,
    area: { path: row.areaPath, href: areaPath(row.areaId) },
    influence: row.influence,
    interest: row.interest,
    quadrant: quadrantOf(row.influence, row.interest),
    attitude: attitudeView(row.attitude),
    adkar: adkarView(row.adkarStage),
    engagement: lastEngagementView(row.lastEngagedOn, today),
    engagements: row.engagements,
  };
}

/**
 * The 5 × 5 grid, influence rising upwards and interest to the right. Each cell and tick is
 * placed by its ratings' classes (`sh-influence-N`, `sh-interest-N`): stakeholders.css knows the
 * grid's rows and columns, and draws the quadrants behind the cells.
 */
function gridView(rows: readonly GridRow[], today: string) {
  const cells = [...RATINGS].reverse().flatMap((influence) =>
    RATINGS.map((interest) => {
      const inCell = rows.filter((r) => r.influence === influence && r.interest === interest);
      const total = inCell[0]?.inCell ?? 0;
      const label = `Influence ${influence}, interest ${interest}: ${total === 0 ? 'nobody' : plural(total, 'stakeholder')}`;
      const more = total - inCell.length;
      return { influence, interest, label, people: inCell.map((row) => rowView(row, today)), more: more > 0 ? `+${more} more` : null };
    }),
  );
  return {
    cells,
    influenceAxis: [...RATINGS].reverse().map((value) => ({ value })),
    interestAxis: RATINGS.map((value) => ({ value })),
    legend: [...Attitude.options.map((a) => ({ key: a, ...attitudes[a] })), { key: UNASSESSED, ...unassessed }],
  };
}

const ratingChoices: Option[] = RATINGS.map((n) => ({ value: String(n), label: `${n} · ${ratingWords[n - 1]}` }));
const ratingOptions = { influence: ratingChoices, interest: ratingChoices };

export interface ListPage {
  filters: Filters;
  /** The page of the list asked for (1 = the first), and how many there are. */
  page: number;
  pages: number;
  /** This page's rows. */
  rows: StakeholderRow[];
  /** Those matching on the grid, at most GRID_PER_CELL a cell. */
  grid: GridRow[];
  counts: StakeholderCounts;
  areas: AreaChoice[];
  hasAny: boolean;
  today: string;
  /** Each bad filter's rule, by its parameter. */
  errors: Record<string, string>;
  /** The identify form as a POST answered it; fresh otherwise. */
  identify: FormState | null;
  /** Whom the identify form just recorded. */
  identified: StakeholderRow | null;
}

export function listView(page: ListPage) {
  const { filters } = page;
  const rows = page.rows.map((row) => rowView(row, page.today));
  const filtered = filterNames.some((name) => name !== 'sort' && filters[name] !== undefined);
  const { total, quiet } = page.counts;
  const empty: 'no-stakeholders' | 'no-match' | null = total > 0 ? null : page.hasAny ? 'no-match' : 'no-stakeholders';
  const active = filters.sort ?? 'influence';
  const fresh = () =>
    freshState(identifyStakeholderForm, { name: '', role: '', areaId: filters.area ?? '', influence: '3', interest: '3' });
  return {
    title: 'Stakeholders',
    filter: filterView(page.areas, filters, page.errors),
    filtered,
    clearHref: '/stakeholders',
    csvHref: stakeholdersCsvUrl(filters),
    empty,
    count: plural(total, 'stakeholder'),
    stale: quiet,
    staleWeeks: QUIET_STAKEHOLDER_WEEKS,
    rows,
    paging: pagingView(page, total),
    grid: gridView(page.grid, page.today),
    columns: (['name', 'influence', 'engagement'] as const).map((sort) => ({
      sort,
      href: stakeholdersUrl({ ...filters, sort }),
      active: sort === active,
    })),
    sortLabel: sortLabels[active],
    identified: page.identified === null ? null : { name: page.identified.name, href: stakeholderPath(page.identified.stakeholderId) },
    // Open when it has something to say (a refused entry) or when there is nobody yet.
    identifyOpen: page.identify !== null || !page.hasAny,
    identifyForm: formView(identifyStakeholderForm, {
      action: stakeholdersUrl(filters),
      hxTarget: '#stakeholders',
      state: page.identify ?? fresh(),
      options: {
        areaId: [{ value: '', label: 'Choose an area' }, ...page.areas.map((a) => ({ value: a.areaId, label: a.path }))],
        ...ratingOptions,
      },
      reloadHref: stakeholdersUrl(filters),
    }),
  };
}

/** Where this page of the list sits, with links to its neighbours; null when everyone fits on one. */
function pagingView(page: ListPage, total: number) {
  if (page.pages <= 1) return null;
  const first = (page.page - 1) * PAGE_SIZE + 1;
  const hrefOf = (n: number) => (n < 1 || n > page.pages ? null : stakeholdersUrl({ ...page.filters, page: n === 1 ? undefined : n }));
  return {
    label: `${first}–${first + page.rows.length - 1} of ${total}`,
    page: `Page ${page.page} of ${page.pages}`,
    previousHref: hrefOf(page.page - 1),
    nextHref: hrefOf(page.page + 1),
  };
}

// The stakeholder page.

const mappingOf = (s: Standing) => `influence ${s.influence}, interest ${s.interest}`;

/** What an entry changed, from → to where there was a before. */
function changeOf(entry: HistoryRow): string {
  const { before, after } = entry;
  const fromTo = (show: (s: Standing) => string) => (before === null ? show(after) : `${show(before)} → ${show(after)}`);
  switch (entry.aspect) {
    case 'identified':
      return `${entry.role}; ${mappingOf(after)}`;
    case 'mapping':
      return fromTo(mappingOf);
    case 'attitude':
      // The first assessment reads as the attitude alone, not "Not assessed → …".
      return before?.attitude == null ? attitudeView(after.attitude).label : fromTo((s) => attitudeView(s.attitude).label);
    case 'adkar':
      return before?.adkarStage == null ? adkarView(after.adkarStage).label : fromTo((s) => adkarView(s.adkarStage).label);
    default: {
      const unexpected: never = entry.aspect;
      return unexpected;
    }
  }
}

function historyView(history: readonly HistoryRow[], actorName: (actor: Actor) => string) {
  return history.map((entry) => ({
    what: historyLabels[entry.aspect],
    change: changeOf(entry),
    note: entry.note,
    on: formatDate(entry.occurredAt.slice(0, 10)),
    who: actorName(entry.actor),
  }));
}

const engagementView = (e: EngagementRow) => ({
  on: formatDate(e.occurredOn),
  date: e.occurredOn,
  kind: labelOf(engagementLabels, e.kind),
  sentiment: sentimentView(e.sentiment),
  note: e.note,
  coach: e.coach,
});

/** Engagements shown open; older ones fold away under their count. */
const RECENT_ENGAGEMENTS = 10;

export interface DetailPage {
  row: StakeholderRow;
  engagements: EngagementRow[];
  history: HistoryRow[];
  coaches: CoachChoice[];
  /** The stakeholder's stream revision as the read models know it: what the re-map form carries. */
  revision: number;
  today: string;
  actorName: (actor: Actor) => string;
}

export interface Answered {
  /** The form a POST just answered, and what it shows now. */
  answered?: { formId: string; state: FormState };
  /** The status line after a success. */
  recorded?: string | undefined;
}

/** Each form's fields as the page offers them: today, the area's coach, the stakeholder as they are. */
function defaultsFor(form: Form, page: DetailPage): FormState {
  const { row } = page;
  const known: Record<string, string> = {
    kind: 'meeting',
    occurredOn: page.today,
    sentiment: '0',
    coachId: page.coaches[0]?.coachId ?? '',
    attitude: row.attitude ?? '',
    stage: row.adkarStage ?? '',
    influence: String(row.influence),
    interest: String(row.interest),
  };
  const values = Object.fromEntries(Object.keys(form.fields).map((name) => [name, known[name] ?? '']));
  return freshState(form, form.revisioned ? { ...values, [REVISION]: String(page.revision) } : values);
}

export function detailView(page: DetailPage, input: Answered) {
  const { row } = page;
  const pageHref = stakeholderPath(row.stakeholderId);
  const choose = (what: string, isSet: boolean): Option[] => (isSet ? [] : [{ value: '', label: `Choose ${what}` }]);
  const options: Record<string, readonly Option[]> = {
    kind: EngagementKind.options.map((k) => ({ value: k, label: engagementLabels[k] })),
    sentiment: [...sentiments].reverse().map((s) => ({ value: String(s.value), label: `${signed(s.value)} · ${s.label}` })),
    coachId: page.coaches.map((c) => ({ value: c.coachId, label: c.inArea ? `${c.name} (coaches this area)` : c.name })),
    attitude: [...choose('an attitude', row.attitude !== null), ...Attitude.options.map((a) => ({ value: a, label: attitudes[a].label }))],
    stage: [...choose('a stage', row.adkarStage !== null), ...AdkarStage.options.map((s) => ({ value: s, label: adkarLabels[s] }))],
    ...ratingOptions,
  };
  const view = (form: Form) =>
    formView(form, {
      action: `${pageHref}/${form.id}`,
      hxTarget: '#stakeholder',
      state: input.answered?.formId === form.id ? input.answered.state : defaultsFor(form, page),
      options,
      reloadHref: pageHref,
    });
  const log = page.engagements.map(engagementView);
  return {
    title: `${row.name} · Stakeholders`,
    listHref: '/stakeholders',
    /** The area this page's forms record in. */
    recordsIn: row.areaId,
    ...rowView(row, page.today),
    recorded: input.recorded ?? null,
    engagementForm: view(logEngagementForm),
    assessmentForms: [assessAttitudeForm, assessAdkarStageForm, mapStakeholderForm].map(view),
    staleWeeks: QUIET_STAKEHOLDER_WEEKS,
    engagementLog: log.slice(0, RECENT_ENGAGEMENTS),
    olderEngagements: log.slice(RECENT_ENGAGEMENTS),
    history: historyView(page.history, page.actorName),
  };
}

import {
  stakeholderSorts,
  UNASSESSED,
  type AreaChoice,
  type CoachChoice,
  type EngagedRow,
  type EngagementRow,
  type GridMove,
  type GridRow,
  type HistoryRow,
  type Standing,
  type StakeholderCounts,
  type StakeholderRow,
  type StakeholderSort,
  type StandingMove,
} from '../../projections/stakeholders/queries.ts';
import { daysBetween, formatDate } from '../adoption/calendar.ts';
import { formView, freshState, REVISION, type Form, type FormState, type Option } from '../http/forms.ts';
import { areaPath, stakeholderPath } from '../http/urls.ts';
import type { Actor } from '../shared/event.ts';
import { labelOf, plural, signed } from '../shared/vocabulary.ts';
import { AdkarStage, Attitude, EngagementKind } from './events.ts';
import {
  assessAdkarStageForm,
  assessAttitudeForm,
  identifyStakeholderForm,
  logEngagementForm,
  mapStakeholderForm,
  setDesiredAttitudeForm,
} from './forms.ts';
import {
  attitudeGap,
  isQuiet,
  lookbackStart,
  moveOf,
  QUIET_STAKEHOLDER_WEEKS,
  quadrantOf,
  healthOf,
  type RelationshipHealth,
} from './model.ts';
import {
  adkarLabels,
  attitudes,
  engagementLabels,
  healthLabels,
  historyLabels,
  ratingWords,
  sentiments,
  sortLabels,
  unassessed,
} from './vocabulary.ts';

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

/** The attitude a coach works towards beside the current one: "Skeptic → wants Supporter (2 steps)". Null until an aim is set. */
export function aimView(attitude: string | null, desiredAttitude: string | null) {
  const desired = Attitude.safeParse(desiredAttitude);
  if (!desired.success) return null;
  const current = Attitude.safeParse(attitude);
  const gap = attitudeGap(current.success ? current.data : null, desired.data);
  const wants = `wants ${attitudes[desired.data].label}`;
  const steps =
    gap === null ? 'not assessed yet' : gap === 0 ? 'there' : gap > 0 ? `${plural(gap, 'step')} to go` : `${plural(-gap, 'step')} above`;
  return {
    attitude: { key: desired.data, ...attitudes[desired.data] },
    gap,
    /** On a chip: how many steps they have to rise, when they have. */
    rise: gap !== null && gap > 0 ? `↑${gap}` : null,
    wants,
    steps,
    text: `${attitudeView(attitude).label} → ${wants} (${steps})`,
  };
}

/** Relationship health in a word, its score and the why, one sentence per part of the score. */
export function healthView(health: RelationshipHealth) {
  const { cadenceDays, daysSinceLast, inLookback, expected, lookbackDays, meanSentiment } = health;
  const cadence = `expected every ${cadenceDays} days (${health.quadrant.label.toLowerCase()})`;
  const recency =
    daysSinceLast === null
      ? `Never engaged; ${cadence}`
      : `Last engaged ${daysSinceLast === 0 ? 'today' : `${plural(daysSinceLast, 'day')} ago`}; ${cadence}`;
  const frequency = `${plural(inLookback, 'engagement')} in the last ${lookbackDays} days, ${expected} expected`;
  const sentiment =
    meanSentiment === null ? 'No recent engagement to read sentiment from' : `Average sentiment ${signedMean(meanSentiment)} over them`;
  return { key: health.level, label: healthLabels[health.level], score: health.score, why: [recency, frequency, sentiment] };
}

const signedMean = (mean: number): string => {
  const rounded = Math.round(mean * 10) / 10;
  return rounded > 0 ? `+${rounded}` : rounded < 0 ? `−${-rounded}` : '0';
};

/** Each stakeholder's health from what a query summed of their engagements. */
export function healthById(rows: readonly StakeholderRow[], engaged: readonly EngagedRow[], today: string) {
  const summaries = new Map(engaged.map((e) => [e.stakeholderId, e]));
  const none = { lastEngagedOn: null, inLookback: 0, sentimentSum: 0 };
  return new Map(
    rows.map((row) => [
      row.stakeholderId,
      healthView(healthOf(row.influence, row.interest, summaries.get(row.stakeholderId) ?? none, today)),
    ]),
  );
}

/** What relationship health needs fetched for these stakeholders: each one's look-back (and their last engagement). */
export const healthSince = (rows: readonly StakeholderRow[], today: string) =>
  [...new Map(rows.map((row) => [row.stakeholderId, lookbackStart(row.influence, row.interest, today)]))].map(([stakeholderId, since]) => ({
    stakeholderId,
    since,
  }));

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
  /** The period the grid's arrows and the biggest moves look back over. */
  days?: MovementDays | undefined;
}
const filterNames = ['q', 'area', 'attitude', 'adkar', 'weeks', 'sort'] as const;
/** Parameters that choose how the page shows its stakeholders, not which. */
const viewNames: readonly string[] = ['sort'];

/** The periods movement can be looked at over, in days. */
export const movementDays = [14, 30, 90] as const;
export type MovementDays = (typeof movementDays)[number];
export const DEFAULT_MOVEMENT_DAYS: MovementDays = 30;
/** Arrows drawn on the movement map at most, the longest moves first. */
export const MOVEMENT_ARROWS = 60;

/** Rows in one page of the list. */
export const PAGE_SIZE = 25;
/**
 * Chips in one cell of the grid, the first by name; the cell counts the others. Six fill two rows
 * of a cell: the grid is for seeing where people sit at a glance, and a crowded cell reads better
 * as "+N more" than as a wall of initials (the list, by influence, is in the grid's order). Each
 * chip costs a read, a health score and its markup, so this bounds the page at any size.
 */
export const GRID_PER_CELL = 6;
const weekChoices = [1, 2, 3, 4, 6, 8, 12];
/** What an error says each parameter is: "Not engaged for must be …" would not read. */
const parameterSubjects: Record<string, string> = {
  q: 'Search',
  area: 'Area',
  attitude: 'Attitude',
  adkar: 'ADKAR stage',
  weeks: 'Weeks without engagement',
  sort: 'Sort by',
  // The list keeps the period so its movement link carries it; it is chosen on the movement page.
  days: 'Movement period',
  after: 'Paged after',
  before: 'Paged before',
  identified: 'The stakeholder just identified',
};

/** Where in the list a link lands: after or before a stakeholder (keyset), or at whom the identify form just recorded. */
interface ListPlace {
  after?: string;
  before?: string;
  identified?: string;
}

function listUrl(path: string, query: Filters & ListPlace): string {
  const params = Object.entries(query).flatMap(([key, value]): [string, string][] =>
    value === undefined || value === '' ? [] : [[key, String(value)]],
  );
  const search = new URLSearchParams(params).toString();
  return search === '' ? path : `${path}?${search}`;
}

/** The list's URL for some filters, empty ones left out so links stay short. */
export const stakeholdersUrl = (query: Filters & ListPlace): string => listUrl('/stakeholders', query);

/** The movement map and biggest moves of the list's filters. */
export const stakeholdersMovementUrl = (query: Filters): string => listUrl('/stakeholders/movement', query);

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
      any: 'Any time',
      options: weeks.map((w) => choice(String(w), `${plural(w, 'week')} or more`, filters.weeks)),
    },
  ];
  const error = (name: string) => (errors[name] === undefined ? null : `${labelOf(parameterSubjects, name)} ${errors[name]}`);
  return {
    action: '/stakeholders',
    search: { value: filters.q ?? '', error: error('q') },
    fields: fields.map((field) => ({ ...field, error: error(field.name) })),
    sort: { options: stakeholderSorts.map((s) => choice(s, sortLabels[s], filters.sort ?? 'influence')), error: error('sort') },
    otherErrors: errorsBesides(filterNames, errors),
  };
}

/** The errors of parameters with no field of their own in a form, each sentence naming its parameter. */
const errorsBesides = (fields: readonly string[], errors: Record<string, string>) =>
  Object.entries(errors)
    .filter(([field]) => !fields.includes(field))
    .map(([field, message]) => `${labelOf(parameterSubjects, field)} ${message}`);

export type HealthView = ReturnType<typeof healthView>;

function rowView(row: StakeholderRow, today: string, health: ReadonlyMap<string, HealthView>) {
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
    aim: aimView(row.attitude, row.desiredAttitude),
    health: health.get(row.stakeholderId) ?? null,
  };
}

/**
 * The 5 × 5 grid, influence rising upwards and interest to the right. Each cell and tick is
 * placed by its ratings' classes (`sh-influence-N`, `sh-interest-N`): stakeholders.css knows the
 * grid's rows and columns, and draws the quadrants behind the cells.
 */
function gridView(rows: readonly GridRow[], today: string, health: ReadonlyMap<string, HealthView>) {
  const cells = [...RATINGS].reverse().flatMap((influence) =>
    RATINGS.map((interest) => {
      const inCell = rows.filter((r) => r.influence === influence && r.interest === interest);
      const total = inCell[0]?.inCell ?? 0;
      const label = `Influence ${influence}, interest ${interest}: ${total === 0 ? 'nobody' : plural(total, 'stakeholder')}`;
      const more = total - inCell.length;
      return {
        influence,
        interest,
        label,
        people: inCell.map((row) => rowView(row, today, health)),
        more: more > 0 ? `+${more} more` : null,
      };
    }),
  );
  return {
    cells,
    influenceAxis: [...RATINGS].reverse().map((value) => ({ value })),
    interestAxis: RATINGS.map((value) => ({ value })),
    legend: [...Attitude.options.map((a) => ({ key: a, ...attitudes[a] })), { key: UNASSESSED, ...unassessed }],
    healthLegend: Object.entries(healthLabels).map(([key, label]) => ({ key, label })),
  };
}

/** The movement map's geometry: one square per rating, a margin for the axes' numbers. */
const CELL = 80;
const MARGIN = 28;
/** Arrows starting in one cell fan out round its centre so they do not sit on each other. */
const SPREAD = [
  [0, 0],
  [-16, -16],
  [16, 16],
  [16, -16],
  [-16, 16],
  [0, -24],
  [0, 24],
  [-24, 0],
  [24, 0],
] as const;

/**
 * Where the stakeholders re-mapped in the period came from: an SVG of the same 5 × 5 grid
 * (influence up, interest right) with one arrow each from their place at the period's start to
 * their place now, and the same moves in words for those who cannot see it.
 */
export function movementView(moves: readonly GridMove[], days: number, limit: number) {
  const size = MARGIN + 5 * CELL;
  const centre = (influence: number, interest: number) => ({ x: MARGIN + (interest - 0.5) * CELL, y: (5.5 - influence) * CELL });
  const fromCell = new Map<string, number>();
  const arrows = moves.map((move) => {
    const key = `${move.was.influence}:${move.was.interest}`;
    const n = fromCell.get(key) ?? 0;
    fromCell.set(key, n + 1);
    const [dx, dy] = SPREAD[n % SPREAD.length]!;
    const from = centre(move.was.influence, move.was.interest);
    const to = centre(move.now.influence, move.now.interest);
    const words = `${move.name}: influence ${move.was.influence} → ${move.now.influence}, interest ${move.was.interest} → ${move.now.interest}`;
    return {
      href: stakeholderPath(move.stakeholderId),
      attitude: attitudeView(move.attitude).key,
      x1: from.x + dx,
      y1: from.y + dy,
      x2: to.x + dx,
      y2: to.y + dy,
      initials: initialsOf(move.name),
      words,
    };
  });
  return {
    size,
    period: `the last ${days} days`,
    arrows,
    full: moves.length >= limit,
    limit,
    squares: RATINGS.flatMap((influence) =>
      RATINGS.map((interest) => ({
        x: MARGIN + (interest - 1) * CELL,
        y: (5 - influence) * CELL,
        high: quadrantOf(influence, interest).key,
      })),
    ),
    ticks: RATINGS.map((n) => ({ n, x: MARGIN + (n - 0.5) * CELL, y: (5.5 - n) * CELL })),
    cell: CELL,
    margin: MARGIN,
  };
}

/** Engagements within this many days either side of a move are the ones around it. */
export const AROUND_DAYS = 7;
/** The biggest moves the page lists. */
export const MOVES_SHOWN = 10;

export interface MoveAround {
  move: StandingMove;
  /** Their engagements from AROUND_DAYS before the first assessment in the period to AROUND_DAYS after the last. */
  engagements: EngagementRow[];
}

const stepsWord = (steps: number) => `${signed(steps)} ${Math.abs(steps) === 1 ? 'step' : 'steps'}`;

function moveView({ move, engagements }: MoveAround) {
  const { attitude, adkar } = moveOf(move.attitude, move.adkarStage);
  const href = stakeholderPath(move.stakeholderId);
  const changes = [
    attitude === null || attitude === 0
      ? null
      : {
          what: 'Attitude',
          from: attitudeView(move.attitude.from).label,
          to: attitudeView(move.attitude.to).label,
          steps: stepsWord(attitude),
          up: attitude > 0,
        },
    adkar === null || adkar === 0
      ? null
      : {
          what: 'ADKAR stage',
          from: adkarView(move.adkarStage.from).label,
          to: adkarView(move.adkarStage.to).label,
          steps: stepsWord(adkar),
          up: adkar > 0,
        },
  ].filter((c) => c !== null);
  return {
    name: move.name,
    role: move.role,
    href,
    changes,
    when: move.firstOn === move.lastOn ? formatDate(move.firstOn) : `${formatDate(move.firstOn)} – ${formatDate(move.lastOn)}`,
    engagements: engagements.map((e) => ({ ...engagementView(e), href: `${href}#${engagementAnchor(e.engagementId)}` })),
  };
}

/** The id of an engagement's row on its stakeholder's page. */
export const engagementAnchor = (engagementId: string) => `engagement-${engagementId}`;

const ratingChoices: Option[] = RATINGS.map((n) => ({ value: String(n), label: `${n} · ${ratingWords[n - 1]}` }));
const ratingOptions = { influence: ratingChoices, interest: ratingChoices };

export interface ListPage {
  filters: Filters;
  /** How many in the list come before this page's first row; null when the page is empty (paged past the end). */
  preceding: number | null;
  /** The stakeholder this page was paged from (after or before); null for the first page. */
  from: string | null;
  /** This page's rows. */
  rows: StakeholderRow[];
  /** Those matching on the grid, at most GRID_PER_CELL a cell. */
  grid: GridRow[];
  /** Those on the grid and in the list, and the engagements their relationship health is scored from. */
  engaged: EngagedRow[];
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
  const health = healthById([...page.rows, ...page.grid], page.engaged, page.today);
  const rows = page.rows.map((row) => rowView(row, page.today, health));
  const filtered = filterNames.some((name) => !viewNames.includes(name) && filters[name] !== undefined);
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
    grid: gridView(page.grid, page.today, health),
    movementHref: stakeholdersMovementUrl(filters),
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

/** Where this page of the list sits, with links to its neighbours (keyset: after its last row, before its first); null when everyone fits on one. */
function pagingView(page: ListPage, total: number) {
  const { rows, preceding, filters } = page;
  const first = rows[0];
  const last = rows.at(-1);
  if (first === undefined || last === undefined || preceding === null) {
    // Paged past the end: the way back is before where it started.
    return page.from === null ? null : { label: null, previousHref: stakeholdersUrl({ ...filters, before: page.from }), nextHref: null };
  }
  if (preceding === 0 && rows.length === total) return null;
  return {
    label: `${preceding + 1}–${preceding + rows.length} of ${total}`,
    // The first page has a plain address.
    previousHref: preceding === 0 ? null : stakeholdersUrl(preceding <= PAGE_SIZE ? filters : { ...filters, before: first.stakeholderId }),
    nextHref: preceding + rows.length >= total ? null : stakeholdersUrl({ ...filters, after: last.stakeholderId }),
  };
}

// The movement page: who moved on the grid, and whose attitude or ADKAR stage, over a period.

export interface MovementPage {
  /** The list's filters: the map follows them all, the biggest moves the area only. */
  filters: Filters;
  /** The period looked back over, and who was re-mapped in it. */
  days: MovementDays;
  movement: GridMove[];
  /** The biggest attitude and ADKAR moves of the period, each with the engagements around it. */
  moves: MoveAround[];
  errors: Record<string, string>;
}

export function movementPageView(page: MovementPage) {
  const { filters, days } = page;
  const { days: _, ...listFilters } = filters;
  const kept = Object.entries(listFilters).flatMap(([name, value]) =>
    value === undefined || value === '' ? [] : [{ name, value: String(value) }],
  );
  const error = page.errors.days;
  return {
    title: 'Movement · Stakeholders',
    action: '/stakeholders/movement',
    listHref: stakeholdersUrl(filters),
    filtered: kept.some(({ name }) => !viewNames.includes(name)),
    kept,
    period: {
      options: movementDays.map((d) => choice(String(d), `the last ${d} days`, days)),
      error: error === undefined ? null : `Movement period ${error}`,
    },
    otherErrors: errorsBesides(['days'], page.errors),
    movement: movementView(page.movement, days, MOVEMENT_ARROWS),
    moves: page.moves.map(moveView),
    movesPeriod: `the last ${days} days`,
    // Moves follow the area filter only: the others describe where people stand now.
    movesScope: filters.area === undefined ? '' : ' in this area',
    aroundDays: AROUND_DAYS,
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
    case 'desired':
      return before?.desiredAttitude == null
        ? `wants ${attitudeView(after.desiredAttitude).label}`
        : fromTo((s) => `wants ${attitudeView(s.desiredAttitude).label}`);
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
  anchor: engagementAnchor(e.engagementId),
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
  /** The engagements relationship health is scored from. */
  engaged: EngagedRow[];
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
    attitude: (form === setDesiredAttitudeForm ? row.desiredAttitude : row.attitude) ?? '',
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
  const attitudeChoices = Attitude.options.map((a) => ({ value: a, label: attitudes[a].label }));
  const options: Record<string, readonly Option[]> = {
    kind: EngagementKind.options.map((k) => ({ value: k, label: engagementLabels[k] })),
    sentiment: [...sentiments].reverse().map((s) => ({ value: String(s.value), label: `${signed(s.value)} · ${s.label}` })),
    coachId: page.coaches.map((c) => ({ value: c.coachId, label: c.inArea ? `${c.name} (coaches this area)` : c.name })),
    attitude: [...choose('an attitude', row.attitude !== null), ...attitudeChoices],
    stage: [...choose('a stage', row.adkarStage !== null), ...AdkarStage.options.map((s) => ({ value: s, label: adkarLabels[s] }))],
    ...ratingOptions,
  };
  const view = (form: Form, own: Record<string, readonly Option[]> = {}) =>
    formView(form, {
      action: `${pageHref}/${form.id}`,
      hxTarget: '#stakeholder',
      state: input.answered?.formId === form.id ? input.answered.state : defaultsFor(form, page),
      options: { ...options, ...own },
      reloadHref: pageHref,
    });
  const log = page.engagements.map(engagementView);
  const health = healthById([row], page.engaged, page.today);
  return {
    title: `${row.name} · Stakeholders`,
    listHref: '/stakeholders',
    /** The area this page's forms record in. */
    recordsIn: row.areaId,
    ...rowView(row, page.today, health),
    recorded: input.recorded ?? null,
    engagementForm: view(logEngagementForm),
    assessmentForms: [
      view(assessAttitudeForm),
      view(setDesiredAttitudeForm, { attitude: [...choose('an aim', row.desiredAttitude !== null), ...attitudeChoices] }),
      view(assessAdkarStageForm),
      view(mapStakeholderForm),
    ],
    staleWeeks: QUIET_STAKEHOLDER_WEEKS,
    engagementLog: log.slice(0, RECENT_ENGAGEMENTS),
    olderEngagements: log.slice(RECENT_ENGAGEMENTS),
    history: historyView(page.history, page.actorName),
  };
}

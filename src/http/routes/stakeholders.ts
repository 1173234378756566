import { randomUUID } from 'node:crypto';
import type { FastifyPluginAsync } from 'fastify';
import { z } from 'zod';
import {
  stakeholderSorts,
  UNASSESSED,
  type CoachChoice,
  type StakeholderQueries,
  type StakeholderRow,
  type StakeholderSort,
} from '../../../projections/stakeholders/queries.ts';
import { addDays, daysBetween, formatDate } from '../../adoption/calendar.ts';
import type { HandlerDeps } from '../../shared/directory.ts';
import { assessAdkarStage, assessAttitude, identifyStakeholder, logEngagement, mapStakeholder } from '../../stakeholder/handlers.ts';
import type { CommandContext, HandleResult } from '../../shared/commandHandler.ts';
import { NotFoundError, ValidationError } from '../../shared/errors.ts';
import { Id, type RecordedEvent } from '../../shared/event.ts';
import { streamName } from '../../shared/streams.ts';
import { AssessAdkarStage, AssessAttitude, IdentifyStakeholder, LogEngagement, MapStakeholder } from '../../stakeholder/commands.ts';
import type { StakeholderState } from '../../stakeholder/decider.ts';
import { AdkarStage, Attitude, EngagementKind, type StakeholderEvent } from '../../stakeholder/events.ts';
import { HIGH_RATING, isQuiet, QUIET_STAKEHOLDER_WEEKS, quadrantOf } from '../../stakeholder/model.ts';
import { asCommand, formView, REVISION, submitForm, type FormSpec, type FormState, type Option } from '../legacyForms.ts';
import { optional, parseLeniently, parseQuery } from '../query.ts';
import { areaPath, stakeholderPath } from '../urls.ts';
import { issuesByField } from '../viewModels.ts';
import { sendHtml, wantsFragment, type Views } from '../views.ts';

export interface StakeholderRouteOptions {
  stakeholders: StakeholderQueries;
  views: Views;
  /** Today's calendar date, from the injected clock. */
  today: () => string;
  now: () => Date;
  application: HandlerDeps;
  waitFor: (position: bigint) => Promise<boolean>;
}

type AttitudeKey = z.infer<typeof Attitude>;
type AdkarKey = z.infer<typeof AdkarStage>;

// Words for every value the pages print: colour is never the only signal.

const attitudes: Record<AttitudeKey, { label: string; mark: string }> = {
  champion: { label: 'Champion', mark: '++' },
  supporter: { label: 'Supporter', mark: '+' },
  neutral: { label: 'Neutral', mark: '=' },
  skeptic: { label: 'Skeptic', mark: '−' },
  resistor: { label: 'Resistor', mark: '−−' },
};
const unassessed = { key: UNASSESSED, label: 'Not assessed', mark: '?' };

const adkarLabels: Record<AdkarKey, string> = { awareness: 'Awareness', desire: 'Desire', knowledge: 'Knowledge', ability: 'Ability', reinforcement: 'Reinforcement' };

const engagementLabels: Record<z.infer<typeof EngagementKind>, string> = {
  meeting: 'Meeting',
  workshop: 'Workshop',
  'one-on-one': 'One-on-one',
  communication: 'Communication',
  training: 'Training',
  feedback: 'Feedback',
};

const sentiments = [
  { value: -2, key: 'very-negative', label: 'Very negative' },
  { value: -1, key: 'negative', label: 'Negative' },
  { value: 0, key: 'neutral', label: 'Neutral' },
  { value: 1, key: 'positive', label: 'Positive' },
  { value: 2, key: 'very-positive', label: 'Very positive' },
] as const;

const ratingWords = ['very low', 'low', 'medium', 'high', 'very high'];
const RATINGS = [1, 2, 3, 4, 5] as const;

/** A signed number as people write it: `+2`, `0`, `−1`. */
const signed = (n: number): string => (n > 0 ? `+${n}` : n < 0 ? `−${-n}` : '0');

const attitudeView = (attitude: string | null) => {
  const known = attitude !== null && attitude in attitudes ? { key: attitude, ...attitudes[attitude as AttitudeKey] } : null;
  return known ?? unassessed;
};

const adkarView = (stage: string | null) => {
  // -1 when not assessed: no step is reached.
  const step = AdkarStage.options.indexOf(stage as AdkarKey);
  return {
    key: step < 0 ? UNASSESSED : stage!,
    label: step < 0 ? 'Not assessed' : adkarLabels[stage as AdkarKey],
    step: step < 0 ? null : step + 1,
    steps: AdkarStage.options.map((s, i) => ({ label: adkarLabels[s], reached: i <= step })),
  };
};

const sentimentView = (value: number) => {
  const known = sentiments.find((s) => s.value === value) ?? sentiments[2];
  return { key: known.key, label: known.label, value: signed(value) };
};

const plural = (n: number, word: string): string => `${n} ${word}${n === 1 ? '' : 's'}`;

/** How long ago the last engagement was, in words, and whether it is stale. */
export function lastEngagementView(lastEngagedOn: string | null, today: string) {
  if (lastEngagedOn === null) return { date: null, label: 'Never', ago: 'not engaged yet', stale: true };
  const days = daysBetween(lastEngagedOn, today);
  const weeks = Math.floor(days / 7);
  const ago = days < 0 ? `in ${plural(-days, 'day')}` : days === 0 ? 'today' : days < 7 ? `${plural(days, 'day')} ago` : `${plural(weeks, 'week')} ago`;
  return { date: lastEngagedOn, label: formatDate(lastEngagedOn), ago, stale: isQuiet(lastEngagedOn, today) };
}

const initialsOf = (name: string): string =>
  name
    .split(/\s+/)
    .filter((part) => part !== '')
    .map((part) => part[0]!.toUpperCase())
    .filter((_, i, all) => i === 0 || i === all.length - 1)
    .join('');


// The list page: filters, the grid and the table.

const weekChoices = [1, 2, 3, 4, 6, 8, 12];

export const StakeholderListQuery = z.object({
  area: optional(Id),
  attitude: optional(z.enum([...Attitude.options, UNASSESSED], { error: `must be one of ${[...Attitude.options, UNASSESSED].join(', ')}` })),
  adkar: optional(z.enum([...AdkarStage.options, UNASSESSED], { error: `must be one of ${[...AdkarStage.options, UNASSESSED].join(', ')}` })),
  weeks: optional(z.coerce.number({ error: 'must be a number of weeks from 1 to 52' }).int('must be a whole number of weeks').min(1, 'must be at least 1').max(52, 'must be at most 52')),
  sort: optional(z.enum(stakeholderSorts, { error: `must be one of ${stakeholderSorts.join(', ')}` })),
  /** Set after identifying someone without JavaScript: the page says so. */
  identified: optional(Id),
});
type ListQuery = z.output<typeof StakeholderListQuery>;
type Filters = Omit<ListQuery, 'identified'>;
const filterNames = ['area', 'attitude', 'adkar', 'weeks', 'sort'] as const;

/** The list's URL for some filters, empty ones left out so links stay short. */
export function stakeholdersUrl(query: Partial<Record<keyof ListQuery, string | number>>): string {
  const params = Object.entries(query).flatMap(([key, value]): [string, string][] => (value === undefined || value === '' ? [] : [[key, String(value)]]));
  const search = new URLSearchParams(params).toString();
  return search === '' ? '/stakeholders' : `/stakeholders?${search}`;
}

const sortLabels: Record<StakeholderSort, string> = { influence: 'Influence', interest: 'Interest', name: 'Name', engagement: 'Longest without engagement' };

const choice = (value: string, label: string, selected: string | number | undefined) => ({ value, label, selected: value === String(selected ?? '') });

function filterView(input: { areas: ReturnType<StakeholderQueries['areas']>; filters: Filters; errors: Record<string, string> }) {
  const { filters, errors } = input;
  const weeks = filters.weeks !== undefined && !weekChoices.includes(filters.weeks) ? [...weekChoices, filters.weeks].sort((a, b) => a - b) : weekChoices;
  const fields = [
    { name: 'area', label: 'Area', any: 'All areas', options: input.areas.map((a) => choice(a.areaId, `${'\u00a0\u00a0'.repeat(a.depth)}${a.name}`, filters.area)) },
    {
      name: 'attitude',
      label: 'Attitude',
      any: 'Any attitude',
      options: [...Attitude.options.map((a) => choice(a, attitudes[a].label, filters.attitude)), choice(UNASSESSED, unassessed.label, filters.attitude)],
    },
    {
      name: 'adkar',
      label: 'ADKAR stage',
      any: 'Any stage',
      options: [...AdkarStage.options.map((s) => choice(s, adkarLabels[s], filters.adkar)), choice(UNASSESSED, 'Not assessed', filters.adkar)],
    },
    { name: 'weeks', label: 'Not engaged for', any: 'Any time', options: weeks.map((w) => choice(String(w), `${plural(w, 'week')} or more`, filters.weeks)) },
  ];
  return {
    action: '/stakeholders',
    fields: fields.map((field) => ({ ...field, error: errors[field.name] ?? null })),
    sort: { options: stakeholderSorts.map((s) => choice(s, sortLabels[s], filters.sort ?? 'influence')), error: errors.sort ?? null },
    otherErrors: Object.entries(errors)
      .filter(([field]) => !(filterNames as readonly string[]).includes(field))
      .map(([field, message]) => `${field} ${message}`),
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
type RowView = ReturnType<typeof rowView>;

/**
 * The 5 × 5 grid, influence rising upwards and interest to the right. Each cell knows its place
 * on the CSS grid (rows: the top quadrants' labels, influence 5…3, the bottom quadrants' labels,
 * influence 2…1; columns: the axis title, its ticks, interest 1…5), so stakeholders.css can draw
 * the quadrants behind the cells.
 */
function gridView(rows: readonly RowView[]) {
  const gridRow = (influence: number) => (influence >= HIGH_RATING ? 7 - influence : 8 - influence);
  const cells = [...RATINGS].reverse().flatMap((influence) =>
    RATINGS.map((interest) => {
      const people = rows.filter((r) => r.influence === influence && r.interest === interest);
      return { influence, interest, row: gridRow(influence), column: interest + 2, label: `Influence ${influence}, interest ${interest}: ${people.length === 0 ? 'nobody' : plural(people.length, 'stakeholder')}`, people };
    }),
  );
  return {
    cells,
    influenceAxis: [...RATINGS].reverse().map((value) => ({ value, row: gridRow(value) })),
    interestAxis: RATINGS.map((value) => ({ value, column: value + 2 })),
    legend: [...Attitude.options.map((a) => ({ key: a, ...attitudes[a] })), unassessed],
  };
}

type ListEmptyState = 'no-stakeholders' | 'no-match';

interface ListPage {
  filters: Filters;
  rows: StakeholderRow[];
  areas: ReturnType<StakeholderQueries['areas']>;
  hasAny: boolean;
  today: string;
  errors: Record<string, string>;
  identify: FormState;
  /** Whom the identify form just recorded. */
  identified: StakeholderRow | null;
}

function listView(page: ListPage) {
  const { filters } = page;
  const rows = page.rows.map((row) => rowView(row, page.today));
  const filtered = filterNames.some((name) => name !== 'sort' && filters[name] !== undefined);
  const empty: ListEmptyState | null = rows.length > 0 ? null : page.hasAny ? 'no-match' : 'no-stakeholders';
  const sortHref = (sort: StakeholderSort) => stakeholdersUrl({ ...filters, sort });
  const active = filters.sort ?? 'influence';
  return {
    title: 'Stakeholders',
    filter: filterView({ areas: page.areas, filters, errors: page.errors }),
    filtered,
    clearHref: '/stakeholders',
    empty,
    count: plural(rows.length, 'stakeholder'),
    stale: rows.filter((r) => r.engagement.stale).length,
    staleWeeks: QUIET_STAKEHOLDER_WEEKS,
    rows,
    grid: gridView(rows),
    columns: (['name', 'influence', 'engagement'] as const).map((sort) => ({ sort, href: sortHref(sort), active: sort === active })),
    sortLabel: sortLabels[active],
    identified: page.identified === null ? null : { name: page.identified.name, href: stakeholderPath(page.identified.stakeholderId) },
    identifyForm: formView(identifyForm, {
      action: stakeholdersUrl(filters),
      hxTarget: '#stakeholders',
      state: page.identify,
      options: { areaId: [{ value: '', label: 'Choose an area' }, ...page.areas.map((a) => ({ value: a.areaId, label: a.path }))], ...ratingOptions },
      reloadHref: stakeholdersUrl(filters),
    }),
  };
}

// The forms.


const ratingChoices = RATINGS.map((n) => ({ value: String(n), label: `${n} · ${ratingWords[n - 1]}` }));
const ratingOptions = { influence: ratingChoices, interest: ratingChoices };

const identifyForm: FormSpec = {
  id: 'identify',
  schema: IdentifyStakeholder.schema,
  title: 'Identify a stakeholder',
  submit: 'Identify',
  recorded: 'Stakeholder identified.',
  fields: [
    { name: 'name', label: 'Name', kind: 'text' },
    { name: 'role', label: 'Role', kind: 'text', hint: 'e.g. VP Sales, Head of Platform' },
    { name: 'areaId', label: 'Area', kind: 'select' },
    { name: 'influence', label: 'Influence', kind: 'select', numeric: true, hint: 'Power over the change' },
    { name: 'interest', label: 'Interest', kind: 'select', numeric: true, hint: 'How much it affects them' },
  ],
};

interface StakeholderForm extends FormSpec {
  run: (deps: HandlerDeps, data: Record<string, unknown>, ctx: CommandContext, expectedRevision: number | undefined) => Promise<HandleResult<StakeholderState>>;
  /** Why a submission that changes nothing is refused, named by the field to change. */
  unchanged?: { field: string; message: (state: StakeholderState) => string };
}

const current = (state: StakeholderState) => (state.status === 'Identified' ? state : null);

const stakeholderForms: readonly StakeholderForm[] = [
  {
    id: 'engagement',
    schema: LogEngagement.schema,
    title: 'Log an engagement',
    submit: 'Log engagement',
    recorded: 'Engagement logged.',
    fields: [
      { name: 'kind', label: 'Kind', kind: 'select' },
      { name: 'occurredOn', label: 'On', kind: 'date' },
      { name: 'sentiment', label: 'Sentiment', kind: 'select', numeric: true, hint: 'How it went, from −2 to +2' },
      { name: 'coachId', label: 'Coach', kind: 'select' },
      { name: 'note', label: 'Note', kind: 'text', optional: true },
    ],
    // Every engagement is a new one: the id is made here, at the edge, never in the domain.
    run: (deps, data, ctx) => logEngagement(deps, { type: LogEngagement.type, data: { ...data, engagementId: randomUUID() } } as LogEngagement, ctx),
  },
  {
    id: 'attitude',
    schema: AssessAttitude.schema,
    title: 'Assess attitude',
    submit: 'Record attitude',
    recorded: 'Attitude assessed.',
    fields: [
      { name: 'attitude', label: 'Attitude', kind: 'select' },
      { name: 'note', label: 'Why', kind: 'text', optional: true },
    ],
    run: (deps, data, ctx) => assessAttitude(deps, { type: AssessAttitude.type, data } as AssessAttitude, ctx),
    unchanged: {
      field: 'attitude',
      message: (state) => `is already ${attitudeView(current(state)?.attitude ?? null).label.toLowerCase()}: choose another, or log an engagement to note what you saw`,
    },
  },
  {
    id: 'adkar',
    schema: AssessAdkarStage.schema,
    title: 'Assess ADKAR stage',
    submit: 'Record stage',
    recorded: 'ADKAR stage assessed.',
    fields: [
      { name: 'stage', label: 'ADKAR stage', kind: 'select' },
      { name: 'note', label: 'Why', kind: 'text', optional: true },
    ],
    run: (deps, data, ctx) => assessAdkarStage(deps, { type: AssessAdkarStage.type, data } as AssessAdkarStage, ctx),
    unchanged: {
      field: 'stage',
      message: (state) => `is already ${adkarView(current(state)?.adkarStage ?? null).label.toLowerCase()}: choose another, or log an engagement to note what you saw`,
    },
  },
  {
    id: 'map',
    schema: MapStakeholder.schema,
    title: 'Re-map influence and interest',
    submit: 'Re-map',
    recorded: 'Influence and interest re-mapped.',
    fields: [
      { name: 'influence', label: 'Influence', kind: 'select', numeric: true },
      { name: 'interest', label: 'Interest', kind: 'select', numeric: true },
    ],
    revisioned: true,
    run: (deps, data, ctx, revision) => mapStakeholder(deps, { type: MapStakeholder.type, data } as MapStakeholder, ctx, revision),
    unchanged: {
      field: 'influence',
      message: (state) => `and interest are already ${current(state)?.influence} and ${current(state)?.interest}: change one to re-map`,
    },
  },
];
const formsById = new Map(stakeholderForms.map((form) => [form.id, form]));
const formIds = stakeholderForms.map((form) => form.id) as [string, ...string[]];

// The stakeholder page.

interface HistoryEntry {
  what: string;
  change: string;
  note: string | null;
  on: string;
  who: string;
}

/** The stream, oldest first, as the history of assessments and mapping: each entry says what it changed from. */
function historyOf(events: readonly RecordedEvent<StakeholderEvent>[], nameOf: (actorId: string) => string): HistoryEntry[] {
  let attitude: string | null = null;
  let stage: string | null = null;
  let mapping = '';
  const entries: HistoryEntry[] = [];
  const add = (event: RecordedEvent, what: string, change: string, note?: string) =>
    entries.push({ what, change, note: note ?? null, on: formatDate(event.metadata.occurredAt.slice(0, 10)), who: nameOf(event.metadata.actor.id) });
  for (const event of events) {
    switch (event.type) {
      case 'StakeholderIdentified':
        mapping = `influence ${event.data.influence}, interest ${event.data.interest}`;
        add(event, 'Identified', `${event.data.role}; ${mapping}`);
        break;
      case 'StakeholderMapped': {
        const next = `influence ${event.data.influence}, interest ${event.data.interest}`;
        add(event, 'Influence × interest', `${mapping} → ${next}`);
        mapping = next;
        break;
      }
      case 'AttitudeAssessed':
        add(event, 'Attitude', attitude === null ? attitudeView(event.data.attitude).label : `${attitudeView(attitude).label} → ${attitudeView(event.data.attitude).label}`, event.data.note);
        attitude = event.data.attitude;
        break;
      case 'AdkarStageAssessed':
        add(event, 'ADKAR stage', stage === null ? adkarView(event.data.stage).label : `${adkarView(stage).label} → ${adkarView(event.data.stage).label}`, event.data.note);
        stage = event.data.stage;
        break;
      case 'EngagementLogged':
        break;
      default: {
        const unexpected: never = event;
        throw new Error(`unknown stakeholder event ${JSON.stringify(unexpected)}`);
      }
    }
  }
  return entries.reverse();
}

/** Engagements newest first by the day they happened, then by when they were logged. */
function engagementsOf(events: readonly RecordedEvent<StakeholderEvent>[], coachName: (coachId: string) => string) {
  return events
    .flatMap((e) => (e.type === 'EngagementLogged' ? [{ ...e.data, revision: e.revision }] : []))
    .sort((a, b) => (a.occurredOn === b.occurredOn ? b.revision - a.revision : a.occurredOn < b.occurredOn ? 1 : -1))
    .map((e) => ({
      on: formatDate(e.occurredOn),
      date: e.occurredOn,
      kind: engagementLabels[e.kind],
      sentiment: sentimentView(e.sentiment),
      note: e.note ?? null,
      coach: coachName(e.coachId),
    }));
}

/** Engagements shown open; older ones fold away under their count. */
const RECENT_ENGAGEMENTS = 10;

function splitLog<T>(log: T[]) {
  return { engagementLog: log.slice(0, RECENT_ENGAGEMENTS), olderEngagements: log.slice(RECENT_ENGAGEMENTS) };
}

interface DetailPage {
  row: StakeholderRow;
  events: RecordedEvent<StakeholderEvent>[];
  coaches: CoachChoice[];
  today: string;
}

/** Each form's fields as the page offers them: today, the area's coach, the stakeholder as they are. */
function defaultsFor(form: FormSpec, page: DetailPage): FormState {
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
  const values = Object.fromEntries(form.fields.map((f) => [f.name, known[f.name] ?? '']));
  if (form.revisioned) values[REVISION] = String(page.events.at(-1)?.revision ?? -1);
  return { values, issues: [] };
}

function detailView(page: DetailPage, input: { answered?: { formId: string; state: FormState }; recorded?: string }) {
  const { row } = page;
  const coachNames = new Map(page.coaches.map((c) => [c.coachId, c.name]));
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
  const view = (form: FormSpec) => {
    const answered = input.answered?.formId === form.id ? input.answered.state : null;
    return formView(form, {
      action: `${pageHref}/${form.id}`,
      hxTarget: '#stakeholder',
      state: answered ?? defaultsFor(form, page),
      options,
      reloadHref: pageHref,
    });
  };
  const [engagementForm, ...assessmentForms] = stakeholderForms.map(view);
  return {
    title: `${row.name} · Stakeholders`,
    listHref: '/stakeholders',
    ...rowView(row, page.today),
    recorded: input.recorded ?? null,
    engagementForm: engagementForm!,
    assessmentForms,
    staleWeeks: QUIET_STAKEHOLDER_WEEKS,
    ...splitLog(engagementsOf(page.events, (id) => coachNames.get(id) ?? id)),
    history: historyOf(page.events, (id) => coachNames.get(id) ?? id),
  };
}

const StakeholderParams = z.object({ stakeholderId: Id });
const FormParams = StakeholderParams.extend({ form: z.string() });
const DetailQuery = z.object({ recorded: optional(z.enum(formIds)) });

/**
 * The stakeholders: a filtered list and influence × interest grid (`/stakeholders`, where new
 * ones are identified) and one page per stakeholder with the engagement log, the history of
 * assessments read from their stream, and the forms that log and assess. Every form answers a
 * plain POST with 303 back to its page and htmx with the page body re-rendered in place.
 */
export const stakeholderRoutes: FastifyPluginAsync<StakeholderRouteOptions> = async (app, { stakeholders, views, today, now, application, waitFor }) => {
  const formDeps = { store: application.store, waitFor, now };

  function listPage(query: ListQuery, extra: { errors?: Record<string, string>; identify?: FormState } = {}): ListPage {
    const { identified, ...filters } = query;
    const day = today();
    return {
      filters,
      rows: stakeholders.list({
        areaId: filters.area,
        attitude: filters.attitude,
        adkarStage: filters.adkar,
        notEngagedSince: filters.weeks === undefined ? undefined : addDays(day, -7 * filters.weeks),
        sort: filters.sort,
      }),
      areas: stakeholders.areas(),
      hasAny: stakeholders.hasAny(),
      today: day,
      errors: extra.errors ?? {},
      identify: extra.identify ?? { values: { name: '', role: '', areaId: filters.area ?? '', influence: '3', interest: '3' }, issues: [] },
      identified: identified === undefined ? null : stakeholders.stakeholder(identified),
    };
  }

  app.get('/stakeholders', async (request, reply) => {
    const { value: query, issues } = parseLeniently(StakeholderListQuery, request.query);
    const view = listView(listPage(query, { errors: issuesByField(issues, request.query as Record<string, unknown>) }));
    return sendHtml(reply, views.render(wantsFragment(request) ? 'partials/stakeholders' : 'pages/stakeholders', view), issues.length > 0 ? 422 : 200);
  });

  app.post('/stakeholders', async (request, reply) => {
    const { identified: _, ...filters } = parseLeniently(StakeholderListQuery, request.query).value;
    const stakeholderId = randomUUID();
    return submitForm(request, reply, formDeps, {
      spec: identifyForm,
      execute: (data, ctx) => identifyStakeholder(application, asCommand(IdentifyStakeholder, { ...data, stakeholderId }), ctx),
      redirectTo: stakeholdersUrl({ ...filters, identified: stakeholderId }),
      render: ({ state, fragment }) => {
        const page = listPage(state === null ? { ...filters, identified: stakeholderId } : filters, state === null ? {} : { identify: state });
        return views.render(fragment ? 'partials/stakeholders' : 'pages/stakeholders', listView(page));
      },
    });
  });

  function requireStakeholder(stakeholderId: string): StakeholderRow {
    const row = stakeholders.stakeholder(stakeholderId);
    if (row === null) throw new NotFoundError(`There is no stakeholder "${stakeholderId}".`);
    return row;
  }

  async function detailPage(stakeholderId: string): Promise<DetailPage> {
    const row = requireStakeholder(stakeholderId);
    const events = await application.store.readStream<StakeholderEvent>(streamName('stakeholder', stakeholderId));
    return { row, events, coaches: stakeholders.coaches(row.areaId), today: today() };
  }

  app.get('/stakeholders/:stakeholderId', async (request, reply) => {
    const { stakeholderId } = parseQuery(StakeholderParams, request.params);
    const { recorded } = parseQuery(DetailQuery, request.query);
    const page = await detailPage(stakeholderId);
    return sendHtml(reply, views.render('pages/stakeholder', detailView(page, { recorded: recorded === undefined ? undefined : formsById.get(recorded)?.recorded })));
  });

  app.post('/stakeholders/:stakeholderId/:form', async (request, reply) => {
    const { stakeholderId, form: formId } = parseQuery(FormParams, request.params);
    const form = formsById.get(formId);
    if (form === undefined) throw new NotFoundError(`There is no form "${formId}" on the stakeholder page.`);
    requireStakeholder(stakeholderId);
    return submitForm(request, reply, formDeps, {
      spec: form,
      execute: async (data, ctx, revision) => {
        const result = await form.run(application, { ...data, stakeholderId }, ctx, revision);
        // The decider records nothing for an assessment that repeats the current one; say so rather than "recorded".
        if (result.events.length === 0 && form.unchanged) throw ValidationError.field(form.unchanged.field, form.unchanged.message(result.state));
        return result;
      },
      redirectTo: `${stakeholderPath(stakeholderId)}?recorded=${form.id}`,
      render: async ({ state, fragment }) => {
        const view = detailView(await detailPage(stakeholderId), state === null ? { recorded: form.recorded } : { answered: { formId: form.id, state } });
        return views.render(fragment ? 'partials/stakeholder' : 'pages/stakeholder', view);
      },
    });
  });
};

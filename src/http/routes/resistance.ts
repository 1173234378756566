import { randomUUID } from 'node:crypto';
import type { FastifyPluginAsync } from 'fastify';
import { z } from 'zod';
import type { Intervention, ResistanceChoices, ResistanceQueries, SignalDetail, SignalRow, SignalStatus, StatusFilter } from '../../../projections/resistance/queries.ts';
import { statusFilters } from '../../../projections/resistance/queries.ts';
import { addDays } from '../../adoption/calendar.ts';
import {
  acknowledgeResistanceSignal,
  completeIntervention,
  escalateResistanceSignal,
  planIntervention,
  raiseResistanceSignal,
  resolveResistanceSignal,
} from '../../resistance/handlers.ts';
import type { HandlerDeps } from '../../shared/directory.ts';
import {
  AcknowledgeResistanceSignal,
  CompleteIntervention,
  EscalateResistanceSignal,
  PlanIntervention,
  RaiseResistanceSignal,
  ResolveResistanceSignal,
} from '../../resistance/commands.ts';
import { resistanceDecider, type SignalState } from '../../resistance/decider.ts';
import { InterventionKind, ResistanceKind, SignalSource, type ResistanceEvent } from '../../resistance/events.ts';
import type { CommandContext } from '../../shared/commandHandler.ts';
import { NotFoundError } from '../../shared/errors.ts';
import { Id, type RecordedEvent } from '../../shared/event.ts';
import { streamName } from '../../shared/streams.ts';
import { asCommand, formView, REVISION, submitForm, type FormSpec, type FormState, type Option } from '../legacyForms.ts';
import { optional, parseLeniently, parseQuery } from '../query.ts';
import { areaPath, resistanceUrl, signalPath, stakeholderPath, teamPath } from '../urls.ts';
import { formatDate, formatInstant, issuesByField } from '../viewModels.ts';
import { sendHtml, wantsFragment, type Views } from '../views.ts';

export interface ResistanceRouteOptions {
  resistance: ResistanceQueries;
  views: Views;
  /** Today's calendar date, from the injected clock: form defaults, and what "overdue" means. */
  today: () => string;
  now: () => Date;
  application: HandlerDeps;
  waitFor: (position: bigint) => Promise<boolean>;
  /** Ids for new signals and interventions; random unless a test fixes them. */
  newId?: () => string;
}

// Words for the domain's values, one place for every page of the slice.

type Kind = z.infer<typeof ResistanceKind>;
type Source = z.infer<typeof SignalSource>;

const severityLabels: Readonly<Record<number, string>> = { 1: 'Minor', 2: 'Low', 3: 'Moderate', 4: 'High', 5: 'Critical' };
const kindLabels: Record<Kind, string> = {
  unaware: 'Unaware',
  unconvinced: 'Unconvinced',
  unable: 'Unable',
  'no-time': 'No time',
  'tool-friction': 'Tool friction',
  'passive-non-participation': 'Passive non-participation',
  'active-opposition': 'Active opposition',
};
const interventionLabels: Record<z.infer<typeof InterventionKind>, string> = {
  'coaching-session': 'Coaching session',
  training: 'Training',
  workshop: 'Workshop',
  'one-on-one': 'One-on-one',
  communication: 'Communication',
  'sponsor-escalation': 'Sponsor escalation',
};
const sourceLabels: Record<Source, string> = { observed: 'Observed', integration: 'Integration', rule: 'Rule' };
const statusLabels: Record<SignalStatus, string> = { open: 'Raised', acknowledged: 'Acknowledged', escalated: 'Escalated', resolved: 'Resolved' };
const statusFilterLabels: Record<StatusFilter, string> = { open: 'Open', resolved: 'Resolved', all: 'All' };

/** A stored value the vocabulary does not know is shown as it is rather than hidden. */
const labelOf = (labels: Readonly<Record<string, string>>, value: string): string => labels[value] ?? value;

const severityView = (severity: number) => ({ value: severity, label: labelOf(severityLabels, String(severity)), tone: String(Math.min(5, Math.max(1, severity))) });

/** A calendar date as `<time>` prints it. */
const dateView = (on: string) => ({ iso: on, label: formatDate(on) });

const DESCRIPTION_LENGTH = 110;

/** The description cut at a word before `DESCRIPTION_LENGTH` characters; the log links to the whole of it. */
function truncate(text: string, length = DESCRIPTION_LENGTH): string {
  if (text.length <= length) return text;
  const cut = text.slice(0, length);
  const space = cut.lastIndexOf(' ');
  return `${(space > length / 2 ? cut.slice(0, space) : cut).replace(/[\s,.;:–-]+$/, '')}…`;
}

// URLs


const ResistanceQuery = z.object({
  area: optional(Id),
  status: optional(z.enum(statusFilters, { error: `must be one of ${statusFilters.join(', ')}` })),
  severity: optional(z.enum(['1', '2', '3', '4', '5'], { error: 'must be a severity from 1 to 5' }).transform(Number)),
  kind: optional(z.enum(ResistanceKind.options, { error: `must be one of ${ResistanceKind.options.join(', ')}` })),
  source: optional(z.enum(SignalSource.options, { error: `must be one of ${SignalSource.options.join(', ')}` })),
  /** After a plain-HTML raise: the signal just raised, for the success line. */
  raised: optional(Id),
});
type ResistanceQuery = z.output<typeof ResistanceQuery>;
type Filters = Omit<ResistanceQuery, 'raised'>;


// Forms

type Execute = (
  deps: HandlerDeps,
  data: Record<string, unknown>,
  ctx: CommandContext,
  expectedRevision: number | undefined,
  newId: () => string,
) => Promise<{ position: bigint }>;
/** A form on a signal's page: where under the signal's path it posts, and the command handler it calls. */
type SignalForm = FormSpec & { path: string; execute: Execute };

/** Form fields as a command; the command handler validates them against the command's schema. */
const raiseForm: FormSpec = {
  id: 'raise',
  schema: RaiseResistanceSignal.schema,
  title: 'Raise a signal',
  submit: 'Raise signal',
  recorded: 'Signal raised.',
  fields: [
    { name: 'areaId', label: 'Area', kind: 'select' },
    { name: 'teamId', label: 'Team', kind: 'select', optional: true },
    { name: 'stakeholderId', label: 'Stakeholder', kind: 'select', optional: true },
    { name: 'kind', label: 'Kind', kind: 'select' },
    { name: 'severity', label: 'Severity', kind: 'integer', hint: '1 minor · 3 moderate · 5 critical' },
    { name: 'raisedOn', label: 'Raised on', kind: 'date' },
    { name: 'description', label: 'What did you see?', kind: 'text' },
  ],
};

/** The forms of a signal that is not resolved; each edits the signal's stream, so each carries its revision. */
const signalForms: readonly SignalForm[] = [
  {
    id: 'acknowledge',
    path: 'acknowledge',
    schema: AcknowledgeResistanceSignal.schema,
    title: 'Acknowledge',
    submit: 'Acknowledge',
    recorded: 'Signal acknowledged.',
    fields: [{ name: 'acknowledgedOn', label: 'Acknowledged on', kind: 'date' }],
    revisioned: true,
    execute: (deps, data, ctx, revision) => acknowledgeResistanceSignal(deps, asCommand(AcknowledgeResistanceSignal, data), ctx, revision),
  },
  {
    id: 'plan',
    path: 'plan',
    schema: PlanIntervention.schema,
    title: 'Plan an intervention',
    submit: 'Plan intervention',
    recorded: 'Intervention planned.',
    fields: [
      { name: 'kind', label: 'Intervention', kind: 'select' },
      { name: 'ownerId', label: 'Owner', kind: 'select' },
      { name: 'dueOn', label: 'Due on', kind: 'date' },
    ],
    revisioned: true,
    execute: (deps, data, ctx, revision, newId) => planIntervention(deps, asCommand(PlanIntervention, { ...data, interventionId: newId() }), ctx, revision),
  },
  {
    id: 'escalate',
    path: 'escalate',
    schema: EscalateResistanceSignal.schema,
    title: 'Escalate',
    submit: 'Escalate',
    recorded: 'Signal escalated.',
    fields: [
      { name: 'to', label: 'Escalate to', kind: 'text', hint: 'Who takes it on, e.g. the area’s sponsor' },
      { name: 'reason', label: 'Reason', kind: 'text' },
      { name: 'escalatedOn', label: 'Escalated on', kind: 'date' },
    ],
    revisioned: true,
    execute: (deps, data, ctx, revision) => escalateResistanceSignal(deps, asCommand(EscalateResistanceSignal, data), ctx, revision),
  },
  {
    id: 'resolve',
    path: 'resolve',
    schema: ResolveResistanceSignal.schema,
    title: 'Resolve',
    submit: 'Resolve signal',
    recorded: 'Signal resolved.',
    fields: [
      { name: 'resolution', label: 'Resolution', kind: 'text', hint: 'What changed, in a sentence' },
      { name: 'resolvedOn', label: 'Resolved on', kind: 'date' },
    ],
    revisioned: true,
    execute: (deps, data, ctx, revision) => resolveResistanceSignal(deps, asCommand(ResolveResistanceSignal, data), ctx, revision),
  },
];
const formsByPath = new Map(signalForms.map((form) => [form.path, form]));

const COMPLETED = { id: 'complete', recorded: 'Intervention completed.' };

/** One per planned intervention, told apart by its id. */
const completeForm = (interventionId: string): SignalForm => ({
  id: `${COMPLETED.id}-${interventionId}`,
  path: `interventions/${encodeURIComponent(interventionId)}/complete`,
  schema: CompleteIntervention.schema,
  title: 'Complete',
  submit: 'Record outcome',
  recorded: COMPLETED.recorded,
  fields: [
    { name: 'outcome', label: 'Outcome', kind: 'text' },
    { name: 'completedOn', label: 'Completed on', kind: 'date' },
  ],
  revisioned: true,
  execute: (deps, data, ctx, revision) => completeIntervention(deps, asCommand(CompleteIntervention, { ...data, interventionId }), ctx, revision),
});
/** What a plain-HTML POST comes back to the signal page with (`?recorded=plan`), for the success line. */
const recordedMessages: Record<string, string> = Object.fromEntries([...signalForms, COMPLETED].map((f) => [f.id, f.recorded]));

// Views

/** `Engineering › Platform`: an area is picked by its place in the tree. */
function areaOptions(areas: ResistanceChoices['areas']): Option[] {
  const path: string[] = [];
  return areas.map((a) => {
    path.length = a.depth;
    path.push(a.name);
    return { value: a.areaId, label: path.join(' › ') };
  });
}

function whereView(signal: SignalRow) {
  const { area, team, stakeholder } = signal;
  return {
    area: { name: area.name ?? area.areaId, href: areaPath(area.areaId) },
    team: team === null ? null : { key: team.key, name: team.name ?? team.teamId, href: teamPath(team.teamId) },
    stakeholder: stakeholder === null ? null : { name: stakeholder.name ?? stakeholder.stakeholderId, href: stakeholderPath(stakeholder.stakeholderId) },
  };
}

function interventionsSummary({ total, planned, overdue, nextDueOn }: SignalRow['interventions']) {
  const done = total - planned;
  const parts = [planned > 0 ? `${planned} planned` : null, done > 0 ? `${done} done` : null].filter((p) => p !== null);
  return {
    total,
    text: parts.length === 0 ? 'None yet' : parts.join(' · '),
    next: nextDueOn === null ? null : dateView(nextDueOn),
    overdue: overdue === 0 ? null : `${overdue} overdue`,
  };
}

function signalRowView(signal: SignalRow, highlighted: string | undefined) {
  return {
    signalId: signal.signalId,
    href: signalPath(signal.signalId),
    highlighted: signal.signalId === highlighted,
    severity: severityView(signal.severity),
    kind: labelOf(kindLabels, signal.kind),
    description: truncate(signal.description),
    where: whereView(signal),
    source: { key: signal.source, label: labelOf(sourceLabels, signal.source), rule: signal.rule },
    raised: dateView(signal.raisedOn),
    status: { key: signal.status, label: labelOf(statusLabels, signal.status) },
    interventions: interventionsSummary(signal.interventions),
  };
}

const option = (value: string, label: string, selected: string | number | undefined) => ({ value, label, selected: value === String(selected ?? '') });

function filterView(choices: ResistanceChoices, query: Filters, errors: Record<string, string>) {
  const severities = [5, 4, 3, 2].map((s) => option(String(s), s === 5 ? `${severityLabels[5]} (5)` : `${severityLabels[s]} and above (${s}+)`, query.severity));
  const fields = [
    { name: 'area', label: 'Area', any: 'All areas', options: areaOptions(choices.areas).map((a) => option(a.value, a.label, query.area)) },
    { name: 'status', label: 'Status', any: null, options: statusFilters.map((s) => option(s, statusFilterLabels[s], query.status ?? 'open')) },
    { name: 'severity', label: 'Severity', any: 'Any severity', options: severities },
    { name: 'kind', label: 'Kind', any: 'Any kind', options: ResistanceKind.options.map((k) => option(k, kindLabels[k], query.kind)) },
    { name: 'source', label: 'Source', any: 'Any source', options: SignalSource.options.map((s) => option(s, sourceLabels[s], query.source)) },
  ];
  return {
    action: '/resistance',
    fields: fields.map((field) => ({ ...field, error: errors[field.name] ?? null })),
    otherErrors: Object.entries(errors)
      .filter(([name]) => !fields.some((f) => f.name === name))
      .map(([name, message]) => `${name} ${message}`),
  };
}

interface LogPage {
  query: ResistanceQuery;
  errors: Record<string, string>;
  /** The raise form's state after a POST; fresh defaults otherwise. */
  raise?: FormState;
  /** The signal just raised, for the success line. */
  raised?: string;
}

/** The resistance log: what `partials/signalLog` prints. */
function logView(resistance: ResistanceQueries, today: string, page: LogPage) {
  const choices = resistance.choices();
  // An area the organisation does not know is reported beside the filter and not applied.
  const area = choices.areas.find((a) => a.areaId === page.query.area);
  const unknownArea = page.query.area !== undefined && area === undefined;
  const errors = unknownArea ? { ...page.errors, area: `${JSON.stringify(page.query.area)} is not a known area` } : page.errors;
  const { raised, ...filters } = { ...page.query, area: area?.areaId };
  const status = filters.status ?? 'open';
  const signals = resistance.signals({ areaId: filters.area, status, minSeverity: filters.severity, kind: filters.kind, source: filters.source }, today);
  const summary = resistance.openSummary(filters.area, today);
  const areaName = area?.name ?? null;
  const filtered = Object.entries(filters).some(([key, value]) => value !== undefined && !(key === 'status' && value === 'open'));
  const raisedId = page.raised ?? raised;
  const defaults: Record<string, string> = { areaId: filters.area ?? choices.areas[0]?.areaId ?? '', kind: filters.kind ?? 'unaware', severity: '3', raisedOn: today };
  const state = page.raise ?? { values: Object.fromEntries(raiseForm.fields.map((f) => [f.name, defaults[f.name] ?? ''])), issues: [] };
  const here = resistanceUrl(filters);
  return {
    title: areaName === null ? 'Resistance log' : `Resistance · ${areaName}`,
    areaName,
    filter: filterView(choices, filters, errors),
    invalid: Object.keys(errors).length > 0,
    filtered,
    clearHref: '/resistance',
    summary: {
      scope: areaName === null ? 'everywhere' : `in ${areaName} and the areas below it`,
      bySeverity: summary.bySeverity.map((s) => ({ ...severityView(s.severity), open: s.open })),
      open: summary.bySeverity.reduce((n, s) => n + s.open, 0),
      overdue: summary.overdueInterventions,
    },
    raised: raisedId === undefined ? null : { href: signalPath(raisedId), message: raiseForm.recorded },
    raiseForm: formView(raiseForm, {
      action: here,
      hxTarget: '#resistance',
      state,
      options: {
        areaId: areaOptions(choices.areas),
        teamId: [{ value: '', label: 'No particular team' }, ...choices.teams.map((t) => ({ value: t.teamId, label: `${t.key} · ${t.name}` }))],
        stakeholderId: [{ value: '', label: 'No particular person' }, ...choices.stakeholders.map((s) => ({ value: s.stakeholderId, label: `${s.name} · ${s.role}` }))],
        kind: ResistanceKind.options.map((k) => ({ value: k, label: kindLabels[k] })),
      },
      reloadHref: here,
    }),
    signals: signals.map((s) => signalRowView(s, raisedId)),
    empty: signals.length > 0 ? null : filtered ? 'no-match' : 'none-open',
    hasChoices: choices.areas.length > 0,
  };
}

interface SignalPage {
  signal: SignalDetail;
  history: RecordedEvent<ResistanceEvent>[];
  /** The signal as its decider sees it: which commands it would accept. */
  state: SignalState;
  revision: number;
  coaches: ResistanceChoices['coaches'];
  defaultOwner: string | null;
  today: string;
}

/** One line per event of the signal's stream: what, on which day, who, from where. */
function historyView(history: RecordedEvent<ResistanceEvent>[], coaches: ResistanceChoices['coaches']) {
  const coachName = (id: string) => coaches.find((c) => c.coachId === id)?.name ?? id;
  const planned = new Map<string, string>();
  return history.map((event) => {
    let entry: { what: string; details: string; on: { iso: string; label: string } };
    switch (event.type) {
      case 'ResistanceSignalRaised': {
        const d = event.data;
        const source = d.rule === undefined ? labelOf(sourceLabels, d.source).toLowerCase() : `rule ${d.rule}`;
        entry = { what: 'Raised', details: `${labelOf(kindLabels, d.kind)}, severity ${d.severity} (${labelOf(severityLabels, String(d.severity))}), ${source}`, on: dateView(d.raisedOn) };
        break;
      }
      case 'ResistanceSignalAcknowledged':
        entry = { what: 'Acknowledged', details: '', on: dateView(event.data.acknowledgedOn) };
        break;
      case 'InterventionPlanned': {
        const d = event.data;
        const kind = labelOf(interventionLabels, d.kind);
        planned.set(d.interventionId, kind);
        entry = { what: 'Intervention planned', details: `${kind}, owner ${coachName(d.ownerId)}, due ${formatDate(d.dueOn)}`, on: dateView(event.metadata.occurredAt.slice(0, 10)) };
        break;
      }
      case 'InterventionCompleted': {
        const d = event.data;
        entry = { what: 'Intervention completed', details: `${planned.get(d.interventionId) ?? d.interventionId}: ${d.outcome}`, on: dateView(d.completedOn) };
        break;
      }
      case 'InterventionCancelled': {
        const d = event.data;
        entry = { what: 'Intervention cancelled', details: `${planned.get(d.interventionId) ?? d.interventionId}: ${d.reason}`, on: dateView(d.cancelledOn) };
        break;
      }
      case 'ResistanceSignalEscalated':
        entry = { what: 'Escalated', details: `to ${event.data.to}: ${event.data.reason}`, on: dateView(event.data.escalatedOn) };
        break;
      case 'ResistanceSignalResolved':
        entry = { what: 'Resolved', details: event.data.resolution, on: dateView(event.data.resolvedOn) };
        break;
      default: {
        const unexpected: never = event;
        throw new Error(`unknown signal event ${JSON.stringify(unexpected)}`);
      }
    }
    const { actor, source, recordedAt } = event.metadata;
    return {
      ...entry,
      who: { kind: actor.kind, name: actor.kind === 'user' ? coachName(actor.id) : actor.id },
      source,
      recorded: { iso: recordedAt, label: formatInstant(recordedAt) },
    };
  });
}

/** Each form's fields as the page offers them: today, the area's coach, a week to act. */
function defaultsFor(form: FormSpec, page: SignalPage): FormState {
  const known: Record<string, string> = { kind: 'coaching-session', ownerId: page.defaultOwner ?? page.coaches[0]?.coachId ?? '', dueOn: addDays(page.today, 7) };
  const values = Object.fromEntries(form.fields.map((f) => [f.name, known[f.name] ?? (f.kind === 'date' ? page.today : '')]));
  values[REVISION] = String(page.revision);
  return { values, issues: [] };
}

function interventionView(intervention: Intervention, form: ReturnType<typeof formView> | null) {
  return {
    interventionId: intervention.interventionId,
    kind: labelOf(interventionLabels, intervention.kind),
    owner: intervention.owner.name ?? intervention.owner.coachId,
    due: dateView(intervention.dueOn),
    done: intervention.status === 'done',
    overdue: intervention.overdue,
    completed: intervention.completedOn === null ? null : dateView(intervention.completedOn),
    outcome: intervention.outcome,
    form,
  };
}

/**
 * What `partials/signal` prints. Only the forms the signal's state accepts are offered; the one
 * a POST answered is shown whatever the state, so its 422 or 409 is seen where it was sent.
 */
function signalView(page: SignalPage, input: { answered?: { formId: string; state: FormState }; recorded?: string }) {
  const { signal, state } = page;
  const open = state.status === 'Raised';
  const view = (form: SignalForm, offered: boolean) => {
    const answered = input.answered?.formId === form.id ? input.answered.state : null;
    if (!offered && answered === null) return null;
    return formView(form, {
      action: `${signalPath(signal.signalId)}/${form.path}`,
      hxTarget: '#signal',
      state: answered ?? defaultsFor(form, page),
      options: {
        kind: InterventionKind.options.map((k) => ({ value: k, label: interventionLabels[k] })),
        ownerId: page.coaches.map((c) => ({ value: c.coachId, label: c.name })),
      },
      reloadHref: signalPath(signal.signalId),
    });
  };
  const plannedHere = (id: string) => state.status === 'Raised' && state.interventions[id] === 'planned';
  const acknowledged = state.status !== 'Empty' && state.acknowledgedOn !== null;
  const actions = signalForms.map((form) => view(form, open && (form.id !== 'acknowledge' || !acknowledged))).filter((f) => f !== null);
  const row = signalRowView(signal, undefined);
  return {
    title: `${row.kind} · ${row.where.area.name}`,
    logHref: resistanceUrl({}),
    areaLogHref: resistanceUrl({ area: signal.area.areaId }),
    signal: {
      ...row,
      description: signal.description,
      acknowledged: signal.acknowledgedOn === null ? null : dateView(signal.acknowledgedOn),
      escalated: signal.escalatedOn === null ? null : { ...dateView(signal.escalatedOn), to: signal.escalatedTo },
      resolved: signal.resolvedOn === null ? null : { ...dateView(signal.resolvedOn), resolution: signal.resolution },
    },
    recorded: input.recorded ?? null,
    interventions: signal.interventionList.map((i) => interventionView(i, view(completeForm(i.interventionId), plannedHere(i.interventionId)))),
    open,
    actions,
    history: historyView(page.history, page.coaches),
  };
}

const SignalParams = z.object({ signalId: Id });
const FormParams = SignalParams.extend({ form: z.string() });
const CompleteParams = SignalParams.extend({ interventionId: Id });
const SignalPageQuery = z.object({ recorded: optional(z.enum(Object.keys(recordedMessages) as [string, ...string[]])) });

/**
 * The resistance log (`/resistance`: filters, counts, the raise form) and a signal's page
 * (`/resistance/:signalId`: its history and the forms that move it on). Forms take the shared
 * path in forms.ts; an htmx POST gets the page's partial re-rendered whole, since a write moves
 * the counts, the list and every form's revision together.
 */
export const resistanceRoutes: FastifyPluginAsync<ResistanceRouteOptions> = async (app, options) => {
  const { resistance, views, today, now, application, waitFor } = options;
  const newId = options.newId ?? randomUUID;
  const formDeps = { store: application.store, waitFor, now };

  app.get('/resistance', async (request, reply) => {
    const { value: query, issues } = parseLeniently(ResistanceQuery, request.query);
    const view = logView(resistance, today(), { query, errors: issuesByField(issues, request.query as Record<string, unknown>) });
    return sendHtml(reply, views.render(wantsFragment(request) ? 'partials/signalLog' : 'pages/resistance', view), view.invalid ? 422 : 200);
  });

  app.post('/resistance', async (request, reply) => {
    const { raised: _, ...filters } = parseLeniently(ResistanceQuery, request.query).value;
    const signalId = newId();
    return submitForm(request, reply, formDeps, {
      spec: raiseForm,
      execute: (data, ctx) => raiseResistanceSignal(application, asCommand(RaiseResistanceSignal, { ...data, signalId, source: 'observed' }), ctx),
      redirectTo: resistanceUrl({ ...filters, raised: signalId }),
      render: ({ state, fragment }) => {
        const view = logView(resistance, today(), { query: filters, errors: {}, ...(state === null ? { raised: signalId } : { raise: state }) });
        return views.render(fragment ? 'partials/signalLog' : 'pages/resistance', view);
      },
    });
  });

  async function load(signalId: string): Promise<SignalPage> {
    const day = today();
    const signal = resistance.signal(signalId, day);
    if (signal === null) throw new NotFoundError(`There is no resistance signal "${signalId}".`);
    const history = await application.store.readStream<ResistanceEvent>(streamName('signal', signalId));
    return {
      signal,
      history,
      state: history.reduce(resistanceDecider.evolve, resistanceDecider.initialState()),
      revision: history.at(-1)?.revision ?? -1,
      coaches: resistance.choices().coaches,
      defaultOwner: resistance.coachFor(signal.area.areaId),
      today: day,
    };
  }

  app.get('/resistance/:signalId', async (request, reply) => {
    const { signalId } = parseQuery(SignalParams, request.params);
    const { recorded } = parseQuery(SignalPageQuery, request.query);
    const view = signalView(await load(signalId), { recorded: recorded === undefined ? undefined : recordedMessages[recorded] });
    return sendHtml(reply, views.render('pages/signal', view));
  });

  /** Runs one of the signal's forms and answers with the signal page (303) or its partial. */
  const submitSignalForm = (request: Parameters<typeof submitForm>[0], reply: Parameters<typeof submitForm>[1], signalId: string, form: SignalForm, recorded: string) =>
    submitForm(request, reply, formDeps, {
      spec: form,
      execute: (data, ctx, revision) => form.execute(application, { ...data, signalId }, ctx, revision, newId),
      redirectTo: `${signalPath(signalId)}?recorded=${recorded}`,
      render: async ({ state, fragment }) => {
        const view = signalView(await load(signalId), state === null ? { recorded: form.recorded } : { answered: { formId: form.id, state } });
        return views.render(fragment ? 'partials/signal' : 'pages/signal', view);
      },
    });

  app.post('/resistance/:signalId/interventions/:interventionId/complete', async (request, reply) => {
    const { signalId, interventionId } = parseQuery(CompleteParams, request.params);
    return submitSignalForm(request, reply, signalId, completeForm(interventionId), COMPLETED.id);
  });

  app.post('/resistance/:signalId/:form', async (request, reply) => {
    const { signalId, form: formId } = parseQuery(FormParams, request.params);
    const form = formsByPath.get(formId);
    if (form === undefined) throw new NotFoundError(`There is no form "${formId}" on a signal's page.`);
    return submitSignalForm(request, reply, signalId, form, form.id);
  });
};

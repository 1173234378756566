import type {
  Intervention,
  OpenSummary,
  ResistanceChoices,
  SignalDetail,
  SignalRow,
  StatusFilter,
} from '../../projections/resistance/queries.ts';
import { statusFilters } from '../../projections/resistance/queries.ts';
import type { FirstOf, TeamsAndStakeholders } from '../../projections/org/teamsAndStakeholders.ts';
import { addDays, formatDate } from '../adoption/calendar.ts';
import { describeEvent } from '../describe.ts';
import { formFor, formView, freshState, REVISION, type Form, type FormState, type FormView, type Option } from '../http/forms.ts';
import { areaPath, resistanceCsvUrl, resistanceUrl, signalPath, stakeholderPath, teamPath } from '../http/urls.ts';
import { formatInstant } from '../adoption/calendar.ts';
import type { NewEvent } from '../shared/event.ts';
import type { Names } from '../shared/names.ts';
import { labelOf } from '../shared/vocabulary.ts';
import { timelineUrl } from '../overview/timelineView.ts';
import { ruleLabels } from '../rules/vocabulary.ts';
import type { SignalActions } from './actions.ts';
import { InterventionKind, ResistanceKind, SignalSource, type ResistanceEvent } from './events.ts';
import { acknowledgeForm, cancelForm, completeForm, escalateForm, planForm, raiseForm, resolveForm } from './forms.ts';
import { interventionLabels, kindLabels, severityLabels, sourceLabels, statusFilterLabels, statusLabels } from './vocabulary.ts';

const severityView = (severity: number) => ({
  value: severity,
  label: labelOf(severityLabels, String(severity)),
  tone: String(Math.min(5, Math.max(1, severity))),
});

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
    stakeholder:
      stakeholder === null
        ? null
        : { name: stakeholder.name ?? stakeholder.stakeholderId, href: stakeholderPath(stakeholder.stakeholderId) },
  };
}

function interventionsSummary({ total, planned, cancelled, overdue, nextDueOn }: SignalRow['interventions']) {
  const done = total - planned - cancelled;
  const parts = [
    planned > 0 ? `${planned} planned` : null,
    done > 0 ? `${done} done` : null,
    cancelled > 0 ? `${cancelled} cancelled` : null,
  ].filter((p) => p !== null);
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

/** The log's filters, as applied (an unknown area is not). */
export interface LogFilters {
  area?: string | undefined;
  status?: StatusFilter | undefined;
  severity?: number | undefined;
  kind?: string | undefined;
  source?: string | undefined;
}

/** Signals on one page of the log. */
export const LOG_PAGE = 50;

/** The page asked for: after or before a signal's cursor, the first page with neither. */
export interface LogPaging {
  after?: string | undefined;
  before?: string | undefined;
}

const option = (value: string, label: string, selected: string | number | undefined) => ({
  value,
  label,
  selected: value === String(selected ?? ''),
});

function filterView(choices: ResistanceChoices, filters: LogFilters, errors: Record<string, string>) {
  const severities = [5, 4, 3, 2].map((s) =>
    option(String(s), s === 5 ? `${severityLabels[5]} (5)` : `${severityLabels[s]} and above (${s}+)`, filters.severity),
  );
  const fields = [
    {
      name: 'area',
      label: 'Area',
      any: 'All areas',
      options: areaOptions(choices.areas).map((a) => option(a.value, a.label, filters.area)),
    },
    {
      name: 'status',
      label: 'Status',
      any: null,
      options: statusFilters.map((s) => option(s, statusFilterLabels[s], filters.status ?? 'open')),
    },
    { name: 'severity', label: 'Severity', any: 'Any severity', options: severities },
    { name: 'kind', label: 'Kind', any: 'Any kind', options: ResistanceKind.options.map((k) => option(k, kindLabels[k], filters.kind)) },
    {
      name: 'source',
      label: 'Source',
      any: 'Any source',
      options: SignalSource.options.map((s) => option(s, sourceLabels[s], filters.source)),
    },
  ];
  return {
    action: '/resistance',
    fields: fields.map((field) => ({ ...field, error: errors[field.name] ?? null })),
    otherErrors: Object.entries(errors)
      .filter(([name]) => !fields.some((f) => f.name === name))
      .map(([name, message]) => `${name} ${message}`),
  };
}

/** How many teams, and how many stakeholders, the raise form names at most. */
export const RAISE_CHOICES = 100;

/**
 * The raise form naming the teams and stakeholders it offers: where the log's area (or the whole
 * organisation) has more than it lists, the field says which it lists and how to reach the others.
 */
function raiseFormFor(named: TeamsAndStakeholders, areaName: string | null): Form {
  const within = areaName === null ? '' : ` in ${areaName}`;
  const narrower = areaName === null ? 'an area' : 'an area below it';
  const hint = ({ listed, total }: FirstOf<unknown>, what: string, by: string) =>
    total > listed.length
      ? `The first ${listed.length} of ${total} ${what}${within} by ${by}: filter the log by ${narrower} to name one of the others.`
      : undefined;
  const { teamId, stakeholderId } = raiseForm.fields;
  return {
    ...raiseForm,
    fields: {
      ...raiseForm.fields,
      teamId: { ...teamId, hint: hint(named.teams, 'teams', 'key') },
      stakeholderId: { ...stakeholderId, hint: hint(named.stakeholders, 'people', 'name') },
    },
  };
}

/** What the log's read side gave for one request. */
export interface LogPage {
  choices: ResistanceChoices;
  /** The teams and stakeholders the raise form names: those of the filtered area, or the first of them. */
  named: TeamsAndStakeholders;
  filters: LogFilters;
  /** Bad filters, by parameter: shown beside their field, and not applied. */
  errors: Record<string, string>;
  /** This page of the matching signals. */
  signals: SignalRow[];
  /** Every signal matching, counted. */
  total: number;
  /** The cursors of the page's first and last signals, when there are earlier or later ones to page to. */
  earlier: string | null;
  later: string | null;
  summary: OpenSummary;
  today: string;
}

export interface LogInput {
  /** The raise form's state after a POST that was refused; fresh defaults otherwise. */
  raise?: FormState;
  /** The signal just raised, for the success line. */
  raised?: string | undefined;
}

/** The resistance log: what `partials/signalLog` prints. */
export function logView(page: LogPage, input: LogInput) {
  const { choices, filters, errors, today } = page;
  const areaName = choices.areas.find((a) => a.areaId === filters.area)?.name ?? null;
  const filtered = Object.entries(filters).some(([key, value]) => value !== undefined && !(key === 'status' && value === 'open'));
  const defaults = {
    areaId: filters.area ?? choices.areas[0]?.areaId ?? '',
    teamId: '',
    stakeholderId: '',
    kind: filters.kind ?? 'unaware',
    severity: '3',
    raisedOn: today,
    description: '',
  };
  const here = resistanceUrl({ ...filters });
  return {
    title: areaName === null ? 'Resistance log' : `Resistance · ${areaName}`,
    areaName,
    filter: filterView(choices, filters, errors),
    invalid: Object.keys(errors).length > 0,
    filtered,
    clearHref: '/resistance',
    csvHref: resistanceCsvUrl(filters),
    summary: {
      scope: areaName === null ? 'everywhere' : `in ${areaName} and the areas below it`,
      bySeverity: page.summary.bySeverity.map((s) => ({ ...severityView(s.severity), open: s.open })),
      open: page.summary.bySeverity.reduce((n, s) => n + s.open, 0),
      overdue: page.summary.overdueInterventions,
    },
    raised: input.raised === undefined ? null : { href: signalPath(input.raised), message: raiseForm.recorded },
    raiseForm: formView(raiseFormFor(page.named, areaName), {
      action: here,
      hxTarget: '#resistance',
      state: input.raise ?? freshState(raiseForm, defaults),
      options: {
        areaId: areaOptions(choices.areas),
        teamId: [
          { value: '', label: 'No particular team' },
          ...page.named.teams.listed.map((t) => ({ value: t.teamId, label: `${t.key} · ${t.name}` })),
        ],
        stakeholderId: [
          { value: '', label: 'No particular person' },
          ...page.named.stakeholders.listed.map((s) => ({ value: s.stakeholderId, label: `${s.name} · ${s.role}` })),
        ],
        kind: ResistanceKind.options.map((k) => ({ value: k, label: kindLabels[k] })),
      },
      reloadHref: here,
    }),
    signals: page.signals.map((s) => signalRowView(s, input.raised)),
    total: page.total,
    earlierHref: page.earlier === null ? null : resistanceUrl({ ...filters, before: page.earlier }),
    laterHref: page.later === null ? null : resistanceUrl({ ...filters, after: page.later }),
    empty: page.total > 0 ? null : filtered ? 'no-match' : 'none-open',
    hasChoices: choices.areas.length > 0,
  };
}

/** The forms that move a signal on, in the order its page offers them, each under its action's path. */
export const signalForms = [
  { action: 'acknowledge', form: acknowledgeForm },
  { action: 'plan', form: planForm },
  { action: 'escalate', form: escalateForm },
  { action: 'resolve', form: resolveForm },
] as const satisfies readonly { action: Exclude<keyof SignalActions, 'complete'>; form: Form }[];

/** One complete form per planned intervention, told apart by the intervention's id. */
export const completeFormOf = (interventionId: string) => formFor(completeForm, `${completeForm.id}-${interventionId}`);
/** One cancel form per planned intervention, likewise. */
export const cancelFormOf = (interventionId: string) => formFor(cancelForm, `${cancelForm.id}-${interventionId}`);

/**
 * The resolve form as the signal's page offers it: with interventions still planned, a box to
 * cancel them with the resolution, saying how many; without, no box (unticked is what it sends).
 */
function resolveFormFor(planned: number): Form {
  const { cancelOpenInterventions, ...rest } = resolveForm.fields;
  if (planned === 0) return { ...resolveForm, fields: rest };
  const label = planned === 1 ? 'Cancel the planned intervention' : `Cancel the ${planned} planned interventions`;
  return { ...resolveForm, fields: { ...rest, cancelOpenInterventions: { ...cancelOpenInterventions, label } } };
}

/** What the signal's read side gave for one request. */
export interface SignalPage {
  signal: SignalDetail;
  /** The signal's own events, oldest first. */
  history: NewEvent<ResistanceEvent>[];
  actions: SignalActions;
  /** The signal's stream revision as the read models know it: what every form carries. */
  revision: number;
  coaches: ResistanceChoices['coaches'];
  defaultOwner: string | null;
  names: Names;
  today: string;
}

/** The free text an event carries beside what `describeEvent` says: why, what came of it. */
function noteOf(event: ResistanceEvent): string | null {
  switch (event.type) {
    case 'InterventionCompleted':
      return event.data.outcome;
    case 'ResistanceSignalEscalated':
      return event.data.reason;
    case 'ResistanceSignalResolved':
      return event.data.resolution;
    case 'InterventionCancelled':
    case 'ResistanceSignalResolutionProposed':
      return event.data.reason;
    case 'ResistanceSignalRaised':
    case 'ResistanceSignalAcknowledged':
    case 'InterventionPlanned':
      return null;
    default: {
      const unexpected: never = event;
      return unexpected;
    }
  }
}

/** One line per event of the signal's stream, in the slice's words: when it happened, what, who, from where, when recorded. */
function historyView(page: SignalPage) {
  return page.history.map((event) => {
    const { actor, source, occurredAt, recordedAt } = event.metadata;
    return {
      on: dateView(occurredAt.slice(0, 10)),
      what: describeEvent(event, page.names),
      note: noteOf(event),
      who: { kind: actor.kind, name: page.names.actor(actor) },
      source,
      recorded: { iso: recordedAt, label: formatInstant(recordedAt) },
    };
  });
}

/**
 * Why a rule raised the signal, from its own history: the rule in words, what it saw, a link to
 * each causing event on the timeline of what the signal concerns; and the resolution the rule
 * proposed once its pattern cleared, while a coach has not confirmed it.
 */
function inferenceView(page: SignalPage) {
  const raised = page.history.find((e) => e.type === 'ResistanceSignalRaised');
  if (raised?.type !== 'ResistanceSignalRaised' || raised.data.rule === undefined) return null;
  const { rule, teamId, stakeholderId, areaId, causes = [] } = raised.data;
  const concerns = teamId ? { team: teamId } : stakeholderId ? { stakeholder: stakeholderId } : { area: areaId };
  const proposal = page.history.findLast((e) => e.type === 'ResistanceSignalResolutionProposed');
  return {
    rule: { key: rule, label: labelOf(ruleLabels, rule) },
    why: raised.data.description,
    causes: causes.map((eventId, index) => ({
      href: `${timelineUrl(concerns)}#event-${eventId}`,
      label: causes.length === 1 ? 'the event that caused it' : `causing event ${index + 1} of ${causes.length}`,
    })),
    proposal:
      proposal?.type === 'ResistanceSignalResolutionProposed' && page.signal.status !== 'resolved'
        ? { ...dateView(proposal.data.proposedOn), reason: proposal.data.reason }
        : null,
  };
}

/** Each form's fields as the page offers them: today, the area's coach, a week to act. */
function defaultsFor(form: Form, page: SignalPage): FormState {
  const known: Record<string, string> = {
    kind: 'coaching-session',
    ownerId: page.defaultOwner ?? page.coaches[0]?.coachId ?? '',
    dueOn: addDays(page.today, 7),
  };
  const values = Object.fromEntries(
    Object.entries(form.fields).map(([name, field]) => [name, known[name] ?? (field.kind === 'date' ? page.today : '')]),
  );
  return freshState(form, { ...values, [REVISION]: String(page.revision) });
}

function interventionView(intervention: Intervention, form: FormView | null, cancelForm: FormView | null) {
  const cancelled = intervention.status === 'cancelled';
  return {
    interventionId: intervention.interventionId,
    kind: labelOf(interventionLabels, intervention.kind),
    owner: intervention.owner.name ?? intervention.owner.coachId,
    due: dateView(intervention.dueOn),
    done: intervention.status === 'done',
    overdue: intervention.overdue,
    completed: intervention.completedOn === null ? null : dateView(intervention.completedOn),
    outcome: cancelled ? null : intervention.outcome,
    cancelled: cancelled
      ? { on: intervention.cancelledOn === null ? null : dateView(intervention.cancelledOn), reason: intervention.outcome }
      : null,
    form,
    cancelForm,
  };
}

export interface SignalInput {
  /** The form a POST just answered, and what it shows now. */
  answered?: { formId: string; state: FormState };
  /** The status line after a success. */
  recorded?: string | undefined;
}

/**
 * What `partials/signal` prints. Only the forms the signal accepts now are offered; the one a
 * POST answered is shown whatever the state, so its 422 or 409 is seen where it was sent.
 */
export function signalView(page: SignalPage, input: SignalInput) {
  const { signal, actions } = page;
  const open = signal.status !== 'resolved';
  const view = (form: Form, action: string, offered: boolean) => {
    const answered = input.answered?.formId === form.id ? input.answered.state : null;
    if (!offered && answered === null) return null;
    return formView(form, {
      action: `${signalPath(signal.signalId)}/${action}`,
      hxTarget: '#signal',
      state: answered ?? defaultsFor(form, page),
      options: {
        kind: InterventionKind.options.map((k) => ({ value: k, label: interventionLabels[k] })),
        ownerId: page.coaches.map((c) => ({ value: c.coachId, label: c.name })),
      },
      reloadHref: signalPath(signal.signalId),
    });
  };
  const row = signalRowView(signal, undefined);
  return {
    title: `${row.kind} · ${row.where.area.name}`,
    logHref: resistanceUrl({}),
    areaLogHref: resistanceUrl({ area: signal.area.areaId }),
    /** The area this page's forms record in. */
    recordsIn: signal.area.areaId,
    signal: {
      ...row,
      description: signal.description,
      acknowledged: signal.acknowledgedOn === null ? null : dateView(signal.acknowledgedOn),
      escalated: signal.escalatedOn === null ? null : { ...dateView(signal.escalatedOn), to: signal.escalatedTo },
      resolved: signal.resolvedOn === null ? null : { ...dateView(signal.resolvedOn), resolution: signal.resolution },
    },
    recorded: input.recorded ?? null,
    inference: inferenceView(page),
    interventions: signal.interventionList.map((i) => {
      const path = `interventions/${encodeURIComponent(i.interventionId)}`;
      const planned = actions.complete.has(i.interventionId);
      return interventionView(
        i,
        view(completeFormOf(i.interventionId), `${path}/complete`, planned),
        view(cancelFormOf(i.interventionId), `${path}/cancel`, planned),
      );
    }),
    open,
    actions: signalForms
      .map(({ action, form }) => view(action === 'resolve' ? resolveFormFor(actions.complete.size) : form, action, actions[action]))
      .filter((f) => f !== null),
    history: historyView(page),
  };
}

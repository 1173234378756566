import type { FastifyReply, FastifyRequest } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import {
  type ResistanceChoices,
  type ResistanceQueries,
  SIGNAL_CURSOR,
  type SignalFilter,
  signalCursor,
  statusFilters,
} from '../../projections/resistance/queries.ts';
import { type Form, submitForm, type Submission } from '../http/forms.ts';
import { fromCategories, livePage } from '../http/live.ts';
import { sendCsv } from '../http/download.ts';
import { lenient, optional } from '../http/query.ts';
import { resistanceUrl, signalPath } from '../http/urls.ts';
import { sendHtml, wantsFragment } from '../http/views.ts';
import type { WebDeps } from '../http/webDeps.ts';
import type { CommandDefinition } from '../shared/command.ts';
import { csvChunks } from '../shared/csv.ts';
import { NotFoundError, ValidationError } from '../shared/errors.ts';
import { Id, type RecordedEvent } from '../shared/event.ts';
import { streamName } from '../shared/streams.ts';
import { actionsOn } from './actions.ts';
import { ResistanceKind, SignalSource } from './events.ts';
import { signalColumns, signalPages } from './export.ts';
import { cancelForm, completeForm, raiseForm } from './forms.ts';
import {
  acknowledgeResistanceSignal,
  cancelIntervention,
  completeIntervention,
  escalateResistanceSignal,
  planIntervention,
  raiseResistanceSignal,
  resolveResistanceSignal,
} from './handlers.ts';
import {
  cancelFormOf,
  completeFormOf,
  LOG_PAGE,
  RAISE_CHOICES,
  type LogFilters,
  type LogInput,
  type LogPage,
  type LogPaging,
  logView,
  type SignalInput,
  type SignalPage,
  signalForms,
  signalView,
} from './viewModels.ts';

export interface ResistanceRouteOptions extends WebDeps {
  resistance: ResistanceQueries;
}

const LogQuery = z.object({
  area: optional(Id),
  status: optional(z.enum(statusFilters, { error: `must be one of ${statusFilters.join(', ')}` })),
  severity: optional(z.enum(['1', '2', '3', '4', '5'], { error: 'must be a severity from 1 to 5' }).transform(Number)),
  kind: optional(z.enum(ResistanceKind.options, { error: `must be one of ${ResistanceKind.options.join(', ')}` })),
  source: optional(z.enum(SignalSource.options, { error: `must be one of ${SignalSource.options.join(', ')}` })),
  /** After a plain-HTML raise: the signal just raised, for the success line. */
  raised: optional(Id),
  /** The page of the list after or before this signal (the first page without either). */
  after: optional(z.string().regex(SIGNAL_CURSOR, 'must be a severity, a date and a signal id, as the page links make it')),
  before: optional(z.string().regex(SIGNAL_CURSOR, 'must be a severity, a date and a signal id, as the page links make it')),
});

/** What a plain-HTML POST comes back to the signal page with (`?recorded=plan`), for the success line. */
const recordedBy = new Map<string, string>([
  ...signalForms.map(({ action, form }) => [action, form.recorded] as const),
  ['complete', completeForm.recorded],
  ['cancel', cancelForm.recorded],
]);
const SignalParams = z.object({ signalId: Id });
const InterventionParams = SignalParams.extend({ interventionId: Id });
const SignalQuery = z.object({ recorded: optional(z.enum([...recordedBy.keys()] as [string, ...string[]])) });

const knownArea = (choices: ResistanceChoices, area: string | undefined) =>
  area === undefined || choices.areas.some((a) => a.areaId === area);

/** What the log's filters ask of the read model; the status is `open` unless another is chosen. */
const signalFilterOf = (filters: LogFilters): SignalFilter => ({
  areaId: filters.area,
  status: filters.status ?? 'open',
  minSeverity: filters.severity,
  kind: filters.kind,
  source: filters.source,
});

/** The log as filtered, one page of it; an area the organisation does not know is reported beside the filter and not applied. */
function logPage(
  { resistance, today }: ResistanceRouteOptions,
  { after, before, ...filters }: LogFilters & LogPaging,
  errors: Record<string, string>,
): LogPage {
  const day = today();
  const choices = resistance.choices();
  const known = knownArea(choices, filters.area);
  const applied = known ? filters : { ...filters, area: undefined };
  const filter = signalFilterOf(applied);
  // One more than a page: whether there is a page beyond it.
  const fetched = resistance.signals(filter, day, { limit: LOG_PAGE + 1, after, before });
  const more = fetched.length > LOG_PAGE;
  const signals = more ? (before === undefined ? fetched.slice(0, LOG_PAGE) : fetched.slice(1)) : fetched;
  const first = signals[0];
  const last = signals.at(-1);
  return {
    choices,
    named: resistance.teamsAndStakeholders(applied.area, RAISE_CHOICES),
    filters: applied,
    errors: known ? errors : { ...errors, area: 'must be one of the areas listed' },
    signals,
    total: resistance.countSignals(filter),
    earlier: first !== undefined && (before === undefined ? after !== undefined : more) ? signalCursor(first) : null,
    later: last !== undefined && (before === undefined ? more : true) ? signalCursor(last) : null,
    summary: resistance.openSummary(applied.area, day),
    today: day,
  };
}

function signalPage({ resistance, today, revisions, forms }: ResistanceRouteOptions, signalId: string): SignalPage {
  const day = today();
  const signal = resistance.signal(signalId, day);
  if (signal === null) throw new NotFoundError(`There is no resistance signal "${signalId}".`);
  return {
    signal,
    history: resistance.history(signalId),
    actions: actionsOn(signal),
    revision: revisions.of(streamName('signal', signalId)),
    coaches: resistance.choices().coaches,
    defaultOwner: resistance.coachFor(signal.area.areaId),
    names: forms.names,
    today: day,
  };
}

/** Signals, and the names of the areas, teams, stakeholders and coaches they mention. */
const signalsChanged = fromCategories('signal', 'area', 'team', 'stakeholder', 'coach');

/** The resistance log updates live: its counts and its list, never the raise form or the filter. */
export const resistanceLogLive = (options: ResistanceRouteOptions) =>
  livePage({
    path: /^\/resistance$/,
    params: LogQuery.omit({ raised: true }),
    load: (filters) => logView(logPage(options, filters, {}), {}),
    regions: [
      { id: 'signal-summary', partial: 'partials/signalSummary', affectedBy: signalsChanged, view: (page) => page },
      { id: 'signal-list', partial: 'partials/signalList', affectedBy: signalsChanged, view: (page) => page },
    ],
  });

/** A signal's page updates live from its own stream: head, facts and history; never the forms that move it on. */
export const signalLive = (options: ResistanceRouteOptions) => {
  const affectedBy = (event: RecordedEvent, { signalId }: { signalId: string }) =>
    event.streamId === streamName('signal', signalId) || fromCategories('area', 'team', 'stakeholder', 'coach')(event);
  return livePage({
    path: /^\/resistance\/(?<signalId>[^/]+)$/,
    params: SignalParams,
    load: ({ signalId }) => signalView(signalPage(options, signalId), {}),
    regions: [
      { id: 'signal-head', partial: 'partials/signalHead', affectedBy, view: (page) => page },
      { id: 'signal-facts', partial: 'partials/signalFacts', affectedBy, view: (page) => page },
      { id: 'signal-history', partial: 'partials/signalHistory', affectedBy, view: (page) => page },
    ],
  });
};

/**
 * The resistance log (`/resistance`: filters, counts, the raise form) and a signal's page
 * (`/resistance/:signalId`: its interventions, history and the forms that move it on), both from
 * the signals read model. An htmx POST gets the page's partial re-rendered whole, since a write
 * moves the counts, the list and every form's revision together.
 */
export const resistanceRoutes: FastifyPluginAsyncZod<ResistanceRouteOptions> = async (app, options) => {
  const { resistance, views, today, handlers, forms } = options;

  const renderLog = (fragment: boolean, filters: LogFilters & LogPaging, errors: Record<string, string>, input: LogInput) => {
    const view = logView(logPage(options, filters, errors), input);
    return { view, html: views.render(fragment ? 'partials/signalLog' : 'pages/resistance', view) };
  };

  app.get('/resistance', { config: { access: 'read' }, schema: { querystring: lenient(LogQuery) } }, async (request, reply) => {
    const { value, issues } = request.query;
    const { raised, ...filters } = value;
    const errors = Object.fromEntries(issues.map((i) => [i.field, i.message]));
    const { view, html } = renderLog(wantsFragment(request), filters, errors, { raised });
    return sendHtml(reply, html, view.invalid ? 422 : 200);
  });

  // The log as the page filters it, every matching signal rather than one page; a bad filter is refused, naming it.
  app.get(
    '/resistance.csv',
    { config: { access: 'read' }, schema: { querystring: LogQuery.omit({ raised: true, after: true, before: true }) } },
    async (request, reply) => {
      const filters = request.query;
      if (!knownArea(resistance.choices(), filters.area)) throw ValidationError.field('area', 'must be one of the areas listed');
      const day = today();
      return sendCsv(
        reply,
        `uptake-resistance-${day}.csv`,
        csvChunks(signalColumns, signalPages(resistance, signalFilterOf(filters), day)),
      );
    },
  );

  app.post('/resistance', { config: { access: 'write' }, schema: { querystring: lenient(LogQuery) } }, async (request, reply) => {
    const { raised: _, after: __, before: ___, ...filters } = request.query.value;
    // The new signal's id is the form's key: the success line links to it.
    let signalId: string | undefined;
    return submitForm(request, reply, forms, {
      form: raiseForm,
      data: (values, key) => {
        signalId = key;
        return { ...values, signalId, source: 'observed' };
      },
      execute: (command, ctx) => raiseResistanceSignal(handlers, command, ctx),
      redirectTo: (key) => resistanceUrl({ ...filters, raised: key }),
      render: ({ state, fragment }) => renderLog(fragment, filters, {}, state === null ? { raised: signalId } : { raise: state }).html,
    });
  });

  const renderSignal = (fragment: boolean, signalId: string, input: SignalInput) =>
    views.render(fragment ? 'partials/signal' : 'pages/signal', signalView(signalPage(options, signalId), input));

  app.get(
    '/resistance/:signalId',
    { config: { access: 'read' }, schema: { params: SignalParams, querystring: SignalQuery } },
    async (request, reply) => {
      const { recorded } = request.query;
      return sendHtml(
        reply,
        renderSignal(false, request.params.signalId, { recorded: recorded === undefined ? undefined : recordedBy.get(recorded) }),
      );
    },
  );

  /** Runs one of the signal's forms and answers with the signal page (303) or its partial. */
  function submitSignalForm<C extends CommandDefinition, F extends Form<C>['fields']>(
    request: FastifyRequest,
    reply: FastifyReply,
    signalId: string,
    recorded: string,
    submission: Pick<Submission<C, F>, 'form' | 'data' | 'execute'>,
  ) {
    // A form posted for a signal nobody raised is a 404, not a rule broken on an empty stream.
    if (resistance.signal(signalId, today()) === null) throw new NotFoundError(`There is no resistance signal "${signalId}".`);
    const { form } = submission;
    return submitForm(request, reply, forms, {
      ...submission,
      redirectTo: `${signalPath(signalId)}?recorded=${recorded}`,
      render: ({ state, fragment }) =>
        renderSignal(fragment, signalId, state === null ? { recorded: form.recorded } : { answered: { formId: form.id, state } }),
    });
  }

  const [acknowledge, plan, escalate, resolve] = signalForms;

  app.post(
    '/resistance/:signalId/acknowledge',
    { config: { access: 'write' }, schema: { params: SignalParams } },
    async (request, reply) => {
      const { signalId } = request.params;
      return submitSignalForm(request, reply, signalId, acknowledge.action, {
        form: acknowledge.form,
        data: (values) => ({ ...values, signalId }),
        execute: (command, ctx, revision) => acknowledgeResistanceSignal(handlers, command, ctx, revision),
      });
    },
  );

  app.post('/resistance/:signalId/plan', { config: { access: 'write' }, schema: { params: SignalParams } }, async (request, reply) => {
    const { signalId } = request.params;
    return submitSignalForm(request, reply, signalId, plan.action, {
      form: plan.form,
      data: (values, key) => ({ ...values, signalId, interventionId: key }),
      execute: (command, ctx, revision) => planIntervention(handlers, command, ctx, revision),
    });
  });

  app.post('/resistance/:signalId/escalate', { config: { access: 'write' }, schema: { params: SignalParams } }, async (request, reply) => {
    const { signalId } = request.params;
    return submitSignalForm(request, reply, signalId, escalate.action, {
      form: escalate.form,
      data: (values) => ({ ...values, signalId }),
      execute: (command, ctx, revision) => escalateResistanceSignal(handlers, command, ctx, revision),
    });
  });

  app.post('/resistance/:signalId/resolve', { config: { access: 'write' }, schema: { params: SignalParams } }, async (request, reply) => {
    const { signalId } = request.params;
    return submitSignalForm(request, reply, signalId, resolve.action, {
      form: resolve.form,
      data: (values) => ({ ...values, signalId }),
      execute: (command, ctx, revision) => resolveResistanceSignal(handlers, command, ctx, revision),
    });
  });

  app.post(
    '/resistance/:signalId/interventions/:interventionId/complete',
    { config: { access: 'write' }, schema: { params: InterventionParams } },
    async (request, reply) => {
      const { signalId, interventionId } = request.params;
      return submitSignalForm(request, reply, signalId, 'complete', {
        form: completeFormOf(interventionId),
        data: (values) => ({ ...values, signalId, interventionId }),
        execute: (command, ctx, revision) => completeIntervention(handlers, command, ctx, revision),
      });
    },
  );

  app.post(
    '/resistance/:signalId/interventions/:interventionId/cancel',
    { config: { access: 'write' }, schema: { params: InterventionParams } },
    async (request, reply) => {
      const { signalId, interventionId } = request.params;
      return submitSignalForm(request, reply, signalId, 'cancel', {
        form: cancelFormOf(interventionId),
        data: (values) => ({ ...values, signalId, interventionId }),
        execute: (command, ctx, revision) => cancelIntervention(handlers, command, ctx, revision),
      });
    },
  );
};

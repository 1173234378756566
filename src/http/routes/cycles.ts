import { randomUUID } from 'node:crypto';
import type { FastifyPluginAsync } from 'fastify';
import { z } from 'zod';
import type { CycleSummary } from '../../../projections/heatmap/types.ts';
import { daysBetween, formatDate } from '../../adoption/calendar.ts';
import { nextCycle } from '../../cycle/next.ts';
import { closeCycle, openCycle } from '../../cycle/handlers.ts';
import type { HandlerDeps } from '../../shared/directory.ts';
import { CloseCycle, OpenCycle } from '../../cycle/commands.ts';
import { NotFoundError } from '../../shared/errors.ts';
import { Id } from '../../shared/event.ts';
import { streamName } from '../../shared/streams.ts';
import { asCommand, formView, REVISION, submitForm, type FormSpec, type FormState } from '../forms.ts';
import { optional, parseQuery } from '../query.ts';
import { sendHtml } from '../views.ts';
import type { ReadRouteOptions } from './selection.ts';

export interface CycleRouteOptions extends ReadRouteOptions {
  application: HandlerDeps;
  waitFor: (position: bigint) => Promise<boolean>;
  now: () => Date;
}

const openForm: FormSpec = {
  id: 'open-cycle',
  schema: OpenCycle.schema,
  title: 'Open a cycle',
  submit: 'Open cycle',
  recorded: 'Cycle opened.',
  fields: [
    { name: 'name', label: 'Name', kind: 'text', hint: 'e.g. 2027-Q1' },
    { name: 'startsOn', label: 'Starts on', kind: 'date' },
    { name: 'endsOn', label: 'Ends on', kind: 'date' },
    { name: 'checkInCadenceDays', label: 'Check-in every', kind: 'integer', hint: 'Days between check-ins, 1–42' },
  ],
};

const closeForm: FormSpec = {
  id: 'close-cycle',
  schema: CloseCycle.schema,
  title: 'Close',
  submit: 'Close cycle',
  recorded: 'Cycle closed.',
  fields: [{ name: 'closedOn', label: 'Closed on', kind: 'date' }],
  revisioned: true,
};

/** One close form per open cycle, each with its own id (and so its own element ids). */
const closeFormFor = (cycle: CycleSummary): FormSpec => ({ ...closeForm, id: `close-${cycle.cycleId}`, title: `Close ${cycle.name}` });

const CyclesQuery = z.object({ recorded: optional(z.enum([openForm.id, closeForm.id])) });
const CycleParams = z.object({ cycleId: Id });

const days = (n: number) => `${n} ${n === 1 ? 'day' : 'days'}`;

/** Where a cycle stands today, in words, and the tone of its label. */
function standing(cycle: CycleSummary, today: string): { state: 'open' | 'closed' | 'overdue'; label: string; note: string } {
  if (cycle.closedOn !== null) return { state: 'closed', label: 'Closed', note: `on ${formatDate(cycle.closedOn)}` };
  if (today < cycle.startsOn) return { state: 'open', label: 'Open', note: `starts in ${days(daysBetween(today, cycle.startsOn))}` };
  const left = daysBetween(today, cycle.endsOn);
  if (left < 0) return { state: 'overdue', label: 'Open', note: `ended ${days(-left)} ago: close it` };
  return { state: 'open', label: 'Open', note: left === 0 ? 'ends today' : `${days(left)} left` };
}

interface CyclesPage {
  /** Newest first. */
  cycles: CycleSummary[];
  /** Each open cycle's stream revision: what its close form carries. */
  revisions: Map<string, number>;
  today: string;
}

function cyclesView(page: CyclesPage, input: { answered?: { formId: string; state: FormState }; recorded?: string | undefined }) {
  const { today } = page;
  const stateOf = (form: FormSpec, defaults: () => FormState) => (input.answered?.formId === form.id ? input.answered.state : defaults());
  const suggested = nextCycle(page.cycles, today);
  const view = (form: FormSpec, action: string, state: FormState) => formView(form, { action, hxTarget: '#cycles', state, reloadHref: '/cycles' });
  return {
    title: 'Cycles',
    recorded: input.recorded ?? null,
    cycles: page.cycles.map((cycle) => {
      const form = closeFormFor(cycle);
      const revision = page.revisions.get(cycle.cycleId);
      // A closed cycle has no close form, unless it is the answer to one (closed meanwhile, say).
      const answered = input.answered?.formId === form.id;
      return {
        name: cycle.name,
        heatmapHref: `/heatmap?${new URLSearchParams({ cycle: cycle.cycleId }).toString()}`,
        range: `${formatDate(cycle.startsOn)} – ${formatDate(cycle.endsOn)}`,
        cadence: `every ${days(cycle.checkInCadenceDays)}`,
        ...standing(cycle, today),
        closeForm:
          cycle.closedOn === null || answered
            ? view(form, `/cycles/${encodeURIComponent(cycle.cycleId)}/close`, stateOf(form, () => ({ values: { closedOn: today, [REVISION]: String(revision ?? -1) }, issues: [] })))
            : null,
      };
    }),
    openForm: view(
      openForm,
      '/cycles',
      stateOf(openForm, () => ({ values: { ...suggested, checkInCadenceDays: String(suggested.checkInCadenceDays) }, issues: [] })),
    ),
  };
}

/**
 * The cycles page: every cycle with its dates, cadence and how far along it is, a form to open
 * the next one (suggested: the quarter after the latest) and, on each open cycle, a form to close
 * it that carries the cycle's revision. A POST comes back here (303), or, for htmx, gets
 * `partials/cycles` re-rendered in place.
 */
export const cycleRoutes: FastifyPluginAsync<CycleRouteOptions> = async (app, { queries, views, today, application, waitFor, now }) => {
  async function load(): Promise<CyclesPage> {
    const cycles = queries.cycles().toSorted((a, b) => b.startsOn.localeCompare(a.startsOn) || a.name.localeCompare(b.name));
    // Only open cycles have a close form; there are few of them at any time.
    const open = cycles.filter((c) => c.closedOn === null);
    const revisions = await Promise.all(open.map((c) => application.store.streamRevision(streamName('cycle', c.cycleId))));
    return { cycles, revisions: new Map(open.map((c, i) => [c.cycleId, revisions[i]!])), today: today() };
  }

  const render = async (fragment: boolean, input: Parameters<typeof cyclesView>[1]) =>
    views.render(fragment ? 'partials/cycles' : 'pages/cycles', cyclesView(await load(), input));

  app.get('/cycles', async (request, reply) => {
    const { recorded } = parseQuery(CyclesQuery, request.query);
    return sendHtml(reply, await render(false, { recorded: [openForm, closeForm].find((f) => f.id === recorded)?.recorded }));
  });

  const formDeps = { store: application.store, waitFor, now };

  app.post('/cycles', async (request, reply) => {
    const cycleId = randomUUID();
    return submitForm(request, reply, formDeps, {
      spec: openForm,
      execute: (data, ctx) => openCycle(application, asCommand(OpenCycle, { ...data, cycleId }), ctx),
      redirectTo: `/cycles?recorded=${openForm.id}`,
      render: ({ state, fragment }) => render(fragment, state === null ? { recorded: openForm.recorded } : { answered: { formId: openForm.id, state } }),
    });
  });

  app.post('/cycles/:cycleId/close', async (request, reply) => {
    const { cycleId } = parseQuery(CycleParams, request.params);
    const cycle = queries.cycles().find((c) => c.cycleId === cycleId);
    if (cycle === undefined) throw new NotFoundError(`There is no cycle "${cycleId}".`);
    const spec = closeFormFor(cycle);
    return submitForm(request, reply, formDeps, {
      spec,
      execute: (data, ctx, revision) => closeCycle(application, asCommand(CloseCycle, { ...data, cycleId }), ctx, revision),
      redirectTo: `/cycles?recorded=${closeForm.id}`,
      render: ({ state, fragment }) => render(fragment, state === null ? { recorded: closeForm.recorded } : { answered: { formId: spec.id, state } }),
    });
  });
};

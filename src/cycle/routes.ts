import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { HeatmapQueries } from '../../projections/heatmap/types.ts';
import { closeCycle, openCycle } from './handlers.ts';
import { submitForm } from '../http/forms.ts';
import { optional } from '../http/query.ts';
import { sendHtml } from '../http/views.ts';
import type { WebDeps } from '../http/webDeps.ts';
import { NotFoundError } from '../shared/errors.ts';
import { Id } from '../shared/event.ts';
import { streamName } from '../shared/streams.ts';
import { closeCycleForm, openCycleForm } from './forms.ts';
import { closeFormOf, cyclesView, type Answered } from './viewModels.ts';

export interface CycleRouteOptions extends WebDeps {
  queries: Pick<HeatmapQueries, 'cycles'>;
}

const recordedBy = new Map([openCycleForm, closeCycleForm].map((form) => [form.id, form.recorded]));
const CyclesQuery = z.object({ recorded: optional(z.enum([openCycleForm.id, closeCycleForm.id])) });
const CycleParams = z.object({ cycleId: Id });

/**
 * The cycles page: every cycle with its dates, cadence and how far along it is, a form to open
 * the next one (suggested: the quarter after the latest) and, on each open cycle, a form to close
 * it that carries the cycle's revision. A POST comes back here (303), or, for htmx, gets
 * `partials/cycles` re-rendered in place.
 */
export const cycleRoutes: FastifyPluginAsyncZod<CycleRouteOptions> = async (app, { queries, views, today, handlers, forms, revisions }) => {
  const render = (fragment: boolean, input: Answered) => {
    const cycles = queries.cycles().toSorted((a, b) => b.startsOn.localeCompare(a.startsOn) || a.name.localeCompare(b.name));
    const page = { cycles, revisionOf: (cycleId: string) => revisions.of(streamName('cycle', cycleId)), today: today() };
    return views.render(fragment ? 'partials/cycles' : 'pages/cycles', cyclesView(page, input));
  };

  app.get('/cycles', { config: { access: 'read' }, schema: { querystring: CyclesQuery } }, async (request, reply) =>
    sendHtml(reply, render(false, { recorded: request.query.recorded && recordedBy.get(request.query.recorded) })),
  );

  app.post('/cycles', { config: { access: 'admin' } }, async (request, reply) =>
    submitForm(request, reply, forms, {
      form: openCycleForm,
      data: (values, key) => ({ ...values, cycleId: key }),
      execute: (command, ctx) => openCycle(handlers, command, ctx),
      redirectTo: `/cycles?recorded=${openCycleForm.id}`,
      render: ({ state, fragment }) =>
        render(fragment, state === null ? { recorded: openCycleForm.recorded } : { answered: { formId: openCycleForm.id, state } }),
    }),
  );

  app.post('/cycles/:cycleId/close', { config: { access: 'admin' }, schema: { params: CycleParams } }, async (request, reply) => {
    const { cycleId } = request.params;
    const cycle = queries.cycles().find((c) => c.cycleId === cycleId);
    if (cycle === undefined) throw new NotFoundError(`There is no cycle "${cycleId}".`);
    const form = closeFormOf(cycle);
    return submitForm(request, reply, forms, {
      form,
      data: (values) => ({ ...values, cycleId }),
      execute: (command, ctx, revision) => closeCycle(handlers, command, ctx, revision),
      redirectTo: `/cycles?recorded=${closeCycleForm.id}`,
      render: ({ state, fragment }) =>
        render(fragment, state === null ? { recorded: closeCycleForm.recorded } : { answered: { formId: form.id, state } }),
    });
  });
};

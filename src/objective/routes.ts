import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { AlignmentQueries } from '../../projections/alignment/queries.ts';
import type { HeatmapQueries } from '../../projections/heatmap/types.ts';
import type { TimelineQueries } from '../../projections/timeline.ts';
import { submitForm, type Form } from '../http/forms.ts';
import { optional } from '../http/query.ts';
import { sendHtml } from '../http/views.ts';
import type { WebDeps } from '../http/webDeps.ts';
import { requireSelection } from '../overview/selection.ts';
import type { CommandDefinition } from '../shared/command.ts';
import type { CommandContext } from '../shared/commandHandler.ts';
import { NotFoundError } from '../shared/errors.ts';
import { Id } from '../shared/event.ts';
import type { Names } from '../shared/names.ts';
import { streamName } from '../shared/streams.ts';
import {
  defineKeyResultForm,
  dropObjectiveForm,
  dropThemeForm,
  linkObjectiveForm,
  renameObjectiveForm,
  renameThemeForm,
  setAreaObjectiveForm,
  setTeamObjectiveForm,
  setThemeForm,
  unlinkObjectiveForm,
} from './forms.ts';
import {
  defineKeyResult,
  dropObjective,
  dropTheme,
  linkObjective,
  renameObjective,
  renameTheme,
  setObjective,
  setTheme,
  unlinkObjective,
} from './handlers.ts';
import {
  alignmentUrl,
  alignmentView,
  objectivePath,
  objectiveView,
  parentOptions,
  themePath,
  themeView,
  type Answered,
} from './viewModels.ts';

export interface AlignmentRouteOptions extends WebDeps {
  alignment: AlignmentQueries;
  queries: HeatmapQueries;
  timeline: TimelineQueries;
  names: Names;
}

const mapForms = [setThemeForm, setAreaObjectiveForm, setTeamObjectiveForm];
const objectiveForms = [renameObjectiveForm, linkObjectiveForm, unlinkObjectiveForm, defineKeyResultForm, dropObjectiveForm];
const recordedBy = new Map([...mapForms, ...objectiveForms].map((f) => [f.id, f.recorded]));
const Recorded = optional(z.enum([...recordedBy.keys()] as [string, ...string[]]));
const AlignmentQuery = z.object({ cycle: optional(Id), area: optional(Id), recorded: Recorded });
const ObjectiveParams = z.object({ objectiveId: Id });
const themeRecordedBy = new Map([renameThemeForm, dropThemeForm].map((f) => [f.id, f.recorded]));
const ThemeQuery = z.object({ recorded: optional(z.enum([...themeRecordedBy.keys()] as [string, ...string[]])) });
const ThemeParams = z.object({ themeId: Id });

/**
 * The alignment map (`/alignment`, per cycle, filtered by area): themes → area objectives → team
 * objectives, the orphans and what stands out, and the forms that set themes and objectives.
 * Each node opens its own page (`/objectives/:id`, `/themes/:id`): its key results, its events,
 * and the forms that rename, link, unlink, add a key result or drop it; a theme's page, the
 * objectives linked to it and, for admins, the forms that rename or drop it.
 */
export const alignmentRoutes: FastifyPluginAsyncZod<AlignmentRouteOptions> = async (app, options) => {
  const { alignment, queries, views, today, handlers, forms, revisions, timeline, names } = options;

  const renderMap = (
    fragment: boolean,
    query: { cycle?: string | undefined; area?: string | undefined },
    mayDefineStrategy: boolean,
    input: Answered,
  ) => {
    const { cycle } = requireSelection(queries, today, { cycle: query.cycle });
    const page = {
      cycle,
      cycles: queries.cycles(),
      areaId: query.area ?? null,
      themes: alignment.themes(),
      objectives: alignment.objectives(),
      areas: alignment.areas(),
      teams: alignment.teams(),
      mayDefineStrategy,
    };
    return views.render(fragment ? 'partials/alignment' : 'pages/alignment', alignmentView(page, input));
  };

  const renderObjective = (fragment: boolean, objectiveId: string, input: Answered) => {
    const objective = alignment.objective(objectiveId);
    if (objective === null) throw new NotFoundError(`There is no objective "${objectiveId}".`);
    const themes = alignment.themes();
    const objectives = alignment.objectives();
    const cycles = queries.cycles();
    const areas = alignment.areas();
    const parentTheme = objective.parentKind === 'theme' ? themes.find((t) => t.themeId === objective.parentId) : undefined;
    const parentObjective = objective.parentKind === 'objective' ? objectives.find((o) => o.objectiveId === objective.parentId) : undefined;
    const parent = parentTheme
      ? {
          title: `Theme: ${parentTheme.title}${parentTheme.dropped ? ' (dropped: the chain reaches no theme)' : ''}`,
          href: themePath(parentTheme.themeId),
        }
      : parentObjective
        ? { title: parentObjective.title, href: objectivePath(parentObjective.objectiveId) }
        : null;
    const page = {
      objective,
      parent,
      options: parentOptions(objective, { themes, objectives, cycles, areas }),
      cycle: cycles.find((c) => c.cycleId === objective.cycleId) ?? null,
      areaName: areas.find((a) => a.areaId === objective.areaId)?.name ?? objective.areaId,
      revision: revisions.of(streamName('objective', objectiveId)),
      history: timeline.atPositions(alignment.history(objectiveId)),
      names,
    };
    return views.render(fragment ? 'partials/objective' : 'pages/objective', objectiveView(page, input));
  };

  app.get('/alignment', { config: { access: 'read' }, schema: { querystring: AlignmentQuery } }, async (request, reply) => {
    const { recorded } = request.query;
    return sendHtml(
      reply,
      renderMap(false, request.query, request.viewer?.role === 'admin', { recorded: recorded && recordedBy.get(recorded) }),
    );
  });

  function postToMap<C extends CommandDefinition, F extends Form<C>['fields']>(
    path: string,
    access: 'admin' | 'write',
    form: Form<C, F>,
    execute: (command: never, ctx: CommandContext) => Promise<{ position: bigint }>,
    data: (values: Record<string, unknown>, key: string) => Record<string, unknown>,
  ) {
    app.post(
      path,
      { config: { access }, schema: { querystring: AlignmentQuery.pick({ cycle: true, area: true }) } },
      async (request, reply) =>
        submitForm(request, reply, forms, {
          form,
          data,
          execute: (command, ctx) => execute(command as never, ctx),
          redirectTo: alignmentUrl({ ...request.query, recorded: form.id }),
          render: ({ state, fragment }) =>
            renderMap(
              fragment,
              request.query,
              request.viewer?.role === 'admin',
              state === null ? { recorded: form.recorded } : { answered: { formId: form.id, state } },
            ),
        }),
    );
  }

  postToMap(
    '/alignment/themes',
    'admin',
    setThemeForm,
    (command, ctx) => setTheme(handlers, command, ctx),
    (values, key) => ({ ...values, themeId: key }),
  );
  postToMap(
    '/alignment/objectives',
    'write',
    setAreaObjectiveForm,
    (command, ctx) => setObjective(handlers, command, ctx),
    (values, key) => ({
      ...values,
      objectiveId: key,
    }),
  );
  postToMap(
    '/alignment/team-objectives',
    'write',
    setTeamObjectiveForm,
    (command, ctx) => setObjective(handlers, command, ctx),
    (values, key) => ({
      ...values,
      objectiveId: key,
    }),
  );

  app.get(
    '/objectives/:objectiveId',
    { config: { access: 'read' }, schema: { params: ObjectiveParams, querystring: AlignmentQuery.pick({ recorded: true }) } },
    async (request, reply) => {
      const { recorded } = request.query;
      return sendHtml(reply, renderObjective(false, request.params.objectiveId, { recorded: recorded && recordedBy.get(recorded) }));
    },
  );

  function postToObjective<C extends CommandDefinition, F extends Form<C>['fields']>(
    form: Form<C, F>,
    execute: (command: never, ctx: CommandContext, revision: number | undefined) => Promise<{ position: bigint }>,
    data: (objectiveId: string, values: Record<string, unknown>, key: string) => Record<string, unknown> = (objectiveId, values) => ({
      ...values,
      objectiveId,
    }),
  ) {
    app.post(
      `/objectives/:objectiveId/${form.id}`,
      { config: { access: 'write' }, schema: { params: ObjectiveParams } },
      async (request, reply) => {
        const { objectiveId } = request.params;
        return submitForm(request, reply, forms, {
          form,
          data: (values, key) => data(objectiveId, values as Record<string, unknown>, key),
          execute: (command, ctx, revision) => execute(command as never, ctx, revision),
          redirectTo: `${objectivePath(objectiveId)}?recorded=${form.id}`,
          render: ({ state, fragment }) =>
            renderObjective(fragment, objectiveId, state === null ? { recorded: form.recorded } : { answered: { formId: form.id, state } }),
        });
      },
    );
  }

  postToObjective(renameObjectiveForm, (command, ctx, revision) => renameObjective(handlers, command, ctx, revision));
  // The parent's kind is the chosen id's: a theme's if a theme has it.
  postToObjective(
    linkObjectiveForm,
    (command, ctx, revision) => linkObjective(handlers, command, ctx, revision),
    (objectiveId, values) => ({
      ...values,
      objectiveId,
      parentKind: typeof values.parentId === 'string' && alignment.theme(values.parentId) !== null ? 'theme' : 'objective',
    }),
  );
  postToObjective(unlinkObjectiveForm, (command, ctx, revision) => unlinkObjective(handlers, command, ctx, revision));
  postToObjective(
    defineKeyResultForm,
    (command, ctx) => defineKeyResult(handlers, command, ctx),
    (objectiveId, values, key) => ({
      ...values,
      objectiveId,
      keyResultId: key,
    }),
  );
  postToObjective(dropObjectiveForm, (command, ctx, revision) => dropObjective(handlers, command, ctx, revision));

  const renderTheme = (fragment: boolean, themeId: string, mayDefineStrategy: boolean, input: Answered) => {
    const theme = alignment.theme(themeId);
    if (theme === null) throw new NotFoundError(`There is no strategic theme "${themeId}".`);
    const page = {
      theme,
      served: alignment.objectives().filter((o) => o.parentKind === 'theme' && o.parentId === themeId),
      areas: alignment.areas(),
      revision: revisions.of(streamName('theme', themeId)),
      history: timeline.atPositions(alignment.history(themeId)),
      names,
      mayDefineStrategy,
    };
    return views.render(fragment ? 'partials/theme' : 'pages/theme', themeView(page, input));
  };

  app.get(
    '/themes/:themeId',
    { config: { access: 'read' }, schema: { params: ThemeParams, querystring: ThemeQuery } },
    async (request, reply) => {
      const { recorded } = request.query;
      return sendHtml(
        reply,
        renderTheme(false, request.params.themeId, request.viewer?.role === 'admin', {
          recorded: recorded && themeRecordedBy.get(recorded),
        }),
      );
    },
  );

  /** Themes are the organisation's: only an admin renames or drops one. */
  function postToTheme<C extends CommandDefinition, F extends Form<C>['fields']>(
    form: Form<C, F>,
    execute: (command: never, ctx: CommandContext, revision: number | undefined) => Promise<{ position: bigint }>,
  ) {
    app.post(`/themes/:themeId/${form.id}`, { config: { access: 'admin' }, schema: { params: ThemeParams } }, async (request, reply) => {
      const { themeId } = request.params;
      return submitForm(request, reply, forms, {
        form,
        data: (values) => ({ ...(values as Record<string, unknown>), themeId }),
        execute: (command, ctx, revision) => execute(command as never, ctx, revision),
        redirectTo: `${themePath(themeId)}?recorded=${form.id}`,
        render: ({ state, fragment }) =>
          renderTheme(fragment, themeId, true, state === null ? { recorded: form.recorded } : { answered: { formId: form.id, state } }),
      });
    });
  }

  postToTheme(renameThemeForm, (command, ctx, revision) => renameTheme(handlers, command, ctx, revision));
  postToTheme(dropThemeForm, (command, ctx, revision) => dropTheme(handlers, command, ctx, revision));
};

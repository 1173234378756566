import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import {
  stakeholderSorts,
  UNASSESSED,
  type Paging,
  type StakeholderFilter,
  type StakeholderQueries,
  type StakeholderRow,
} from '../../projections/stakeholders/queries.ts';
import { addDays } from '../adoption/calendar.ts';
import { sendCsv } from '../http/download.ts';
import { submitForm, type Form } from '../http/forms.ts';
import { fromCategories, livePage } from '../http/live.ts';
import { lenient, messagesByField, optional } from '../http/query.ts';
import { stakeholderPath } from '../http/urls.ts';
import { sendHtml, wantsFragment } from '../http/views.ts';
import type { WebDeps } from '../http/webDeps.ts';
import type { CommandDefinition, CommandOf } from '../shared/command.ts';
import type { CommandContext, HandleResult } from '../shared/commandHandler.ts';
import { csvChunks } from '../shared/csv.ts';
import { NotFoundError, ValidationError } from '../shared/errors.ts';
import { Id, type Actor, type RecordedEvent } from '../shared/event.ts';
import { streamName } from '../shared/streams.ts';
import type { StakeholderState } from './decider.ts';
import { AdkarStage, Attitude } from './events.ts';
import { stakeholderColumns, stakeholderPages, withHealth } from './export.ts';
import {
  assessAttitudeForm,
  assessAdkarStageForm,
  identifyStakeholderForm,
  logEngagementForm,
  mapStakeholderForm,
  setDesiredAttitudeForm,
  stakeholderPageForms,
} from './forms.ts';
import { assessAdkarStage, assessAttitude, identifyStakeholder, logEngagement, mapStakeholder, setDesiredAttitude } from './handlers.ts';
import { adkarLabels, attitudes } from './vocabulary.ts';
import { quietBefore } from './model.ts';
import {
  AROUND_DAYS,
  DEFAULT_MOVEMENT_DAYS,
  detailView,
  GRID_PER_CELL,
  healthSince,
  listView,
  MOVEMENT_ARROWS,
  movementDays,
  movementPageView,
  MOVES_SHOWN,
  PAGE_SIZE,
  stakeholdersUrl,
  type Answered,
  type Filters,
  type ListPage,
  type MovementPage,
} from './viewModels.ts';

export interface StakeholderRouteOptions extends WebDeps {
  stakeholders: StakeholderQueries;
}

const oneOf = (values: readonly string[]) => ({ error: `must be one of ${values.join(', ')}` });

const ListQuery = z.object({
  q: optional(z.string().trim().max(80, 'must be at most 80 characters')),
  area: optional(Id),
  attitude: optional(z.enum([...Attitude.options, UNASSESSED], oneOf([...Attitude.options, UNASSESSED]))),
  adkar: optional(z.enum([...AdkarStage.options, UNASSESSED], oneOf([...AdkarStage.options, UNASSESSED]))),
  weeks: optional(
    z.coerce
      .number({ error: 'must be a number from 1 to 52' })
      .int('must be a whole number')
      .min(1, 'must be at least 1')
      .max(52, 'must be at most 52'),
  ),
  sort: optional(z.enum(stakeholderSorts, oneOf(stakeholderSorts))),
  days: optional(
    z.coerce
      .number({ error: oneOf(movementDays.map(String)).error })
      .refine((n): n is (typeof movementDays)[number] => (movementDays as readonly number[]).includes(n), oneOf(movementDays.map(String))),
  ),
  /** Keyset paging: the page right after, or right before, this stakeholder in the list's order. */
  after: optional(Id),
  before: optional(Id),
  /** Set after identifying someone without JavaScript: the page says so. */
  identified: optional(Id),
});
const ListQuerystring = lenient(ListQuery);
const PAGED_FROM_RULE = "must be a stakeholder, as the list's Previous and Next links give";

const StakeholderParams = z.object({ stakeholderId: Id });
const formIds = stakeholderPageForms.map((form) => form.id) as [string, ...string[]];
const DetailQuery = z.object({ recorded: optional(z.enum(formIds)) });
const recordedBy = new Map<string, string>(stakeholderPageForms.map((form) => [form.id, form.recorded]));

/** Why an assessment that repeats the current one is refused, named by the field to change. */
const unchanged = {
  attitude: (s: Current) =>
    `is already ${(s.attitude === null ? 'not assessed' : attitudes[s.attitude].label).toLowerCase()}: choose another, or log an engagement to note what you saw`,
  stage: (s: Current) =>
    `is already ${(s.adkarStage === null ? 'not assessed' : adkarLabels[s.adkarStage]).toLowerCase()}: choose another, or log an engagement to note what you saw`,
  influence: (s: Current) => `and interest are already ${s.influence} and ${s.interest}: change one to re-map`,
  desired: (s: Current) =>
    `is already ${s.desiredAttitude === null ? 'not set' : attitudes[s.desiredAttitude].label.toLowerCase()}: choose another aim`,
};
/** The field each refusal is shown beside: the desired attitude form's field is `attitude` too. */
const unchangedField: Record<keyof typeof unchanged, string> = {
  attitude: 'attitude',
  stage: 'stage',
  influence: 'influence',
  desired: 'attitude',
};
type Current = Extract<StakeholderState, { status: 'Identified' }>;

/** The decider records nothing for an assessment that repeats the current one: say so rather than "recorded". */
async function changing(field: keyof typeof unchanged, result: Promise<HandleResult<StakeholderState>>) {
  const { events, state, position } = await result;
  if (events.length === 0 && state.status === 'Identified') throw ValidationError.field(unchangedField[field], unchanged[field](state));
  return { position };
}

/** What the list's filters ask of the read model on `day`: "not engaged for N weeks" counts back from it. */
const stakeholderFilterOf = (filters: Filters, day: string): StakeholderFilter => ({
  search: filters.q,
  areaId: filters.area,
  attitude: filters.attitude,
  adkarStage: filters.adkar,
  notEngagedSince: filters.weeks === undefined ? undefined : addDays(day, -7 * filters.weeks),
  sort: filters.sort,
});

function requireRow(stakeholders: StakeholderQueries, stakeholderId: string): StakeholderRow {
  const row = stakeholders.stakeholder(stakeholderId);
  if (row === null) throw new NotFoundError(`There is no stakeholder "${stakeholderId}".`);
  return row;
}

function detailPage({ stakeholders, today, forms, revisions }: StakeholderRouteOptions, stakeholderId: string) {
  const row = requireRow(stakeholders, stakeholderId);
  const day = today();
  return {
    row,
    engaged: stakeholders.engagedSince(healthSince([row], day), day),
    engagements: stakeholders.engagements(stakeholderId),
    history: stakeholders.history(stakeholderId),
    coaches: stakeholders.coaches(row.areaId),
    revision: revisions.of(streamName('stakeholder', stakeholderId)),
    today: day,
    actorName: (actor: Actor) => forms.names.actor(actor),
  };
}

/**
 * A stakeholder's page updates live from the stakeholder's own stream (and coaches' and areas'
 * names): head, figures, engagement log and history; never its forms, which keep the revision
 * they were rendered with.
 */
export const stakeholderLive = (options: StakeholderRouteOptions) => {
  const affectedBy = (event: RecordedEvent, { stakeholderId }: { stakeholderId: string }) =>
    event.streamId === streamName('stakeholder', stakeholderId) || fromCategories('coach', 'area')(event);
  return livePage({
    path: /^\/stakeholders\/(?<stakeholderId>[^/]+)$/,
    params: StakeholderParams,
    load: ({ stakeholderId }) => detailView(detailPage(options, stakeholderId), {}),
    regions: [
      { id: 'stakeholder-head', partial: 'partials/stakeholderHead', affectedBy, view: (page) => page },
      { id: 'stakeholder-kpis', partial: 'partials/stakeholderKpis', affectedBy, view: (page) => page },
      { id: 'stakeholder-engagements', partial: 'partials/stakeholderEngagementLog', affectedBy, view: (page) => page },
      { id: 'stakeholder-history', partial: 'partials/stakeholderHistory', affectedBy, view: (page) => page },
    ],
  });
};

/**
 * The stakeholders: a filtered list and influence × interest grid (`/stakeholders`, where new
 * ones are identified) and one page per stakeholder with the engagement log, the history of
 * assessments and the forms that log and assess, all from the stakeholders read model. Every
 * form answers a plain POST with 303 back to its page and htmx with the page body re-rendered.
 */
export const stakeholderRoutes: FastifyPluginAsyncZod<StakeholderRouteOptions> = async (app, options) => {
  const { stakeholders, views, today, handlers, forms } = options;
  function listPage(
    filters: Filters,
    paging: Pick<Paging, 'after' | 'before'>,
    extra: Partial<Pick<ListPage, 'errors' | 'identify' | 'identified'>> = {},
  ): ListPage {
    const day = today();
    const filter = stakeholderFilterOf(filters, day);
    const counts = stakeholders.count(filter, quietBefore(day));
    const rows = stakeholders.list(filter, { limit: PAGE_SIZE, ...paging });
    const from = paging.after ?? paging.before;
    // Where the page starts, counted rather than carried in the link: the list may have changed since.
    const preceding = from === undefined ? 0 : rows[0] === undefined ? null : stakeholders.position(filter, rows[0].stakeholderId);
    const grid = stakeholders.grid(filter, GRID_PER_CELL);
    return {
      filters,
      preceding,
      from: from ?? null,
      rows,
      grid,
      engaged: stakeholders.engagedSince(healthSince([...rows, ...grid], day), day),
      counts,
      areas: stakeholders.areas(),
      hasAny: stakeholders.hasAny(),
      today: day,
      errors: extra.errors ?? {},
      identify: extra.identify ?? null,
      identified: extra.identified ?? null,
    };
  }
  /** Who moved over the period: on the grid as the filters choose them, in attitude or ADKAR stage within the area. */
  function movementPage(filters: Filters, errors: Record<string, string>): MovementPage {
    const day = today();
    const days = filters.days ?? DEFAULT_MOVEMENT_DAYS;
    const since = addDays(day, 1 - days);
    const moves = stakeholders.biggestMovesBetween(since, day, MOVES_SHOWN, filters.area).map((move) => ({
      move,
      engagements: stakeholders.engagementsBetween(
        move.stakeholderId,
        addDays(move.firstOn, -AROUND_DAYS),
        addDays(move.lastOn, AROUND_DAYS),
      ),
    }));
    return { filters, days, movement: stakeholders.gridMoves(stakeholderFilterOf(filters, day), since, MOVEMENT_ARROWS), moves, errors };
  }

  const renderList = (fragment: boolean, page: ListPage) =>
    views.render(fragment ? 'partials/stakeholders' : 'pages/stakeholders', listView(page));

  app.get('/stakeholders', { config: { access: 'read' }, schema: { querystring: ListQuerystring } }, async (request, reply) => {
    const { value, issues } = request.query;
    const { identified, after, before, ...filters } = value;
    // A stakeholder no longer there (or never) is no place to page from: the first page, saying so.
    const unknown = Object.entries({ after, before }).flatMap(([field, id]) =>
      id === undefined || stakeholders.stakeholder(id) !== null ? [] : [{ field, message: `"${id}" ${PAGED_FROM_RULE}` }],
    );
    const known = unknown.length > 0 ? {} : { after, before };
    const page = listPage(filters, known, {
      errors: messagesByField([...issues, ...unknown]),
      identified: identified === undefined ? null : stakeholders.stakeholder(identified),
    });
    return sendHtml(reply, renderList(wantsFragment(request), page), issues.length + unknown.length > 0 ? 422 : 200);
  });

  app.get(
    '/stakeholders/movement',
    { config: { access: 'read' }, schema: { querystring: lenient(ListQuery.omit({ after: true, before: true, identified: true })) } },
    async (request, reply) => {
      const { value, issues } = request.query;
      const page = movementPage(value, messagesByField(issues));
      const view = movementPageView(page);
      const html = views.render(wantsFragment(request) ? 'partials/stakeholdersMovement' : 'pages/stakeholdersMovement', view);
      return sendHtml(reply, html, issues.length > 0 ? 422 : 200);
    },
  );

  // The list as the page filters and sorts it, every match rather than one page; a bad filter is refused, naming it.
  app.get(
    '/stakeholders.csv',
    { config: { access: 'read' }, schema: { querystring: ListQuery.omit({ after: true, before: true, identified: true }) } },
    async (request, reply) => {
      const day = today();
      const rows = withHealth(stakeholderPages(stakeholders, stakeholderFilterOf(request.query, day)), stakeholders, day);
      return sendCsv(reply, `uptake-stakeholders-${day}.csv`, csvChunks(stakeholderColumns, rows));
    },
  );

  app.post('/stakeholders', { config: { access: 'write' }, schema: { querystring: ListQuerystring } }, async (request, reply) => {
    const { identified: _, after: __, before: ___, ...filters } = request.query.value;
    return submitForm(request, reply, forms, {
      form: identifyStakeholderForm,
      data: (values, key) => ({ ...values, stakeholderId: key }),
      execute: (command, ctx) => identifyStakeholder(handlers, command, ctx),
      redirectTo: (key) => stakeholdersUrl({ ...filters, identified: key }),
      render: ({ state, fragment, key }) => {
        const answer = state === null ? { identified: key === undefined ? null : stakeholders.stakeholder(key) } : { identify: state };
        return renderList(fragment, listPage(filters, {}, answer));
      },
    });
  });

  const requireStakeholder = (stakeholderId: string) => requireRow(stakeholders, stakeholderId);

  const renderDetail = (fragment: boolean, stakeholderId: string, input: Answered) =>
    views.render(fragment ? 'partials/stakeholder' : 'pages/stakeholder', detailView(detailPage(options, stakeholderId), input));

  app.get(
    '/stakeholders/:stakeholderId',
    { config: { access: 'read' }, schema: { params: StakeholderParams, querystring: DetailQuery } },
    async (request, reply) => {
      const { recorded } = request.query;
      return sendHtml(reply, renderDetail(false, request.params.stakeholderId, { recorded: recorded && recordedBy.get(recorded) }));
    },
  );

  /** One POST route per form on the stakeholder page. */
  function formRoute<C extends CommandDefinition>(
    form: Form<C>,
    data: (values: Record<string, unknown>, key: string) => Record<string, unknown>,
    execute: (command: CommandOf<C>, ctx: CommandContext, expectedRevision: number | undefined) => Promise<{ position: bigint }>,
  ) {
    app.post(
      `/stakeholders/:stakeholderId/${form.id}`,
      { config: { access: 'write' }, schema: { params: StakeholderParams } },
      async (request, reply) => {
        const { stakeholderId } = request.params;
        requireStakeholder(stakeholderId);
        return submitForm(request, reply, forms, {
          form,
          data: (values, key) => ({ ...data(values, key), stakeholderId }),
          execute,
          redirectTo: `${stakeholderPath(stakeholderId)}?recorded=${form.id}`,
          render: ({ state, fragment }) =>
            renderDetail(fragment, stakeholderId, state === null ? { recorded: form.recorded } : { answered: { formId: form.id, state } }),
        });
      },
    );
  }

  formRoute(
    logEngagementForm,
    (values, key) => ({ ...values, engagementId: key }),
    (command, ctx) => logEngagement(handlers, command, ctx),
  );
  formRoute(
    assessAttitudeForm,
    (values) => values,
    (command, ctx) => changing('attitude', assessAttitude(handlers, command, ctx)),
  );
  formRoute(
    setDesiredAttitudeForm,
    (values) => values,
    (command, ctx) => changing('desired', setDesiredAttitude(handlers, command, ctx)),
  );
  formRoute(
    assessAdkarStageForm,
    (values) => values,
    (command, ctx) => changing('stage', assessAdkarStage(handlers, command, ctx)),
  );
  formRoute(
    mapStakeholderForm,
    (values) => values,
    (command, ctx, revision) => changing('influence', mapStakeholder(handlers, command, ctx, revision)),
  );
};

import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { AlignmentQueries } from '../../projections/alignment/queries.ts';
import type { HeatmapQueries } from '../../projections/heatmap/types.ts';
import type { ResistanceQueries } from '../../projections/resistance/queries.ts';
import type { StakeholderQueries } from '../../projections/stakeholders/queries.ts';
import type { TimelineQueries } from '../../projections/timeline.ts';
import { fromCategories, livePage } from '../http/live.ts';
import { submitForm, type Form, type Option, type Submission } from '../http/forms.ts';
import { optional } from '../http/query.ts';
import { requireSelection } from '../overview/selection.ts';
import { sendHtml } from '../http/views.ts';
import type { WebDeps } from '../http/webDeps.ts';
import type { CommandDefinition } from '../shared/command.ts';
import { NotFoundError } from '../shared/errors.ts';
import { Id, type RecordedEvent } from '../shared/event.ts';
import { streamName } from '../shared/streams.ts';
import {
  adoptionForms,
  checkInHeldForm,
  checkInMissedForm,
  cycleReviewForm,
  keyResultProgressForm,
  moveTeamForm,
  okrsDraftedForm,
  okrsPublishedForm,
  resizeTeamForm,
  retrospectiveForm,
  teamEditForms,
  trainingCompletedForm,
} from './forms.ts';
import { completeTraining, moveTeam, recordAdoption, resizeTeam } from './handlers.ts';
import { teamPageUrl, teamView, type Answered, type TeamPage } from './viewModels.ts';

export interface TeamRouteOptions extends WebDeps {
  queries: HeatmapQueries;
  alignment: Pick<AlignmentQueries, 'keyResultsOf'>;
  timeline: TimelineQueries;
  resistance: ResistanceQueries;
  stakeholders: StakeholderQueries;
}

/** How much of the team's history, signals and stakeholders its page shows; the rest is a link away. */
const RECENT = 10;

const teamForms = [...adoptionForms, ...teamEditForms];

const TeamParams = z.object({ teamId: Id });
/** The page shows one cycle as of today; `recorded` names the form a plain-HTML POST came back from. */
const TeamPageQuery = z.object({
  cycle: optional(Id),
  recorded: optional(z.enum(teamForms.map((form) => form.id) as [string, ...string[]])),
});
const FormQuery = TeamPageQuery.pick({ cycle: true });

/**
 * The team page: the team's scores in a cycle, and the forms that record its adoption and edit
 * it. Every form posts to `/teams/:teamId/<form>` and comes back to this page (303), or, for
 * htmx, gets `partials/team` (the whole page body) re-rendered in place: scores, stage and the
 * edit forms' revision all move with any write, so the page is answered whole, never half stale.
 */
function load(options: TeamRouteOptions, teamId: string, cycleId: string | undefined): TeamPage {
  const { queries, timeline, resistance, stakeholders, today, forms, revisions } = options;
  const { cycle, selection } = requireSelection(queries, today, { cycle: cycleId });
  const team = queries.team(teamId, selection.cycleId, selection.asOf);
  if (team === null) throw new NotFoundError(`There is no team "${teamId}".`);
  const areas = queries.heatmap(selection.cycleId, selection.asOf)?.areas ?? [];
  const signals = resistance.signals({ areaId: team.areaId, teamId, status: 'open' }, today());
  return {
    team,
    cycle,
    cycles: queries.cycles(),
    areas,
    selection,
    revision: revisions.of(streamName('team', teamId)),
    keyResults: keyResultsOf(options, teamId, selection.cycleId),
    history: timeline.page({ teamId }, RECENT),
    signals,
    stakeholders: stakeholders.list({ areaId: team.areaId }, { limit: RECENT }),
    stakeholderCount: stakeholders.count({ areaId: team.areaId }, today()).total,
    names: forms.names,
  };
}

/** The key results the team's objectives define for the cycle; a cycle from before objectives offers the references reported in it. */
function keyResultsOf({ alignment, queries }: TeamRouteOptions, teamId: string, cycleId: string): Option[] {
  const defined = alignment.keyResultsOf(teamId, cycleId);
  if (defined.length > 0) return defined.map((k) => ({ value: k.keyResultId, label: `${k.title} (${k.objective})` }));
  return queries.keyResults(teamId, cycleId).map((ref) => ({ value: ref, label: ref }));
}

/**
 * The team page updates live: its head, scores and check-in status, from its own stream, its
 * area's (the name), the cycles and the strategy (align). The forms are not live (see src/http/live.ts).
 */
export const teamLive = (options: TeamRouteOptions) => {
  const affectedBy = (event: RecordedEvent, { teamId }: { teamId: string }) =>
    // A link anywhere up a chain can move the team's align score.
    event.streamId === streamName('team', teamId) || fromCategories('area', 'cycle', 'theme', 'objective')(event);
  return livePage({
    path: /^\/teams\/(?<teamId>[^/]+)$/,
    params: FormQuery.extend({ teamId: Id }),
    load: ({ teamId, cycle }) => teamView(load(options, teamId, cycle), {}),
    regions: [
      { id: 'team-head', partial: 'partials/teamHead', affectedBy, view: (page) => page },
      { id: 'team-scores', partial: 'partials/teamScores', affectedBy, view: (page) => page },
      { id: 'team-check-in', partial: 'partials/teamCheckIn', affectedBy, view: (page) => page },
    ],
  });
};

export const teamRoutes: FastifyPluginAsyncZod<TeamRouteOptions> = async (app, options) => {
  const { views, handlers, forms } = options;
  const render = (fragment: boolean, teamId: string, cycleId: string | undefined, input: Answered) =>
    views.render(fragment ? 'partials/team' : 'pages/team', teamView(load(options, teamId, cycleId), input));

  app.get(
    '/teams/:teamId',
    { config: { access: 'read' }, schema: { params: TeamParams, querystring: TeamPageQuery } },
    async (request, reply) => {
      const { cycle, recorded } = request.query;
      return sendHtml(reply, render(false, request.params.teamId, cycle, { recordedBy: recorded }));
    },
  );

  /** One route per form: the team comes from the URL, the command from the form. */
  function post<C extends CommandDefinition, F extends Form<C>['fields']>(form: Form<C, F>, execute: Submission<C, F>['execute']) {
    app.post(
      `/teams/:teamId/${form.id}`,
      { config: { access: 'write' }, schema: { params: TeamParams, querystring: FormQuery } },
      async (request, reply) => {
        const { teamId } = request.params;
        const { cycle } = request.query;
        return submitForm(request, reply, forms, {
          form,
          data: (values) => ({ ...values, teamId }),
          execute,
          redirectTo: `${teamPageUrl(teamId, '', { cycle, recorded: form.id })}#${form.id}`,
          render: ({ state, fragment }) =>
            render(fragment, teamId, cycle, state === null ? { recordedBy: form.id } : { answered: { formId: form.id, state } }),
        });
      },
    );
  }

  // The eight adoption records that belong to a cycle are all decided with that cycle's state.
  post(checkInHeldForm, (command, ctx) => recordAdoption(handlers, command, ctx));
  post(checkInMissedForm, (command, ctx) => recordAdoption(handlers, command, ctx));
  post(okrsDraftedForm, (command, ctx) => recordAdoption(handlers, command, ctx));
  post(okrsPublishedForm, (command, ctx) => recordAdoption(handlers, command, ctx));
  post(keyResultProgressForm, (command, ctx) => recordAdoption(handlers, command, ctx));
  post(cycleReviewForm, (command, ctx) => recordAdoption(handlers, command, ctx));
  post(retrospectiveForm, (command, ctx) => recordAdoption(handlers, command, ctx));
  post(trainingCompletedForm, (command, ctx) => completeTraining(handlers, command, ctx));
  post(resizeTeamForm, (command, ctx, revision) => resizeTeam(handlers, command, ctx, revision));
  post(moveTeamForm, (command, ctx, revision) => moveTeam(handlers, command, ctx, revision));
};

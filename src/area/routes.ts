import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { OrgQueries } from '../../projections/org/queries.ts';
import { registerCoachForm } from '../coach/forms.ts';
import { registerCoach } from '../coach/handlers.ts';
import { submitForm, type Form, type FormState, type FormValues, type Submission } from '../http/forms.ts';
import { optional } from '../http/query.ts';
import { organisationUrl } from '../http/urls.ts';
import { sendHtml } from '../http/views.ts';
import type { WebDeps } from '../http/webDeps.ts';
import type { CommandDefinition } from '../shared/command.ts';
import { NotFoundError } from '../shared/errors.ts';
import { Id } from '../shared/event.ts';
import { streamName } from '../shared/streams.ts';
import { registerTeamForm } from '../team/forms.ts';
import { registerTeam } from '../team/handlers.ts';
import { areaForms, assignCoachForm, moveAreaForm, registerAreaForm, renameAreaForm, unassignCoachForm } from './forms.ts';
import { assignCoachToArea, moveArea, registerArea, renameArea, unassignCoachFromArea } from './handlers.ts';
import { organisationView, registerForms, TEAMS_LISTED, type Answered, type OrganisationPage } from './viewModels.ts';

export interface OrganisationRouteOptions extends WebDeps {
  org: OrgQueries;
}

const allForms = [...registerForms, ...areaForms];
const recordedBy = new Map(allForms.map((form) => [form.id, form.recorded]));

/** `area` is the one opened for managing; `recorded` names the form a plain-HTML POST came back from. */
const OrganisationQuery = z.object({
  area: optional(Id),
  recorded: optional(z.enum(allForms.map((form) => form.id) as [string, ...string[]])),
});
const RegisterQuery = OrganisationQuery.pick({ area: true });
const AreaParams = z.object({ areaId: Id });

/**
 * The organisation page: the area tree with team counts and coaches, the forms that register
 * areas, teams and coaches, and, for the area opened with `?area=`, the forms that rename, move
 * and staff it. Moving and resizing a team stay on the team page, linked from the opened area.
 * A POST comes back here (303) opened at the area it concerns, or, for htmx, gets
 * `partials/organisation` (the page body) re-rendered in place.
 */
export const organisationRoutes: FastifyPluginAsyncZod<OrganisationRouteOptions> = async (
  app,
  { org, views, handlers, forms, revisions },
) => {
  function load(openedId: string | undefined): OrganisationPage {
    const areas = org.areas();
    const coaches = org.coaches();
    const teams = org.firstTeams(TEAMS_LISTED);
    if (openedId === undefined) return { areas, coaches, teams, opened: null };
    const area = areas.find((a) => a.areaId === openedId);
    if (area === undefined) throw new NotFoundError(`There is no area "${openedId}".`);
    return { areas, coaches, teams, opened: { area, teams: org.teamsIn(openedId), revision: revisions.of(streamName('area', openedId)) } };
  }

  const render = (fragment: boolean, openedId: string | undefined, input: Answered) =>
    views.render(fragment ? 'partials/organisation' : 'pages/organisation', organisationView(load(openedId), input));

  const answered = (form: Form, state: FormState): Answered => ({ answered: { formId: form.id, state } });

  app.get('/organisation', { config: { access: 'read' }, schema: { querystring: OrganisationQuery } }, async (request, reply) => {
    const { area, recorded } = request.query;
    return sendHtml(reply, render(false, area, { recorded: recorded && recordedBy.get(recorded) }));
  });

  /**
   * A form that registers something; the key becomes its id. After a success the page opens at
   * the area the new thing concerns (`opens`, from the command as recorded).
   */
  function register<C extends CommandDefinition, F extends Form<C>['fields']>(
    form: Form<C, F>,
    submission: Pick<Submission<C, F>, 'data' | 'execute'> & { opens: (values: FormValues<F>, key: string) => string | undefined },
  ) {
    app.post(
      `/organisation/${form.id}`,
      { config: { access: 'write' }, schema: { querystring: RegisterQuery } },
      async (request, reply) => {
        const openedId = request.query.area;
        let opens: string | undefined;
        return submitForm(request, reply, forms, {
          form,
          execute: submission.execute,
          data: (values, key) => {
            opens = submission.opens(values, key);
            return submission.data(values, key);
          },
          // Called only after a success: `opens` is then what was recorded.
          redirectTo: () => organisationUrl({ area: opens, recorded: form.id }),
          render: ({ state, fragment }) =>
            render(fragment, state === null ? opens : openedId, state === null ? { recorded: form.recorded } : answered(form, state)),
        });
      },
    );
  }

  register(registerAreaForm, {
    data: (values, key) => ({ ...values, areaId: key }),
    execute: (command, ctx) => registerArea(handlers, command, ctx),
    opens: (_values, key) => key,
  });
  register(registerTeamForm, {
    data: (values, key) => ({ ...values, teamId: key }),
    execute: (command, ctx) => registerTeam(handlers, command, ctx),
    opens: (values) => values.areaId,
  });
  register(registerCoachForm, {
    data: (values, key) => ({ ...values, coachId: key }),
    execute: (command, ctx) => registerCoach(handlers, command, ctx),
    opens: () => undefined,
  });

  /** A form that changes one area, named in the URL. */
  function change<C extends CommandDefinition, F extends Form<C>['fields']>(form: Form<C, F>, execute: Submission<C, F>['execute']) {
    app.post(
      `/organisation/areas/:areaId/${form.id}`,
      { config: { access: 'write' }, schema: { params: AreaParams } },
      async (request, reply) => {
        const { areaId } = request.params;
        return submitForm(request, reply, forms, {
          form,
          data: (values) => ({ ...values, areaId }),
          execute,
          redirectTo: organisationUrl({ area: areaId, recorded: form.id }),
          render: ({ state, fragment }) => render(fragment, areaId, state === null ? { recorded: form.recorded } : answered(form, state)),
        });
      },
    );
  }

  change(renameAreaForm, (command, ctx, revision) => renameArea(handlers, command, ctx, revision));
  change(moveAreaForm, (command, ctx, revision) => moveArea(handlers, command, ctx, revision));
  change(assignCoachForm, (command, ctx) => assignCoachToArea(handlers, command, ctx));
  change(unassignCoachForm, (command, ctx) => unassignCoachFromArea(handlers, command, ctx));
};

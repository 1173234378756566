import { randomUUID } from 'node:crypto';
import type { FastifyPluginAsync } from 'fastify';
import { z } from 'zod';
import type { OrgArea, OrgCoach, OrgQueries, OrgTeam } from '../../../projections/org/queries.ts';
import { AssignCoachToArea, MoveArea, RegisterArea, RenameArea, UnassignCoachFromArea } from '../../area/commands.ts';
import { assignCoachToArea, moveArea, registerArea, renameArea, unassignCoachFromArea } from '../../area/handlers.ts';
import { registerCoach } from '../../coach/handlers.ts';
import type { HandlerDeps } from '../../shared/directory.ts';
import { registerTeam } from '../../team/handlers.ts';
import { RegisterCoach } from '../../coach/commands.ts';
import type { CommandContext } from '../../shared/commandHandler.ts';
import { NotFoundError } from '../../shared/errors.ts';
import { Id } from '../../shared/event.ts';
import { streamName } from '../../shared/streams.ts';
import { RegisterTeam } from '../../team/commands.ts';
import { asCommand, formView, REVISION, submitForm, type FormSpec, type FormState, type Option } from '../legacyForms.ts';
import { optional, parseQuery } from '../query.ts';
import { areaPath, teamPath } from '../urls.ts';
import { sendHtml, type Views } from '../views.ts';

export interface OrganisationRouteOptions {
  org: OrgQueries;
  views: Views;
  application: HandlerDeps;
  waitFor: (position: bigint) => Promise<boolean>;
  now: () => Date;
}

/** Form fields as a command; the command handler validates them against the command's schema. */
type Execute = (deps: HandlerDeps, data: Record<string, unknown>, ctx: CommandContext, expectedRevision?: number) => Promise<{ position: bigint }>;

/** An empty parent select means the top level, which the commands spell `null`. */
const withParent = (data: Record<string, unknown>) => ({ parentAreaId: null, ...data });

const parentField = { name: 'parentAreaId', label: 'Parent area', kind: 'select', optional: true, hint: 'Leave at “Top level” for an area of its own' } as const;

/**
 * The forms that add to the organisation. Each names the id field the route generates for the
 * new thing, and which area the page shows opened afterwards.
 */
const registerForms: readonly (FormSpec & { creates: string; execute: Execute; opens: (data: Record<string, unknown>) => string | undefined })[] = [
  {
    id: 'register-area',
    schema: RegisterArea.schema,
    title: 'Register an area',
    submit: 'Register area',
    recorded: 'Area registered.',
    fields: [
      { name: 'code', label: 'Code', kind: 'text', hint: 'Upper-case letters and digits, e.g. SALES' },
      { name: 'name', label: 'Name', kind: 'text' },
      parentField,
    ],
    creates: 'areaId',
    execute: (deps, data, ctx) => registerArea(deps, asCommand(RegisterArea, withParent(data)), ctx),
    opens: (data) => (typeof data.areaId === 'string' ? data.areaId : undefined),
  },
  {
    id: 'register-team',
    schema: RegisterTeam.schema,
    title: 'Register a team',
    submit: 'Register team',
    recorded: 'Team registered.',
    fields: [
      { name: 'key', label: 'Key', kind: 'text', hint: 'Upper-case, starting with a letter, e.g. PAY' },
      { name: 'name', label: 'Name', kind: 'text' },
      { name: 'areaId', label: 'Area', kind: 'select' },
      { name: 'size', label: 'People', kind: 'integer' },
    ],
    creates: 'teamId',
    execute: (deps, data, ctx) => registerTeam(deps, asCommand(RegisterTeam, data), ctx),
    opens: (data) => (typeof data.areaId === 'string' ? data.areaId : undefined),
  },
  {
    id: 'register-coach',
    schema: RegisterCoach.schema,
    title: 'Register a coach',
    submit: 'Register coach',
    recorded: 'Coach registered.',
    fields: [
      { name: 'name', label: 'Name', kind: 'text' },
      { name: 'email', label: 'Email', kind: 'text' },
    ],
    creates: 'coachId',
    execute: (deps, data, ctx) => registerCoach(deps, asCommand(RegisterCoach, data), ctx),
    opens: () => undefined,
  },
];

/** The forms that change one area; the route adds its `areaId`. */
const areaForms: readonly (FormSpec & { execute: Execute })[] = [
  {
    id: 'rename-area',
    schema: RenameArea.schema,
    title: 'Rename',
    submit: 'Rename',
    recorded: 'Area renamed.',
    fields: [{ name: 'name', label: 'Name', kind: 'text' }],
    revisioned: true,
    execute: (deps, data, ctx, revision) => renameArea(deps, asCommand(RenameArea, data), ctx, revision),
  },
  {
    id: 'move-area',
    schema: MoveArea.schema,
    title: 'Move',
    submit: 'Move',
    recorded: 'Area moved.',
    fields: [parentField],
    revisioned: true,
    execute: (deps, data, ctx, revision) => moveArea(deps, asCommand(MoveArea, withParent(data)), ctx, revision),
  },
  {
    id: 'assign-coach',
    schema: AssignCoachToArea.schema,
    title: 'Assign a coach',
    submit: 'Assign',
    recorded: 'Coach assigned.',
    fields: [{ name: 'coachId', label: 'Coach', kind: 'select' }],
    execute: (deps, data, ctx) => assignCoachToArea(deps, asCommand(AssignCoachToArea, data), ctx),
  },
  {
    id: 'unassign-coach',
    schema: UnassignCoachFromArea.schema,
    title: 'Unassign a coach',
    submit: 'Unassign',
    recorded: 'Coach unassigned.',
    fields: [{ name: 'coachId', label: 'Coach', kind: 'select' }],
    execute: (deps, data, ctx) => unassignCoachFromArea(deps, asCommand(UnassignCoachFromArea, data), ctx),
  },
];

const allForms: readonly FormSpec[] = [...registerForms, ...areaForms];
const formIds = allForms.map((f) => f.id) as [string, ...string[]];
const registerFormsById = new Map(registerForms.map((f) => [f.id, f]));
const areaFormsById = new Map(areaForms.map((f) => [f.id, f]));

/** `recorded` names the form a plain-HTML POST came back from; `area` is the one opened for managing. */
const OrganisationQuery = z.object({ area: optional(Id), recorded: optional(z.enum(formIds)) });
const RegisterParams = z.object({ form: z.string() });
const AreaFormParams = z.object({ areaId: Id, form: z.string() });

const anchorOf = (areaId: string) => `area-${areaId}`;

/** The organisation page's URL, opened at an area (its anchor) when one is given. */
export function organisationUrl(query: { area?: string | undefined; recorded?: string | undefined } = {}): string {
  const params = new URLSearchParams(Object.entries(query).filter((entry): entry is [string, string] => entry[1] !== undefined));
  return `/organisation${params.size > 0 ? `?${params.toString()}` : ''}${query.area === undefined ? '' : `#${anchorOf(query.area)}`}`;
}

interface OrganisationPage {
  areas: OrgArea[];
  coaches: OrgCoach[];
  /** The area opened for managing: its teams and its stream's revision (what the edit forms carry). */
  opened: { area: OrgArea; teams: OrgTeam[]; revision: number } | null;
}

/** One area of the printed tree, its sub-areas nested; `manage` is set on the opened one. */
interface AreaNode<Manage> {
  areaId: string;
  anchor: string;
  code: string;
  name: string;
  href: string;
  teams: string;
  coaches: string;
  manageHref: string;
  manage: Manage | null;
  children: AreaNode<Manage>[];
}

const plural = (count: number, one: string, many = `${one}s`) => `${count} ${count === 1 ? one : many}`;

/** `Engineering › Platform`: in a select, areas are told apart by their place in the tree. */
function areaLabels(areas: readonly OrgArea[]): Map<string, string> {
  const labels = new Map<string, string>();
  for (const area of areas) {
    const parent = area.parentAreaId === null ? undefined : labels.get(area.parentAreaId);
    labels.set(area.areaId, parent === undefined ? area.name : `${parent} › ${area.name}`);
  }
  return labels;
}

/** The area and every area below it: in tree order, the run of deeper areas that follows it. */
function subtreeIds(areas: readonly OrgArea[], area: OrgArea): Set<string> {
  const start = areas.indexOf(area);
  const end = areas.findIndex((a, i) => i > start && a.depth <= area.depth);
  return new Set(areas.slice(start, end < 0 ? undefined : end).map((a) => a.areaId));
}

function defaultsFor(form: FormSpec, page: OrganisationPage): FormState {
  const opened = page.opened?.area;
  const assigned = new Set(opened?.coaches.map((c) => c.coachId));
  const known: Record<string, Record<string, string | undefined>> = {
    'register-area': { parentAreaId: opened?.areaId },
    'register-team': { areaId: opened?.areaId ?? page.areas[0]?.areaId },
    'rename-area': { name: opened?.name },
    'move-area': { parentAreaId: opened?.parentAreaId ?? undefined },
    'assign-coach': { coachId: page.coaches.find((c) => !assigned.has(c.coachId))?.coachId },
    'unassign-coach': { coachId: opened?.coaches[0]?.coachId },
  };
  const values = Object.fromEntries(form.fields.map((f) => [f.name, known[form.id]?.[f.name] ?? '']));
  if (form.revisioned) values[REVISION] = String(page.opened?.revision ?? -1);
  return { values, issues: [] };
}

/** What `views/partials/organisation.eta` prints; `answered` is the form a POST re-renders with its state. */
function organisationView(page: OrganisationPage, input: { answered?: { formId: string; state: FormState }; recorded?: string | undefined }) {
  const { areas, coaches, opened } = page;
  const labels = areaLabels(areas);
  const areaOptions: Option[] = areas.map((a) => ({ value: a.areaId, label: labels.get(a.areaId)! }));
  const topLevel: Option = { value: '', label: 'Top level' };
  const below = opened === null ? new Set<string>() : subtreeIds(areas, opened.area);
  const assigned = new Set(opened?.area.coaches.map((c) => c.coachId));
  const options: Record<string, Record<string, Option[]>> = {
    'register-area': { parentAreaId: [topLevel, ...areaOptions] },
    'register-team': { areaId: areaOptions },
    // Nowhere the area itself or its own sub-areas: the domain would refuse the loop.
    'move-area': { parentAreaId: [topLevel, ...areaOptions.filter((o) => !below.has(o.value))] },
    'assign-coach': { coachId: coaches.filter((c) => !assigned.has(c.coachId)).map((c) => ({ value: c.coachId, label: c.name })) },
    'unassign-coach': { coachId: (opened?.area.coaches ?? []).map((c) => ({ value: c.coachId, label: c.name })) },
  };
  const openedId = opened?.area.areaId;
  const view = (form: FormSpec, action: string) => {
    const answered = input.answered?.formId === form.id ? input.answered.state : null;
    return formView(form, {
      action,
      hxTarget: '#organisation',
      state: answered ?? defaultsFor(form, page),
      options: options[form.id] ?? {},
      reloadHref: organisationUrl({ area: openedId }),
    });
  };
  const manage =
    opened === null
      ? null
      : {
          name: opened.area.name,
          href: areaPath(opened.area.areaId),
          closeHref: `/organisation#${anchorOf(opened.area.areaId)}`,
          teams: opened.teams.map((t) => ({ key: t.key, name: t.name, people: plural(t.size, 'person', 'people'), href: teamPath(t.teamId) })),
          // A form with nothing to choose from is left out, and the page says why.
          forms: areaForms
            .filter((f) => (options[f.id]?.coachId?.length ?? 1) > 0 || input.answered?.formId === f.id)
            .map((f) => view(f, `/organisation/areas/${encodeURIComponent(opened.area.areaId)}/${f.id}`)),
          noCoachToAssign: coaches.length === 0 ? 'No coach is registered yet: register one below.' : assigned.size === coaches.length ? 'Every registered coach is assigned here.' : null,
        };
  const nodeOf = (area: OrgArea): AreaNode<typeof manage> => ({
    areaId: area.areaId,
    anchor: anchorOf(area.areaId),
    code: area.code,
    name: area.name,
    href: areaPath(area.areaId),
    teams: area.teamsWithin === area.teams ? plural(area.teams, 'team') : `${plural(area.teams, 'team')} · ${area.teamsWithin} with sub-areas`,
    coaches: area.coaches.map((c) => c.name).join(', '),
    manageHref: organisationUrl({ area: area.areaId }),
    manage: area.areaId === openedId ? manage : null,
    children: [],
  });
  const nodes = new Map(areas.map((a) => [a.areaId, nodeOf(a)]));
  const roots: AreaNode<typeof manage>[] = [];
  for (const area of areas) {
    const node = nodes.get(area.areaId)!;
    const parent = area.parentAreaId === null ? undefined : nodes.get(area.parentAreaId);
    (parent?.children ?? roots).push(node);
  }
  const registerAction = (form: FormSpec) => `/organisation/${form.id}${openedId === undefined ? '' : `?${new URLSearchParams({ area: openedId }).toString()}`}`;
  return {
    title: 'Organisation',
    recorded: input.recorded ?? null,
    summary: `${plural(areas.length, 'area')} · ${plural(areas.reduce((n, a) => n + a.teams, 0), 'team')} · ${plural(coaches.length, 'coach', 'coaches')}`,
    tree: roots,
    registerForms: registerForms.map((f) => view(f, registerAction(f))),
    coaches: coaches.map((c) => ({ name: c.name, email: c.email, areas: c.areas.map((a) => ({ name: a.name, href: organisationUrl({ area: a.areaId }) })) })),
  };
}

/**
 * The organisation page: the area tree with team counts and coaches, the forms that register
 * areas, teams and coaches, and, for the area opened with `?area=`, the forms that rename, move
 * and staff it. Moving and resizing a team stay on the team page, linked from the opened area.
 * A POST comes back here (303) opened at the area it concerns, or, for htmx, gets
 * `partials/organisation` (the page body) re-rendered in place.
 */
export const organisationRoutes: FastifyPluginAsync<OrganisationRouteOptions> = async (app, { org, views, application, waitFor, now }) => {
  async function load(openedId: string | undefined): Promise<OrganisationPage> {
    const areas = org.areas();
    const coaches = org.coaches();
    if (openedId === undefined) return { areas, coaches, opened: null };
    const area = areas.find((a) => a.areaId === openedId);
    if (area === undefined) throw new NotFoundError(`There is no area "${openedId}".`);
    const revision = await application.store.streamRevision(streamName('area', openedId));
    return { areas, coaches, opened: { area, teams: org.teamsIn(openedId), revision } };
  }

  const render = async (fragment: boolean, openedId: string | undefined, input: Parameters<typeof organisationView>[1]) =>
    views.render(fragment ? 'partials/organisation' : 'pages/organisation', organisationView(await load(openedId), input));

  app.get('/organisation', async (request, reply) => {
    const query = parseQuery(OrganisationQuery, request.query);
    const recorded = allForms.find((f) => f.id === query.recorded)?.recorded;
    return sendHtml(reply, await render(false, query.area, { recorded }));
  });

  const formDeps = { store: application.store, waitFor, now };

  app.post('/organisation/:form', async (request, reply) => {
    const { form: formId } = parseQuery(RegisterParams, request.params);
    const form = registerFormsById.get(formId);
    if (form === undefined) throw new NotFoundError(`There is no form "${formId}" on the organisation page.`);
    const { area: openedId } = parseQuery(OrganisationQuery.pick({ area: true }), request.query);
    const created = { [form.creates]: randomUUID() };
    // Only a success redirects, and then the posted fields were valid: the area to open is known now.
    const opens = form.opens({ ...(request.body as Record<string, unknown> | undefined), ...created });
    return submitForm(request, reply, formDeps, {
      spec: form,
      execute: (data, ctx) => form.execute(application, { ...data, ...created }, ctx),
      redirectTo: organisationUrl({ area: opens, recorded: form.id }),
      render: ({ state, fragment }) =>
        render(fragment, state === null ? opens : openedId, state === null ? { recorded: form.recorded } : { answered: { formId: form.id, state } }),
    });
  });

  app.post('/organisation/areas/:areaId/:form', async (request, reply) => {
    const { areaId, form: formId } = parseQuery(AreaFormParams, request.params);
    const form = areaFormsById.get(formId);
    if (form === undefined) throw new NotFoundError(`There is no form "${formId}" for an area.`);
    return submitForm(request, reply, formDeps, {
      spec: form,
      execute: (data, ctx, revision) => form.execute(application, { ...data, areaId }, ctx, revision),
      redirectTo: organisationUrl({ area: areaId, recorded: form.id }),
      render: ({ state, fragment }) => render(fragment, areaId, state === null ? { recorded: form.recorded } : { answered: { formId: form.id, state } }),
    });
  });
};

import type { OrgArea, OrgCoach, OrgTeam } from '../../projections/org/queries.ts';
import { registerCoachForm } from '../coach/forms.ts';
import { formView, freshState, REVISION, type Form, type FormState, type Option } from '../http/forms.ts';
import { areaPath, coachWeekPath, organisationUrl, orgAreaAnchor, teamPath } from '../http/urls.ts';
import { plural } from '../shared/vocabulary.ts';
import { registerTeamForm } from '../team/forms.ts';
import { areaForms, assignCoachForm, moveAreaForm, registerAreaForm, renameAreaForm, unassignCoachForm } from './forms.ts';

type Placed = { areaId: string; name: string; parentAreaId: string | null };

/** `Engineering › Platform`: in a select, areas are told apart by their place in the tree. */
export function areaOptions(areas: readonly Placed[]): Option[] {
  const byId = new Map(areas.map((a) => [a.areaId, a]));
  const pathOf = (area: Placed): string => {
    const parent = area.parentAreaId === null ? undefined : byId.get(area.parentAreaId);
    return parent ? `${pathOf(parent)} › ${area.name}` : area.name;
  };
  return areas.map((a) => ({ value: a.areaId, label: pathOf(a) }));
}

/** The area and every area below it: in tree order, the run of deeper areas that follows it. */
function subtreeIds(areas: readonly OrgArea[], area: OrgArea): Set<string> {
  const start = areas.indexOf(area);
  const end = areas.findIndex((a, i) => i > start && a.depth <= area.depth);
  return new Set(areas.slice(start, end < 0 ? undefined : end).map((a) => a.areaId));
}

/** How many of an area's own teams the tree links to; the rest are a link away, where the area is opened. */
export const TEAMS_LISTED = 12;

/** The forms that add to the organisation, in the page's order. */
export const registerForms = [registerAreaForm, registerTeamForm, registerCoachForm] as const;

export interface OrganisationPage {
  /** In tree order. */
  areas: OrgArea[];
  coaches: OrgCoach[];
  /** The first `TEAMS_LISTED` teams directly in each area, by key, each with its area. */
  teams: (OrgTeam & { areaId: string })[];
  /** The area opened for managing: its teams and its stream's revision as the read models know it (what the edit forms carry). */
  opened: { area: OrgArea; teams: OrgTeam[]; revision: number } | null;
}

export interface Answered {
  /** The form a POST just answered, and what it shows now. */
  answered?: { formId: string; state: FormState };
  /** The status line after a success. */
  recorded?: string | undefined;
}

function defaultsFor(form: Form, page: OrganisationPage): FormState {
  const opened = page.opened;
  const assigned = new Set(opened?.area.coaches.map((c) => c.coachId));
  const known: Record<string, Record<string, string | null | undefined>> = {
    [registerAreaForm.id]: { parentAreaId: opened?.area.areaId },
    [registerTeamForm.id]: { areaId: opened?.area.areaId ?? page.areas[0]?.areaId },
    [renameAreaForm.id]: { name: opened?.area.name },
    [moveAreaForm.id]: { parentAreaId: opened?.area.parentAreaId },
    [assignCoachForm.id]: { coachId: page.coaches.find((c) => !assigned.has(c.coachId))?.coachId },
    [unassignCoachForm.id]: { coachId: opened?.area.coaches[0]?.coachId },
  };
  const values = Object.fromEntries(Object.keys(form.fields).map((name) => [name, known[form.id]?.[name] ?? '']));
  return freshState(form, form.revisioned ? { ...values, [REVISION]: String(opened?.revision ?? -1) } : values);
}

/** One area of the printed tree, its sub-areas nested; `manage` is set on the opened one. */
interface AreaNode<Manage> {
  areaId: string;
  anchor: string;
  code: string;
  name: string;
  href: string;
  teams: string;
  /** The first teams directly in it, each linked to its page (the opened area lists them with its forms instead). */
  teamLinks: { key: string; name: string; href: string }[];
  /** Where the rest of its teams are listed, when the tree links to only the first. */
  moreTeams: { text: string; href: string } | null;
  coaches: string;
  manageHref: string;
  manage: Manage | null;
  children: AreaNode<Manage>[];
}

/** What `views/partials/organisation.eta` prints. */
export function organisationView(page: OrganisationPage, input: Answered) {
  const { areas, coaches, opened } = page;
  const inTree = areaOptions(areas);
  const topLevel: Option = { value: '', label: 'Top level' };
  const below = opened === null ? new Set<string>() : subtreeIds(areas, opened.area);
  const assigned = new Set(opened?.area.coaches.map((c) => c.coachId));
  const options: Record<string, Record<string, Option[]>> = {
    [registerAreaForm.id]: { parentAreaId: [topLevel, ...inTree] },
    [registerTeamForm.id]: { areaId: inTree },
    // Nowhere the area itself or its own sub-areas: the domain would refuse the loop.
    [moveAreaForm.id]: { parentAreaId: [topLevel, ...inTree.filter((o) => !below.has(o.value))] },
    [assignCoachForm.id]: { coachId: coaches.filter((c) => !assigned.has(c.coachId)).map((c) => ({ value: c.coachId, label: c.name })) },
    [unassignCoachForm.id]: { coachId: (opened?.area.coaches ?? []).map((c) => ({ value: c.coachId, label: c.name })) },
  };
  const openedId = opened?.area.areaId;
  const view = (form: Form, action: string) =>
    formView(form, {
      action,
      hxTarget: '#organisation',
      state: input.answered?.formId === form.id ? input.answered.state : defaultsFor(form, page),
      options: options[form.id] ?? {},
      reloadHref: organisationUrl({ area: openedId }),
    });
  const manage =
    opened === null
      ? null
      : {
          name: opened.area.name,
          href: areaPath(opened.area.areaId),
          closeHref: `/organisation#${orgAreaAnchor(opened.area.areaId)}`,
          teams: opened.teams.map((t) => ({
            key: t.key,
            name: t.name,
            people: plural(t.size, 'person', 'people'),
            href: teamPath(t.teamId),
          })),
          // A form with nothing to choose from is left out, and the page says why.
          forms: areaForms
            .filter((f) => (options[f.id]?.coachId?.length ?? 1) > 0 || input.answered?.formId === f.id)
            .map((f) => view(f, `/organisation/areas/${encodeURIComponent(opened.area.areaId)}/${f.id}`)),
          noCoachToAssign:
            coaches.length === 0
              ? 'No coach is registered yet: register one below.'
              : assigned.size === coaches.length
                ? 'Every registered coach is assigned here.'
                : null,
        };
  const teamsByArea = new Map<string, AreaNode<null>['teamLinks']>();
  for (const t of page.teams)
    teamsByArea.set(t.areaId, [...(teamsByArea.get(t.areaId) ?? []), { key: t.key, name: t.name, href: teamPath(t.teamId) }]);
  const nodeOf = (area: OrgArea): AreaNode<typeof manage> => ({
    areaId: area.areaId,
    anchor: orgAreaAnchor(area.areaId),
    code: area.code,
    name: area.name,
    href: areaPath(area.areaId),
    teams:
      area.teamsWithin === area.teams ? plural(area.teams, 'team') : `${plural(area.teams, 'team')} · ${area.teamsWithin} with sub-areas`,
    teamLinks: area.areaId === openedId ? [] : (teamsByArea.get(area.areaId) ?? []),
    moreTeams:
      area.areaId === openedId || area.teams <= TEAMS_LISTED
        ? null
        : { text: plural(area.teams - TEAMS_LISTED, 'more team', 'more teams'), href: organisationUrl({ area: area.areaId }) },
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
  const registerAction = (form: Form) =>
    `/organisation/${form.id}${openedId === undefined ? '' : `?${new URLSearchParams({ area: openedId }).toString()}`}`;
  return {
    title: 'Organisation',
    recorded: input.recorded ?? null,
    summary: `${plural(areas.length, 'area')} · ${plural(
      areas.reduce((n, a) => n + a.teams, 0),
      'team',
    )} · ${plural(coaches.length, 'coach', 'coaches')}`,
    tree: roots,
    registerForms: registerForms.map((f) => view(f, registerAction(f))),
    coaches: coaches.map((c) => ({
      name: c.name,
      href: coachWeekPath(c.coachId),
      email: c.email,
      areas: c.areas.map((a) => ({ name: a.name, href: organisationUrl({ area: a.areaId }) })),
    })),
  };
}

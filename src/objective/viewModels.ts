import type { AreaRecord, ObjectiveRecord, ThemeRecord } from '../../projections/alignment/queries.ts';
import type { CycleSummary } from '../../projections/heatmap/types.ts';
import type { TimelineEntry } from '../../projections/timeline.ts';
import { formatInstant } from '../adoption/calendar.ts';
import { describeEvent } from '../describe.ts';
import { type Form, formView, freshState, type FormState, type Option, REVISION } from '../http/forms.ts';
import type { Actor } from '../shared/event.ts';
import type { Names } from '../shared/names.ts';
import { percent, plural } from '../shared/vocabulary.ts';
import { alignmentMap, type MapNode } from './alignmentMap.ts';
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

export const objectivePath = (objectiveId: string): string => `/objectives/${encodeURIComponent(objectiveId)}`;
export const themePath = (themeId: string): string => `/themes/${encodeURIComponent(themeId)}`;
export function alignmentUrl(query: { cycle?: string | undefined; area?: string | undefined; recorded?: string | undefined }): string {
  const given = Object.entries(query).filter((entry): entry is [string, string] => entry[1] !== undefined && entry[1] !== '');
  return given.length === 0 ? '/alignment' : `/alignment?${new URLSearchParams(given).toString()}`;
}

export interface Answered {
  answered?: { formId: string; state: FormState };
  recorded?: string | undefined;
}

const answeredFor = (input: Answered, formId: string) => (input.answered?.formId === formId ? input.answered.state : null);

const ownerOf = (o: ObjectiveRecord, areas: ReadonlyMap<string, AreaRecord>) =>
  o.team === null ? (areas.get(o.areaId)?.name ?? o.areaId) : `${o.team.key} · ${o.team.name}`;

function stats(n: { teamObjectives: number; teams: number; keyResults: number; progress: number | null }): string {
  return [
    n.teamObjectives > 0 && `${plural(n.teamObjectives, 'team objective')} from ${plural(n.teams, 'team')}`,
    plural(n.keyResults, 'key result'),
    n.progress !== null && `progress ${percent(n.progress)}`,
  ]
    .filter((part): part is string => typeof part === 'string')
    .join(' · ');
}

interface NodeView {
  id: string;
  title: string;
  href: string;
  owner: string;
  level: 'team' | 'area';
  stats: string;
  flags: string[];
  children: NodeView[];
}

function nodeView(node: MapNode, areas: ReadonlyMap<string, AreaRecord>, orphan: boolean, cycles: ReadonlyMap<string, string>): NodeView {
  const o = node.objective;
  const flags = [
    orphan && 'orphan: reaches no theme',
    !node.earlier && o.keyResults.length === 0 && 'no key results',
    o.crossArea && 'cross-area contribution',
    node.earlier && `from ${cycles.get(o.cycleId) ?? o.cycleId}`,
  ].filter((f): f is string => typeof f === 'string');
  return {
    id: o.objectiveId,
    title: o.title,
    href: objectivePath(o.objectiveId),
    owner: ownerOf(o, areas),
    level: o.team === null ? 'area' : 'team',
    stats: stats(node),
    flags,
    children: node.children.map((c) => nodeView(c, areas, orphan, cycles)),
  };
}

export interface AlignmentPage {
  cycle: CycleSummary;
  cycles: CycleSummary[];
  areaId: string | null;
  themes: ThemeRecord[];
  objectives: ObjectiveRecord[];
  areas: AreaRecord[];
  teams: { teamId: string; key: string; name: string }[];
  mayDefineStrategy: boolean;
}

export function alignmentView(page: AlignmentPage, input: Answered) {
  const { cycle, areaId } = page;
  const map = alignmentMap({ cycleId: cycle.cycleId, themes: page.themes, objectives: page.objectives, areas: page.areas, areaId });
  const areas = new Map(page.areas.map((a) => [a.areaId, a]));
  const cycleNames = new Map(page.cycles.map((c) => [c.cycleId, c.name]));
  const here = alignmentUrl({ cycle: cycle.cycleId, area: areaId ?? undefined });
  const form = (f: Form, action: string, values: Record<string, string>, options = {}) =>
    formView(f, { action, hxTarget: '#alignment', state: answeredFor(input, f.id) ?? freshState(f, values), options, reloadHref: here });
  const cycleOptions: Option[] = page.cycles.filter((c) => c.closedOn === null).map((c) => ({ value: c.cycleId, label: c.name }));
  const { counts } = map;
  return {
    title: `Alignment · ${cycle.name}`,
    recorded: input.recorded ?? null,
    cycle: { name: cycle.name },
    cycles: page.cycles.map((c) => ({ label: c.name, value: c.cycleId, selected: c.cycleId === cycle.cycleId })),
    areaFilter: [
      { value: '', label: 'All areas', selected: areaId === null },
      ...page.areas.map((a) => ({ value: a.areaId, label: a.name, selected: a.areaId === areaId })),
    ],
    filteredBy: areaId === null ? null : (areas.get(areaId)?.name ?? areaId),
    allHref: alignmentUrl({ cycle: cycle.cycleId }),
    summary: [
      {
        label: 'Team objectives reaching a theme',
        value: counts.teamObjectives === 0 ? '—' : `${counts.reaching} of ${counts.teamObjectives}`,
      },
      { label: 'Orphans', value: String(counts.orphans), stands: counts.orphans > 0 },
      { label: 'Without key results', value: String(counts.withoutKeyResults), stands: counts.withoutKeyResults > 0 },
      { label: 'Area objectives', value: String(counts.areaObjectives) },
    ],
    themes: map.themes.map((t) => ({
      id: t.theme.themeId,
      title: t.theme.title,
      href: themePath(t.theme.themeId),
      stats: t.children.length === 0 ? '' : stats(t),
      unserved: t.children.length === 0,
      children: t.children.map((c) => nodeView(c, areas, false, cycleNames)),
    })),
    orphans: map.orphans.map((o) => nodeView(o, areas, true, cycleNames)),
    droppedThemes: map.droppedThemes.map((t) => ({ id: t.themeId, title: t.title, href: themePath(t.themeId) })),
    mostlyUnlinked: map.mostlyUnlinked.map((a) => ({
      name: a.area.name,
      href: alignmentUrl({ cycle: cycle.cycleId, area: a.area.areaId }),
      line: `${a.reaching} of ${plural(a.teamObjectives, 'team objective')} reach a theme`,
    })),
    themeForm: page.mayDefineStrategy ? form(setThemeForm, '/alignment/themes', {}) : null,
    areaObjectiveForm: form(
      setAreaObjectiveForm,
      '/alignment/objectives',
      { cycleId: cycle.cycleId, areaId: areaId ?? '' },
      {
        areaId: page.areas.map((a) => ({ value: a.areaId, label: a.name })),
        cycleId: cycleOptions,
      },
    ),
    teamObjectiveForm: form(
      setTeamObjectiveForm,
      '/alignment/team-objectives',
      { cycleId: cycle.cycleId },
      {
        teamId: page.teams.map((t) => ({ value: t.teamId, label: `${t.key} · ${t.name}` })),
        cycleId: cycleOptions,
      },
    ),
  };
}

/** The parents an objective may be linked to: the themes, then objectives of its cycle or earlier ones, areas' first. */
export function parentOptions(
  o: ObjectiveRecord,
  page: { themes: ThemeRecord[]; objectives: ObjectiveRecord[]; cycles: CycleSummary[]; areas: AreaRecord[] },
): Option[] {
  const startsOn = new Map(page.cycles.map((c) => [c.cycleId, c.startsOn]));
  const mine = startsOn.get(o.cycleId) ?? '';
  const areas = new Map(page.areas.map((a) => [a.areaId, a]));
  const candidates = page.objectives
    .filter((p) => p.objectiveId !== o.objectiveId && (startsOn.get(p.cycleId) ?? '9999') <= mine)
    .toSorted((a, b) => Number(a.team !== null) - Number(b.team !== null) || a.title.localeCompare(b.title));
  return [
    ...page.themes.filter((t) => !t.dropped).map((t) => ({ value: t.themeId, label: `Theme: ${t.title}` })),
    ...candidates.map((p) => ({ value: p.objectiveId, label: `${p.title} (${ownerOf(p, areas)})` })),
  ];
}

/** A theme's or an objective's own events, newest first, in words. */
export const historyView = (entries: readonly TimelineEntry[], names: Names) =>
  entries.map((e) => ({
    what: describeEvent(e.event, names),
    when: formatInstant(e.occurredAt),
    who: e.actor.name ?? names.actor(e.actor as Actor),
  }));

export interface ObjectivePage {
  objective: ObjectiveRecord;
  parent: { title: string; href: string } | null;
  options: Option[];
  cycle: CycleSummary | null;
  areaName: string;
  revision: number;
  history: TimelineEntry[];
  names: Names;
}

export function objectiveView(page: ObjectivePage, input: Answered) {
  const o = page.objective;
  const here = objectivePath(o.objectiveId);
  const withRevision = { [REVISION]: String(page.revision) };
  const form = (f: Form, values: Record<string, string>, options = {}) =>
    formView(f, {
      action: `${here}/${f.id}`,
      hxTarget: '#objective',
      state: answeredFor(input, f.id) ?? freshState(f, values),
      options,
      reloadHref: here,
    });
  return {
    title: o.title,
    recorded: input.recorded ?? null,
    objective: {
      title: o.title,
      owner: o.team === null ? page.areaName : `${o.team.key} · ${o.team.name} (${page.areaName})`,
      teamHref: o.team === null ? null : `/teams/${encodeURIComponent(o.team.teamId)}`,
      cycle: page.cycle?.name ?? o.cycleId,
      mapHref: alignmentUrl({ cycle: o.cycleId }),
      crossArea: o.crossArea,
    },
    parent: page.parent,
    keyResults: o.keyResults.map((k) => ({ title: k.title, progress: k.progress === null ? 'no progress reported' : percent(k.progress) })),
    history: historyView(page.history, page.names),
    renameForm: form(renameObjectiveForm, { ...withRevision, title: o.title }),
    linkForm: form(
      linkObjectiveForm,
      { ...withRevision, parentId: o.parentId ?? '', crossArea: o.crossArea ? 'on' : '' },
      { parentId: page.options },
    ),
    unlinkForm: o.parentId === null ? null : form(unlinkObjectiveForm, withRevision),
    keyResultForm: form(defineKeyResultForm, {}),
    dropForm: form(dropObjectiveForm, withRevision),
  };
}

export interface ThemePage {
  theme: ThemeRecord;
  /** The objectives linked to it, of every cycle. */
  served: ObjectiveRecord[];
  areas: AreaRecord[];
  revision: number;
  history: TimelineEntry[];
  names: Names;
  mayDefineStrategy: boolean;
}

export function themeView(page: ThemePage, input: Answered) {
  const t = page.theme;
  const here = themePath(t.themeId);
  const withRevision = { [REVISION]: String(page.revision) };
  const areas = new Map(page.areas.map((a) => [a.areaId, a]));
  const form = (f: Form, values: Record<string, string>) =>
    formView(f, {
      action: `${here}/${f.id}`,
      hxTarget: '#theme',
      state: answeredFor(input, f.id) ?? freshState(f, values),
      reloadHref: here,
    });
  // A dropped theme is not edited; a form sent from a page older than the drop still shows its answer.
  const offered = (f: Form) => page.mayDefineStrategy && (!t.dropped || answeredFor(input, f.id) !== null);
  return {
    title: t.title,
    recorded: input.recorded ?? null,
    theme: { title: t.title, dropped: t.dropped },
    mapHref: alignmentUrl({}),
    served: page.served.map((o) => ({ title: o.title, href: objectivePath(o.objectiveId), owner: ownerOf(o, areas) })),
    history: historyView(page.history, page.names),
    forms: [
      { form: renameThemeForm, values: { ...withRevision, title: t.title }, note: null },
      {
        form: dropThemeForm,
        values: withRevision,
        note: 'The objectives linked to it stay linked but no longer reach a theme: their teams’ align scores fall until they are linked elsewhere.',
      },
    ]
      .filter((f) => offered(f.form))
      .map((f) => ({ form: form(f.form, f.values), note: f.note })),
  };
}

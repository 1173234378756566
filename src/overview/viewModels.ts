/**
 * What the heatmap, area and evidence pages print, computed here so the Eta views stay free of
 * logic. Pure functions of the read side's answers and the selection.
 */
import {
  dimensions,
  type AreaDetail,
  type AreaRow,
  type CheckInFreshness,
  type CycleSummary,
  type Dimension,
  type Heatmap,
  type Scores,
  type Stage,
  type TeamRow,
} from '../../projections/heatmap/types.ts';
import type { AreaStakeholders, OpenSignals, OrgCoach } from '../../projections/org/queries.ts';
import type { TimelineEntry } from '../../projections/timeline.ts';
import { teamCursor } from '../../projections/heatmap/queries.ts';
import { formatDate, formatInstant } from '../adoption/calendar.ts';
import { describeEvent } from '../describe.ts';
import {
  areaPath,
  areaUrl,
  evidenceUrl,
  heatmapCsvUrl,
  heatmapUrl,
  resistanceUrl,
  signalPath,
  stakeholderPath,
  teamPath,
  teamUrl,
  type Selection,
} from '../http/urls.ts';
import { totalOf } from '../resistance/saturation.ts';
import { interventionLabels, kindLabels } from '../resistance/vocabulary.ts';
import type { Names } from '../shared/names.ts';
import { labelOf } from '../shared/vocabulary.ts';
import { attitudes } from '../stakeholder/vocabulary.ts';
import { organisationUrl } from '../http/urls.ts';
import { timelineUrl } from './timelineView.ts';
import { trendView } from './trend.ts';
import type { SaturationItem } from '../../projections/saturation/queries.ts';
import type { AreaLoad, AreaSaturation } from './saturation.ts';

/** A column of the matrix: one adoption dimension, or the overall score. */
export type Column = Dimension | 'overall';
const columns: readonly Column[] = [...dimensions, 'overall'];

export const columnHeads: { column: Column; label: string; hint: string }[] = [
  { column: 'learn', label: 'Learn', hint: 'trained' },
  { column: 'set', label: 'Set', hint: 'drafted, published' },
  { column: 'align', label: 'Align', hint: 'linked to strategy' },
  { column: 'run', label: 'Run', hint: 'check-ins held' },
  { column: 'reflect', label: 'Reflect', hint: 'review, retro' },
  { column: 'overall', label: 'Overall', hint: 'all five' },
];
export const columnLabel = (column: Column): string => columnHeads.find((h) => h.column === column)?.label ?? column;

/** Five equal bands of the 0–100 score; each has a colour token in uptake.css (`--tone-N`). */
export const scoreBands = [0, 20, 40, 60, 80].map((from, tone) => ({
  tone: String(tone),
  label: tone === 4 ? `${from}–100` : `${from}–${from + 19}`,
}));

/** The band of the number as printed (rounded), so a cell showing 60 is never coloured as 40–59. */
export function toneOf(score: number | null): string {
  if (score === null || Number.isNaN(score)) return 'none';
  return String(Math.min(4, Math.max(0, Math.floor(Math.round(score) / 20))));
}

export interface ScoreCell {
  value: string;
  tone: string;
  title: string;
  href: string | null;
}

export function scoreCell(column: Column, score: number | null, href: string | null = null): ScoreCell {
  const value = score === null ? '—' : String(Math.round(score));
  return {
    value,
    tone: toneOf(score),
    title: score === null ? `${columnLabel(column)}: no teams` : `${columnLabel(column)}: ${value} of 100`,
    href,
  };
}

/**
 * Reviews and retrospectives fall due at the cycle's end (docs/adoption-model.md): until then a
 * reflect score of 0 is "not due yet", not a failure, and the overall score leaves it out.
 */
const notDueCell = (selection: Selection): ScoreCell => ({
  value: '·',
  tone: 'none',
  title: `Reflect: not due until the cycle ends on ${formatDate(selection.cycleEndsOn)}`,
  href: null,
});

const scoreCells = (scores: Scores | null, selection: Selection, href: (column: Column) => string | null = () => null): ScoreCell[] =>
  columns.map((column) =>
    column === 'reflect' && scores?.reflect === 0 && selection.asOf < selection.cycleEndsOn
      ? notDueCell(selection)
      : scoreCell(column, scores?.[column] ?? null, href(column)),
  );

export const stageLabels: Record<Stage, string> = {
  'not-started': 'Not started',
  exploring: 'Exploring',
  practicing: 'Practicing',
  embedded: 'Embedded',
};
const stageView = (stage: Stage) => ({ key: stage, label: stageLabels[stage] });

export const freshnessLabels: Record<CheckInFreshness, string> = { fresh: 'on time', late: 'late', never: 'none yet' };
export const freshnessOrder: CheckInFreshness[] = ['fresh', 'late', 'never'];

/** An attitude's label by its stored value (the read models keep it as text). */
export const attitudeLabels: Readonly<Record<string, string>> = Object.fromEntries(
  Object.entries(attitudes).map(([attitude, { label }]) => [attitude, label]),
);

/** The tone the resistance labels use for a severity (uptake.css `.resistance--*`). */
const severityLevel = (severity: number) => (severity >= 4 ? 'high' : severity === 3 ? 'medium' : 'low');

/** `href`: the area's signals (and those of the areas below it) in the resistance log. */
function resistanceView(areaId: string, openSignals: number, highestSeverity: number | null) {
  const level = openSignals === 0 || highestSeverity === null ? 'none' : severityLevel(highestSeverity);
  const href = resistanceUrl({ area: areaId });
  return { open: openSignals, severity: highestSeverity, level, label: openSignals === 1 ? '1 open' : `${openSignals} open`, href };
}

/** How many levels of the area tree are indented (uptake.css's `depth-N` classes); deeper rows indent no further. */
const DEEPEST_INDENT = 8;
const indent = (depth: number) => Math.min(Math.max(0, depth), DEEPEST_INDENT);

const plural = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`;

/** "3 open signals and 2 interventions in progress": a load in words. */
const loadInWords = ({ load }: AreaLoad) =>
  `${plural(load.signals, 'open signal', 'open signals')} and ${plural(load.interventions, 'intervention', 'interventions')} in progress`;

/** The heatmap row's flag when an area has too much change at once; it opens the area page's list of what is behind it. */
function saturationFlag(area: AreaRow, selection: Selection, load: AreaLoad | undefined) {
  if (load === undefined || !load.saturated) return null;
  return {
    label: 'too much change at once',
    title: `${loadInWords(load)} in ${load.week.week}: ${totalOf(load.load)}, threshold ${load.threshold}`,
    href: `${areaUrl(area.areaId, selection)}#saturation`,
  };
}

/** `linked`: its score cells open the area's page (false on that page itself). `load`: its change saturation in the as-of week. */
function areaRowView(area: AreaRow, selection: Selection, baseDepth = 0, linked = true, load?: AreaLoad) {
  return {
    areaId: area.areaId,
    code: area.code,
    name: area.name,
    depth: indent(area.depth - baseDepth),
    href: areaUrl(area.areaId, selection),
    teamsId: `teams-${area.areaId}`,
    teamCount: area.teamCount,
    people: area.people,
    cells: scoreCells(area.scores, selection, () => (linked ? areaUrl(area.areaId, selection) : null)),
    stage: stageView(area.stage),
    trend: trendView(area),
    // Only the kinds that occur: "12 on time · 1 late" reads faster than a row of zeros.
    freshness: freshnessOrder.map((key) => ({ key, label: freshnessLabels[key], count: area.freshness[key] })).filter((f) => f.count > 0),
    resistance: resistanceView(area.areaId, area.openSignals, area.highestSeverity),
    saturation: saturationFlag(area, selection, load),
  };
}

export function teamRowView(team: TeamRow, selection: Selection) {
  const { freshness, lastHeldOn, held, expected } = team.checkIn;
  return {
    teamId: team.teamId,
    href: teamUrl(team.teamId, selection),
    key: team.key,
    name: team.name,
    size: team.size,
    cells: scoreCells(team.scores, selection, (column) => evidenceUrl(team, column, selection)),
    stage: stageView(team.stage),
    trend: trendView(team),
    checkIn: {
      key: freshness,
      label: freshnessLabels[freshness],
      held: `${held} of ${expected} held`,
      last: lastHeldOn === null ? 'no check-in yet' : `last ${formatDate(lastHeldOn)}`,
    },
  };
}

/** How many of an area's teams a list of them shows at first, and adds each time its "show more" link is followed. */
export const TEAM_PAGE = 25;

/**
 * The row under a page of an area's teams when more follow: its link opens the area page showing
 * TEAM_PAGE more. `htmx` (the area page's own list): with JavaScript it fetches just the next
 * teams (after the page's last, keyset) in place of the row, and puts the longer list's URL in
 * the address bar, which the live updates follow. The heatmap's expand rows link to the page.
 */
function moreTeamsView(detail: AreaDetail, selection: Selection, htmx: boolean) {
  const last = detail.teams.at(-1);
  if (detail.more === 0 || last === undefined) return null;
  const shown = detail.ownTeams - detail.more;
  const next = Math.min(detail.more, TEAM_PAGE);
  const href = areaUrl(detail.area.areaId, selection, { teams: String(shown + TEAM_PAGE) });
  return {
    label: `Show ${plural(next, 'more team', 'more teams')}${htmx ? '' : ` on ${detail.area.name}'s page`}`,
    shown: `${shown} of ${detail.ownTeams} shown`,
    href,
    hxGet: htmx ? areaUrl(detail.area.areaId, selection, { after: teamCursor(last) }) : null,
  };
}

/**
 * The rows one area contributes under its heading, and the "show more" row when they are a page
 * of them: shared by the heatmap fragment and the area page (`htmx`: its list grows in place).
 */
export function teamRowsView(detail: AreaDetail, selection: Selection, depth: number, htmx: boolean) {
  return {
    depth: indent(depth),
    teams: detail.teams.map((team) => teamRowView(team, selection)),
    more: moreTeamsView(detail, selection, htmx),
    /** Only when it has none: a page after its last team is just empty. */
    emptyText: detail.ownTeams === 0 ? `No teams directly in ${detail.area.name}.` : null,
  };
}

const cycleRange = (cycle: CycleSummary) => `${formatDate(cycle.startsOn)} – ${formatDate(cycle.endsOn)}`;

function selectionView(cycles: CycleSummary[], selection: Selection, errors: Record<string, string>) {
  return {
    cycles: cycles.map((c) => ({ cycleId: c.cycleId, name: c.name, selected: c.cycleId === selection.cycleId })),
    asOf: selection.asOf,
    errors,
  };
}

export type HeatmapEmptyState = 'no-cycle' | 'no-areas';

export function heatmapPageView(input: {
  cycles: CycleSummary[];
  heatmap: Heatmap;
  loads: ReadonlyMap<string, AreaLoad>;
  errors?: Record<string, string>;
}) {
  const { heatmap, cycles } = input;
  const selection: Selection = { cycleId: heatmap.cycle.cycleId, asOf: heatmap.asOf, cycleEndsOn: heatmap.cycle.endsOn };
  const topLevel = heatmap.areas.filter((a) => a.depth === 0);
  const sum = (pick: (a: AreaRow) => number) => topLevel.reduce((n, a) => n + pick(a), 0);
  return {
    title: `Adoption heatmap · ${heatmap.cycle.name}`,
    filter: selectionView(cycles, selection, input.errors ?? {}),
    cycle: { name: heatmap.cycle.name, range: cycleRange(heatmap.cycle), closed: heatmap.cycle.closedOn !== null },
    asOfLabel: formatDate(heatmap.asOf),
    csvHref: heatmapCsvUrl(selection),
    empty: (heatmap.areas.length === 0 ? 'no-areas' : null) as HeatmapEmptyState | null,
    summary: {
      overall: scoreCell('overall', heatmap.organisation?.overall ?? null),
      teams: sum((a) => a.teamCount),
      people: sum((a) => a.people),
      openSignals: sum((a) => a.openSignals),
      lateCheckIns: sum((a) => a.freshness.late + a.freshness.never),
    },
    organisation: scoreCells(heatmap.organisation, selection),
    columns: columnHeads,
    areas: heatmap.areas.map((area) => areaRowView(area, selection, 0, true, input.loads.get(area.areaId))),
    legend: scoreBands,
  };
}

export function noCyclePageView() {
  return { title: 'Adoption heatmap', empty: 'no-cycle' as HeatmapEmptyState };
}

export function areaPageView(input: {
  cycles: CycleSummary[];
  cycle: CycleSummary;
  detail: AreaDetail;
  selection: Selection;
  parent: AreaRow | null;
  saturation: AreaSaturation;
}) {
  const { detail, selection } = input;
  const { area } = detail;
  return {
    title: `${area.name} · ${input.cycle.name}`,
    filter: selectionView(input.cycles, selection, {}),
    action: areaPath(area.areaId),
    cycle: { name: input.cycle.name, range: cycleRange(input.cycle), closed: input.cycle.closedOn !== null },
    asOfLabel: formatDate(selection.asOf),
    heatmapHref: heatmapUrl(selection),
    parent: input.parent === null ? null : { name: input.parent.name, href: areaUrl(input.parent.areaId, selection) },
    area: areaRowView(area, selection, area.depth, false),
    columns: columnHeads,
    children: detail.children.map((child) => areaRowView(child, selection, area.depth + 1, true, input.saturation.loads.get(child.areaId))),
    teamRows: teamRowsView(detail, selection, 0, true),
    legend: scoreBands,
    saturation: saturationView(input.saturation),
  };
}

/** The area page's change saturation: its load week by week, and the signals and interventions behind the as-of week's. */
function saturationView({ weeks, current, signals, interventions }: AreaSaturation) {
  const loadRow = (week: AreaLoad) => ({
    week: week.week.week,
    range: `${formatDate(week.week.from)} – ${formatDate(week.week.to)}`,
    signals: week.load.signals,
    interventions: week.load.interventions,
    total: totalOf(week.load),
    saturated: week.saturated,
  });
  const itemView = (item: SaturationItem) =>
    item.kind === 'signal'
      ? {
          href: signalPath(item.signalId),
          what: labelOf(kindLabels, item.itemKind),
          tag: `severity ${item.severity}`,
          level: severityLevel(item.severity),
          span: `raised ${formatDate(item.startedOn)}${item.endedOn === null ? '' : ` · resolved ${formatDate(item.endedOn)}`}`,
          description: item.description,
        }
      : {
          href: signalPath(item.signalId),
          what: labelOf(interventionLabels, item.itemKind),
          // Quiet: the severity is the signal's, which the line names.
          tag: item.dueOn === null ? 'planned' : `due ${formatDate(item.dueOn)}`,
          level: 'low',
          span: `planned ${formatDate(item.startedOn)}${item.endedOn === null ? '' : ` · ended ${formatDate(item.endedOn)}`}`,
          description: `For: ${item.description}`,
        };
  const listView = (list: { items: SaturationItem[]; total: number }) => ({
    items: list.items.map(itemView),
    total: list.total,
    more: list.total - list.items.length,
  });
  return {
    threshold: current.threshold,
    current: { ...loadRow(current), inWords: loadInWords(current) },
    weeks: weeks.map(loadRow),
    signals: listView(signals),
    interventions: listView(interventions),
  };
}

/** The area page's sections beyond its scores: who coaches it, what resists, who matters, what happened. */
export function areaSectionsView(input: {
  areaId: string;
  coaches: Omit<OrgCoach, 'areas'>[];
  signals: OpenSignals;
  stakeholders: AreaStakeholders;
  events: TimelineEntry[];
  names: Names;
}) {
  const { areaId, signals, stakeholders, names } = input;
  return {
    manageHref: organisationUrl({ area: areaId }),
    coaches: input.coaches.map((c) => ({ name: c.name, email: c.email, mailto: `mailto:${c.email}` })),
    signals: {
      total: signals.total,
      bySeverity: signals.bySeverity.map((s) => ({ severity: s.severity, count: s.count, level: severityLevel(s.severity) })),
      top: signals.top.map((s) => ({
        href: signalPath(s.signalId),
        kind: labelOf(kindLabels, s.kind),
        severity: s.severity,
        level: severityLevel(s.severity),
        status: s.status,
        description: s.description,
        where: [s.areaId === areaId ? null : s.areaName, s.teamName].filter((w) => w !== null).join(' · '),
        raised: formatDate(s.raisedOn),
      })),
      allHref: resistanceUrl({ area: areaId }),
    },
    stakeholders: {
      total: stakeholders.total,
      top: stakeholders.top.map((s) => ({
        href: stakeholderPath(s.stakeholderId),
        name: s.name,
        role: s.role,
        influence: s.influence,
        interest: s.interest,
        attitude: s.attitude === null ? 'not assessed' : labelOf(attitudeLabels, s.attitude).toLowerCase(),
        engaged: s.lastEngagedOn === null ? 'never engaged' : `engaged ${formatDate(s.lastEngagedOn)}`,
      })),
      allHref: `/stakeholders?${new URLSearchParams({ area: areaId }).toString()}`,
    },
    events: input.events.map((e) => ({
      summary: describeEvent(e.event, names),
      team: e.team === null ? null : { name: e.team.name ?? e.team.teamId, href: teamPath(e.team.teamId) },
      when: { iso: e.occurredAt, label: formatInstant(e.occurredAt) },
      who: `${names.actor(e.actor)} via ${e.source}`,
    })),
    eventsHref: timelineUrl({ area: areaId }),
  };
}

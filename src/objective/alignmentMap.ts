/**
 * The alignment map of one cycle, as a tree a page prints: strategic themes → the objectives that
 * serve them → theirs, with counts and key-result progress rolled up; then the orphans (objectives
 * whose chain reaches no theme), the dropped themes they still link to, and what stands out. Pure.
 */
import type { AreaRecord, ObjectiveRecord, ThemeRecord } from '../../projections/alignment/queries.ts';
import { reachingTheme } from './alignment.ts';

/** An area whose teams link up fewer than this share of their objectives is "mostly unlinked". */
export const MOSTLY_UNLINKED_BELOW = 0.5;

export interface MapNode {
  objective: ObjectiveRecord;
  /** Of an earlier cycle: shown because this cycle's objectives serve it. */
  earlier: boolean;
  children: MapNode[];
  /** This cycle's team objectives here and below. */
  teamObjectives: number;
  teams: number;
  /** Mean progress (0–1) of the key results reported on here and below; null if none was. */
  progress: number | null;
  keyResults: number;
}

export interface ThemeNode {
  theme: ThemeRecord;
  children: MapNode[];
  teamObjectives: number;
  teams: number;
  progress: number | null;
  keyResults: number;
}

export interface AreaAlignment {
  area: AreaRecord;
  teamObjectives: number;
  reaching: number;
}

export interface AlignmentMap {
  /** The themes still set. */
  themes: ThemeNode[];
  orphans: MapNode[];
  /** Dropped themes an orphan shown here is still linked to: why it became one. */
  droppedThemes: ThemeRecord[];
  /** Areas (by their teams' objectives in the cycle) where fewer than half reach a theme. */
  mostlyUnlinked: AreaAlignment[];
  counts: { themes: number; areaObjectives: number; teamObjectives: number; reaching: number; orphans: number; withoutKeyResults: number };
}

interface Totals {
  teamObjectives: number;
  teams: Set<string>;
  progress: number[];
  keyResults: number;
}

/** The area and every area below it. */
export function subtreeOf(areas: readonly AreaRecord[], areaId: string): Set<string> {
  const result = new Set([areaId]);
  let grew = true;
  while (grew) {
    grew = false;
    for (const area of areas)
      if (area.parentAreaId !== null && result.has(area.parentAreaId) && !result.has(area.areaId)) {
        result.add(area.areaId);
        grew = true;
      }
  }
  return result;
}

export function alignmentMap(input: {
  cycleId: string;
  /** Set and dropped: only a theme still set is reached. */
  themes: readonly ThemeRecord[];
  objectives: readonly ObjectiveRecord[];
  areas: readonly AreaRecord[];
  /** Only objectives of this area (and the areas under it), with what they serve. */
  areaId: string | null;
}): AlignmentMap {
  const { cycleId, objectives, areas } = input;
  const themes = input.themes.filter((t) => !t.dropped);
  const within = input.areaId === null ? null : subtreeOf(areas, input.areaId);
  const reaching = reachingTheme(
    objectives.map((o) => ({ objectiveId: o.objectiveId, parentKind: o.parentKind, parentId: o.parentId })),
    new Set(themes.map((t) => t.themeId)),
  );
  const childrenOf = new Map<string, ObjectiveRecord[]>();
  for (const o of objectives) {
    if (o.parentId === null) continue;
    const key = `${o.parentKind}:${o.parentId}`;
    childrenOf.set(key, [...(childrenOf.get(key) ?? []), o]);
  }
  const inCycle = (o: ObjectiveRecord) => o.cycleId === cycleId;
  const counted = (o: ObjectiveRecord) => inCycle(o) && (within === null || within.has(o.areaId));

  const nodeOf = (o: ObjectiveRecord, seen: Set<string>): (MapNode & { totals: Totals }) | null => {
    if (seen.has(o.objectiveId)) return null;
    const path = new Set(seen).add(o.objectiveId);
    const children = (childrenOf.get(`objective:${o.objectiveId}`) ?? []).flatMap((c) => nodeOf(c, path) ?? []);
    const own = counted(o);
    if (!own && children.length === 0) return null;
    const totals: Totals = { teamObjectives: 0, teams: new Set(), progress: [], keyResults: 0 };
    if (own) {
      if (o.team !== null) {
        totals.teamObjectives += 1;
        totals.teams.add(o.team.teamId);
      }
      totals.keyResults += o.keyResults.length;
      for (const kr of o.keyResults) if (kr.progress !== null) totals.progress.push(kr.progress);
    }
    for (const child of children) add(totals, child.totals);
    return { objective: o, earlier: !inCycle(o), children, ...summary(totals), totals };
  };

  const themeNodes = themes.map((theme): ThemeNode => {
    const children = (childrenOf.get(`theme:${theme.themeId}`) ?? []).flatMap((o) => nodeOf(o, new Set()) ?? []);
    const totals: Totals = { teamObjectives: 0, teams: new Set(), progress: [], keyResults: 0 };
    for (const child of children) add(totals, child.totals);
    return { theme, children, ...summary(totals) };
  });

  // An orphan subtree starts where the chain breaks: no parent, or one that reaches no theme itself.
  const orphanRoots = objectives.filter(
    (o) =>
      !reaching.has(o.objectiveId) &&
      (o.parentId === null ||
        o.parentKind === 'theme' ||
        reaching.has(o.parentId) ||
        !objectives.some((p) => p.objectiveId === o.parentId)),
  );
  const orphans = orphanRoots.flatMap((o) => nodeOf(o, new Set()) ?? []);
  const droppedThemes = input.themes.filter(
    (t) => t.dropped && orphans.some((n) => n.objective.parentKind === 'theme' && n.objective.parentId === t.themeId),
  );

  const shown = objectives.filter(counted);
  const byArea = new Map<string, AreaAlignment>();
  for (const o of shown) {
    if (o.team === null) continue;
    const area = areas.find((a) => a.areaId === o.areaId);
    if (area === undefined) continue;
    const entry = byArea.get(area.areaId) ?? { area, teamObjectives: 0, reaching: 0 };
    entry.teamObjectives += 1;
    if (reaching.has(o.objectiveId)) entry.reaching += 1;
    byArea.set(area.areaId, entry);
  }
  return {
    themes: themeNodes,
    orphans,
    droppedThemes,
    mostlyUnlinked: [...byArea.values()].filter((a) => a.reaching < a.teamObjectives * MOSTLY_UNLINKED_BELOW),
    counts: {
      themes: themes.length,
      areaObjectives: shown.filter((o) => o.team === null).length,
      teamObjectives: shown.filter((o) => o.team !== null).length,
      reaching: shown.filter((o) => o.team !== null && reaching.has(o.objectiveId)).length,
      orphans: shown.filter((o) => !reaching.has(o.objectiveId)).length,
      withoutKeyResults: shown.filter((o) => o.keyResults.length === 0).length,
    },
  };
}

function add(into: Totals, from: Totals): void {
  into.teamObjectives += from.teamObjectives;
  for (const team of from.teams) into.teams.add(team);
  into.progress.push(...from.progress);
  into.keyResults += from.keyResults;
}

function summary(totals: Totals) {
  const { progress } = totals;
  return {
    teamObjectives: totals.teamObjectives,
    teams: totals.teams.size,
    progress: progress.length === 0 ? null : progress.reduce((a, b) => a + b, 0) / progress.length,
    keyResults: totals.keyResults,
  };
}

import type { AreaRow, CycleSummary } from '../../projections/heatmap/types.ts';
import type { SaturationItem, SaturationQueries } from '../../projections/saturation/queries.ts';
import {
  type AreaNode,
  isSaturated,
  type Load,
  type SaturationWeek,
  subtreeLoads,
  weekOf,
  weeksBetween,
} from '../resistance/saturation.ts';

/** What the heatmap and area pages are given to show change saturation. */
export interface Saturation {
  queries: SaturationQueries;
  /** `UPTAKE_SATURATION_THRESHOLD` */
  threshold: number;
}

/** An area's load, with the areas below it, in a week, against the threshold. */
export interface AreaLoad {
  week: SaturationWeek;
  load: Load;
  threshold: number;
  saturated: boolean;
}

/** How many of the signals, and of the interventions, behind an area's load its page lists. */
const LISTED_ITEMS = 10;

function loadsIn(saturation: Saturation, areas: readonly AreaNode[], week: SaturationWeek): Map<string, AreaLoad> {
  const own = saturation.queries.ownLoads(
    areas.map((a) => a.areaId),
    week,
  );
  const { threshold } = saturation;
  return new Map(
    [...subtreeLoads(areas, own)].map(([areaId, load]) => [areaId, { week, load, threshold, saturated: isSaturated(load, threshold) }]),
  );
}

/** Every area's load in the week of `asOf` (up to it): what the heatmap flags. */
export const areaLoads = (saturation: Saturation, areas: readonly AreaRow[], asOf: string): Map<string, AreaLoad> =>
  loadsIn(saturation, areas, weekOf(asOf));

/** An area and every area below it. */
function subtreeOf(areas: readonly AreaNode[], areaId: string): AreaNode[] {
  const children = new Map<string, AreaNode[]>();
  for (const area of areas)
    if (area.parentAreaId !== null) children.set(area.parentAreaId, [...(children.get(area.parentAreaId) ?? []), area]);
  const subtree: AreaNode[] = [];
  const seen = new Set<string>();
  const enter = (area: AreaNode) => {
    if (seen.has(area.areaId)) return;
    seen.add(area.areaId);
    subtree.push(area);
    for (const child of children.get(area.areaId) ?? []) enter(child);
  };
  const root = areas.find((a) => a.areaId === areaId);
  if (root !== undefined) enter(root);
  return subtree;
}

export interface AreaSaturation {
  /** Each week of the cycle up to `asOf` (none before the cycle starts). */
  weeks: AreaLoad[];
  /** The week of `asOf`, and what was open during it. */
  current: AreaLoad;
  /** The load of each area in the subtree in the week of `asOf`: the flags on its child areas' rows. */
  loads: Map<string, AreaLoad>;
  /** The most severe of what was open in the as-of week, and how many in all. */
  signals: { items: SaturationItem[]; total: number };
  interventions: { items: SaturationItem[]; total: number };
}

/** One area's load week by week through the cycle, and the signals and interventions behind the as-of week's. */
export function areaSaturation(
  saturation: Saturation,
  areas: readonly AreaNode[],
  areaId: string,
  cycle: CycleSummary,
  asOf: string,
): AreaSaturation {
  const subtree = subtreeOf(areas, areaId);
  const loadOf = (week: SaturationWeek) => loadsIn(saturation, subtree, week).get(areaId)!;
  const weeks = weeksBetween(cycle.startsOn, asOf < cycle.endsOn ? asOf : cycle.endsOn).map(loadOf);
  const loads = loadsIn(saturation, subtree, weekOf(asOf));
  const current = loads.get(areaId)!;
  const ids = subtree.map((a) => a.areaId);
  const listed = (kind: SaturationItem['kind']) => saturation.queries.items(ids, current.week, kind, LISTED_ITEMS);
  return { weeks, current, loads, signals: listed('signal'), interventions: listed('intervention') };
}

import { z } from 'zod';
import { addDays, earlierOf, isoWeekStart } from '../adoption/calendar.ts';
import { isoWeekOf, weekText } from '../adoption/isoWeek.ts';
import { whole } from '../rules/settings.ts';

/**
 * Change saturation: how much is going on at once in an area. In a week, an area's load is the
 * resistance signals open during it and the interventions in progress during it, in the area and
 * every area below it (its own teams' signals sit in it). An area whose load reaches the
 * threshold has too much change at once. See docs/adoption-model.md.
 */

/** The threshold as an environment variable, with its documented default. */
export const SaturationSettingsFromEnv = z.object({
  UPTAKE_SATURATION_THRESHOLD: whole(1, 1000).default(15),
});

export const defaultSaturationThreshold: number = SaturationSettingsFromEnv.parse({}).UPTAKE_SATURATION_THRESHOLD;

/**
 * An ISO week, or the part of it up to a date: what counts in it is what was going on on any of
 * its days from `from` to `to` (both included).
 */
export interface SaturationWeek {
  /** `2026-W48` */
  week: string;
  /** The Monday. */
  from: string;
  /** The Sunday, or the date asked about when it falls earlier in the week: nothing after it counts. */
  to: string;
}

/** What is going on at once. */
export interface Load {
  /** Signals raised on or before the week's last day and not resolved before its first. */
  signals: number;
  /** Interventions planned on or before the week's last day and neither done nor cancelled before its first. */
  interventions: number;
}

export const noLoad: Load = { signals: 0, interventions: 0 };

export const totalOf = (load: Load): number => load.signals + load.interventions;

/** Whether a load is too much change at once: it reaches the threshold. */
export const isSaturated = (load: Load, threshold: number): boolean => totalOf(load) >= threshold;

/** The week holding `asOf`, up to `asOf`. */
export function weekOf(asOf: string): SaturationWeek {
  return { week: weekText(isoWeekOf(asOf)), from: isoWeekStart(asOf), to: asOf };
}

/** The weeks from the one holding `startsOn` to the one holding `until`, the last one cut at `until`; none when `until` comes first. */
export function weeksBetween(startsOn: string, until: string): SaturationWeek[] {
  const weeks: SaturationWeek[] = [];
  if (until < startsOn) return weeks;
  for (let from = isoWeekStart(startsOn); from <= until; from = addDays(from, 7))
    weeks.push({ week: weekText(isoWeekOf(from)), from, to: earlierOf(addDays(from, 6), until) });
  return weeks;
}

export interface AreaNode {
  areaId: string;
  parentAreaId: string | null;
}

/**
 * Each area's load with every area below it: its own load, added to itself and to each of its
 * ancestors. A parent the list does not hold ends the climb (the area is a root), as on the heatmap.
 */
export function subtreeLoads(areas: readonly AreaNode[], own: ReadonlyMap<string, Load>): Map<string, Load> {
  const parentOf = new Map(areas.map((a) => [a.areaId, a.parentAreaId]));
  const loads = new Map<string, Load>(areas.map((a) => [a.areaId, noLoad]));
  for (const area of areas) {
    const load = own.get(area.areaId);
    if (load === undefined || totalOf(load) === 0) continue;
    const climbed = new Set<string>();
    for (let at: string | null | undefined = area.areaId; at != null && !climbed.has(at); at = parentOf.get(at)) {
      climbed.add(at);
      const sum = loads.get(at);
      if (sum === undefined) break;
      loads.set(at, { signals: sum.signals + load.signals, interventions: sum.interventions + load.interventions });
    }
  }
  return loads;
}

/**
 * Weekly score series: the overall score at the end of each ISO week of a cycle, up to a date,
 * scored exactly as the heatmap scores that date. Pure: the dates and facts are inputs.
 * docs/adoption-model.md ("Trends and forecast") describes them.
 */
import { addDays, earlierOf, isoWeekStart } from './calendar.ts';
import type { CycleDates } from './model.ts';

/** One point of a series: the overall score on a date. */
export interface WeeklyScore {
  on: string;
  score: number;
}

/** The Sunday ending the ISO week `date` falls in (the date itself on a Sunday). */
export const weekEndOf = (date: string): string => addDays(isoWeekStart(date), 6);

/**
 * The dates a series is scored on: the end of every ISO week of the cycle that ended before
 * `asOf` (and on or before the cycle's end), then `asOf` itself, so the last point is the score
 * the heatmap shows for that date. Before the cycle starts, `asOf` alone.
 */
export function seriesDates(cycle: CycleDates, asOf: string): string[] {
  const last = earlierOf(addDays(asOf, -1), cycle.endsOn);
  const dates: string[] = [];
  for (let on = weekEndOf(cycle.startsOn); on <= last; on = addDays(on, 7)) dates.push(on);
  dates.push(asOf);
  return dates;
}

/**
 * An area's series from its teams' (and its descendants' teams') series on the same dates, each
 * point weighted by team size as the heatmap weights the area's score; empty without people.
 */
export function areaSeries(teams: readonly { size: number; scores: readonly number[] }[], dates: readonly string[]): WeeklyScore[] {
  const sums = dates.map(() => 0);
  let people = 0;
  for (const team of teams) {
    people += team.size;
    addSeries(sums, team.size, team.scores);
  }
  return seriesOf(people, sums, dates);
}

/** Adds `size` × each point of a team's (or 1 × a subtree's summed) series to `sums`; a missing point counts 0. */
export function addSeries(sums: number[], size: number, scores: readonly number[]): void {
  for (let i = 0; i < sums.length; i++) sums[i]! += size * (scores[i] ?? 0);
}

/** The series from size-weighted sums on each date over `people`; empty without people. */
export const seriesOf = (people: number, sums: readonly number[], dates: readonly string[]): WeeklyScore[] =>
  people === 0 ? [] : dates.map((on, i) => ({ on, score: Math.round(sums[i]! / people) }));

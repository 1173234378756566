/**
 * A row's trend as the pages draw it: the weekly overall scores as a small inline SVG (drawn on
 * the server, no chart library, readable without JavaScript: its text alternative lists the
 * numbers) and the forecast in words.
 */
import type { Trend, WeeklyScore } from '../../projections/heatmap/types.ts';
import type { Forecast, NextStage } from '../adoption/forecast.ts';
import { daysBetween, formatDate } from '../adoption/calendar.ts';
import { EMBEDDED_FROM, PRACTICING_FROM } from '../adoption/model.ts';

export interface SparklineView {
  width: number;
  height: number;
  /** The polyline's points, `x,y` pairs in the viewBox. */
  points: string;
  /** The last point, marked: the score on the date asked about. */
  last: { x: number; y: number };
  /** The stage thresholds as horizontal lines. */
  thresholds: { y: number; score: number }[];
  /** The text alternative: every number of the series. */
  label: string;
}

const WIDTH = 96;
const HEIGHT = 24;
/** Room for the last point's mark inside the viewBox. */
const PAD = 2;

const round1 = (n: number): number => Math.round(n * 10) / 10;
/** Scores run 0–100 from the bottom of the box to its top. */
const yOf = (score: number): number => round1(PAD + ((100 - score) / 100) * (HEIGHT - 2 * PAD));

/**
 * The SVG model of a series: x by date (the last point may close a week early), y by score on
 * a fixed 0–100 scale so rows compare; null for an empty series.
 */
export function sparkline(series: readonly WeeklyScore[]): SparklineView | null {
  const first = series[0];
  const lastPoint = series[series.length - 1];
  if (first === undefined || lastPoint === undefined) return null;
  const span = daysBetween(first.on, lastPoint.on);
  const xOf = (on: string): number => (span === 0 ? WIDTH / 2 : round1(PAD + (daysBetween(first.on, on) / span) * (WIDTH - 2 * PAD)));
  const scores = series.map((p) => p.score).join(', ');
  const period = span === 0 ? `on ${formatDate(first.on)}` : `from ${formatDate(first.on)} to ${formatDate(lastPoint.on)}`;
  return {
    width: WIDTH,
    height: HEIGHT,
    points: series.map((p) => `${xOf(p.on)},${yOf(p.score)}`).join(' '),
    last: { x: xOf(lastPoint.on), y: yOf(lastPoint.score) },
    thresholds: [PRACTICING_FROM, EMBEDDED_FROM].map((score) => ({ y: yOf(score), score })),
    label: `Overall score by week ${period}: ${scores}`,
  };
}

const stageNames: Record<NextStage['stage'], string> = { practicing: 'Practicing', embedded: 'Embedded' };

/** `+3.1`, `−0.4`, `0`: points a week with their sign. */
const signed = (perWeek: number): string => (perWeek > 0 ? `+${perWeek}` : perWeek < 0 ? `−${-perWeek}` : '0');
const pace = (perWeek: number): string => `${signed(perWeek)} ${Math.abs(perWeek) === 1 ? 'point' : 'points'} a week`;

export interface ForecastView {
  /** The sentence the area and team pages print. */
  text: string;
  /** What a heatmap row has room for; the sentence is its title. */
  short: string;
  /** For the styling: `expected`, `stalled` (not at this pace), or `none` (nothing to forecast). */
  tone: 'expected' | 'stalled' | 'none';
}

/** The forecast in words, e.g. "Practicing around 14 Dec 2026 (7 Dec 2026 – 4 Jan 2027) at +3.1 points a week". */
export function forecastView(forecast: Forecast): ForecastView {
  switch (forecast.kind) {
    case 'last-stage':
      return { text: 'Embedded: the last stage, nothing further to forecast.', short: 'Last stage', tone: 'none' };
    case 'too-few-points':
      if (forecast.points === 0) return { text: 'No scores to forecast from: no teams with people.', short: 'No teams', tone: 'none' };
      return {
        text: `Too few weeks to forecast ${stageNames[forecast.next.stage].toLowerCase()}: ${forecast.points} of the ${forecast.needed} weekly scores needed.`,
        short: 'Too few weeks',
        tone: 'none',
      };
    case 'not-at-this-pace':
      return {
        text: `${stageNames[forecast.next.stage]} (${forecast.next.from}): not at this pace, ${pace(forecast.perWeek)}.`,
        short: `${stageNames[forecast.next.stage]}: not at this pace`,
        tone: 'stalled',
      };
    case 'at-threshold':
      return {
        text: `At the ${stageNames[forecast.next.stage].toLowerCase()} threshold (${forecast.next.from}) at ${pace(forecast.perWeek)}; the stage follows once the score holds there.`,
        short: `${stageNames[forecast.next.stage]}: at the threshold`,
        tone: 'expected',
      };
    case 'expected': {
      const range =
        forecast.latest === null
          ? `${formatDate(forecast.earliest)} or later`
          : forecast.earliest === forecast.latest
            ? formatDate(forecast.on)
            : `${formatDate(forecast.earliest)} – ${formatDate(forecast.latest)}`;
      const late = forecast.afterCycleEnd ? ', after this cycle ends' : '';
      return {
        text: `${stageNames[forecast.next.stage]} around ${formatDate(forecast.on)} (${range}) at ${pace(forecast.perWeek)}${late}.`,
        short: `${stageNames[forecast.next.stage]} ~${formatDate(forecast.on)}`,
        tone: 'expected',
      };
    }
  }
}

/** What a row, the area page and the team page print of a trend. */
export const trendView = (row: Trend) => ({ sparkline: sparkline(row.trend), forecast: forecastView(row.forecast) });

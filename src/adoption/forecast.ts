/**
 * When an area or team reaches its next adoption stage at its current pace, with a range: a
 * Theil–Sen slope (the median of the slopes between every pair of recent weekly points, which a
 * single odd week cannot drag) through the last FORECAST_POINTS points, projected from where that
 * line stands at the last point. Pure. docs/adoption-model.md ("Trends and forecast") works an
 * example through.
 */
import { addDays, daysBetween } from './calendar.ts';
import { EMBEDDED_FROM, PRACTICING_FROM, type Stage } from './model.ts';
import type { WeeklyScore } from './trend.ts';

/** How many of the latest points the pace is read from: two months of weeks. */
export const FORECAST_POINTS = 8;
/** Fewer points than this give no pace worth projecting. */
export const FORECAST_MIN_POINTS = 3;
/** A date further out than this many days after the last point is no forecast: "not at this pace". */
export const FORECAST_HORIZON_DAYS = 365;
/** The pairwise slopes' quantiles that bound the range: the fast pace gives the earliest date, the slow one the latest. */
const FAST_QUANTILE = 0.75;
const SLOW_QUANTILE = 0.25;

/** The stage a forecast looks for, and the overall score that reaches it when the score is steady. */
export type NextStage = { stage: Extract<Stage, 'practicing' | 'embedded'>; from: number };

/** Embedded is the last stage; before practicing (not started, exploring) the next one worth a forecast is practicing. */
export function nextStageAfter(stage: Stage): NextStage | null {
  if (stage === 'embedded') return null;
  return stage === 'practicing' ? { stage: 'embedded', from: EMBEDDED_FROM } : { stage: 'practicing', from: PRACTICING_FROM };
}

export type Forecast =
  | { kind: 'last-stage' }
  | { kind: 'too-few-points'; next: NextStage; points: number; needed: number }
  /** Flat or falling, or rising so slowly the date lies beyond the horizon. */
  | { kind: 'not-at-this-pace'; next: NextStage; perWeek: number }
  /** The trend line already stands at the threshold; the stage follows once the score holds (see `stageOf`). */
  | { kind: 'at-threshold'; next: NextStage; perWeek: number }
  | {
      kind: 'expected';
      next: NextStage;
      /** Points a week, the median pace. */
      perWeek: number;
      on: string;
      earliest: string;
      /** Null when the slow pace is not rising, or reaches the threshold only beyond the horizon: "or later". */
      latest: string | null;
      /** The date falls after the cycle's end, when its scores stop moving with check-ins: a pace, not a promise. */
      afterCycleEnd: boolean;
    };

/** The q-quantile of sorted numbers, interpolating between neighbours (R's type 7). */
export function quantile(sorted: readonly number[], q: number): number {
  const at = (sorted.length - 1) * q;
  const below = Math.floor(at);
  const low = sorted[below]!;
  const high = sorted[Math.min(below + 1, sorted.length - 1)]!;
  return low + (high - low) * (at - below);
}

/** Whole days from the last point until a line at `level` rising `perDay` reaches `target`; a float error never adds a day. */
const daysUntil = (target: number, level: number, perDay: number): number => Math.max(0, Math.ceil((target - level) / perDay - 1e-9));

/** Points a week, to one decimal. */
const weekly = (perDay: number): number => Math.round(perDay * 7 * 10) / 10;

/**
 * The forecast from a series in date order (its last point the date asked about), the stage
 * on that date and the cycle's last day. The pace is the median of the pairwise slopes in points a day; the line's level
 * at the last point is the median of each point's value carried to that day along the pace.
 */
export function forecast(series: readonly WeeklyScore[], stage: Stage, cycleEndsOn: string): Forecast {
  const next = nextStageAfter(stage);
  if (next === null) return { kind: 'last-stage' };
  const recent = series.slice(-FORECAST_POINTS);
  if (recent.length < FORECAST_MIN_POINTS) return { kind: 'too-few-points', next, points: recent.length, needed: FORECAST_MIN_POINTS };

  const lastOn = recent[recent.length - 1]!.on;
  const points = recent.map((p) => ({ x: daysBetween(lastOn, p.on), y: p.score }));
  const slopes: number[] = [];
  for (let i = 0; i < points.length; i++)
    for (let j = i + 1; j < points.length; j++) {
      const [a, b] = [points[i]!, points[j]!];
      if (b.x !== a.x) slopes.push((b.y - a.y) / (b.x - a.x));
    }
  slopes.sort((a, b) => a - b);
  const pace = quantile(slopes, 0.5);
  const level = quantile(
    points.map((p) => p.y - pace * p.x).sort((a, b) => a - b),
    0.5,
  );
  const perWeek = weekly(pace);

  if (pace <= 0) return { kind: 'not-at-this-pace', next, perWeek };
  if (level >= next.from) return { kind: 'at-threshold', next, perWeek };
  const days = daysUntil(next.from, level, pace);
  if (days > FORECAST_HORIZON_DAYS) return { kind: 'not-at-this-pace', next, perWeek };
  const fast = quantile(slopes, FAST_QUANTILE);
  const slow = quantile(slopes, SLOW_QUANTILE);
  const slowDays = slow > 0 ? daysUntil(next.from, level, slow) : null;
  const on = addDays(lastOn, days);
  return {
    kind: 'expected',
    next,
    perWeek,
    on,
    earliest: addDays(lastOn, daysUntil(next.from, level, fast)),
    latest: slowDays === null || slowDays > FORECAST_HORIZON_DAYS ? null : addDays(lastOn, slowDays),
    afterCycleEnd: on > cycleEndsOn,
  };
}

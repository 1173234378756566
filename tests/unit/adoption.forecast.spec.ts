import { describe, expect, it } from 'vitest';
import { addDays, daysBetween } from '../../src/adoption/calendar.ts';
import { FORECAST_HORIZON_DAYS, forecast, nextStageAfter, quantile } from '../../src/adoption/forecast.ts';
import type { WeeklyScore } from '../../src/adoption/trend.ts';

// Synthetic series with known answers; the arithmetic is in the comments (docs/adoption-model.md, "Trends and forecast").
const FIRST_SUNDAY = '2026-10-04';
const CYCLE_ENDS = '2026-12-31';
/** Scores one week apart from FIRST_SUNDAY. */
const weekly = (...scores: number[]): WeeklyScore[] => scores.map((score, i) => ({ on: addDays(FIRST_SUNDAY, 7 * i), score }));
const lastOn = (series: WeeklyScore[]) => series[series.length - 1]!.on;

describe('the next stage', () => {
  it('is practicing (40) before practicing, embedded (75) from practicing, and nothing after embedded', () => {
    expect(nextStageAfter('not-started')).toEqual({ stage: 'practicing', from: 40 });
    expect(nextStageAfter('exploring')).toEqual({ stage: 'practicing', from: 40 });
    expect(nextStageAfter('practicing')).toEqual({ stage: 'embedded', from: 75 });
    expect(nextStageAfter('embedded')).toBeNull();
  });
});

describe('quantile', () => {
  it('interpolates between neighbours (R type 7)', () => {
    // (4 − 1) × 0.25 = 0.75 of the way from 1 to 2; the median of an even count is the mean of the middle two.
    expect(quantile([1, 2, 3, 4], 0.25)).toBe(1.75);
    expect(quantile([1, 2, 3, 4], 0.5)).toBe(2.5);
    expect(quantile([1, 2, 3, 4], 0.75)).toBe(3.25);
    expect(quantile([7], 0.5)).toBe(7);
  });
});

describe('a linear series', () => {
  it('gives the exact date the line crosses the threshold, with no spread', () => {
    // +5 a week, 30 on 1 Nov: 40 − 30 = 10 points at 5/7 a day is 14 days, 15 Nov. Every pairwise slope is 5/7, so the range is that day.
    const series = weekly(10, 15, 20, 25, 30);
    expect(lastOn(series)).toBe('2026-11-01');
    expect(forecast(series, 'exploring', CYCLE_ENDS)).toEqual({
      kind: 'expected',
      next: { stage: 'practicing', from: 40 },
      perWeek: 5,
      on: '2026-11-15',
      earliest: '2026-11-15',
      latest: '2026-11-15',
      afterCycleEnd: false,
    });
  });

  it('reads practicing → embedded the same way', () => {
    // +4 a week, 55 on 25 Oct: 20 points at 4/7 a day is 35 days, 29 Nov.
    const result = forecast(weekly(43, 47, 51, 55), 'practicing', CYCLE_ENDS);
    expect(result).toMatchObject({ kind: 'expected', next: { stage: 'embedded', from: 75 }, perWeek: 4, on: '2026-11-29' });
  });

  it('rounds a date the line reaches within a day up to that day', () => {
    // +3 a week, 30 on 1 Nov: 10 / (3/7) = 23.3 days, so the 24th day, 25 Nov.
    expect(forecast(weekly(18, 21, 24, 27, 30), 'exploring', CYCLE_ENDS)).toMatchObject({ perWeek: 3, on: '2026-11-25' });
  });

  it('reads the pace from the last 8 points only: older weeks do not move it', () => {
    const recent = [10, 15, 20, 25, 30, 35, 40, 45].map((s) => s - 20);
    // Two wild early weeks, then +5 a week ending at 25 on 6 Dec: 15 points, 21 days, 27 Dec.
    const withHistory = weekly(90, 0, ...recent);
    expect(lastOn(withHistory)).toBe('2026-12-06');
    expect(forecast(withHistory, 'exploring', CYCLE_ENDS)).toMatchObject({
      on: '2026-12-27',
      earliest: '2026-12-27',
      latest: '2026-12-27',
    });
  });

  it('measures the pace by days, so a last point mid-week (the date asked about) fits the same line', () => {
    // 2 points a day: 0 on 4 Oct, 14, 28, then 34 on 21 Oct (3 days later); 6 points to go is 3 days, 24 Oct.
    const series: WeeklyScore[] = [...weekly(0, 14, 28), { on: '2026-10-21', score: 34 }];
    expect(forecast(series, 'exploring', CYCLE_ENDS)).toMatchObject({ kind: 'expected', perWeek: 14, on: '2026-10-24' });
  });

  it('says when the date falls after the cycle ends', () => {
    // +1.5 a week from 24 on 1 Nov: 16 / (1.5/7) = 74.7 days, so the 75th day, 15 Jan 2027, after the end on 31 Dec.
    const result = forecast(weekly(18, 19.5, 21, 22.5, 24), 'exploring', CYCLE_ENDS);
    expect(result).toMatchObject({ kind: 'expected', on: '2027-01-15', afterCycleEnd: true });
  });
});

describe('the worked example in docs/adoption-model.md', () => {
  it('gives 15 Nov (13 – 18 Nov) at +3 a week', () => {
    expect(forecast(weekly(22, 25, 31, 30, 34), 'exploring', CYCLE_ENDS)).toEqual({
      kind: 'expected',
      next: { stage: 'practicing', from: 40 },
      perWeek: 3,
      on: '2026-11-15',
      earliest: '2026-11-13',
      latest: '2026-11-18',
      afterCycleEnd: false,
    });
  });
});

describe('a noisy series', () => {
  /** The true line: 6 + 3.5 a week from FIRST_SUNDAY; it reaches 40 after 34 / 0.5 = 68 days, on 11 Dec. */
  const truth = (week: number) => 6 + 3.5 * week;
  const trueDate = addDays(FIRST_SUNDAY, 68);
  const noises = [
    [2, -3, 1, 3, -2, 0, -1, 2],
    [-3, 2, 3, -1, -3, 2, 1, -2],
    [0, 4, -4, 1, 3, -3, 2, 0],
    [1, -1, -2, 4, 0, -3, 3, -2],
  ];

  it.each(noises.map((noise, i) => [i + 1, noise] as const))('puts the true date within the range (noise %i)', (_, noise) => {
    const series = weekly(...noise.map((n, week) => Math.round(truth(week) + n)));
    const result = forecast(series, 'exploring', CYCLE_ENDS);
    if (result.kind !== 'expected') throw new Error(`expected a date, got ${JSON.stringify(result)}`);
    expect(result.earliest <= result.on && (result.latest === null || result.on <= result.latest)).toBe(true);
    expect(result.earliest <= trueDate).toBe(true);
    expect(result.latest === null || trueDate <= result.latest).toBe(true);
    // The pace is near the true 3.5 a week and the central date within a week of the truth.
    expect(Math.abs(result.perWeek - 3.5)).toBeLessThan(1);
    expect(Math.abs(daysBetween(trueDate, result.on))).toBeLessThanOrEqual(7);
  });

  it('is not dragged by one odd week (a median, not a mean)', () => {
    // +5 a week with one week reported 40 points low: the pairwise median slope is still 5.
    const series = weekly(10, 15, 20, 25, 30 - 40, 35, 40, 45).map((p) => ({ ...p, score: p.score - 20 }));
    expect(forecast(series, 'exploring', CYCLE_ENDS)).toMatchObject({ perWeek: 5, on: addDays(lastOn(series), 21) });
  });

  it('leaves the range open ("or later") when the slow pace is not rising', () => {
    // Zig-zag up: every high week to a later low week falls (10 of the 28 pairs, more than a quarter), the rest rise.
    const result = forecast(weekly(30, 10, 34, 14, 38, 18, 42, 22), 'exploring', CYCLE_ENDS);
    expect(result).toMatchObject({ kind: 'expected', latest: null });
    if (result.kind === 'expected') expect(result.earliest <= result.on).toBe(true);
  });
});

describe('no date at this pace', () => {
  it('says so for a flat trend', () => {
    expect(forecast(weekly(30, 30, 30, 30), 'exploring', CYCLE_ENDS)).toEqual({
      kind: 'not-at-this-pace',
      next: { stage: 'practicing', from: 40 },
      perWeek: 0,
    });
  });

  it('says so for a falling trend, with its pace', () => {
    // −2 a week from 60.
    expect(forecast(weekly(66, 64, 62, 60), 'practicing', CYCLE_ENDS)).toEqual({
      kind: 'not-at-this-pace',
      next: { stage: 'embedded', from: 75 },
      perWeek: -2,
    });
  });

  it('says so when the line reaches the threshold only beyond the horizon', () => {
    // +0.25 a week from 20: 20 points take 560 days, more than FORECAST_HORIZON_DAYS.
    expect(560).toBeGreaterThan(FORECAST_HORIZON_DAYS);
    expect(forecast(weekly(19, 19.25, 19.5, 19.75, 20), 'exploring', CYCLE_ENDS)).toMatchObject({ kind: 'not-at-this-pace', perWeek: 0.3 });
  });
});

describe('nothing to project', () => {
  it('says how many weekly points there are and how many it needs', () => {
    expect(forecast(weekly(10, 20), 'exploring', CYCLE_ENDS)).toEqual({
      kind: 'too-few-points',
      next: { stage: 'practicing', from: 40 },
      points: 2,
      needed: 3,
    });
    expect(forecast([], 'not-started', CYCLE_ENDS)).toMatchObject({ kind: 'too-few-points', points: 0 });
  });

  it('has no next stage once embedded, whatever the series', () => {
    expect(forecast(weekly(10, 20, 30, 40, 50), 'embedded', CYCLE_ENDS)).toEqual({ kind: 'last-stage' });
  });

  it('says a rising line already at the threshold is there (the stage waits for the score to hold: a falling month raised it)', () => {
    // 36, 38, 40, 42: the line stands at 42 ≥ 40, rising 2 a week.
    expect(forecast(weekly(36, 38, 40, 42), 'exploring', CYCLE_ENDS)).toEqual({
      kind: 'at-threshold',
      next: { stage: 'practicing', from: 40 },
      perWeek: 2,
    });
  });
});

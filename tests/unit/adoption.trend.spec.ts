import { describe, expect, it } from 'vitest';
import type { CycleDates } from '../../src/adoption/model.ts';
import { areaSeries, seriesDates, weekEndOf } from '../../src/adoption/trend.ts';
import { forecastView, sparkline } from '../../src/overview/trend.ts';

const cycle: CycleDates = { startsOn: '2026-10-01', endsOn: '2026-12-31', checkInCadenceDays: 7 };

describe('week ends', () => {
  it('are Sundays: a date mid-week belongs to the Sunday after it, a Sunday to itself', () => {
    expect(weekEndOf('2026-11-25')).toBe('2026-11-29'); // a Wednesday
    expect(weekEndOf('2026-11-23')).toBe('2026-11-29'); // a Monday
    expect(weekEndOf('2026-11-29')).toBe('2026-11-29');
    expect(weekEndOf('2026-12-31')).toBe('2027-01-03'); // across the year: ISO week 2026-W53
    expect(weekEndOf('1969-12-31')).toBe('1970-01-04'); // before the reference Sunday
  });
});

describe('the dates a series is scored on', () => {
  it('are the cycle’s week ends before the date asked about, then that date', () => {
    // The cycle starts on a Thursday; its first week ends on Sunday 4 Oct.
    expect(seriesDates(cycle, '2026-10-21')).toEqual(['2026-10-04', '2026-10-11', '2026-10-18', '2026-10-21']);
  });

  it('end on the date asked about without repeating it when it is a Sunday', () => {
    expect(seriesDates(cycle, '2026-10-18')).toEqual(['2026-10-04', '2026-10-11', '2026-10-18']);
  });

  it('stop at the cycle’s end, then give the date asked about after it', () => {
    const dates = seriesDates(cycle, '2027-02-10');
    expect(dates.slice(-3)).toEqual(['2026-12-20', '2026-12-27', '2027-02-10']);
    expect(dates).toHaveLength(14); // 13 Sundays from 4 Oct to 27 Dec
  });

  it('are the date alone before the cycle starts', () => {
    expect(seriesDates(cycle, '2026-09-15')).toEqual(['2026-09-15']);
    expect(seriesDates(cycle, '2026-10-01')).toEqual(['2026-10-01']);
  });
});

describe('an area’s series', () => {
  it('weights each date’s team scores by size, as the heatmap weights an area’s score', () => {
    const dates = ['2026-10-04', '2026-10-11'];
    // (2 × 10 + 6 × 50) / 8 = 40; (2 × 31 + 6 × 60) / 8 = 52.75 → 53.
    const series = areaSeries(
      [
        { size: 2, scores: [10, 31] },
        { size: 6, scores: [50, 60] },
      ],
      dates,
    );
    expect(series).toEqual([
      { on: '2026-10-04', score: 40 },
      { on: '2026-10-11', score: 53 },
    ]);
  });

  it('is empty without people', () => {
    expect(areaSeries([], ['2026-10-04'])).toEqual([]);
    expect(areaSeries([{ size: 0, scores: [10] }], ['2026-10-04'])).toEqual([]);
  });
});

describe('the sparkline', () => {
  it('draws scores on a fixed 0–100 scale and dates along the width, with the numbers as its text alternative', () => {
    const view = sparkline([
      { on: '2026-10-04', score: 0 },
      { on: '2026-10-11', score: 50 },
      { on: '2026-10-25', score: 100 },
    ])!;
    // 96 × 24 with 2 of padding: x runs 2…94 over 21 days, y runs 22 (0) … 2 (100).
    expect(view.points).toBe('2,22 32.7,12 94,2');
    expect(view.last).toEqual({ x: 94, y: 2 });
    expect(view.thresholds).toEqual([
      { y: 14, score: 40 },
      { y: 7, score: 75 },
    ]);
    expect(view.label).toBe('Overall score by week from 4 Oct 2026 to 25 Oct 2026: 0, 50, 100');
  });

  it('puts a single point in the middle', () => {
    const view = sparkline([{ on: '2026-10-01', score: 25 }])!;
    expect(view.points).toBe('48,17');
    expect(view.label).toBe('Overall score by week on 1 Oct 2026: 25');
  });

  it('draws nothing for an empty series', () => {
    expect(sparkline([])).toBeNull();
  });
});

describe('the forecast in words', () => {
  const practicing = { stage: 'practicing', from: 40 } as const;
  it('gives the date, the range and the pace', () => {
    const view = forecastView({
      kind: 'expected',
      next: practicing,
      perWeek: 3.1,
      on: '2026-12-14',
      earliest: '2026-12-07',
      latest: '2027-01-04',
      afterCycleEnd: false,
    });
    expect(view).toEqual({
      text: 'Practicing around 14 Dec 2026 (7 Dec 2026 – 4 Jan 2027) at +3.1 points a week.',
      short: 'Practicing ~14 Dec 2026',
      tone: 'expected',
    });
  });

  it('leaves an open range open and says when the date falls after the cycle', () => {
    const view = forecastView({
      kind: 'expected',
      next: practicing,
      perWeek: 1,
      on: '2027-01-14',
      earliest: '2026-12-20',
      latest: null,
      afterCycleEnd: true,
    });
    expect(view.text).toBe('Practicing around 14 Jan 2027 (20 Dec 2026 or later) at +1 point a week, after this cycle ends.');
  });

  it('says "not at this pace" with the falling pace, and what it cannot forecast', () => {
    expect(forecastView({ kind: 'not-at-this-pace', next: { stage: 'embedded', from: 75 }, perWeek: -2 }).text).toBe(
      'Embedded (75): not at this pace, −2 points a week.',
    );
    expect(forecastView({ kind: 'too-few-points', next: practicing, points: 2, needed: 3 }).text).toBe(
      'Too few weeks to forecast practicing: 2 of the 3 weekly scores needed.',
    );
    expect(forecastView({ kind: 'last-stage' }).tone).toBe('none');
    // An area without teams has no series at all.
    expect(forecastView({ kind: 'too-few-points', next: practicing, points: 0, needed: 3 }).short).toBe('No teams');
  });
});

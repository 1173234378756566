import { describe, expect, it } from 'vitest';
import {
  addWeeks,
  daysOf,
  digestWeek,
  ISO_WEEK_RULE,
  isoWeekOf,
  lastCompleteWeek,
  parseIsoWeek,
  weeksIn,
  weekText,
} from '../../src/adoption/isoWeek.ts';

describe('ISO weeks', () => {
  it.each([
    // 2026 starts on a Thursday: its week 1 begins on Monday 29 December 2025, and it has 53 weeks.
    ['2025-12-29', '2026-W01'],
    ['2026-01-01', '2026-W01'],
    ['2026-11-23', '2026-W48'],
    ['2026-11-29', '2026-W48'],
    ['2026-12-31', '2026-W53'],
    ['2027-01-03', '2026-W53'],
    ['2027-01-04', '2027-W01'],
    // 2021 starts on a Friday: its first days belong to 2020's week 53.
    ['2021-01-01', '2020-W53'],
    ['2021-01-03', '2020-W53'],
    ['2021-01-04', '2021-W01'],
    // A Monday at the end of December already in the next year's week 1.
    ['2024-12-30', '2025-W01'],
    ['2008-12-29', '2009-W01'],
  ])('%s is in %s', (date, week) => {
    expect(weekText(isoWeekOf(date))).toBe(week);
  });

  it.each([
    [2015, 53],
    [2020, 53],
    [2021, 52],
    [2025, 52],
    [2026, 53],
    [2032, 53],
  ])('%i has %i weeks', (year, weeks) => {
    expect(weeksIn(year)).toBe(weeks);
  });

  it('names the days of a week, Monday to Sunday, across a year end', () => {
    expect(daysOf({ year: 2026, week: 1 })).toEqual({ from: '2025-12-29', to: '2026-01-04' });
    expect(daysOf({ year: 2026, week: 53 })).toEqual({ from: '2026-12-28', to: '2027-01-03' });
    expect(daysOf({ year: 2020, week: 53 })).toEqual({ from: '2020-12-28', to: '2021-01-03' });
    expect(daysOf({ year: 2026, week: 48 })).toEqual({ from: '2026-11-23', to: '2026-11-29' });
  });

  it('steps over a year end both ways', () => {
    expect(weekText(addWeeks({ year: 2026, week: 53 }, 1))).toBe('2027-W01');
    expect(weekText(addWeeks({ year: 2021, week: 1 }, -1))).toBe('2020-W53');
    expect(weekText(addWeeks({ year: 2026, week: 48 }, -3))).toBe('2026-W45');
  });

  it("the last complete week is the one before today's", () => {
    expect(weekText(lastCompleteWeek('2026-11-25'))).toBe('2026-W47');
    expect(weekText(lastCompleteWeek('2026-11-23'))).toBe('2026-W47');
    // On a Sunday its own week has not ended yet.
    expect(weekText(lastCompleteWeek('2026-11-29'))).toBe('2026-W47');
    expect(weekText(lastCompleteWeek('2026-01-01'))).toBe('2025-W52');
  });

  it('parses what it prints', () => {
    expect(parseIsoWeek('2026-W48')).toEqual({ ok: true, week: { year: 2026, week: 48 } });
    expect(parseIsoWeek('2020-W53')).toEqual({ ok: true, week: { year: 2020, week: 53 } });
    expect(parseIsoWeek('2026-W01')).toEqual({ ok: true, week: { year: 2026, week: 1 } });
  });

  it.each(['2026-48', '2026W48', '2026-w48', '2026-W4', '2026-W048', ' 2026-W48', '26-W48', '2026-11-23', '', 'W48'])(
    'refuses %j with the rule',
    (text) => {
      expect(parseIsoWeek(text)).toEqual({ ok: false, message: ISO_WEEK_RULE });
    },
  );

  it('refuses week numbers the year does not have, saying how many it has', () => {
    expect(parseIsoWeek('2025-W53')).toEqual({ ok: false, message: 'must be a week from 01 to 52: 2025 has 52 ISO weeks' });
    expect(parseIsoWeek('2026-W54')).toEqual({ ok: false, message: 'must be a week from 01 to 53: 2026 has 53 ISO weeks' });
    expect(parseIsoWeek('2026-W00')).toMatchObject({ ok: false });
    expect(parseIsoWeek('0999-W10')).toMatchObject({ ok: false });
  });

  it('a digest week has begun: the current week is allowed, a later one is not', () => {
    expect(digestWeek('2026-W48', '2026-11-25')).toMatchObject({ ok: true });
    expect(digestWeek('2026-W49', '2026-11-25')).toEqual({
      ok: false,
      message: 'must not be after the current week, 2026-W48: nothing has happened in it yet',
    });
    expect(digestWeek('2027-W01', '2026-11-25')).toMatchObject({ ok: false });
    expect(digestWeek('2026-W99', '2026-11-25')).toMatchObject({ ok: false, message: expect.stringContaining('from 01 to 53') });
  });
});

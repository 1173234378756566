/**
 * ISO 8601 weeks (`2026-W48`): weeks start on Monday, and week 1 of a year is the one holding its
 * first Thursday, so 1 January can sit in the last week of the year before and 31 December in
 * week 1 of the next; a year has 52 weeks, or 53 when it starts on a Thursday (or on a Wednesday
 * in a leap year). Pure: calendar dates in, calendar dates out.
 */
import { addDays, daysBetween, isoWeekStart } from './calendar.ts';

export interface IsoWeek {
  /** The ISO week-numbering year, which differs from the calendar year around New Year. */
  year: number;
  week: number;
}

export const ISO_WEEK_RULE = 'must be an ISO week, YYYY-Www (e.g. 2026-W48)';

/** The ISO week a calendar date falls in: the year its Thursday falls in, counted from that year's first Thursday. */
export function isoWeekOf(date: string): IsoWeek {
  const thursday = addDays(isoWeekStart(date), 3);
  const year = Number(thursday.slice(0, 4));
  return { year, week: Math.floor(daysBetween(`${thursday.slice(0, 4)}-01-01`, thursday) / 7) + 1 };
}

const yearText = (year: number): string => String(year).padStart(4, '0');

/** 52 or 53: 28 December is always in a year's last week. */
export const weeksIn = (year: number): number => isoWeekOf(`${yearText(year)}-12-28`).week;

/** `2026-W07`. */
export const weekText = ({ year, week }: IsoWeek): string => `${yearText(year)}-W${String(week).padStart(2, '0')}`;

/** The week's Monday: week 1 is the one holding 4 January. */
export function mondayOf({ year, week }: IsoWeek): string {
  return addDays(isoWeekStart(`${yearText(year)}-01-04`), (week - 1) * 7);
}

/** Its first and last day (Monday and Sunday), inclusive. */
export function daysOf(week: IsoWeek): { from: string; to: string } {
  const from = mondayOf(week);
  return { from, to: addDays(from, 6) };
}

export const addWeeks = (week: IsoWeek, weeks: number): IsoWeek => isoWeekOf(addDays(mondayOf(week), weeks * 7));

/** Negative when `a` comes first. */
export const compareWeeks = (a: IsoWeek, b: IsoWeek): number => a.year - b.year || a.week - b.week;

/** The last week that has ended by `today`: the one before today's. */
export const lastCompleteWeek = (today: string): IsoWeek => isoWeekOf(addDays(today, -7));

export type WeekParse = { ok: true; week: IsoWeek } | { ok: false; message: string };

/** `2026-W48` as a week, or the rule it breaks (without the field's name: the caller names it). */
export function parseIsoWeek(text: string): WeekParse {
  const match = /^(\d{4})-W(\d{2})$/.exec(text);
  if (match === null) return { ok: false, message: ISO_WEEK_RULE };
  const year = Number(match[1]);
  const week = Number(match[2]);
  if (year < 1000) return { ok: false, message: `${ISO_WEEK_RULE}, in a year from 1000 on` };
  const last = weeksIn(year);
  if (week < 1 || week > last) return { ok: false, message: `must be a week from 01 to ${last}: ${year} has ${last} ISO weeks` };
  return { ok: true, week: { year, week } };
}

/**
 * A week a digest can be asked for: a well-formed week that has begun by `today` (the current
 * week reads up to today); the rule broken otherwise.
 */
export function digestWeek(text: string, today: string): WeekParse {
  const parsed = parseIsoWeek(text);
  if (!parsed.ok) return parsed;
  const current = isoWeekOf(today);
  if (compareWeeks(parsed.week, current) > 0)
    return { ok: false, message: `must not be after the current week, ${weekText(current)}: nothing has happened in it yet` };
  return parsed;
}

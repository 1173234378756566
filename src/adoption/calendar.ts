/** Arithmetic on calendar dates (`YYYY-MM-DD`, no time zone): pure, no clock. */

const MS_PER_DAY = 86_400_000;

/**
 * Answers already worked out: scoring a heatmap asks about the same few dates for every team
 * (the date, 28 days before it, the cycle's start and end), and parsing one costs far more than
 * looking it up. Shifted dates are kept by shift, then date, so a look-up builds no key. Emptied
 * when full, as the dates asked about come from requests.
 */
const known = { days: new Map<string, number>(), shifted: new Map<number, Map<string, string>>(), shiftedCount: 0 };
const KNOWN_AT_MOST = 10_000;

function toUtcDay(date: string): number {
  const day = known.days.get(date);
  if (day !== undefined) return day;
  if (known.days.size >= KNOWN_AT_MOST) known.days.clear();
  const parsed = Date.parse(`${date}T00:00:00Z`) / MS_PER_DAY;
  known.days.set(date, parsed);
  return parsed;
}

/** Whole days from `from` to `to`: negative when `to` comes first. */
export const daysBetween = (from: string, to: string): number => toUtcDay(to) - toUtcDay(from);

export function addDays(date: string, days: number): string {
  const answer = known.shifted.get(days)?.get(date);
  if (answer !== undefined) return answer;
  if (known.shiftedCount >= KNOWN_AT_MOST) {
    known.shifted.clear();
    known.shiftedCount = 0;
  }
  const shifted = new Date((toUtcDay(date) + days) * MS_PER_DAY).toISOString().slice(0, 10);
  let byDate = known.shifted.get(days);
  if (byDate === undefined) {
    byDate = new Map();
    known.shifted.set(days, byDate);
  }
  byDate.set(date, shifted);
  known.shiftedCount += 1;
  return shifted;
}

/** Calendar dates order as strings. */
export const earlierOf = (a: string, b: string): string => (a <= b ? a : b);
/** The later of two calendar dates. */
export const laterOf = (a: string, b: string): string => (a >= b ? a : b);

const months = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** `2026-11-25` → `25 Nov 2026`, read as a calendar date so no time zone can shift it; anything else is printed as it is. */
export function formatDate(date: string): string {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(date);
  const month = match ? months[Number(match[2]) - 1] : undefined;
  return match && month ? `${Number(match[3])} ${month} ${match[1]}` : String(date);
}

/** `2026-11-24T09:00:00.000Z` → `24 Nov 2026, 09:00 UTC`; a value that is not an instant is shown as it is. */
export function formatInstant(instant: string): string {
  const time = Date.parse(instant);
  if (Number.isNaN(time)) return instant;
  const utc = new Date(time).toISOString();
  return `${formatDate(utc.slice(0, 10))}, ${utc.slice(11, 16)} UTC`;
}

/** Days since the Monday on or before `date` (0 on a Monday, 6 on a Sunday); 1 Jan 1970, day 0, was a Thursday. */
const daysSinceMonday = (date: string): number => (((toUtcDay(date) + 3) % 7) + 7) % 7;

/** The Monday that starts the ISO 8601 week (Monday to Sunday) holding `date`. */
export const isoWeekStart = (date: string): string => addDays(date, -daysSinceMonday(date));

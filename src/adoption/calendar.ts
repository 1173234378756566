/** Arithmetic on calendar dates (`YYYY-MM-DD`, no time zone): pure, no clock. */

const MS_PER_DAY = 86_400_000;

const toUtcDay = (date: string): number => Date.parse(`${date}T00:00:00Z`) / MS_PER_DAY;

/** Whole days from `from` to `to`: negative when `to` comes first. */
export const daysBetween = (from: string, to: string): number => toUtcDay(to) - toUtcDay(from);

export const addDays = (date: string, days: number): string => new Date((toUtcDay(date) + days) * MS_PER_DAY).toISOString().slice(0, 10);

/** Calendar dates order as strings. */
export const earlierOf = (a: string, b: string): string => (a <= b ? a : b);

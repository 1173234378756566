import { addDays, daysBetween } from '../adoption/calendar.ts';

/**
 * The classic quadrants of the influence × interest grid. 3 counts as high on both axes: a
 * middling stakeholder gets more attention rather than less.
 */
export const HIGH_RATING = 3;

const quadrants = {
  manage: { key: 'manage', label: 'Manage closely' },
  satisfy: { key: 'satisfy', label: 'Keep satisfied' },
  inform: { key: 'inform', label: 'Keep informed' },
  monitor: { key: 'monitor', label: 'Monitor' },
} as const;

export function quadrantOf(influence: number, interest: number) {
  if (influence >= HIGH_RATING) return interest >= HIGH_RATING ? quadrants.manage : quadrants.satisfy;
  return interest >= HIGH_RATING ? quadrants.inform : quadrants.monitor;
}

/** Not engaged for this many weeks or more (or never): a quiet stakeholder, due for engagement. */
export const QUIET_STAKEHOLDER_WEEKS = 4;
const QUIET_DAYS = QUIET_STAKEHOLDER_WEEKS * 7;

export function isQuiet(lastEngagedOn: string | null, today: string): boolean {
  return lastEngagedOn === null || daysBetween(lastEngagedOn, today) >= QUIET_DAYS;
}

/** A stakeholder last engaged before this date (or never) is quiet today: the same rule as `isQuiet`, for a query. */
export const quietBefore = (today: string): string => addDays(today, 1 - QUIET_DAYS);

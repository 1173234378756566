import { addDays } from '../adoption/calendar.ts';

const DEFAULT_CADENCE_DAYS = 14;

const quarterOf = (date: string) => ({ year: Number(date.slice(0, 4)), quarter: Math.floor((Number(date.slice(5, 7)) - 1) / 3) + 1 });
const quarterStart = (year: number, quarter: number) => `${year}-${String(quarter * 3 - 2).padStart(2, '0')}-01`;

/**
 * The cycle to open next: the first calendar quarter that starts after the latest cycle ends (or
 * the quarter holding today when there is none), named `2027-Q1`, with the latest cycle's
 * check-in cadence.
 */
export function nextCycle(
  cycles: readonly { endsOn: string; checkInCadenceDays: number }[],
  today: string,
): { name: string; startsOn: string; endsOn: string; checkInCadenceDays: number } {
  const latest = cycles.reduce<(typeof cycles)[number] | undefined>(
    (last, c) => (last === undefined || c.endsOn > last.endsOn ? c : last),
    undefined,
  );
  const after = latest === undefined ? today : addDays(latest.endsOn, 1);
  let { year, quarter } = quarterOf(after);
  if (latest !== undefined && quarterStart(year, quarter) < after) [year, quarter] = quarter === 4 ? [year + 1, 1] : [year, quarter + 1];
  const startsOn = quarterStart(year, quarter);
  const following = quarter === 4 ? quarterStart(year + 1, 1) : quarterStart(year, quarter + 1);
  return {
    name: `${year}-Q${quarter}`,
    startsOn,
    endsOn: addDays(following, -1),
    checkInCadenceDays: latest?.checkInCadenceDays ?? DEFAULT_CADENCE_DAYS,
  };
}

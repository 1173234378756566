import { describe, expect, it } from 'vitest';
import { nextCycle } from '../../src/cycle/next.ts';

const TODAY = '2026-11-25';

describe('suggesting the next cycle', () => {
  const cycle = (startsOn: string, endsOn: string, checkInCadenceDays = 14) => ({ startsOn, endsOn, checkInCadenceDays });

  it('suggests the quarter after the latest cycle, with its cadence', () => {
    expect(nextCycle([cycle('2026-10-01', '2026-12-31', 7), cycle('2026-07-01', '2026-09-30')], TODAY)).toEqual({
      name: '2027-Q1',
      startsOn: '2027-01-01',
      endsOn: '2027-03-31',
      checkInCadenceDays: 7,
    });
    expect(nextCycle([cycle('2027-01-01', '2027-03-31')], TODAY)).toMatchObject({
      name: '2027-Q2',
      startsOn: '2027-04-01',
      endsOn: '2027-06-30',
    });
  });

  it('starts at the next quarter boundary when the latest cycle ends mid-quarter', () => {
    expect(nextCycle([cycle('2026-09-15', '2026-11-10')], TODAY)).toMatchObject({
      name: '2027-Q1',
      startsOn: '2027-01-01',
      endsOn: '2027-03-31',
    });
  });

  it('suggests the quarter holding today, every 14 days, when there is no cycle yet', () => {
    expect(nextCycle([], TODAY)).toEqual({ name: '2026-Q4', startsOn: '2026-10-01', endsOn: '2026-12-31', checkInCadenceDays: 14 });
  });
});

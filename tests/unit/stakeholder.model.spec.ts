import { describe, expect, it } from 'vitest';
import { addDays } from '../../src/adoption/calendar.ts';
import { isQuiet, quadrantOf, quietBefore } from '../../src/stakeholder/model.ts';

describe('the stakeholder grid', () => {
  it('puts a stakeholder in the classic quadrant, 3 counting as high', () => {
    expect(quadrantOf(5, 5).label).toBe('Manage closely');
    expect(quadrantOf(3, 3).label).toBe('Manage closely');
    expect(quadrantOf(4, 2).label).toBe('Keep satisfied');
    expect(quadrantOf(2, 3).label).toBe('Keep informed');
    expect(quadrantOf(2, 2).label).toBe('Monitor');
  });
});

describe('a quiet stakeholder', () => {
  const today = '2026-11-25';

  it('is one never engaged, or last engaged four weeks ago or more', () => {
    expect(isQuiet(null, today)).toBe(true);
    expect(isQuiet(addDays(today, -27), today)).toBe(false);
    expect(isQuiet(addDays(today, -28), today)).toBe(true);
  });

  it('is the same rule for a query: last engaged before quietBefore(today)', () => {
    for (const daysAgo of [0, 27, 28, 29, 60]) {
      const lastEngagedOn = addDays(today, -daysAgo);
      expect(lastEngagedOn < quietBefore(today)).toBe(isQuiet(lastEngagedOn, today));
    }
  });
});

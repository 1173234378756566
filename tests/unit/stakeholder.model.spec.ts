import { describe, expect, it } from 'vitest';
import { addDays } from '../../src/adoption/calendar.ts';
import {
  adkarSteps,
  attitudeGap,
  attitudeSteps,
  ENGAGEMENT_CADENCE_DAYS,
  HEALTHY_FROM,
  isQuiet,
  lookbackStart,
  moveOf,
  quadrantOf,
  quietBefore,
  healthOf,
  relationshipHealth,
  summarise,
} from '../../src/stakeholder/model.ts';

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

describe('the desired attitude', () => {
  it('counts the gap in steps up from the current attitude to the aim', () => {
    expect(attitudeGap('skeptic', 'supporter')).toBe(2);
    expect(attitudeGap('resistor', 'champion')).toBe(4);
    expect(attitudeGap('supporter', 'supporter')).toBe(0);
    expect(attitudeGap('champion', 'supporter')).toBe(-1);
    expect(attitudeGap(null, 'supporter')).toBeNull();
    expect(attitudeGap('neutral', null)).toBeNull();
  });
});

describe('a move over a period', () => {
  it('is the attitude and ADKAR steps from its start to its end, its size the larger', () => {
    expect(moveOf({ from: 'champion', to: 'neutral' }, { from: 'ability', to: 'reinforcement' })).toEqual({
      attitude: -2,
      adkar: 1,
      size: 2,
    });
    expect(moveOf({ from: 'skeptic', to: 'skeptic' }, { from: 'awareness', to: 'ability' })).toEqual({ attitude: 0, adkar: 3, size: 3 });
  });

  it('is no move where one end was not assessed, or where they came back to where they were', () => {
    expect(moveOf({ from: null, to: 'champion' }, { from: null, to: null })).toEqual({ attitude: null, adkar: null, size: 0 });
    expect(moveOf({ from: 'neutral', to: 'neutral' }, { from: 'desire', to: 'desire' }).size).toBe(0);
    expect(attitudeSteps('bogus', 'neutral')).toBeNull();
    expect(adkarSteps('desire', 'knowledge')).toBe(1);
  });
});

describe('relationship health', () => {
  const today = '2026-11-25';
  const on = (daysAgo: number, sentiment: number) => ({ occurredOn: addDays(today, -daysAgo), sentiment });
  // Influence 5 and interest 5: manage closely, expected every 14 days, looked back on over 42.
  const manage = (engagements: Parameters<typeof relationshipHealth>[2]) => relationshipHealth(5, 5, engagements, today);

  it('expects engagement by quadrant: every 14 days to manage closely, 30 to keep satisfied or informed, 60 to monitor', () => {
    expect(ENGAGEMENT_CADENCE_DAYS).toEqual({ manage: 14, satisfy: 30, inform: 30, monitor: 60 });
    expect(relationshipHealth(5, 1, [], today)).toMatchObject({ cadenceDays: 30, lookbackDays: 90, expected: 3 });
    expect(relationshipHealth(1, 5, [], today).cadenceDays).toBe(30);
    expect(relationshipHealth(1, 1, [], today)).toMatchObject({ cadenceDays: 60, lookbackDays: 180 });
    expect(lookbackStart(5, 5, today)).toBe('2026-10-15');
    expect(lookbackStart(1, 1, today)).toBe(addDays(today, -179));
  });

  it('scores 100 × (0.25 recency + 0.25 frequency + 0.5 sentiment)', () => {
    // On cadence, three in the look-back, all very positive: everything full.
    expect(manage([on(2, 2), on(16, 2), on(30, 2)])).toMatchObject({ score: 100, level: 'healthy', daysSinceLast: 2, inLookback: 3 });
    // On cadence, three, all neutral: sentiment half.
    expect(manage([on(2, 0), on(16, 0), on(30, 0)]).score).toBe(75);
    // On cadence, three, all −1: 25 + 25 + 12.5.
    expect(manage([on(2, -1), on(16, -1), on(30, -1)])).toMatchObject({ score: 63, level: 'at-risk' });
    // 21 days since (recency (28 − 21) / 14 = 0.5), two in the look-back (2/3), mean +1 (0.75): 12.5 + 16.7 + 37.5.
    expect(manage([on(21, 1), on(35, 1)])).toMatchObject({ score: 67, level: 'healthy', meanSentiment: 1 });
    // The same a week later: 28 days since, recency 0: neglected whatever the rest.
    expect(manage([on(28, 2), on(35, 2), on(41, 2)])).toMatchObject({ level: 'neglected', score: 75 });
  });

  it('counts only the look-back for frequency and sentiment, and ignores engagements after today', () => {
    // The one 42 days ago is outside the 42-day look-back; the one tomorrow never happened yet.
    const health = manage([on(1, 2), on(42, -2), on(-1, -2)]);
    expect(health).toMatchObject({ daysSinceLast: 1, inLookback: 1, meanSentiment: 2 });
    expect(health.score).toBe(Math.round(100 * (0.25 + 0.25 / 3 + 0.5)));
  });

  it('calls a stakeholder never engaged neglected, with neutral sentiment for want of any', () => {
    expect(manage([])).toEqual({
      score: 25,
      level: 'neglected',
      quadrant: { key: 'manage', label: 'Manage closely' },
      cadenceDays: 14,
      daysSinceLast: null,
      inLookback: 0,
      expected: 3,
      lookbackDays: 42,
      meanSentiment: null,
    });
  });

  it('scores the same from a summary a query counted as from the engagements themselves', () => {
    const engagements = [on(3, 1), on(20, -2), on(50, 2), on(-2, 2)];
    const summary = summarise(engagements, lookbackStart(5, 5, today), today);
    expect(summary).toEqual({ lastEngagedOn: addDays(today, -3), inLookback: 2, sentimentSum: -1 });
    expect(healthOf(5, 5, summary, today)).toEqual(manage(engagements));
  });

  it('is healthy from 65', () => {
    expect(HEALTHY_FROM).toBe(65);
    // Keep informed (30 days): last 45 days ago (recency 0.5), one in 90 days (1/3), mean +2 (1): 12.5 + 8.3 + 50 = 70.8.
    expect(relationshipHealth(2, 4, [on(45, 2)], today)).toMatchObject({ score: 71, level: 'healthy' });
    // The same with mean 0: 12.5 + 8.3 + 25 = 45.8.
    expect(relationshipHealth(2, 4, [on(45, 0)], today)).toMatchObject({ score: 46, level: 'at-risk' });
  });
});

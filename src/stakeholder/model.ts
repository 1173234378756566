import type { z } from 'zod';
import { addDays, daysBetween } from '../adoption/calendar.ts';
import { AdkarStage, Attitude } from './events.ts';

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

// Attitude and ADKAR as steps: what a move and a gap are counted in.

type AttitudeValue = z.infer<typeof Attitude>;
type AdkarValue = z.infer<typeof AdkarStage>;

/** Resistor 0 … champion 4: a rise in attitude is a positive number of steps. */
export const attitudeStep = (attitude: AttitudeValue): number => Attitude.options.length - 1 - Attitude.options.indexOf(attitude);

/** Awareness 0 … reinforcement 4. */
export const adkarStep = (stage: AdkarValue): number => AdkarStage.options.indexOf(stage);

/** Steps from the current attitude up to the desired one (negative: the aim is below where they are); null while either is unknown. */
export function attitudeGap(current: AttitudeValue | null, desired: AttitudeValue | null): number | null {
  return current === null || desired === null ? null : attitudeStep(desired) - attitudeStep(current);
}

// Relationship health: is the coach engaging this stakeholder often enough, and how is it going?

/** Expected days between engagements, by the stakeholder's quadrant: the closer they matter, the more often. */
export const ENGAGEMENT_CADENCE_DAYS: Record<QuadrantKey, number> = { manage: 14, satisfy: 30, inform: 30, monitor: 60 };
/** Health looks back this many cadences and expects one engagement in each. */
export const CADENCE_PERIODS = 3;
/** A score from here up is healthy; below is at risk (neglected is decided by recency alone). */
export const HEALTHY_FROM = 65;
/** The weights of recency, frequency and sentiment in the score; they add up to 1. */
export const HEALTH_WEIGHTS = { recency: 0.25, frequency: 0.25, sentiment: 0.5 } as const;
/** The first day of a stakeholder's look-back: the last CADENCE_PERIODS cadences of their quadrant, today included. */
export const lookbackStart = (influence: number, interest: number, today: string): string =>
  addDays(today, 1 - CADENCE_PERIODS * ENGAGEMENT_CADENCE_DAYS[quadrantOf(influence, interest).key]);

type Quadrant = ReturnType<typeof quadrantOf>;
type QuadrantKey = Quadrant['key'];
export type HealthLevel = 'healthy' | 'at-risk' | 'neglected';

export interface Engaged {
  occurredOn: string;
  /** −2…+2. */
  sentiment: number;
}

export interface RelationshipHealth {
  /** 0–100. */
  score: number;
  level: HealthLevel;
  quadrant: Quadrant;
  cadenceDays: number;
  /** Days since the last engagement on or before today; null: never engaged. */
  daysSinceLast: number | null;
  /** Engagements in the look-back (the last CADENCE_PERIODS cadences, today included) and how many were expected. */
  inLookback: number;
  expected: number;
  lookbackDays: number;
  /** Mean sentiment of the engagements in the look-back; null when there were none. */
  meanSentiment: number | null;
}

const clamp01 = (x: number): number => Math.min(1, Math.max(0, x));

/** What relationship health reads of a stakeholder's engagements up to today: the last one's day, and the look-back's count and sentiment sum. */
export interface EngagementSummary {
  lastEngagedOn: string | null;
  inLookback: number;
  sentimentSum: number;
}

/** The summary of these engagements (any order; those after today are ignored) for a stakeholder looking back from `start`. */
export function summarise(engagements: readonly Engaged[], start: string, today: string): EngagementSummary {
  // Calendar dates order as strings: no date is parsed per engagement.
  const past = engagements.filter((e) => e.occurredOn <= today);
  const recent = past.filter((e) => e.occurredOn >= start);
  return {
    lastEngagedOn: past.reduce<string | null>((latest, e) => (latest === null || e.occurredOn > latest ? e.occurredOn : latest), null),
    inLookback: recent.length,
    sentimentSum: recent.reduce((sum, e) => sum + e.sentiment, 0),
  };
}

/**
 * Relationship health from the stakeholder's engagements (any order; those after today are
 * ignored), their quadrant's cadence C and today. Three parts, each 0–1:
 * - recency: 1 while the last engagement is at most C days old, falling evenly to 0 at 2C days
 *   (and 0 when never engaged);
 * - frequency: engagements in the last 3C days against the 3 expected, capped at 1;
 * - sentiment: their mean sentiment mapped from −2…+2 onto 0…1 (0.5 when there were none).
 * score = 100 × (0.25 recency + 0.25 frequency + 0.5 sentiment), rounded. Neglected when recency
 * is 0; otherwise healthy from 65, at risk below.
 */
export function relationshipHealth(
  influence: number,
  interest: number,
  engagements: readonly Engaged[],
  today: string,
): RelationshipHealth {
  return healthOf(influence, interest, summarise(engagements, lookbackStart(influence, interest, today), today), today);
}

/** The same from a summary of the engagements (what a query can count without reading them). */
export function healthOf(influence: number, interest: number, summary: EngagementSummary, today: string): RelationshipHealth {
  const quadrant = quadrantOf(influence, interest);
  const cadenceDays = ENGAGEMENT_CADENCE_DAYS[quadrant.key];
  const { lastEngagedOn, inLookback, sentimentSum } = summary;
  const daysSinceLast = lastEngagedOn === null ? null : daysBetween(lastEngagedOn, today);
  const meanSentiment = inLookback === 0 ? null : sentimentSum / inLookback;
  const recency = daysSinceLast === null ? 0 : clamp01((2 * cadenceDays - daysSinceLast) / cadenceDays);
  const frequency = clamp01(inLookback / CADENCE_PERIODS);
  const sentiment = meanSentiment === null ? 0.5 : (meanSentiment + 2) / 4;
  const score = Math.round(
    100 * (HEALTH_WEIGHTS.recency * recency + HEALTH_WEIGHTS.frequency * frequency + HEALTH_WEIGHTS.sentiment * sentiment),
  );
  const level: HealthLevel = recency === 0 ? 'neglected' : score >= HEALTHY_FROM ? 'healthy' : 'at-risk';
  return {
    score,
    level,
    quadrant,
    cadenceDays,
    daysSinceLast,
    inLookback,
    expected: CADENCE_PERIODS,
    lookbackDays: CADENCE_PERIODS * cadenceDays,
    meanSentiment,
  };
}

// Moves over a period: how far a stakeholder's attitude and ADKAR stage went, in steps.

const stepOf = <T extends string>(options: readonly T[], step: (value: T) => number, value: string | null): number | null =>
  options.includes(value as T) ? step(value as T) : null;

/** Steps from one value to another (negative: down); null when either end was not assessed. */
export const attitudeSteps = (from: string | null, to: string | null): number | null => {
  const [a, b] = [stepOf(Attitude.options, attitudeStep, from), stepOf(Attitude.options, attitudeStep, to)];
  return a === null || b === null ? null : b - a;
};
export const adkarSteps = (from: string | null, to: string | null): number | null => {
  const [a, b] = [stepOf(AdkarStage.options, adkarStep, from), stepOf(AdkarStage.options, adkarStep, to)];
  return a === null || b === null ? null : b - a;
};

/**
 * A stakeholder's move over a period from where they stood at its start to where they stand at
 * its end: attitude and ADKAR steps (null: not assessed at one end, e.g. first assessed in the
 * period) and its size, the larger of the two in absolute steps. Size 0: assessed, but back where
 * they were.
 */
export function moveOf(attitude: { from: string | null; to: string | null }, adkar: { from: string | null; to: string | null }) {
  const attitudeMoved = attitudeSteps(attitude.from, attitude.to);
  const adkarMoved = adkarSteps(adkar.from, adkar.to);
  return { attitude: attitudeMoved, adkar: adkarMoved, size: Math.max(Math.abs(attitudeMoved ?? 0), Math.abs(adkarMoved ?? 0)) };
}

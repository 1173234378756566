import { z } from 'zod';

/** A whole-number setting from the environment within [min, max]; the message names the rule it breaks. */
export const whole = (min: number, max: number) =>
  z
    .string()
    .regex(/^\d+$/, 'must be a whole number')
    .transform(Number)
    .pipe(z.number().min(min, `must be at least ${min}`).max(max, `must be at most ${max}`));

/** The rules' thresholds as environment variables, with their documented defaults (docs/rules.md). */
export const RuleSettingsFromEnv = z.object({
  UPTAKE_RULE_MISSED_CHECK_INS: whole(2, 10).default(2),
  UPTAKE_RULE_STALLED_PROGRESS_DAYS: whole(1, 365).default(21),
  UPTAKE_RULE_ATTITUDE_FALL_STEPS: whole(1, 4).default(2),
  UPTAKE_RULE_AREA_SCORE_DROP_POINTS: whole(1, 100).default(15),
  UPTAKE_RULE_AREA_SCORE_DROP_DAYS: whole(1, 365).default(14),
  UPTAKE_RULE_TRAINING_WITHOUT_OKRS_DAYS: whole(1, 365).default(21),
});

export interface RuleSettings {
  /** Check-ins missed in a row that raise a signal. */
  missedCheckIns: number;
  /** Days without key-result progress, in an open cycle, that raise a signal. */
  stalledProgressDays: number;
  /** Steps an attitude falls (champion → supporter → neutral → skeptic → resistor) that raise a signal. */
  attitudeFallSteps: number;
  /** Points an area's overall score falls within `areaScoreDropDays` that raise a signal. */
  areaScoreDropPoints: number;
  areaScoreDropDays: number;
  /** Days after a training with no OKRs drafted that raise a signal. */
  trainingWithoutOkrsDays: number;
}

export function ruleSettingsOf(env: z.output<typeof RuleSettingsFromEnv>): RuleSettings {
  return {
    missedCheckIns: env.UPTAKE_RULE_MISSED_CHECK_INS,
    stalledProgressDays: env.UPTAKE_RULE_STALLED_PROGRESS_DAYS,
    attitudeFallSteps: env.UPTAKE_RULE_ATTITUDE_FALL_STEPS,
    areaScoreDropPoints: env.UPTAKE_RULE_AREA_SCORE_DROP_POINTS,
    areaScoreDropDays: env.UPTAKE_RULE_AREA_SCORE_DROP_DAYS,
    trainingWithoutOkrsDays: env.UPTAKE_RULE_TRAINING_WITHOUT_OKRS_DAYS,
  };
}

export const defaultRuleSettings: RuleSettings = ruleSettingsOf(RuleSettingsFromEnv.parse({}));

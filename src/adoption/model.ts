/**
 * The adoption model: how a team's dated adoption facts become scores, a stage and a check-in
 * freshness, and how teams roll up into areas. Pure: the business date (`asOf`) is an input.
 * docs/adoption-model.md gives every formula with a worked example.
 */
import { addDays, daysBetween, earlierOf } from './calendar.ts';

export const dimensions = ['learn', 'set', 'align', 'run', 'reflect'] as const;
export type Dimension = (typeof dimensions)[number];
export type Scores = Record<Dimension | 'overall', number>;

export const stages = ['not-started', 'exploring', 'practicing', 'embedded'] as const;
export type Stage = (typeof stages)[number];

export const checkInFreshnesses = ['fresh', 'late', 'never'] as const;
export type CheckInFreshness = (typeof checkInFreshnesses)[number];

export const adoptionFactKinds = [
  'training',
  'drafted',
  'published',
  'aligned',
  'alignment',
  'check-in-held',
  'check-in-missed',
  'key-result-progress',
  'review',
  'retrospective',
] as const;
export type AdoptionFactKind = (typeof adoptionFactKinds)[number];

/** One thing a team did (or failed to do), on its business date. */
export type AdoptionFact =
  | { kind: 'training'; on: string; trainingKind: string; participants: number }
  /** How many of the team's objectives in the cycle there were, and how many reached a strategic theme, from that day on. */
  | { kind: 'alignment'; on: string; objectives: number; reaching: number }
  | { kind: Exclude<AdoptionFactKind, 'training' | 'alignment'>; on: string };

/** The dimension each kind of fact is evidence for. */
export const dimensionOf: Record<AdoptionFactKind, Dimension> = {
  training: 'learn',
  drafted: 'set',
  published: 'set',
  aligned: 'align',
  alignment: 'align',
  'check-in-held': 'run',
  'check-in-missed': 'run',
  'key-result-progress': 'run',
  review: 'reflect',
  retrospective: 'reflect',
};

/**
 * Kinds in the adoption facts that move a score; missed check-ins and progress reports are
 * evidence only. Alignment moves align too, but comes from the objectives read model.
 */
export const scoredKinds: readonly AdoptionFactKind[] = [
  'training',
  'drafted',
  'published',
  'aligned',
  'check-in-held',
  'review',
  'retrospective',
];

export interface CycleDates {
  startsOn: string;
  endsOn: string;
  checkInCadenceDays: number;
}

/** Weights of the overall score; they sum to 100. Running the rhythm matters most. */
export const weights: Readonly<Record<Dimension, number>> = { learn: 15, set: 20, align: 15, run: 35, reflect: 15 };

/** A training counts for learn during this many days. */
export const LEARN_WINDOW_DAYS = 365;
/** The trend compares the overall score with the one this many days earlier. */
export const TREND_DAYS = 28;
/** A check-in is still fresh this many days after the cadence says the next one was due. */
export const CHECK_IN_GRACE_DAYS = 3;

/** The overall score from which a steady team is practicing, and embedded. */
export const PRACTICING_FROM = 40;
export const EMBEDDED_FROM = 75;
/** A trend within ±TREND_BAND points is steady; beyond it the stage thresholds move by TREND_SHIFT. */
const TREND_BAND = 5;
const TREND_SHIFT = 10;

export interface CheckInStatus {
  freshness: CheckInFreshness;
  lastHeldOn: string | null;
  held: number;
  expected: number;
}

export interface TeamAssessment {
  scores: Scores;
  /** Scores as of `asOf − TREND_DAYS`, from the same facts. */
  previous: Scores;
  stage: Stage;
  checkIn: CheckInStatus;
}

const percent = (part: number, whole: number): number => Math.round((100 * Math.min(part, whole)) / whole);

/** First day a training still counts for learn on `asOf`. */
export const learnWindowStart = (asOf: string): string => addDays(asOf, 1 - LEARN_WINDOW_DAYS);

/**
 * Learn: the largest share of the team trained in any one kind of training over the last
 * LEARN_WINDOW_DAYS. Per kind the participants add up (two sessions for two halves of a team),
 * capped at the team's size; kinds do not add up, so the same people attending two trainings
 * are not counted twice.
 */
function learnWorking(facts: readonly AdoptionFact[], size: number, asOf: string): Extract<Working, { dimension: 'learn' }> {
  const from = learnWindowStart(asOf);
  const perKind = new Map<string, number>();
  for (const fact of facts) {
    if (fact.kind !== 'training' || fact.on < from) continue;
    perKind.set(fact.trainingKind, (perKind.get(fact.trainingKind) ?? 0) + fact.participants);
  }
  let best: [string | null, number] = [null, 0];
  for (const entry of perKind) if (entry[1] > best[1]) best = entry;
  return { dimension: 'learn', score: percent(best[1], size), due: true, trainingKind: best[0], trained: best[1], size, from };
}

/** Check-ins the cadence asks for between the cycle's start and `asOf` (or its end, if earlier). */
export function expectedCheckIns(cycle: CycleDates, asOf: string): number {
  const elapsed = daysBetween(cycle.startsOn, earlierOf(asOf, cycle.endsOn));
  return elapsed <= 0 ? 0 : Math.floor(elapsed / cycle.checkInCadenceDays);
}

/**
 * Freshness is judged at `asOf`, or at the cycle's end for a cycle that is over: after the end
 * no check-in is due, so a finished cycle keeps the freshness it ended with.
 */
function freshnessOf(lastHeldOn: string | null, cycle: CycleDates, asOf: string): CheckInFreshness {
  if (lastHeldOn === null) return 'never';
  const since = daysBetween(lastHeldOn, earlierOf(asOf, cycle.endsOn));
  return since <= cycle.checkInCadenceDays + CHECK_IN_GRACE_DAYS ? 'fresh' : 'late';
}

/**
 * How a dimension's score was reached, term by term (what the evidence page puts in words), and
 * whether it is due yet (one not yet due counts only when it raises the overall).
 */
export type Working = { score: number; due: boolean } & (
  | { dimension: 'learn'; trainingKind: string | null; trained: number; size: number; from: string }
  | { dimension: 'set'; drafted: boolean; published: boolean }
  /**
   * `objectives` is null before the team's first objective in the cycle was recorded: align then
   * reads the legacy `OkrsAligned` (`aligned`, all or nothing).
   */
  | { dimension: 'align'; aligned: boolean; objectives: number | null; reaching: number }
  | { dimension: 'run'; held: number; expected: number; cadenceDays: number; startsOn: string; until: string }
  | { dimension: 'reflect'; review: boolean; retrospective: boolean; endsOn: string }
);

export type Workings = { readonly [D in Dimension]: Extract<Working, { dimension: D }> };

/** The overall score and the dimensions it counted; the others were not due and would have lowered it (or were 0). */
export interface OverallWorking {
  score: number;
  counted: Dimension[];
}

/**
 * The weighted mean of the dimensions that count. Due dimensions always count; one not yet due
 * counts only if it raises the mean, so doing something early (a review held before the cycle's
 * end, half of reflect) never lowers a team's score. Adding the early ones best first while each
 * is above the running mean gives the highest mean any choice of them could.
 */
export function overallWorking(byDimension: Workings): OverallWorking {
  let weighted = 0;
  let weightSum = 0;
  const counted: Dimension[] = [];
  const add = (dimension: Dimension) => {
    weighted += weights[dimension] * byDimension[dimension].score;
    weightSum += weights[dimension];
    counted.push(dimension);
  };
  const early: Dimension[] = [];
  for (const dimension of dimensions) {
    if (byDimension[dimension].due) add(dimension);
    else early.push(dimension);
  }
  early.sort((a, b) => byDimension[b].score - byDimension[a].score);
  for (const dimension of early) {
    if (byDimension[dimension].score * weightSum <= weighted) break;
    add(dimension);
  }
  return { score: Math.round(weighted / weightSum), counted: dimensions.filter((d) => counted.includes(d)) };
}

/**
 * Align: the share of the team's objectives in the cycle whose chain of parents reaches a
 * strategic theme, as the latest alignment fact says. Before any objective of the team was
 * recorded for the cycle, a legacy `OkrsAligned` (a free-text parent nothing checked) counts
 * as before: 100.
 */
function alignWorking(facts: readonly AdoptionFact[], aligned: boolean): Workings['align'] {
  let latest: Extract<AdoptionFact, { kind: 'alignment' }> | null = null;
  for (const fact of facts) if (fact.kind === 'alignment' && (latest === null || fact.on >= latest.on)) latest = fact;
  if (latest === null) return { dimension: 'align', score: aligned ? 100 : 0, due: true, aligned, objectives: null, reaching: 0 };
  const { objectives, reaching } = latest;
  return { dimension: 'align', score: objectives === 0 ? 0 : percent(reaching, objectives), due: true, aligned, objectives, reaching };
}

/** Each dimension's working from the facts dated on or before `asOf`. */
export function workings(allFacts: readonly AdoptionFact[], size: number, cycle: CycleDates, asOf: string): Workings {
  const facts = allFacts.filter((f) => f.on <= asOf);
  const has = (kind: AdoptionFactKind): boolean => facts.some((f) => f.kind === kind);
  const held = facts.filter((f) => f.kind === 'check-in-held').length;
  const expected = expectedCheckIns(cycle, asOf);
  const [drafted, published, aligned, review, retrospective] = [
    has('drafted'),
    has('published'),
    has('aligned'),
    has('review'),
    has('retrospective'),
  ];
  return {
    learn: learnWorking(facts, size, asOf),
    set: { dimension: 'set', score: published ? 100 : drafted ? 50 : 0, due: true, drafted, published },
    align: alignWorking(facts, aligned),
    run: {
      dimension: 'run',
      score: expected === 0 ? (held > 0 ? 100 : 0) : percent(held, expected),
      due: expected > 0,
      held,
      expected,
      cadenceDays: cycle.checkInCadenceDays,
      startsOn: cycle.startsOn,
      until: earlierOf(asOf, cycle.endsOn),
    },
    reflect: {
      dimension: 'reflect',
      score: (review ? 50 : 0) + (retrospective ? 50 : 0),
      due: asOf >= cycle.endsOn,
      review,
      retrospective,
      endsOn: cycle.endsOn,
    },
  };
}

/** Scores and check-in status from the facts dated on or before `asOf`. */
export function scoreTeam(
  allFacts: readonly AdoptionFact[],
  size: number,
  cycle: CycleDates,
  asOf: string,
): { scores: Scores; checkIn: CheckInStatus } {
  const heldOn = allFacts.filter((f) => f.kind === 'check-in-held' && f.on <= asOf).map((f) => f.on);
  // biome-ignore lint/complexity/useMathMinMax: calendar dates compare as text, not as numbers.
  const lastHeldOn = heldOn.length === 0 ? null : heldOn.reduce((a, b) => (a >= b ? a : b));
  const byDimension = workings(allFacts, size, cycle, asOf);
  const scores = {
    learn: byDimension.learn.score,
    set: byDimension.set.score,
    align: byDimension.align.score,
    run: byDimension.run.score,
    reflect: byDimension.reflect.score,
    overall: overallWorking(byDimension).score,
  };
  const expected = byDimension.run.expected;
  return { scores, checkIn: { freshness: freshnessOf(lastHeldOn, cycle, asOf), lastHeldOn, held: heldOn.length, expected } };
}

/**
 * The stage from the overall score and its trend: a rising score (≥ TREND_BAND points up over
 * TREND_DAYS) lowers the practicing and embedded thresholds by TREND_SHIFT, a falling one raises
 * them, so a team at 70 and rising is embedded while one at 70 and falling is practicing.
 */
export function stageOf(overall: number, previousOverall: number): Stage {
  if (overall === 0) return 'not-started';
  const trend = overall - previousOverall;
  const shift = trend >= TREND_BAND ? -TREND_SHIFT : trend <= -TREND_BAND ? TREND_SHIFT : 0;
  if (overall >= EMBEDDED_FROM + shift) return 'embedded';
  if (overall >= PRACTICING_FROM + shift) return 'practicing';
  return 'exploring';
}

export function assessTeam(facts: readonly AdoptionFact[], size: number, cycle: CycleDates, asOf: string): TeamAssessment {
  const now = scoreTeam(facts, size, cycle, asOf);
  const previous = scoreTeam(facts, size, cycle, addDays(asOf, -TREND_DAYS)).scores;
  return { scores: now.scores, previous, stage: stageOf(now.scores.overall, previous.overall), checkIn: now.checkIn };
}

/** Size-weighted mean of the teams' scores, rounded; null without teams (or without people). */
export function sizeWeighted(teams: readonly { size: number; score: number }[]): number | null {
  const people = teams.reduce((sum, t) => sum + t.size, 0);
  return people === 0 ? null : Math.round(teams.reduce((sum, t) => sum + t.size * t.score, 0) / people);
}

/** Size-weighted mean of each score, rounded; null without teams (or without people). */
export function rollUp(teams: readonly { size: number; scores: Scores }[]): Scores | null {
  const people = teams.reduce((sum, t) => sum + t.size, 0);
  if (people === 0) return null;
  const mean = (key: Dimension | 'overall'): number => sizeWeighted(teams.map((t) => ({ size: t.size, score: t.scores[key] }))) ?? 0;
  return {
    learn: mean('learn'),
    set: mean('set'),
    align: mean('align'),
    run: mean('run'),
    reflect: mean('reflect'),
    overall: mean('overall'),
  };
}

export interface AreaAssessment {
  scores: Scores | null;
  stage: Stage;
  freshness: Record<CheckInFreshness, number>;
}

/** An area from the assessments of its teams and its descendants' teams. */
export function assessArea(teams: readonly (TeamAssessment & { size: number })[]): AreaAssessment {
  const scores = rollUp(teams);
  const previous = rollUp(teams.map((t) => ({ size: t.size, scores: t.previous })));
  const freshness: Record<CheckInFreshness, number> = { fresh: 0, late: 0, never: 0 };
  for (const team of teams) freshness[team.checkIn.freshness] += 1;
  return { scores, stage: scores && previous ? stageOf(scores.overall, previous.overall) : 'not-started', freshness };
}

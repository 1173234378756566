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

type TrainingFact = Extract<AdoptionFact, { kind: 'training' }>;
type AlignmentFact = Extract<AdoptionFact, { kind: 'alignment' }>;

/** Kinds whose first date is all a score needs of them: the model asks only whether the team had one by a date. */
export const firstDateKinds = ['drafted', 'published', 'aligned', 'review', 'retrospective'] as const satisfies readonly AdoptionFactKind[];
export type FirstDateKind = (typeof firstDateKinds)[number];

/**
 * A team's scored facts arranged so that scoring them on any date costs a few comparisons and a
 * binary search, whatever the number of facts: each first-date kind's earliest date, the
 * check-ins held in date order, the trainings and alignment facts in the order they came (their
 * order breaks ties). Facts that score nothing (missed check-ins, progress) are left out.
 */
export interface TeamFacts {
  readonly firstOn: Readonly<Record<FirstDateKind, string | null>>;
  readonly heldOn: readonly string[];
  readonly trainings: readonly TrainingFact[];
  readonly alignments: readonly AlignmentFact[];
}

export const isFirstDateKind = (kind: AdoptionFactKind): kind is FirstDateKind =>
  (firstDateKinds as readonly AdoptionFactKind[]).includes(kind);

export function indexFacts(facts: readonly AdoptionFact[]): TeamFacts {
  const firstOn: Record<FirstDateKind, string | null> = {
    drafted: null,
    published: null,
    aligned: null,
    review: null,
    retrospective: null,
  };
  const heldOn: string[] = [];
  const trainings: TrainingFact[] = [];
  const alignments: AlignmentFact[] = [];
  for (const fact of facts) {
    if (fact.kind === 'training') trainings.push(fact);
    else if (fact.kind === 'alignment') alignments.push(fact);
    else if (fact.kind === 'check-in-held') heldOn.push(fact.on);
    else if (isFirstDateKind(fact.kind)) {
      const known = firstOn[fact.kind];
      if (known === null || fact.on < known) firstOn[fact.kind] = fact.on;
    }
  }
  return { firstOn, heldOn: heldOn.sort(), trainings, alignments };
}

/** A list of facts, or the same facts indexed (what a caller scoring many dates keeps). */
export type ScoredFacts = readonly AdoptionFact[] | TeamFacts;

const indexed = (facts: ScoredFacts): TeamFacts => ('firstOn' in facts ? facts : indexFacts(facts));

/** How many of the sorted dates fall on or before `asOf`. */
function countUpTo(sorted: readonly string[], asOf: string): number {
  let low = 0;
  let high = sorted.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if (sorted[middle]! <= asOf) low = middle + 1;
    else high = middle;
  }
  return low;
}

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
function learnWorking(trainings: readonly TrainingFact[], size: number, asOf: string): Extract<Working, { dimension: 'learn' }> {
  const from = learnWindowStart(asOf);
  let perKind: Map<string, number> | null = null;
  for (const fact of trainings) {
    if (fact.on < from || fact.on > asOf) continue;
    perKind ??= new Map();
    perKind.set(fact.trainingKind, (perKind.get(fact.trainingKind) ?? 0) + fact.participants);
  }
  let best: [string | null, number] = [null, 0];
  for (const entry of perKind ?? []) if (entry[1] > best[1]) best = entry;
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
  // Loops rather than closures: this runs twice per team for every date a heatmap is asked about.
  let weighted = 0;
  let weightSum = 0;
  const early: Dimension[] = [];
  for (const dimension of dimensions) {
    if (!byDimension[dimension].due) early.push(dimension);
    else {
      weighted += weights[dimension] * byDimension[dimension].score;
      weightSum += weights[dimension];
    }
  }
  if (early.length > 1) early.sort((a, b) => byDimension[b].score - byDimension[a].score);
  let raising = 0;
  for (const dimension of early) {
    if (byDimension[dimension].score * weightSum <= weighted) break;
    weighted += weights[dimension] * byDimension[dimension].score;
    weightSum += weights[dimension];
    raising += 1;
  }
  const counted: Dimension[] = [];
  for (const dimension of dimensions) if (byDimension[dimension].due || early.indexOf(dimension) < raising) counted.push(dimension);
  return { score: Math.round(weighted / weightSum), counted };
}

/**
 * Align: the share of the team's objectives in the cycle whose chain of parents reaches a
 * strategic theme, as the latest alignment fact says. Before any objective of the team was
 * recorded for the cycle, a legacy `OkrsAligned` (a free-text parent nothing checked) counts
 * as before: 100.
 */
function alignWorking(alignments: readonly AlignmentFact[], aligned: boolean, asOf: string): Workings['align'] {
  let latest: AlignmentFact | null = null;
  for (const fact of alignments) if (fact.on <= asOf && (latest === null || fact.on >= latest.on)) latest = fact;
  if (latest === null) return { dimension: 'align', score: aligned ? 100 : 0, due: true, aligned, objectives: null, reaching: 0 };
  const { objectives, reaching } = latest;
  return { dimension: 'align', score: objectives === 0 ? 0 : percent(reaching, objectives), due: true, aligned, objectives, reaching };
}

const hadBy = (on: string | null, asOf: string): boolean => on !== null && on <= asOf;

/** Each dimension's working from the facts dated on or before `asOf`. */
export function workings(facts: ScoredFacts, size: number, cycle: CycleDates, asOf: string): Workings {
  const team = indexed(facts);
  const held = countUpTo(team.heldOn, asOf);
  const expected = expectedCheckIns(cycle, asOf);
  const { drafted, published, aligned, review, retrospective } = team.firstOn;
  const reviewed = hadBy(review, asOf);
  const retrospected = hadBy(retrospective, asOf);
  const setScore = hadBy(published, asOf) ? 100 : hadBy(drafted, asOf) ? 50 : 0;
  return {
    learn: learnWorking(team.trainings, size, asOf),
    set: { dimension: 'set', score: setScore, due: true, drafted: hadBy(drafted, asOf), published: hadBy(published, asOf) },
    align: alignWorking(team.alignments, hadBy(aligned, asOf), asOf),
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
      score: (reviewed ? 50 : 0) + (retrospected ? 50 : 0),
      due: asOf >= cycle.endsOn,
      review: reviewed,
      retrospective: retrospected,
      endsOn: cycle.endsOn,
    },
  };
}

/** Scores and check-in status from the facts dated on or before `asOf`. */
export function scoreTeam(facts: ScoredFacts, size: number, cycle: CycleDates, asOf: string): { scores: Scores; checkIn: CheckInStatus } {
  const team = indexed(facts);
  const byDimension = workings(team, size, cycle, asOf);
  const held = byDimension.run.held;
  const lastHeldOn = held === 0 ? null : team.heldOn[held - 1]!;
  const scores = {
    learn: byDimension.learn.score,
    set: byDimension.set.score,
    align: byDimension.align.score,
    run: byDimension.run.score,
    reflect: byDimension.reflect.score,
    overall: overallWorking(byDimension).score,
  };
  const expected = byDimension.run.expected;
  return { scores, checkIn: { freshness: freshnessOf(lastHeldOn, cycle, asOf), lastHeldOn, held, expected } };
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

export function assessTeam(facts: ScoredFacts, size: number, cycle: CycleDates, asOf: string): TeamAssessment {
  const team = indexed(facts);
  const now = scoreTeam(team, size, cycle, asOf);
  const previous = scoreTeam(team, size, cycle, addDays(asOf, -TREND_DAYS)).scores;
  return { scores: now.scores, previous, stage: stageOf(now.scores.overall, previous.overall), checkIn: now.checkIn };
}

const zeroScores = (): Scores => ({ learn: 0, set: 0, align: 0, run: 0, reflect: 0, overall: 0 });

/** Adds `size` × each score to `sums`. */
function addWeighted(sums: Scores, size: number, scores: Scores): void {
  sums.learn += size * scores.learn;
  sums.set += size * scores.set;
  sums.align += size * scores.align;
  sums.run += size * scores.run;
  sums.reflect += size * scores.reflect;
  sums.overall += size * scores.overall;
}

/** Each size-weighted sum over the people, rounded; null without people. */
function meanScores(people: number, sums: Scores): Scores | null {
  if (people === 0) return null;
  const mean = (sum: number): number => Math.round(sum / people);
  return {
    learn: mean(sums.learn),
    set: mean(sums.set),
    align: mean(sums.align),
    run: mean(sums.run),
    reflect: mean(sums.reflect),
    overall: mean(sums.overall),
  };
}

/** Size-weighted mean of the teams' scores, rounded; null without teams (or without people). */
export function sizeWeighted(teams: readonly { size: number; score: number }[]): number | null {
  const people = teams.reduce((sum, t) => sum + t.size, 0);
  return people === 0 ? null : Math.round(teams.reduce((sum, t) => sum + t.size * t.score, 0) / people);
}

/** Size-weighted mean of each score, rounded; null without teams (or without people). */
export function rollUp(teams: readonly { size: number; scores: Scores }[]): Scores | null {
  const sums = zeroScores();
  let people = 0;
  for (const team of teams) {
    people += team.size;
    addWeighted(sums, team.size, team.scores);
  }
  return meanScores(people, sums);
}

/**
 * Teams' scores now and TREND_DAYS before, each weighted by the team's size and summed, with
 * their people and check-in freshness counted: what an area is assessed from. Added team by team
 * and then subtree by subtree, so an area costs its own teams plus one sum per child area; the
 * sums are of whole numbers, so the order of adding never changes the rounded means.
 */
export interface Tally {
  teams: number;
  people: number;
  scores: Scores;
  previous: Scores;
  freshness: Record<CheckInFreshness, number>;
}

export const emptyTally = (): Tally => ({
  teams: 0,
  people: 0,
  scores: zeroScores(),
  previous: zeroScores(),
  freshness: { fresh: 0, late: 0, never: 0 },
});

export function addTeam(tally: Tally, size: number, team: TeamAssessment): void {
  tally.teams += 1;
  tally.people += size;
  addWeighted(tally.scores, size, team.scores);
  addWeighted(tally.previous, size, team.previous);
  tally.freshness[team.checkIn.freshness] += 1;
}

export function addTally(into: Tally, from: Tally): void {
  into.teams += from.teams;
  into.people += from.people;
  addWeighted(into.scores, 1, from.scores);
  addWeighted(into.previous, 1, from.previous);
  for (const freshness of checkInFreshnesses) into.freshness[freshness] += from.freshness[freshness];
}

export interface AreaAssessment {
  scores: Scores | null;
  stage: Stage;
  freshness: Record<CheckInFreshness, number>;
}

/** An area from the tally of its teams and its descendants' teams. */
export function assessTally(tally: Tally): AreaAssessment {
  const scores = meanScores(tally.people, tally.scores);
  const previous = meanScores(tally.people, tally.previous);
  return {
    scores,
    stage: scores && previous ? stageOf(scores.overall, previous.overall) : 'not-started',
    freshness: { ...tally.freshness },
  };
}

/** An area from the assessments of its teams and its descendants' teams. */
export function assessArea(teams: readonly (TeamAssessment & { size: number })[]): AreaAssessment {
  const tally = emptyTally();
  for (const team of teams) addTeam(tally, team.size, team);
  return assessTally(tally);
}

import { describe, expect, it } from 'vitest';
import {
  type AdoptionFact,
  assessArea,
  assessTeam,
  type CycleDates,
  expectedCheckIns,
  learnWindowStart,
  rollUp,
  type Scores,
  scoreTeam,
  stageOf,
  workings,
} from '../../src/adoption/model.ts';

// Every expectation below is computed by hand from docs/adoption-model.md; the arithmetic is in the comments.
const cycle: CycleDates = { startsOn: '2026-10-01', endsOn: '2026-12-31', checkInCadenceDays: 7 };
const zero: Scores = { learn: 0, set: 0, align: 0, run: 0, reflect: 0, overall: 0 };

const training = (on: string, participants: number, trainingKind = 'okr-basics'): AdoptionFact => ({
  kind: 'training',
  on,
  trainingKind,
  participants,
});
const fact = (kind: Exclude<AdoptionFact['kind'], 'training' | 'alignment'>, on: string): AdoptionFact => ({ kind, on });
const checkIns = (...days: string[]): AdoptionFact[] => days.map((on) => fact('check-in-held', on));

describe('a team with no events', () => {
  it('scores 0 everywhere, is not started and has never checked in', () => {
    // 31 days into the cycle: floor(31 / 7) = 4 check-ins expected, none held.
    const team = assessTeam([], 8, cycle, '2026-11-01');
    expect(team.scores).toEqual(zero);
    expect(team.stage).toBe('not-started');
    expect(team.checkIn).toEqual({ freshness: 'never', lastHeldOn: null, held: 0, expected: 4 });
  });
});

describe('a cycle not yet started (asOf before startsOn)', () => {
  it('expects no check-in, leaves run and reflect out of the overall and still credits preparation', () => {
    const facts = [training('2026-09-10', 4), fact('drafted', '2026-09-15')];
    const { scores, checkIn } = scoreTeam(facts, 8, cycle, '2026-09-20');
    // learn = 100 × 4/8 = 50; set = 50 (drafted); overall = (15×50 + 20×50 + 15×0) / (15+20+15) = 1750/50 = 35.
    expect(scores).toEqual({ learn: 50, set: 50, align: 0, run: 0, reflect: 0, overall: 35 });
    expect(checkIn).toEqual({ freshness: 'never', lastHeldOn: null, held: 0, expected: 0 });
  });
});

describe('check-ins held vs expected as the cycle advances', () => {
  // Weekly cadence; held on 7, 14 and 28 October (21 October missed).
  const facts = checkIns('2026-10-07', '2026-10-14', '2026-10-28');
  const at = (asOf: string) => scoreTeam(facts, 8, cycle, asOf);

  it.each([
    // asOf, days elapsed → expected, held, run score, freshness (last check-in, days since vs 7 + 3 grace)
    ['2026-10-01', 0, 0, 0, 'never'], // day 0: nothing due, nothing held
    ['2026-10-07', 0, 1, 100, 'fresh'], // 6 days: none due yet, one held early → 100
    ['2026-10-08', 1, 1, 100, 'fresh'], // 7 days → 1 expected, 1 held
    ['2026-10-22', 3, 2, 67, 'fresh'], // 21 days → 3; 2 held → 66.7; last 14 Oct, 8 days ago
    ['2026-10-25', 3, 2, 67, 'late'], // 24 days → 3; last 14 Oct, 11 days ago > 10
    ['2026-11-05', 5, 3, 60, 'fresh'], // 35 days → 5; 3 held → 60; last 28 Oct, 8 days ago
    ['2027-01-15', 13, 3, 23, 'late'], // counted to the end: 91 days → 13; 3/13 = 23.1; judged at 31 Dec
  ] as const)('as of %s: %i expected, %i held, run %i, %s', (asOf, expected, held, run, freshness) => {
    const { scores, checkIn } = at(asOf);
    expect(checkIn.expected).toBe(expected);
    expect(checkIn.held).toBe(held);
    expect(scores.run).toBe(run);
    expect(checkIn.freshness).toBe(freshness);
  });

  it('counts run in the overall once due or once done early', () => {
    expect(at('2026-10-01').scores.overall).toBe(0); // run neither due nor done: 0 / 50
    expect(at('2026-10-07').scores.overall).toBe(41); // 35×100 / (50+35) = 41.2
    expect(at('2027-01-15').scores.overall).toBe(8); // reflect now due too: 35×23 / 100 = 8.05
  });

  it('expects no check-in in a cycle that has not started', () => {
    expect(expectedCheckIns(cycle, '2026-09-01')).toBe(0);
  });
});

describe('learn', () => {
  it('takes the best kind over the last 365 days, participants of one kind adding up, capped at the size', () => {
    expect(learnWindowStart('2026-11-01')).toBe('2025-11-02');
    const facts = [
      training('2025-11-01', 8), // one day outside the window
      training('2025-11-02', 3), // first day inside
      training('2026-03-01', 3), // okr-basics: 3 + 3 = 6
      training('2026-04-01', 5, 'writing-okrs'), // 5: the same people do not add to okr-basics
    ];
    expect(scoreTeam(facts, 8, cycle, '2026-11-01').scores.learn).toBe(75); // 100 × 6/8
    expect(scoreTeam([training('2026-10-02', 12)], 8, cycle, '2026-11-01').scores.learn).toBe(100); // capped
  });
});

describe('reflect', () => {
  const facts = [fact('review', '2026-12-18'), fact('retrospective', '2026-12-19')];

  it('is left out of a running cycle until held, then counts early', () => {
    // 77 days → 11 expected, none held: run 0 is due. Before the review: 0 / 85.
    expect(scoreTeam(facts, 8, cycle, '2026-12-17').scores).toEqual(zero);
    // Both held: reflect 100 counts early: 15×100 / (85+15) = 15.
    expect(scoreTeam(facts, 8, cycle, '2026-12-20').scores).toMatchObject({ reflect: 100, overall: 15 });
  });

  it('is due from the cycle end: a review alone is half', () => {
    const { scores } = scoreTeam([fact('review', '2027-01-05')], 8, cycle, '2027-01-10');
    expect(scores).toMatchObject({ reflect: 50, overall: 8 }); // 15×50 / 100 = 7.5 → 8
    expect(scoreTeam([], 8, cycle, '2027-01-10').scores.overall).toBe(0);
  });
});

describe('something done before it is due', () => {
  // Alpha of the worked example as of 22 October: learn 100, set 100, align 0, run 67 → overall 5845 / 85 = 68.8 → 69.
  const alpha = [
    training('2026-09-01', 2),
    fact('drafted', '2026-09-20'),
    fact('published', '2026-09-25'),
    ...checkIns('2026-10-06', '2026-10-13'),
  ];
  const overall = (facts: AdoptionFact[]) => scoreTeam(facts, 2, cycle, '2026-10-22').scores.overall;

  it('never lowers the overall: an early review alone (reflect 50, below 68.8) is left out', () => {
    expect(overall(alpha)).toBe(69);
    // Counted, it would give (5845 + 15×50) / 100 = 66.
    expect(overall([...alpha, fact('review', '2026-10-21')])).toBe(69);
  });

  it('counts once it raises the overall: review and retrospective (reflect 100) give (5845 + 1500) / 100 = 73', () => {
    expect(overall([...alpha, fact('review', '2026-10-21'), fact('retrospective', '2026-10-21')])).toBe(73);
  });
});

describe('facts dated after asOf', () => {
  it('are ignored', () => {
    const future = [
      training('2026-11-15', 8),
      fact('drafted', '2026-11-02'),
      fact('published', '2026-11-10'),
      fact('aligned', '2026-11-03'),
      ...checkIns('2026-11-02'),
    ];
    expect(scoreTeam(future, 8, cycle, '2026-11-01')).toEqual(scoreTeam([], 8, cycle, '2026-11-01'));
  });
});

describe('stage', () => {
  it('moves the thresholds with the trend', () => {
    expect(stageOf(0, 30)).toBe('not-started');
    expect(stageOf(70, 60)).toBe('embedded'); // rising: embedded from 65
    expect(stageOf(70, 68)).toBe('practicing'); // steady: embedded from 75
    expect(stageOf(70, 80)).toBe('practicing'); // falling: embedded from 85
    expect(stageOf(80, 90)).toBe('practicing');
    expect(stageOf(35, 20)).toBe('practicing'); // rising: practicing from 30
    expect(stageOf(45, 60)).toBe('exploring'); // falling: practicing from 50
  });

  // Trained (learn 100), drafted and published (set 100), not aligned. At 26 Nov, 56 days → 8 expected;
  // 28 days earlier (29 Oct), 28 days → 4 expected.
  const base = [training('2026-09-01', 4), fact('drafted', '2026-09-20'), fact('published', '2026-09-20')];

  it('is embedded for a team at 72 and rising', () => {
    const facts = [...base, ...checkIns('2026-10-21', '2026-10-28', '2026-11-04', '2026-11-11', '2026-11-18', '2026-11-25')];
    const team = assessTeam(facts, 4, cycle, '2026-11-26');
    // now: run 6/8 = 75 → (1500 + 2000 + 0 + 35×75) / 85 = 6125/85 = 72.1; before: run 2/4 = 50 → 5250/85 = 61.8
    expect(team.scores.overall).toBe(72);
    expect(team.previous.overall).toBe(62);
    expect(team.stage).toBe('embedded');
    expect(team.checkIn.freshness).toBe('fresh');
  });

  it('is practicing for a team at 72 and falling', () => {
    const facts = [...base, ...checkIns('2026-10-07', '2026-10-14', '2026-10-21', '2026-10-28', '2026-11-04', '2026-11-11')];
    const team = assessTeam(facts, 4, cycle, '2026-11-26');
    // now: run 6/8 = 75 → 72; before: run 4/4 = 100 → 7000/85 = 82.4
    expect(team.scores.overall).toBe(72);
    expect(team.previous.overall).toBe(82);
    expect(team.stage).toBe('practicing');
    expect(team.checkIn.freshness).toBe('late'); // 15 days since 11 Nov
  });
});

describe('area roll-up', () => {
  const small = { size: 2, scores: { learn: 100, set: 100, align: 0, run: 50, reflect: 0, overall: 50 } };
  const large = { size: 6, scores: { learn: 0, set: 50, align: 100, run: 100, reflect: 0, overall: 70 } };

  it('weights teams by size', () => {
    // learn 200/8 = 25; set (200+300)/8 = 62.5; align 600/8 = 75; run (100+600)/8 = 87.5; overall (100+420)/8 = 65
    expect(rollUp([small, large])).toEqual({ learn: 25, set: 63, align: 75, run: 88, reflect: 0, overall: 65 });
  });

  it('is null without teams', () => {
    expect(rollUp([])).toBeNull();
    expect(assessArea([])).toEqual({ scores: null, stage: 'not-started', freshness: { fresh: 0, late: 0, never: 0 } });
  });

  it('takes its stage from the rolled-up trend and counts freshness', () => {
    const checkIn = { lastHeldOn: null, held: 0, expected: 0 };
    const area = assessArea([
      { ...small, previous: { ...small.scores, overall: 40 }, stage: 'practicing', checkIn: { ...checkIn, freshness: 'never' } },
      { ...large, previous: { ...large.scores, overall: 60 }, stage: 'practicing', checkIn: { ...checkIn, freshness: 'fresh' } },
    ]);
    // now 65, before (80 + 360)/8 = 55: rising by 10 → embedded from 65
    expect(area.stage).toBe('embedded');
    expect(area.freshness).toEqual({ fresh: 1, late: 0, never: 1 });
  });
});

describe('align from real links', () => {
  const alignment = (on: string, objectives: number, reaching: number): AdoptionFact => ({ kind: 'alignment', on, objectives, reaching });
  const align = (facts: AdoptionFact[], asOf: string) => workings(facts, 8, cycle, asOf).align.score;

  it('is the share of the team’s objectives whose chain reaches a theme, as the latest count says', () => {
    // 2 of 3 reach a theme: 200 / 3 = 66.7 → 67; a week later the third is linked: 100.
    const facts = [alignment('2026-10-05', 3, 2), alignment('2026-10-12', 3, 3)];
    expect(align(facts, '2026-10-10')).toBe(67);
    expect(align(facts, '2026-10-12')).toBe(100);
    expect(align(facts, '2026-10-04')).toBe(0);
  });

  it('reads a legacy OkrsAligned as 100 until the first objective is recorded, and no longer after', () => {
    const legacy = fact('aligned', '2026-10-03');
    expect(align([legacy], '2026-10-10')).toBe(100);
    expect(align([legacy, alignment('2026-10-08', 2, 0)], '2026-10-07')).toBe(100);
    expect(align([legacy, alignment('2026-10-08', 2, 0)], '2026-10-10')).toBe(0);
  });

  it('falls to 0 when the team’s last objective is dropped', () => {
    expect(align([alignment('2026-10-05', 1, 1), alignment('2026-10-06', 0, 0)], '2026-10-10')).toBe(0);
  });
});

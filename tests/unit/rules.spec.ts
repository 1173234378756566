/**
 * Inferred resistance, rule by rule: given events (and a day), then the signals raised and the
 * resolutions proposed. Pure: the rules fold events, no store.
 */
import { describe, expect, it } from 'vitest';
import type { UptakeEvent } from '../../src/events.ts';
import { nameBasedUuid } from '../../src/shared/commandHandler.ts';
import { initialRulesState, onDay, onEvent, type RuleName, type RuleOutput, type RulesState, signalIdOf } from '../../src/rules/rules.ts';
import { defaultRuleSettings, type RuleSettings } from '../../src/rules/settings.ts';

const CYCLE = '2026-q4';
/** An event as the store holds it: its id names it, so a test can say which events caused a signal. */
const on = (date: string, name: string, event: UptakeEvent) => ({
  ...event,
  metadata: { eventId: nameBasedUuid(name), occurredAt: `${date}T09:00:00.000Z` } as never,
});
const id = (name: string) => nameBasedUuid(name);
type Given = ReturnType<typeof on>;

/** Folds the events (and then the days) and gathers what one rule said. */
const ruleOf =
  (rule: RuleName) =>
  (events: readonly Given[], days: readonly string[] = [], settings: RuleSettings = defaultRuleSettings): RuleOutput => {
    const said = everything(events, days, settings);
    return { raised: said.raised.filter((r) => r.rule === rule), cleared: said.cleared.filter((c) => c.rule === rule) };
  };

function everything(events: readonly Given[], days: readonly string[], settings: RuleSettings) {
  const state: RulesState = initialRulesState();
  const said: RuleOutput = { raised: [], cleared: [] };
  const gather = (out: RuleOutput) => {
    said.raised.push(...out.raised);
    said.cleared.push(...out.cleared);
  };
  for (const event of events) gather(onEvent(state, event, settings));
  for (const day of days) gather(onDay(state, day, settings));
  return said;
}

const organisation: Given[] = [
  on('2026-09-20', 'cycle', {
    type: 'CycleOpened',
    data: { cycleId: CYCLE, name: '2026-Q4', startsOn: '2026-10-01', endsOn: '2026-12-31', checkInCadenceDays: 14 },
  }),
  on('2026-09-21', 'pay', { type: 'TeamRegistered', data: { teamId: 'pay', key: 'PAY', name: 'Payments', areaId: 'plat', size: 8 } }),
];
const missed = (dueOn: string) => on(dueOn, `missed ${dueOn}`, { type: 'CheckInMissed', data: { teamId: 'pay', cycleId: CYCLE, dueOn } });
const held = (heldOn: string) => on(heldOn, `held ${heldOn}`, { type: 'CheckInHeld', data: { teamId: 'pay', cycleId: CYCLE, heldOn } });
const drafted = (draftedOn: string) =>
  on(draftedOn, `drafted ${draftedOn}`, {
    type: 'OkrsDrafted',
    data: { teamId: 'pay', cycleId: CYCLE, objectives: 2, keyResults: 5, draftedOn },
  });
const progress = (reportedOn: string) =>
  on(reportedOn, `progress ${reportedOn}`, {
    type: 'KeyResultProgressReported',
    data: { teamId: 'pay', cycleId: CYCLE, keyResultRef: 'KR1', progress: 0.3, reportedOn },
  });
const trained = (completedOn: string) =>
  on(completedOn, `trained ${completedOn}`, {
    type: 'TrainingCompleted',
    data: { teamId: 'pay', kind: 'okr-basics', participants: 8, completedOn },
  });

describe('missed-check-ins: two consecutive missed check-ins', () => {
  const run = ruleOf('missed-check-ins');
  it('raises one signal on the second, naming both misses', () => {
    const said = run([...organisation, held('2026-10-05'), missed('2026-10-19'), missed('2026-11-02')]);
    expect(said.raised).toEqual([
      expect.objectContaining({
        rule: 'missed-check-ins',
        areaId: 'plat',
        teamId: 'pay',
        raisedOn: '2026-11-02',
        causes: [id('missed 2026-10-19'), id('missed 2026-11-02')],
        description: '2 check-ins in a row were missed (due 2026-10-19, 2026-11-02).',
      }),
    ]);
    expect(said.raised[0]!.signalId).toBe(signalIdOf('missed-check-ins', said.raised[0]!.causes));
  });

  it('does not raise for misses a held check-in separates', () => {
    expect(run([...organisation, missed('2026-10-05'), held('2026-10-19'), missed('2026-11-02')]).raised).toEqual([]);
  });

  it('raises no second signal for a third miss while the first is open', () => {
    const said = run([...organisation, missed('2026-10-05'), missed('2026-10-19'), missed('2026-11-02')]);
    expect(said.raised.map((r) => r.rule)).toEqual(['missed-check-ins']);
  });

  it('proposes resolution once a check-in is held again', () => {
    const said = run([...organisation, missed('2026-10-05'), missed('2026-10-19'), held('2026-11-02')]);
    expect(said.cleared).toEqual([
      expect.objectContaining({ signalId: said.raised[0]!.signalId, proposedOn: '2026-11-02', causes: [id('held 2026-11-02')] }),
    ]);
  });

  it('proposes resolution when the cycle closes with the signal still open', () => {
    const closed = on('2027-01-02', 'closed', { type: 'CycleClosed', data: { cycleId: CYCLE, closedOn: '2027-01-02' } });
    const said = run([...organisation, missed('2026-10-05'), missed('2026-10-19'), closed]);
    expect(said.cleared).toEqual([
      expect.objectContaining({ signalId: said.raised[0]!.signalId, proposedOn: '2027-01-02', causes: [id('closed')] }),
    ]);
  });

  it('follows its setting', () => {
    const settings = { ...defaultRuleSettings, missedCheckIns: 3 };
    expect(run([...organisation, missed('2026-10-05'), missed('2026-10-19')], [], settings).raised).toEqual([]);
  });
});

describe('stalled-progress: no key-result progress for 21 days in an open cycle', () => {
  const run = ruleOf('stalled-progress');
  it('raises on the daily tick, dated the 21st day, caused by the last progress report', () => {
    const said = run([...organisation, drafted('2026-10-02'), progress('2026-10-10')], ['2026-10-30', '2026-10-31', '2026-11-01']);
    expect(said.raised).toEqual([
      expect.objectContaining({ rule: 'stalled-progress', teamId: 'pay', raisedOn: '2026-10-31', causes: [id('progress 2026-10-10')] }),
    ]);
  });

  it('infers the same signal from a later event as the tick did on the day: a replay raises no other', () => {
    const ticked = run([...organisation, drafted('2026-10-02')], ['2026-10-23']);
    const replayed = run([...organisation, drafted('2026-10-02'), held('2026-11-05')]);
    expect(ticked.raised.map((r) => [r.signalId, r.raisedOn])).toEqual([[ticked.raised[0]!.signalId, '2026-10-23']]);
    expect(replayed.raised.filter((r) => r.rule === 'stalled-progress').map((r) => [r.signalId, r.raisedOn])).toEqual(
      ticked.raised.map((r) => [r.signalId, r.raisedOn]),
    );
  });

  it('does not raise within 21 days, nor after the cycle closed', () => {
    expect(run([...organisation, drafted('2026-10-02')], ['2026-10-22']).raised).toEqual([]);
    const closed = on('2026-10-20', 'closed', { type: 'CycleClosed', data: { cycleId: CYCLE, closedOn: '2026-10-20' } });
    expect(run([...organisation, drafted('2026-10-02'), closed], ['2026-11-30']).raised).toEqual([]);
  });

  it('proposes resolution when progress is reported', () => {
    const said = run([...organisation, drafted('2026-10-02'), progress('2026-11-02')]);
    expect(said.raised.map((r) => r.rule)).toEqual(['stalled-progress']);
    expect(said.cleared).toEqual([expect.objectContaining({ signalId: said.raised[0]!.signalId, proposedOn: '2026-11-02' })]);
  });
});

describe('attitude-fall: a stakeholder falling two steps or more', () => {
  const run = ruleOf('attitude-fall');
  const identified = on('2026-09-22', 'sh', {
    type: 'StakeholderIdentified',
    data: { stakeholderId: 'cfo', name: 'The CFO', role: 'Finance', areaId: 'plat', influence: 5, interest: 3 },
  });
  const attitude = (date: string, value: 'champion' | 'supporter' | 'neutral' | 'skeptic' | 'resistor') =>
    on(date, `attitude ${date}`, { type: 'AttitudeAssessed', data: { stakeholderId: 'cfo', attitude: value } });

  it('raises when supporter becomes skeptic, naming both assessments', () => {
    const said = run([identified, attitude('2026-10-01', 'supporter'), attitude('2026-11-01', 'skeptic')]);
    expect(said.raised).toEqual([
      expect.objectContaining({
        rule: 'attitude-fall',
        stakeholderId: 'cfo',
        areaId: 'plat',
        kind: 'unconvinced',
        causes: [id('attitude 2026-10-01'), id('attitude 2026-11-01')],
        description: 'Attitude fell 2 steps, from supporter to skeptic, on 2026-11-01.',
      }),
    ]);
  });

  it('does not raise for one step, nor for the first assessment', () => {
    expect(run([identified, attitude('2026-10-01', 'resistor')]).raised).toEqual([]);
    expect(run([identified, attitude('2026-10-01', 'supporter'), attitude('2026-11-01', 'neutral')]).raised).toEqual([]);
  });

  it('proposes resolution when the attitude comes back within a step of where it fell from', () => {
    const fell = [identified, attitude('2026-10-01', 'champion'), attitude('2026-10-10', 'resistor')];
    expect(run([...fell, attitude('2026-11-01', 'neutral')]).cleared).toEqual([]);
    expect(run([...fell, attitude('2026-11-01', 'supporter')]).cleared).toEqual([
      expect.objectContaining({ rule: 'attitude-fall', proposedOn: '2026-11-01' }),
    ]);
  });
});

describe('area-score-drop: an area falling 15 points or more within 14 days', () => {
  const run = ruleOf('area-score-drop');
  it('raises when the overall score fell 15 points since 14 days before', () => {
    const said = run([...organisation, held('2026-10-05'), missed('2026-10-19'), missed('2026-11-02')]);
    expect(said.raised).toEqual([
      expect.objectContaining({
        areaId: 'plat',
        raisedOn: '2026-11-02',
        causes: [id('missed 2026-11-02')],
        description: "The area's overall adoption score fell from 41 to 21 (20 points) between 2026-10-19 and 2026-11-02.",
      }),
    ]);
  });

  it('does not raise when the score holds, nor below its setting', () => {
    expect(run([...organisation, held('2026-10-05'), held('2026-10-19'), held('2026-11-02')]).raised).toEqual([]);
    const settings = { ...defaultRuleSettings, areaScoreDropPoints: 21 };
    expect(run([...organisation, held('2026-10-05'), missed('2026-10-19'), missed('2026-11-02')], [], settings).raised).toEqual([]);
  });

  it('proposes resolution when the score is back within 15 points of 14 days before', () => {
    const said = run([...organisation, held('2026-10-05'), missed('2026-10-19'), missed('2026-11-02'), held('2026-11-16')]);
    expect(said.cleared).toEqual([expect.objectContaining({ signalId: said.raised[0]!.signalId, proposedOn: '2026-11-16' })]);
  });
});

describe('area-score-drop compares both days with the teams as they are now', () => {
  const run = ruleOf('area-score-drop');
  const ops = (date: string, name: string, event: UptakeEvent) => on(date, `ops ${name}`, event);
  const opsJoins = (date: string, size: number) =>
    ops(date, 'registered', { type: 'TeamRegistered', data: { teamId: 'ops', key: 'OPS', name: 'Operations', areaId: 'plat', size } });

  it('scores a team resized since the last check-in of its area at its new size on both days', () => {
    const opsRuns = (size: number) => [
      opsJoins('2026-09-22', size),
      ops('2026-10-02', 'trained', {
        type: 'TrainingCompleted',
        data: { teamId: 'ops', kind: 'okr-basics', participants: 8, completedOn: '2026-10-02' },
      }),
      ops('2026-10-05', 'held', { type: 'CheckInHeld', data: { teamId: 'ops', cycleId: CYCLE, heldOn: '2026-10-05' } }),
    ];
    const settings = { ...defaultRuleSettings, areaScoreDropPoints: 1 };
    const onThe2nd = (said: RuleOutput) => said.raised.filter((r) => r.raisedOn === '2026-11-02').map((r) => r.description);
    // Payments' check-ins compare the area on 19 Oct and on 2 Nov; Operations, trained in full at 8, grows to 80 between them.
    const paysCheckIns = [held('2026-10-05'), missed('2026-10-19')];
    const resized = ops('2026-10-25', 'resized', { type: 'TeamResized', data: { teamId: 'ops', size: 80 } });
    const grown = run([...organisation, ...opsRuns(8), ...paysCheckIns, resized, missed('2026-11-02')], [], settings);
    const always = run([...organisation, ...opsRuns(80), ...paysCheckIns, missed('2026-11-02')], [], settings);
    expect(onThe2nd(grown)).toHaveLength(1);
    expect(onThe2nd(grown)).toEqual(onThe2nd(always));
  });

  it('counts a team registered since the last check-in of its area on both days', () => {
    // Alone, Payments' two misses raise (41 to 21); beside a team ten times its size that runs nothing, the area moves 2 points.
    const given = [...organisation, held('2026-10-05'), missed('2026-10-19')];
    expect(run([...given, missed('2026-11-02')]).raised).toHaveLength(1);
    expect(run([...given, opsJoins('2026-10-25', 80), missed('2026-11-02')]).raised).toEqual([]);
  });
});

describe('area-score-drop sees alignment as the heatmap scores it', () => {
  const run = ruleOf('area-score-drop');
  const objective = (n: number) => `pay-o${n}`;
  const aligned: Given[] = [
    drafted('2026-10-02'),
    on('2026-10-01', 'theme', { type: 'StrategicThemeSet', data: { themeId: 'growth', title: 'Grow' } }),
    ...[1, 2].flatMap((n) => [
      on('2026-10-03', `set ${n}`, {
        type: 'ObjectiveSet',
        data: { objectiveId: objective(n), title: `Objective ${n}`, cycleId: CYCLE, areaId: 'plat', teamId: 'pay' },
      }),
      on('2026-10-03', `link ${n}`, {
        type: 'ObjectiveLinked',
        data: { objectiveId: objective(n), parentKind: 'theme', parentId: 'growth', crossArea: false },
      }),
    ]),
    held('2026-10-14'),
    held('2026-10-28'),
  ];
  const unlinked = (n: number, date: string) => on(date, `unlink ${n}`, { type: 'ObjectiveUnlinked', data: { objectiveId: objective(n) } });

  it('raises when unlinking its objectives from the strategy drops the score, caused by the unlink', () => {
    const said = run([...organisation, ...aligned, held('2026-11-09'), unlinked(1, '2026-11-10'), unlinked(2, '2026-11-10')]);
    // learn 0, set 50, run 100, align 100 → 0: (15·0 + 20·50 + 15·100 + 35·100) / 85 = 71 → 53.
    expect(said.raised).toEqual([
      expect.objectContaining({
        areaId: 'plat',
        raisedOn: '2026-11-10',
        causes: [id('unlink 2')],
        description: "The area's overall adoption score fell from 71 to 53 (18 points) between 2026-10-27 and 2026-11-10.",
      }),
    ]);
  });

  it('does not raise while the objectives stay linked, nor for one unlink of two', () => {
    expect(run([...organisation, ...aligned, held('2026-11-09')]).raised).toEqual([]);
    expect(run([...organisation, ...aligned, held('2026-11-09'), unlinked(1, '2026-11-10')]).raised).toEqual([]);
  });

  it('proposes resolution when the objectives are linked again', () => {
    const relinked = on('2026-11-12', 'relink', {
      type: 'ObjectiveLinked',
      data: { objectiveId: objective(2), parentKind: 'theme', parentId: 'growth', crossArea: false },
    });
    const said = run([...organisation, ...aligned, held('2026-11-09'), unlinked(1, '2026-11-10'), unlinked(2, '2026-11-10'), relinked]);
    expect(said.cleared).toEqual([
      expect.objectContaining({ signalId: said.raised[0]!.signalId, proposedOn: '2026-11-12', causes: [id('relink')] }),
    ]);
  });
});

describe('training-without-okrs: trained, but no OKRs drafted 3 weeks later', () => {
  const run = ruleOf('training-without-okrs');
  it('raises on the 21st day after the training', () => {
    const said = run([...organisation, trained('2026-09-25')], ['2026-10-15', '2026-10-16']);
    expect(said.raised).toEqual([
      expect.objectContaining({ rule: 'training-without-okrs', teamId: 'pay', raisedOn: '2026-10-16', causes: [id('trained 2026-09-25')] }),
    ]);
  });

  it('does not raise when OKRs are drafted in time', () => {
    expect(run([...organisation, trained('2026-09-25'), drafted('2026-10-10')], ['2026-11-30']).raised).toEqual([]);
  });

  it('does not raise for a team that trains again while it runs OKRs in an open cycle', () => {
    expect(run([...organisation, drafted('2026-10-02'), trained('2026-10-20')], ['2026-11-30']).raised).toEqual([]);
  });

  it('proposes resolution when OKRs are drafted late', () => {
    const said = run([...organisation, trained('2026-09-25')], ['2026-10-20']);
    const later = run([...organisation, trained('2026-09-25'), drafted('2026-10-25')], []);
    expect(later.raised.map((r) => r.signalId)).toEqual(said.raised.map((r) => r.signalId));
    expect(later.cleared).toEqual([expect.objectContaining({ rule: 'training-without-okrs', proposedOn: '2026-10-25' })]);
  });
});

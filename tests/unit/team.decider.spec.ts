import { describe, expect, it } from 'vitest';
import type { AreaState } from '../../src/area/decider.ts';
import type { CycleState } from '../../src/cycle/decider.ts';
import { parseCommand } from '../../src/shared/command.ts';
import { RegisterTeam, ResizeTeam } from '../../src/team/commands.ts';
import { teamDecider } from '../../src/team/decider.ts';
import type { TeamEvent } from '../../src/team/events.ts';
import { deciderSpec, expectError } from '../support/givenWhenThen.ts';

const spec = deciderSpec(teamDecider);

const platform = { teamId: 't1', key: 'PLAT', name: 'Platform', areaId: 'eng', size: 8 };
const registered: TeamEvent = { type: 'TeamRegistered', data: platform };
const eng: AreaState = { status: 'Registered', areaId: 'eng', code: 'ENG', name: 'Engineering', parentAreaId: null, coachIds: [] };
const q4 = { cycleId: 'q4', name: '2026-Q4', startsOn: '2026-10-01', endsOn: '2026-12-31', checkInCadenceDays: 7 };
const open: CycleState = { status: 'Open', ...q4 };
const closed: CycleState = { status: 'Closed', closedOn: '2027-01-02', ...q4 };
const inCycle = { teamId: 't1', cycleId: 'q4' };
/** The day the commands are decided on, unless a test says otherwise. */
const today = '2026-12-31';

const drafted: TeamEvent = { type: 'OkrsDrafted', data: { ...inCycle, objectives: 2, keyResults: 6, draftedOn: '2026-10-03' } };
const published: TeamEvent = { type: 'OkrsPublished', data: { ...inCycle, publishedOn: '2026-10-06' } };
const checkIn = (heldOn: string) => ({
  type: 'HoldCheckIn' as const,
  data: { ...inCycle, heldOn, attendance: 0.9 },
  context: { cycle: open, today },
});
const miss = (dueOn: string) => ({ type: 'MissCheckIn' as const, data: { ...inCycle, dueOn }, context: { cycle: open, today } });

describe('team decider', () => {
  describe('RegisterTeam', () => {
    const register = (area: AreaState = eng, teamKeys: string[] = []) => ({
      type: 'RegisterTeam' as const,
      data: platform,
      context: { area, teamKeys },
    });

    it('registers a team in a registered area', () => {
      spec.given([]).when(register()).then([registered]);
    });

    it("refuses an area that doesn't exist", () => {
      spec
        .given([])
        .when(register({ status: 'Empty' }))
        .thenRejects('areaId');
    });

    it('refuses a key another team has', () => {
      spec
        .given([])
        .when(register(eng, ['OPS', 'PLAT']))
        .thenRejects('key');
    });

    it('records the same registration again (a retried form) as nothing, and refuses its id with other data', () => {
      spec
        .given([registered])
        .when(register(eng, ['PLAT']))
        .thenNothing();
      spec
        .given([registered])
        .when({ ...register(), data: { ...platform, size: 9 } })
        .thenRejects('teamId');
    });

    it('validates key and size', () => {
      expectError(() => parseCommand(RegisterTeam, { ...platform, key: 'plat' }), 'key');
      expectError(() => parseCommand(RegisterTeam, { ...platform, size: 0 }), 'size');
    });
  });

  describe('MoveTeam and ResizeTeam', () => {
    it('moves to another registered area', () => {
      const ops: AreaState = { ...eng, areaId: 'ops' };
      spec
        .given([registered])
        .when({ type: 'MoveTeam', data: { teamId: 't1', areaId: 'ops' }, context: { area: ops } })
        .then([{ type: 'TeamMoved', data: { teamId: 't1', areaId: 'ops' } }]);
    });

    it('refuses to move to an area that does not exist', () => {
      spec
        .given([registered])
        .when({ type: 'MoveTeam', data: { teamId: 't1', areaId: 'x' }, context: { area: { status: 'Empty' } } })
        .thenRejects('areaId');
    });

    it('records nothing when moved to its own area or resized to its size', () => {
      spec
        .given([registered])
        .when({ type: 'MoveTeam', data: { teamId: 't1', areaId: 'eng' }, context: { area: eng } })
        .thenNothing();
      spec
        .given([registered])
        .when({ type: 'ResizeTeam', data: { teamId: 't1', size: 8 } })
        .thenNothing();
    });

    it('resizes', () => {
      spec
        .given([registered])
        .when({ type: 'ResizeTeam', data: { teamId: 't1', size: 11 } })
        .then([{ type: 'TeamResized', data: { teamId: 't1', size: 11 } }]);
    });

    it('refuses commands for a team that is not registered', () => {
      spec
        .given([])
        .when({ type: 'ResizeTeam', data: { teamId: 't1', size: 11 } })
        .thenRejects('teamId');
    });

    it('validates the size', () => {
      expectError(() => parseCommand(ResizeTeam, { teamId: 't1', size: 501 }), 'size');
    });
  });

  describe('a date after today', () => {
    const earlyToday = '2026-10-10';

    it.each([
      ['heldOn', { type: 'HoldCheckIn' as const, data: { ...inCycle, heldOn: '2026-10-11' } }],
      ['dueOn', { type: 'MissCheckIn' as const, data: { ...inCycle, dueOn: '2026-10-11' } }],
      ['draftedOn', { type: 'DraftOkrs' as const, data: { ...inCycle, objectives: 1, keyResults: 1, draftedOn: '2026-10-11' } }],
      [
        'reportedOn',
        { type: 'ReportKeyResultProgress' as const, data: { ...inCycle, keyResultRef: 'KR1', progress: 0.5, reportedOn: '2026-10-11' } },
      ],
      ['heldOn', { type: 'HoldCycleReview' as const, data: { ...inCycle, heldOn: '2026-12-20' } }],
      ['heldOn', { type: 'HoldRetrospective' as const, data: { ...inCycle, heldOn: '2026-12-20' } }],
    ] as const)('is refused on %s', (field, command) => {
      const error = spec
        .given([registered])
        .when({ ...command, context: { cycle: open, today: earlyToday } })
        .thenRejects(field);
      expect(error.issues[0]!.message).toBe('cannot be after today (2026-10-10)');
    });

    it('is refused for training, and today itself is accepted', () => {
      const training = { teamId: 't1', kind: 'okr-basics' as const, participants: 7, completedOn: '2026-10-11' };
      spec
        .given([registered])
        .when({ type: 'CompleteTraining', data: training, context: { cycle: null, today: earlyToday } })
        .thenRejects('completedOn');
      spec
        .given([registered])
        .when({ ...checkIn(earlyToday), context: { cycle: open, today: earlyToday } })
        .then([{ type: 'CheckInHeld', data: checkIn(earlyToday).data }]);
    });
  });

  describe('CompleteTraining', () => {
    const training = { teamId: 't1', kind: 'okr-basics' as const, participants: 7, completedOn: '2026-09-15' };

    it('records training outside any cycle', () => {
      spec
        .given([registered])
        .when({ type: 'CompleteTraining', data: training, context: { cycle: null, today } })
        .then([{ type: 'TrainingCompleted', data: training }]);
    });

    it('records training inside an open cycle only on a day of that cycle', () => {
      const data = { ...training, cycleId: 'q4' };
      spec
        .given([registered])
        .when({ type: 'CompleteTraining', data, context: { cycle: open, today } })
        .thenRejects('completedOn');
      const inside = { ...data, completedOn: '2026-10-02' };
      spec
        .given([registered])
        .when({ type: 'CompleteTraining', data: inside, context: { cycle: open, today } })
        .then([{ type: 'TrainingCompleted', data: inside }]);
    });
  });

  describe('adoption inside a cycle', () => {
    const draft = (cycle: CycleState, draftedOn = '2026-10-03') => ({
      type: 'DraftOkrs' as const,
      data: { ...inCycle, objectives: 2, keyResults: 6, draftedOn },
      context: { cycle, today },
    });

    it('drafts OKRs in an open cycle', () => {
      spec.given([registered]).when(draft(open)).then([drafted]);
    });

    it('refuses a cycle that was not opened', () => {
      spec
        .given([registered])
        .when(draft({ status: 'Empty' }))
        .thenRejects('cycleId');
    });

    it('refuses a closed cycle', () => {
      spec.given([registered]).when(draft(closed)).thenRejects('cycleId');
    });

    it.each(['2026-09-30', '2027-01-01'])('refuses a date outside the cycle (%s)', (draftedOn) => {
      spec.given([registered]).when(draft(open, draftedOn)).thenRejects('draftedOn');
    });

    it('accepts the first and the last day of the cycle', () => {
      spec
        .given([registered])
        .when(draft(open, '2026-10-01'))
        .then([{ ...drafted, data: { ...drafted.data, draftedOn: '2026-10-01' } } as TeamEvent]);
      spec
        .given([registered])
        .when(draft(open, '2026-12-31'))
        .then([{ ...drafted, data: { ...drafted.data, draftedOn: '2026-12-31' } } as TeamEvent]);
    });

    it('refuses adoption for a team that is not registered', () => {
      spec.given([]).when(draft(open)).thenRejects('teamId');
    });
  });

  describe('publishing and aligning', () => {
    const publish = { type: 'PublishOkrs' as const, data: { ...inCycle, publishedOn: '2026-10-06' }, context: { cycle: open, today } };
    const align = (parentRef = 'company/grow-revenue') => ({
      type: 'AlignOkrs' as const,
      data: { ...inCycle, parentRef, alignedOn: '2026-10-08' },
      context: { cycle: open, today },
    });

    it('publishes drafted OKRs', () => {
      spec.given([registered, drafted]).when(publish).then([published]);
    });

    it('refuses to publish OKRs that were not drafted', () => {
      spec.given([registered]).when(publish).thenRejects('cycleId');
    });

    it('refuses to publish OKRs drafted for another cycle', () => {
      const otherCycle: TeamEvent = { type: 'OkrsDrafted', data: { ...drafted.data, cycleId: 'q3' } } as TeamEvent;
      spec.given([registered, otherCycle]).when(publish).thenRejects('cycleId');
    });

    it('records nothing when published OKRs are published again, even after a new draft', () => {
      spec.given([registered, drafted, published, drafted]).when(publish).thenNothing();
    });

    it('aligns published OKRs', () => {
      spec
        .given([registered, drafted, published])
        .when(align())
        .then([{ type: 'OkrsAligned', data: align().data }]);
    });

    it('refuses to align OKRs that are only drafted', () => {
      spec.given([registered, drafted]).when(align()).thenRejects('cycleId');
    });

    it('records nothing when aligned again to the same parent, and aligns to another', () => {
      const aligned: TeamEvent = { type: 'OkrsAligned', data: align().data };
      spec.given([registered, drafted, published, aligned]).when(align()).thenNothing();
      spec
        .given([registered, drafted, published, aligned])
        .when(align('strategy/retain'))
        .then([{ type: 'OkrsAligned', data: align('strategy/retain').data }]);
    });
  });

  describe('check-ins', () => {
    const held = (heldOn: string): TeamEvent => ({ type: 'CheckInHeld', data: checkIn(heldOn).data });
    const missed = (dueOn: string): TeamEvent => ({ type: 'CheckInMissed', data: miss(dueOn).data });

    it('holds a check-in', () => {
      spec
        .given([registered])
        .when(checkIn('2026-10-07'))
        .then([held('2026-10-07')]);
    });

    it('refuses a second check-in on the same day for the same cycle', () => {
      spec
        .given([registered, held('2026-10-07')])
        .when(checkIn('2026-10-07'))
        .thenRejects('heldOn');
    });

    it('accepts check-ins on other days, and the same day in another cycle', () => {
      spec
        .given([registered, held('2026-10-07')])
        .when(checkIn('2026-10-14'))
        .then([held('2026-10-14')]);
      const otherCycle = { type: 'CheckInHeld', data: { ...held('2026-10-07').data, cycleId: 'q3' } } as TeamEvent;
      spec
        .given([registered, otherCycle])
        .when(checkIn('2026-10-07'))
        .then([held('2026-10-07')]);
    });

    it('records a missed check-in once', () => {
      spec
        .given([registered])
        .when(miss('2026-10-14'))
        .then([missed('2026-10-14')]);
      spec
        .given([registered, missed('2026-10-14')])
        .when(miss('2026-10-14'))
        .thenNothing();
    });

    it('refuses a miss on a day a check-in was held', () => {
      spec
        .given([registered, held('2026-10-14')])
        .when(miss('2026-10-14'))
        .thenRejects('dueOn');
    });

    it('refuses a check-in outside the cycle', () => {
      spec.given([registered]).when(checkIn('2027-01-04')).thenRejects('heldOn');
    });
  });

  describe('progress, review and retrospective', () => {
    it('reports key-result progress within the cycle', () => {
      const data = { ...inCycle, keyResultRef: 'KR1', progress: 0.4, reportedOn: '2026-11-01' };
      spec
        .given([registered])
        .when({ type: 'ReportKeyResultProgress', data, context: { cycle: open, today } })
        .then([{ type: 'KeyResultProgressReported', data }]);
      spec
        .given([registered])
        .when({ type: 'ReportKeyResultProgress', data, context: { cycle: closed, today } })
        .thenRejects('cycleId');
    });

    it('holds a cycle review and a retrospective', () => {
      const review = { ...inCycle, heldOn: '2026-12-18' };
      const retro = { ...inCycle, heldOn: '2026-12-19', actions: 3 };
      spec
        .given([registered])
        .when({ type: 'HoldCycleReview', data: review, context: { cycle: open, today } })
        .then([{ type: 'CycleReviewHeld', data: review }]);
      spec
        .given([registered])
        .when({ type: 'HoldRetrospective', data: retro, context: { cycle: open, today } })
        .then([{ type: 'RetrospectiveHeld', data: retro }]);
    });

    it('refuses a retrospective in a closed cycle', () => {
      spec
        .given([registered])
        .when({ type: 'HoldRetrospective', data: { ...inCycle, heldOn: '2026-12-19' }, context: { cycle: closed, today } })
        .thenRejects('cycleId');
    });
  });
});

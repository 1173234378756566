import { describe, it } from 'vitest';
import { OpenCycle } from '../../src/cycle/commands.ts';
import { cycleDecider } from '../../src/cycle/decider.ts';
import type { CycleEvent } from '../../src/cycle/events.ts';
import { parseCommand } from '../../src/shared/command.ts';
import { deciderSpec, expectError } from '../support/givenWhenThen.ts';

const spec = deciderSpec(cycleDecider);
const q4 = { cycleId: '2026-q4', name: '2026-Q4', startsOn: '2026-10-01', endsOn: '2026-12-31', checkInCadenceDays: 7 };
const opened: CycleEvent = { type: 'CycleOpened', data: q4 };
const close = (closedOn: string, today = '2027-02-01') => ({
  type: 'CloseCycle' as const,
  data: { cycleId: '2026-q4', closedOn },
  context: { today },
});

describe('cycle decider', () => {
  it('opens a cycle', () => {
    spec
      .given([])
      .when({ type: 'OpenCycle', data: q4, context: { cycles: [] } })
      .then([opened]);
  });

  it('records the same opening again as nothing, and refuses its id with other data', () => {
    spec
      .given([opened])
      .when({ type: 'OpenCycle', data: q4, context: { cycles: [q4] } })
      .thenNothing();
    spec
      .given([opened])
      .when({ type: 'OpenCycle', data: { ...q4, checkInCadenceDays: 14 }, context: { cycles: [] } })
      .thenRejects('cycleId');
  });

  describe('among the other cycles', () => {
    const q3 = { cycleId: '2026-q3', name: '2026-Q3', startsOn: '2026-07-01', endsOn: '2026-09-30' };
    const open = (cycles: (typeof q3)[]) => ({ type: 'OpenCycle' as const, data: q4, context: { cycles } });

    it('opens a cycle right after another', () => {
      spec
        .given([])
        .when(open([q3]))
        .then([opened]);
    });

    it('refuses a name another cycle has, ignoring case', () => {
      spec
        .given([])
        .when(open([{ ...q3, name: '2026-q4' }]))
        .thenRejects('name');
    });

    it('refuses dates that overlap another cycle, even by a day', () => {
      spec
        .given([])
        .when(open([{ ...q3, endsOn: '2026-10-01' }]))
        .thenRejects('startsOn');
      spec
        .given([])
        .when(open([{ ...q3, startsOn: '2026-11-01', endsOn: '2027-01-31' }]))
        .thenRejects('startsOn');
    });
  });

  it('closes an open cycle', () => {
    spec
      .given([opened])
      .when(close('2027-01-05'))
      .then([{ type: 'CycleClosed', data: close('2027-01-05').data }]);
  });

  it('refuses to close a closed cycle', () => {
    spec
      .given([opened, { type: 'CycleClosed', data: close('2027-01-05').data }])
      .when(close('2027-01-06'))
      .thenRejects('cycleId');
  });

  it('refuses to close a cycle that was never opened', () => {
    spec.given([]).when(close('2027-01-05')).thenRejects('cycleId');
  });

  it('refuses to close a cycle on a day still to come', () => {
    spec.given([opened]).when(close('2026-12-31', '2026-11-29')).thenRejects('closedOn');
    spec
      .given([opened])
      .when(close('2026-11-29', '2026-11-29'))
      .then([{ type: 'CycleClosed', data: close('2026-11-29').data }]);
  });

  it('refuses to close a cycle before it starts', () => {
    spec.given([opened]).when(close('2026-09-30')).thenRejects('closedOn');
  });

  describe('OpenCycle input', () => {
    it('needs endsOn after startsOn', () => {
      expectError(() => parseCommand(OpenCycle, { ...q4, endsOn: q4.startsOn }), 'endsOn');
    });

    it.each([0, 43, 2.5])('refuses a check-in cadence of %s days', (checkInCadenceDays) => {
      expectError(() => parseCommand(OpenCycle, { ...q4, checkInCadenceDays }), 'checkInCadenceDays');
    });

    it.each([1, 42])('accepts a check-in cadence of %s days', (checkInCadenceDays) => {
      parseCommand(OpenCycle, { ...q4, checkInCadenceDays });
    });

    it('refuses a date that is not a calendar date', () => {
      expectError(() => parseCommand(OpenCycle, { ...q4, startsOn: '2026-13-01' }), 'startsOn');
    });
  });
});

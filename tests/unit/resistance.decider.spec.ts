import { describe, expect, it } from 'vitest';
import type { CoachState } from '../../src/coach/decider.ts';
import type { AreaState } from '../../src/area/decider.ts';
import { RaiseResistanceSignal } from '../../src/resistance/commands.ts';
import { resistanceDecider, type ResistanceCommand } from '../../src/resistance/decider.ts';
import type { ResistanceEvent } from '../../src/resistance/events.ts';
import { parseCommand } from '../../src/shared/command.ts';
import type { TeamState } from '../../src/team/decider.ts';
import { deciderSpec, expectError } from '../support/givenWhenThen.ts';

const spec = deciderSpec(resistanceDecider);

const eng: AreaState = { status: 'Registered', areaId: 'eng', code: 'ENG', name: 'Engineering', parentAreaId: null, coachIds: [] };
const platform: TeamState = { status: 'Registered', teamId: 't1', key: 'PLAT', name: 'Platform', areaId: 'eng', size: 8, cycles: {} };
/** The day the commands are decided on. */
const today = '2026-12-31';
const signal = {
  signalId: 'sig1',
  areaId: 'eng',
  teamId: 't1',
  kind: 'no-time' as const,
  severity: 3,
  description: 'Skipped two check-ins: "too busy shipping"',
  source: 'observed' as const,
  raisedOn: '2026-10-20',
};
const raise = (context: Partial<Extract<ResistanceCommand, { type: 'RaiseResistanceSignal' }>['context']> = {}) => ({
  type: 'RaiseResistanceSignal' as const,
  data: signal,
  context: { area: eng, team: platform, stakeholder: null, today, ...context },
});
const raised: ResistanceEvent = { type: 'ResistanceSignalRaised', data: signal };
const ana: CoachState = { status: 'Registered', coachId: 'c1', name: 'Ana', email: 'ana@example.org' };
const plan = {
  type: 'PlanIntervention' as const,
  data: { signalId: 'sig1', interventionId: 'i1', kind: 'coaching-session' as const, ownerId: 'c1', dueOn: '2026-10-27' },
  context: { owner: ana },
};
const planned: ResistanceEvent = { type: 'InterventionPlanned', data: plan.data };
const complete = {
  type: 'CompleteIntervention' as const,
  data: { signalId: 'sig1', interventionId: 'i1', outcome: 'agreed a 15-minute format', completedOn: '2026-10-27' },
  context: { today },
};
const completed: ResistanceEvent = { type: 'InterventionCompleted', data: complete.data };
const resolve = {
  type: 'ResolveResistanceSignal' as const,
  data: { signalId: 'sig1', resolution: 'check-ins back on cadence', resolvedOn: '2026-11-10' },
  context: { today },
};
const resolved: ResistanceEvent = { type: 'ResistanceSignalResolved', data: resolve.data };
const acknowledge = {
  type: 'AcknowledgeResistanceSignal' as const,
  data: { signalId: 'sig1', acknowledgedOn: '2026-10-21' },
  context: { today },
};
const escalate = {
  type: 'EscalateResistanceSignal' as const,
  data: { signalId: 'sig1', to: 'CTO', reason: 'needs sponsor support', escalatedOn: '2026-10-25' },
  context: { today },
};

describe('resistance decider', () => {
  describe('RaiseResistanceSignal', () => {
    it('raises a signal about a team in a registered area', () => {
      spec.given([]).when(raise()).then([raised]);
    });

    it('refuses an unknown area or team; the same raise again records nothing, other data under its id is refused', () => {
      spec
        .given([])
        .when(raise({ area: { status: 'Empty' } }))
        .thenRejects('areaId');
      spec
        .given([])
        .when(raise({ team: { status: 'Empty' } }))
        .thenRejects('teamId');
      spec.given([raised]).when(raise()).thenNothing();
      spec
        .given([raised])
        .when({ ...raise(), data: { ...signal, severity: 4 } })
        .thenRejects('signalId');
      spec
        .given([raised])
        .when({ ...raise(), data: { ...signal, teamId: undefined } })
        .thenRejects('signalId');
    });

    it("refuses a team that is not in the signal's area", () => {
      const sales2: TeamState = { ...platform, key: 'SALES2', name: 'Sales 2', areaId: 'sales' };
      const error = spec
        .given([])
        .when(raise({ team: sales2 }))
        .thenRejects('teamId');
      expect(error.issues[0]!.message).toBe('Team SALES2 (Sales 2) is not in Engineering');
    });

    it('refuses a stakeholder that was not identified', () => {
      spec
        .given([])
        .when({ ...raise({ stakeholder: { status: 'Empty' } }), data: { ...signal, stakeholderId: 'nobody' } })
        .thenRejects('stakeholderId');
    });

    it.each([0, 6, 2.5])('refuses severity %s (1–5)', (severity) => {
      expectError(() => parseCommand(RaiseResistanceSignal, { ...signal, severity }), 'severity');
    });

    it('needs a rule name exactly when the source is a rule', () => {
      expectError(() => parseCommand(RaiseResistanceSignal, { ...signal, source: 'rule' }), 'rule');
      expectError(() => parseCommand(RaiseResistanceSignal, { ...signal, rule: 'missed-check-ins' }), 'rule');
      parseCommand(RaiseResistanceSignal, { ...signal, source: 'rule', rule: 'missed-check-ins' });
    });
  });

  it('acknowledges once; acknowledging again records nothing', () => {
    const acknowledged: ResistanceEvent = { type: 'ResistanceSignalAcknowledged', data: acknowledge.data };
    spec.given([raised]).when(acknowledge).then([acknowledged]);
    spec.given([raised, acknowledged]).when(acknowledge).thenNothing();
  });

  it('refuses a date before the signal was raised', () => {
    spec
      .given([raised])
      .when({ ...acknowledge, data: { ...acknowledge.data, acknowledgedOn: '2026-10-19' } })
      .thenRejects('acknowledgedOn');
    spec
      .given([raised])
      .when({ ...resolve, data: { ...resolve.data, resolvedOn: '2026-10-01' } })
      .thenRejects('resolvedOn');
  });

  it('refuses a date after today', () => {
    spec
      .given([])
      .when(raise({ today: '2026-10-19' }))
      .thenRejects('raisedOn');
    spec
      .given([raised])
      .when({ ...acknowledge, context: { today: '2026-10-20' } })
      .thenRejects('acknowledgedOn');
    spec
      .given([raised, planned])
      .when({ ...complete, context: { today: '2026-10-20' } })
      .thenRejects('completedOn');
    spec
      .given([raised])
      .when({ ...resolve, context: { today: '2026-10-20' } })
      .thenRejects('resolvedOn');
    spec
      .given([raised])
      .when({ ...escalate, context: { today: '2026-10-20' } })
      .thenRejects('escalatedOn');
  });

  it('refuses commands for a signal never raised', () => {
    spec.given([]).when(acknowledge).thenRejects('signalId');
  });

  describe('interventions', () => {
    it('plans an intervention once per id; the same plan again records nothing', () => {
      spec.given([raised]).when(plan).then([planned]);
      spec.given([raised, planned]).when(plan).thenNothing();
      spec
        .given([raised, planned])
        .when({ ...plan, data: { ...plan.data, dueOn: '2026-10-28' } })
        .thenRejects('interventionId');
    });

    it('refuses an owner who is not a registered coach', () => {
      spec
        .given([raised])
        .when({ ...plan, context: { owner: { status: 'Empty' } } })
        .thenRejects('ownerId');
    });

    it('completes a planned intervention only once', () => {
      spec.given([raised, planned]).when(complete).then([completed]);
      spec.given([raised, planned, completed]).when(complete).thenRejects('interventionId');
    });

    it('refuses to complete an intervention that was not planned', () => {
      spec.given([raised]).when(complete).thenRejects('interventionId');
    });
  });

  describe('open interventions when the signal is resolved', () => {
    const cancel = {
      type: 'CancelIntervention' as const,
      data: { signalId: 'sig1', interventionId: 'i1', reason: 'the team found its own format', cancelledOn: '2026-10-26' },
      context: { today },
    };
    const cancelled: ResistanceEvent = { type: 'InterventionCancelled', data: cancel.data };

    it('refuses to resolve while an intervention is planned, saying how many in words', () => {
      const error = spec.given([raised, planned]).when(resolve).thenRejects('cancelOpenInterventions');
      expect(error.issues[0]!.message).toBe(
        'An intervention is still planned: complete or cancel it first, or cancel it with the resolution',
      );
      const second: ResistanceEvent = { type: 'InterventionPlanned', data: { ...plan.data, interventionId: 'i2' } };
      const two = spec.given([raised, planned, second]).when(resolve).thenRejects('cancelOpenInterventions');
      expect(two.issues[0]!.message).toMatch(/^2 interventions are still planned/);
    });

    it('cancels the open interventions first when asked to', () => {
      const second: ResistanceEvent = { type: 'InterventionPlanned', data: { ...plan.data, interventionId: 'i2' } };
      spec
        .given([
          raised,
          planned,
          second,
          { type: 'InterventionCompleted', data: { ...complete.data, interventionId: 'i2' } },
          { ...planned, data: { ...plan.data, interventionId: 'i3' } },
        ])
        .when({ ...resolve, data: { ...resolve.data, cancelOpenInterventions: true } })
        .then([
          {
            type: 'InterventionCancelled',
            data: { signalId: 'sig1', interventionId: 'i1', reason: 'signal resolved', cancelledOn: '2026-11-10' },
          },
          {
            type: 'InterventionCancelled',
            data: { signalId: 'sig1', interventionId: 'i3', reason: 'signal resolved', cancelledOn: '2026-11-10' },
          },
          resolved,
        ]);
    });

    it('cancels a planned intervention once; then the signal resolves', () => {
      spec.given([raised, planned]).when(cancel).then([cancelled]);
      spec.given([raised, planned, cancelled]).when(cancel).thenRejects('interventionId');
      spec.given([raised, planned, completed]).when(cancel).thenRejects('interventionId');
      spec.given([raised, planned, cancelled]).when(complete).thenRejects('interventionId');
      spec.given([raised, planned, cancelled]).when(resolve).then([resolved]);
    });
  });

  it('resolves and escalates an open signal', () => {
    spec.given([raised, planned, completed]).when(resolve).then([resolved]);
    spec
      .given([raised])
      .when(escalate)
      .then([{ type: 'ResistanceSignalEscalated', data: escalate.data }]);
  });

  describe('a resolved signal', () => {
    const given = spec.given([raised, planned, resolved]);

    it.each([
      ['resolved', resolve],
      ['acknowledged', acknowledge],
      ['escalated', escalate],
      ['given an intervention', { ...plan, data: { ...plan.data, interventionId: 'i2' } }],
      ['given an intervention outcome', complete],
    ] as const)('cannot be %s', (_, command) => {
      given.when(command).thenRejects('signalId');
    });
  });
});

describe('a rule proposes resolution', () => {
  const inferred = { ...signal, source: 'rule' as const, rule: 'missed-check-ins', causes: ['0198a6f2-6c1e-7000-8000-000000000001'] };
  const raisedByRule: ResistanceEvent = { type: 'ResistanceSignalRaised', data: inferred };
  const proposal = { signalId: 'sig1', rule: 'missed-check-ins', reason: 'A check-in was held.', causes: [], proposedOn: '2026-11-02' };
  const propose = (data = proposal) => ({ type: 'ProposeResolution' as const, data, context: { today } });
  const proposed: ResistanceEvent = { type: 'ResistanceSignalResolutionProposed', data: proposal };

  it('records the proposal on a signal the rule raised', () => spec.given([raisedByRule]).when(propose()).then([proposed]));
  it('is a no-op when already proposed, or once a coach resolved it', () => {
    spec.given([raisedByRule, proposed]).when(propose()).thenNothing();
    spec.given([raisedByRule, resolved]).when(propose()).thenNothing();
  });
  it('must come from the rule that raised the signal', () => {
    spec.given([raised]).when(propose()).thenRejects('rule');
    spec
      .given([raisedByRule])
      .when(propose({ ...proposal, rule: 'attitude-fall' }))
      .thenRejects('rule');
  });
  it('cannot be dated before the signal was raised', () =>
    spec
      .given([raisedByRule])
      .when(propose({ ...proposal, proposedOn: '2026-10-01' }))
      .thenRejects('proposedOn'));
  it('names causing events only on a signal a rule inferred', () => {
    expectError(() => parseCommand(RaiseResistanceSignal, { ...signal, causes: inferred.causes }), 'causes');
    expect(parseCommand(RaiseResistanceSignal, inferred).data.causes).toEqual(inferred.causes);
  });
});

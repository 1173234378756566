import { describe, it } from 'vitest';
import type { AreaState } from '../../src/area/decider.ts';
import type { CoachState } from '../../src/coach/decider.ts';
import { parseCommand } from '../../src/shared/command.ts';
import { IdentifyStakeholder, LogEngagement, SetDesiredAttitude } from '../../src/stakeholder/commands.ts';
import { stakeholderDecider } from '../../src/stakeholder/decider.ts';
import type { StakeholderEvent } from '../../src/stakeholder/events.ts';
import { deciderSpec, expectError } from '../support/givenWhenThen.ts';

const spec = deciderSpec(stakeholderDecider);

const eng: AreaState = { status: 'Registered', areaId: 'eng', code: 'ENG', name: 'Engineering', parentAreaId: null, coachIds: [] };
const ana: CoachState = { status: 'Registered', coachId: 'c1', name: 'Ana', email: 'ana@example.org' };
const vp = { stakeholderId: 's1', name: 'Dana Ruiz', role: 'VP Engineering', areaId: 'eng', influence: 5, interest: 2 };
const identified: StakeholderEvent = { type: 'StakeholderIdentified', data: vp };
const today = '2026-12-31';
const engagement = {
  stakeholderId: 's1',
  engagementId: 'e1',
  kind: 'one-on-one' as const,
  occurredOn: '2026-10-09',
  sentiment: 1,
  coachId: 'c1',
};
const logged: StakeholderEvent = { type: 'EngagementLogged', data: engagement };

describe('stakeholder decider', () => {
  it('identifies a stakeholder in a registered area', () => {
    spec
      .given([])
      .when({ type: 'IdentifyStakeholder', data: vp, context: { area: eng } })
      .then([identified]);
  });

  it('refuses an area that does not exist; the same identification again records nothing, other data under its id is refused', () => {
    spec
      .given([])
      .when({ type: 'IdentifyStakeholder', data: vp, context: { area: { status: 'Empty' } } })
      .thenRejects('areaId');
    spec
      .given([identified])
      .when({ type: 'IdentifyStakeholder', data: vp, context: { area: eng } })
      .thenNothing();
    spec
      .given([identified])
      .when({ type: 'IdentifyStakeholder', data: { ...vp, role: 'CFO' }, context: { area: eng } })
      .thenRejects('stakeholderId');
  });

  it('validates influence and interest (1–5)', () => {
    expectError(() => parseCommand(IdentifyStakeholder, { ...vp, influence: 6 }), 'influence');
    expectError(() => parseCommand(IdentifyStakeholder, { ...vp, interest: 0 }), 'interest');
  });

  it('maps again only when the grid position changes', () => {
    const remap = { stakeholderId: 's1', influence: 5, interest: 4 };
    spec
      .given([identified])
      .when({ type: 'MapStakeholder', data: remap })
      .then([{ type: 'StakeholderMapped', data: remap }]);
    spec
      .given([identified])
      .when({ type: 'MapStakeholder', data: { stakeholderId: 's1', influence: 5, interest: 2 } })
      .thenNothing();
  });

  it('assesses attitude, and records nothing when it has not changed', () => {
    const assess = {
      type: 'AssessAttitude' as const,
      data: { stakeholderId: 's1', attitude: 'skeptic' as const, note: 'worried about overhead' },
    };
    const assessed: StakeholderEvent = { type: 'AttitudeAssessed', data: assess.data };
    spec.given([identified]).when(assess).then([assessed]);
    spec.given([identified, assessed]).when(assess).thenNothing();
  });

  it('sets the attitude a coach works towards, changes it, records nothing when it is the same, and only for a known stakeholder', () => {
    const aim = (attitude: 'supporter' | 'champion', reason?: string) => ({
      type: 'SetDesiredAttitude' as const,
      data: { stakeholderId: 's1', attitude, ...(reason === undefined ? {} : { reason }) },
    });
    const set = (attitude: 'supporter' | 'champion', reason?: string): StakeholderEvent => ({
      type: 'StakeholderDesiredAttitudeSet',
      data: aim(attitude, reason).data,
    });
    spec
      .given([identified])
      .when(aim('supporter', 'leads the pilot'))
      .then([set('supporter', 'leads the pilot')]);
    spec
      .given([identified, set('supporter')])
      .when(aim('champion'))
      .then([set('champion')]);
    spec
      .given([identified, set('supporter')])
      .when(aim('supporter', 'said again'))
      .thenNothing();
    // The aim is apart from the attitude: a stakeholder already there may still be given it.
    spec
      .given([identified, { type: 'AttitudeAssessed', data: { stakeholderId: 's1', attitude: 'supporter' } }])
      .when(aim('supporter'))
      .then([set('supporter')]);
    spec.given([]).when(aim('champion')).thenRejects('stakeholderId');
    expectError(() => parseCommand(SetDesiredAttitude, { stakeholderId: 's1', attitude: 'fan' }), 'attitude');
    expectError(() => parseCommand(SetDesiredAttitude, { stakeholderId: 's1', attitude: 'champion', reason: 'x'.repeat(2001) }), 'reason');
  });

  it('assesses the ADKAR stage, which may also move back', () => {
    const stage = (s: 'awareness' | 'desire') => ({ type: 'AdkarStageAssessed' as const, data: { stakeholderId: 's1', stage: s } });
    spec
      .given([identified])
      .when({ type: 'AssessAdkarStage', data: stage('desire').data })
      .then([stage('desire')]);
    spec
      .given([identified, stage('desire')])
      .when({ type: 'AssessAdkarStage', data: stage('awareness').data })
      .then([stage('awareness')]);
    spec
      .given([identified, stage('desire')])
      .when({ type: 'AssessAdkarStage', data: stage('desire').data })
      .thenNothing();
  });

  it('logs an engagement by a registered coach', () => {
    spec
      .given([identified])
      .when({ type: 'LogEngagement', data: engagement, context: { coach: ana, today } })
      .then([logged]);
  });

  it('refuses an engagement by an unknown coach; the same engagement again records nothing, other data under its id is refused', () => {
    spec
      .given([identified])
      .when({ type: 'LogEngagement', data: engagement, context: { coach: { status: 'Empty' }, today } })
      .thenRejects('coachId');
    spec
      .given([identified, logged])
      .when({ type: 'LogEngagement', data: engagement, context: { coach: ana, today } })
      .thenNothing();
    spec
      .given([identified, logged])
      .when({ type: 'LogEngagement', data: { ...engagement, sentiment: -1 }, context: { coach: ana, today } })
      .thenRejects('engagementId');
  });

  it('refuses an engagement after today', () => {
    spec
      .given([identified])
      .when({ type: 'LogEngagement', data: { ...engagement, occurredOn: '2027-01-01' }, context: { coach: ana, today } })
      .thenRejects('occurredOn');
  });

  it('refuses commands for a stakeholder not identified', () => {
    spec
      .given([])
      .when({ type: 'MapStakeholder', data: { stakeholderId: 's1', influence: 1, interest: 1 } })
      .thenRejects('stakeholderId');
  });

  it('validates the sentiment (−2…+2)', () => {
    expectError(() => parseCommand(LogEngagement, { ...engagement, sentiment: 3 }), 'sentiment');
  });
});

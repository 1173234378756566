import { defineCommand, type CommandOf } from '../shared/command.ts';
import {
  AdkarStageAssessed,
  AttitudeAssessed,
  EngagementLogged,
  StakeholderDesiredAttitudeSet,
  StakeholderIdentified,
  StakeholderMapped,
} from './events.ts';

export const IdentifyStakeholder = defineCommand('IdentifyStakeholder', StakeholderIdentified.schema);
/** Places the stakeholder on the influence/interest grid again. */
export const MapStakeholder = defineCommand('MapStakeholder', StakeholderMapped.schema);
export const AssessAttitude = defineCommand('AssessAttitude', AttitudeAssessed.schema);
export const AssessAdkarStage = defineCommand('AssessAdkarStage', AdkarStageAssessed.schema);
export const LogEngagement = defineCommand('LogEngagement', EngagementLogged.schema);
export const SetDesiredAttitude = defineCommand('SetDesiredAttitude', StakeholderDesiredAttitudeSet.schema);

export type IdentifyStakeholder = CommandOf<typeof IdentifyStakeholder>;
export type MapStakeholder = CommandOf<typeof MapStakeholder>;
export type AssessAttitude = CommandOf<typeof AssessAttitude>;
export type AssessAdkarStage = CommandOf<typeof AssessAdkarStage>;
export type LogEngagement = CommandOf<typeof LogEngagement>;
export type SetDesiredAttitude = CommandOf<typeof SetDesiredAttitude>;

import { defineCommand, type CommandOf } from '../shared/command.ts';
import {
  CheckInHeld,
  CheckInMissed,
  CycleReviewHeld,
  KeyResultProgressReported,
  OkrsAligned,
  OkrsDrafted,
  OkrsPublished,
  RetrospectiveHeld,
  TeamMoved,
  TeamRegistered,
  TeamResized,
  TrainingCompleted,
} from './events.ts';

export const RegisterTeam = defineCommand('RegisterTeam', TeamRegistered.schema);
export const MoveTeam = defineCommand('MoveTeam', TeamMoved.schema);
export const ResizeTeam = defineCommand('ResizeTeam', TeamResized.schema);

// Adoption: each carries the business date it happened on; nothing is taken from a clock.
export const CompleteTraining = defineCommand('CompleteTraining', TrainingCompleted.schema);
export const DraftOkrs = defineCommand('DraftOkrs', OkrsDrafted.schema);
export const PublishOkrs = defineCommand('PublishOkrs', OkrsPublished.schema);
export const AlignOkrs = defineCommand('AlignOkrs', OkrsAligned.schema);
export const HoldCheckIn = defineCommand('HoldCheckIn', CheckInHeld.schema);
/** Records a check-in that was due on `dueOn` and did not happen. */
export const MissCheckIn = defineCommand('MissCheckIn', CheckInMissed.schema);
export const ReportKeyResultProgress = defineCommand('ReportKeyResultProgress', KeyResultProgressReported.schema);
export const HoldCycleReview = defineCommand('HoldCycleReview', CycleReviewHeld.schema);
export const HoldRetrospective = defineCommand('HoldRetrospective', RetrospectiveHeld.schema);

export type RegisterTeam = CommandOf<typeof RegisterTeam>;
export type MoveTeam = CommandOf<typeof MoveTeam>;
export type ResizeTeam = CommandOf<typeof ResizeTeam>;
export type CompleteTraining = CommandOf<typeof CompleteTraining>;
export type DraftOkrs = CommandOf<typeof DraftOkrs>;
export type PublishOkrs = CommandOf<typeof PublishOkrs>;
export type AlignOkrs = CommandOf<typeof AlignOkrs>;
export type HoldCheckIn = CommandOf<typeof HoldCheckIn>;
export type MissCheckIn = CommandOf<typeof MissCheckIn>;
export type ReportKeyResultProgress = CommandOf<typeof ReportKeyResultProgress>;
export type HoldCycleReview = CommandOf<typeof HoldCycleReview>;
export type HoldRetrospective = CommandOf<typeof HoldRetrospective>;

/** Adoption commands that belong to a cycle: the cycle must be open and the date inside it. */
export const cycleAdoptionCommands = [
  DraftOkrs,
  PublishOkrs,
  AlignOkrs,
  HoldCheckIn,
  MissCheckIn,
  ReportKeyResultProgress,
  HoldCycleReview,
  HoldRetrospective,
] as const;
export type CycleAdoptionCommand = CommandOf<(typeof cycleAdoptionCommands)[number]>;

import type { z } from 'zod';
import type { TeamEvent, TrainingKind } from './events.ts';

export const trainingLabels: Record<z.infer<typeof TrainingKind>, string> = {
  'okr-basics': 'OKR basics',
  'writing-okrs': 'Writing OKRs',
  'running-check-ins': 'Running check-ins',
  'reviews-and-retros': 'Reviews and retros',
  'leading-with-okrs': 'Leading with OKRs',
};

/** The team slice's event types in words, as the timeline's filter and rows name them. */
export const eventTypeLabels: Record<TeamEvent['type'], string> = {
  TeamRegistered: 'Team registered',
  TeamMoved: 'Team moved',
  TeamResized: 'Team resized',
  TrainingCompleted: 'Training completed',
  OkrsDrafted: 'OKRs drafted',
  OkrsPublished: 'OKRs published',
  OkrsAligned: 'OKRs aligned',
  CheckInHeld: 'Check-in held',
  CheckInMissed: 'Check-in missed',
  KeyResultProgressReported: 'Key result progress reported',
  CycleReviewHeld: 'Cycle review held',
  RetrospectiveHeld: 'Retrospective held',
};

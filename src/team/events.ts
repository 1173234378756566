import { z } from 'zod';
import { CalendarDate, defineEvent, type EventOf, Id } from '../shared/event.ts';
import { text } from '../shared/text.ts';

export const TeamKey = z
  .string()
  .trim()
  .min(2)
  .max(12)
  .regex(/^[A-Z][A-Z0-9]*$/, 'must be upper-case letters and digits, starting with a letter');
export const TeamName = text({ min: 2, max: 80 });
export const TeamSize = z.number().int().min(1).max(500);
export const TrainingKind = z.enum(['okr-basics', 'writing-okrs', 'running-check-ins', 'reviews-and-retros', 'leading-with-okrs']);
export const Fraction = z.number().min(0).max(1);

export const TeamRegistered = defineEvent(
  'TeamRegistered',
  z.object({ teamId: Id, key: TeamKey, name: TeamName, areaId: Id, size: TeamSize }),
);
export const TeamMoved = defineEvent('TeamMoved', z.object({ teamId: Id, areaId: Id }));
export const TeamResized = defineEvent('TeamResized', z.object({ teamId: Id, size: TeamSize }));

// Adoption: what a team does with OKRs. Dates here are business dates (the day it happened).
export const TrainingCompleted = defineEvent(
  'TrainingCompleted',
  z.object({
    teamId: Id,
    cycleId: Id.optional(),
    kind: TrainingKind,
    participants: z.number().int().min(1).max(500),
    completedOn: CalendarDate,
  }),
);
export const OkrsDrafted = defineEvent(
  'OkrsDrafted',
  z.object({
    teamId: Id,
    cycleId: Id,
    objectives: z.number().int().min(1).max(10),
    keyResults: z.number().int().min(1).max(50),
    draftedOn: CalendarDate,
  }),
);
export const OkrsPublished = defineEvent('OkrsPublished', z.object({ teamId: Id, cycleId: Id, publishedOn: CalendarDate }));
export const OkrsAligned = defineEvent(
  'OkrsAligned',
  z.object({ teamId: Id, cycleId: Id, parentRef: text({ min: 1, max: 200 }), alignedOn: CalendarDate }),
);
export const CheckInHeld = defineEvent(
  'CheckInHeld',
  z.object({ teamId: Id, cycleId: Id, heldOn: CalendarDate, attendance: Fraction.optional(), confidence: Fraction.optional() }),
);
export const CheckInMissed = defineEvent(
  'CheckInMissed',
  z.object({ teamId: Id, cycleId: Id, dueOn: CalendarDate, reason: text({ max: 500 }).optional() }),
);
export const KeyResultProgressReported = defineEvent(
  'KeyResultProgressReported',
  z.object({ teamId: Id, cycleId: Id, keyResultRef: text({ min: 1, max: 200 }), progress: Fraction, reportedOn: CalendarDate }),
);
export const CycleReviewHeld = defineEvent('CycleReviewHeld', z.object({ teamId: Id, cycleId: Id, heldOn: CalendarDate }));
export const RetrospectiveHeld = defineEvent(
  'RetrospectiveHeld',
  z.object({ teamId: Id, cycleId: Id, heldOn: CalendarDate, actions: z.number().int().min(0).max(100).optional() }),
);

export const adoptionEvents = [
  TrainingCompleted,
  OkrsDrafted,
  OkrsPublished,
  OkrsAligned,
  CheckInHeld,
  CheckInMissed,
  KeyResultProgressReported,
  CycleReviewHeld,
  RetrospectiveHeld,
] as const;
export const teamEvents = [TeamRegistered, TeamMoved, TeamResized, ...adoptionEvents] as const;
export type TeamEvent = EventOf<(typeof teamEvents)[number]>;
export type AdoptionEvent = EventOf<(typeof adoptionEvents)[number]>;

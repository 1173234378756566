import { z } from 'zod';
import { defineEvent, type EventOf, Id } from '../shared/event.ts';

export const CoachRegistered = defineEvent(
  'CoachRegistered',
  z.object({ coachId: Id, name: z.string().trim().min(2).max(80), email: z.email() }),
);

export const coachEvents = [CoachRegistered] as const;
export type CoachEvent = EventOf<(typeof coachEvents)[number]>;

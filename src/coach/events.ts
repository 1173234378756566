import { z } from 'zod';
import { defineEvent, type EventOf, Id } from '../shared/event.ts';
import { text } from '../shared/text.ts';

export const CoachRegistered = defineEvent('CoachRegistered', z.object({ coachId: Id, name: text({ min: 2, max: 80 }), email: z.email() }));

export const coachEvents = [CoachRegistered] as const;
export type CoachEvent = EventOf<(typeof coachEvents)[number]>;

import { z } from 'zod';
import { CalendarDate, defineEvent, type EventOf, Id } from '../shared/event.ts';
import { text } from '../shared/text.ts';

export const CycleName = text({ min: 2, max: 40 });

export const CycleOpened = defineEvent(
  'CycleOpened',
  z.object({
    cycleId: Id,
    name: CycleName,
    startsOn: CalendarDate,
    endsOn: CalendarDate,
    checkInCadenceDays: z.number().int().min(1).max(42),
  }),
);
export const CycleClosed = defineEvent('CycleClosed', z.object({ cycleId: Id, closedOn: CalendarDate }));

export const cycleEvents = [CycleOpened, CycleClosed] as const;
export type CycleEvent = EventOf<(typeof cycleEvents)[number]>;

import { z } from 'zod';
import { CalendarDate, defineEvent, type EventOf, Id } from '../shared/event.ts';
import { text } from '../shared/text.ts';

export const ResistanceKind = z.enum([
  'unaware',
  'unconvinced',
  'unable',
  'no-time',
  'tool-friction',
  'passive-non-participation',
  'active-opposition',
]);
export const InterventionKind = z.enum(['coaching-session', 'training', 'workshop', 'one-on-one', 'communication', 'sponsor-escalation']);
export const Severity = z.number().int().min(1).max(5);
export const SignalSource = z.enum(['observed', 'integration', 'rule']);

export const ResistanceSignalRaised = defineEvent(
  'ResistanceSignalRaised',
  z.object({
    signalId: Id,
    areaId: Id,
    teamId: Id.optional(),
    stakeholderId: Id.optional(),
    kind: ResistanceKind,
    severity: Severity,
    description: text({ min: 3, max: 2000 }),
    source: SignalSource,
    rule: text({ min: 1, max: 120 }).optional(),
    /** The ids of the events a rule inferred the signal from; optional, so every signal raised before stays valid. */
    causes: z.array(z.uuid()).max(20).optional(),
    raisedOn: CalendarDate,
  }),
);
export const ResistanceSignalAcknowledged = defineEvent(
  'ResistanceSignalAcknowledged',
  z.object({ signalId: Id, acknowledgedOn: CalendarDate }),
);
export const InterventionPlanned = defineEvent(
  'InterventionPlanned',
  z.object({ signalId: Id, interventionId: Id, kind: InterventionKind, ownerId: Id, dueOn: CalendarDate }),
);
export const InterventionCompleted = defineEvent(
  'InterventionCompleted',
  z.object({ signalId: Id, interventionId: Id, outcome: text({ min: 3, max: 2000 }), completedOn: CalendarDate }),
);
/** A planned intervention that will not happen (the signal was resolved without it, or plans changed). */
export const InterventionCancelled = defineEvent(
  'InterventionCancelled',
  z.object({ signalId: Id, interventionId: Id, reason: text({ min: 3, max: 2000 }), cancelledOn: CalendarDate }),
);
export const ResistanceSignalResolved = defineEvent(
  'ResistanceSignalResolved',
  z.object({ signalId: Id, resolution: text({ min: 3, max: 2000 }), resolvedOn: CalendarDate }),
);
/** A rule saw its pattern clear: it proposes resolution, which a coach confirms with the resolve form. */
export const ResistanceSignalResolutionProposed = defineEvent(
  'ResistanceSignalResolutionProposed',
  z.object({
    signalId: Id,
    rule: text({ min: 1, max: 120 }),
    reason: text({ min: 3, max: 2000 }),
    causes: z.array(z.uuid()).max(20),
    proposedOn: CalendarDate,
  }),
);
export const ResistanceSignalEscalated = defineEvent(
  'ResistanceSignalEscalated',
  z.object({ signalId: Id, to: text({ min: 2, max: 120 }), reason: text({ min: 3, max: 2000 }), escalatedOn: CalendarDate }),
);

export const resistanceEvents = [
  ResistanceSignalRaised,
  ResistanceSignalAcknowledged,
  InterventionPlanned,
  InterventionCompleted,
  InterventionCancelled,
  ResistanceSignalResolved,
  ResistanceSignalEscalated,
  ResistanceSignalResolutionProposed,
] as const;
export type ResistanceEvent = EventOf<(typeof resistanceEvents)[number]>;

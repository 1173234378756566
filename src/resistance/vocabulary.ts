import type { z } from 'zod';
import type { SignalStatus, StatusFilter } from '../../projections/resistance/queries.ts';
import type { InterventionKind, ResistanceEvent, ResistanceKind, SignalSource } from './events.ts';

/** Words for the resistance slice's values, one place for every page, history and export. */

export const severityLabels: Readonly<Record<number, string>> = { 1: 'Minor', 2: 'Low', 3: 'Moderate', 4: 'High', 5: 'Critical' };

export const kindLabels: Record<z.infer<typeof ResistanceKind>, string> = {
  unaware: 'Unaware',
  unconvinced: 'Unconvinced',
  unable: 'Unable',
  'no-time': 'No time',
  'tool-friction': 'Tool friction',
  'passive-non-participation': 'Passive non-participation',
  'active-opposition': 'Active opposition',
};

export const interventionLabels: Record<z.infer<typeof InterventionKind>, string> = {
  'coaching-session': 'Coaching session',
  training: 'Training',
  workshop: 'Workshop',
  'one-on-one': 'One-on-one',
  communication: 'Communication',
  'sponsor-escalation': 'Sponsor escalation',
};

export const sourceLabels: Record<z.infer<typeof SignalSource>, string> = {
  observed: 'Observed',
  integration: 'Integration',
  rule: 'Rule',
};

/** A signal's status as the log and its page show it: an open signal not yet acknowledged reads "Raised". */
export const statusLabels: Record<SignalStatus, string> = {
  open: 'Raised',
  acknowledged: 'Acknowledged',
  escalated: 'Escalated',
  resolved: 'Resolved',
};

export const statusFilterLabels: Record<StatusFilter, string> = { open: 'Open', resolved: 'Resolved', all: 'All' };

/** The resistance slice's event types in words, as the timeline's filter and rows name them. */
export const eventTypeLabels: Record<ResistanceEvent['type'], string> = {
  ResistanceSignalRaised: 'Resistance signal raised',
  ResistanceSignalAcknowledged: 'Resistance signal acknowledged',
  InterventionPlanned: 'Intervention planned',
  InterventionCompleted: 'Intervention completed',
  InterventionCancelled: 'Intervention cancelled',
  ResistanceSignalResolved: 'Resistance signal resolved',
  ResistanceSignalEscalated: 'Resistance signal escalated',
  ResistanceSignalResolutionProposed: 'Resolution proposed by a rule',
};

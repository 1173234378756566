import { z } from 'zod';
import { CalendarDate, defineEvent, type EventOf, Id } from '../shared/event.ts';
import { text } from '../shared/text.ts';

export const Rating = z.number().int().min(1).max(5);
export const Attitude = z.enum(['champion', 'supporter', 'neutral', 'skeptic', 'resistor']);
export const AdkarStage = z.enum(['awareness', 'desire', 'knowledge', 'ability', 'reinforcement']);
export const EngagementKind = z.enum(['meeting', 'workshop', 'one-on-one', 'communication', 'training', 'feedback']);
export const Sentiment = z.number().int().min(-2).max(2);
const Note = text({ max: 2000 }).optional();

export const StakeholderIdentified = defineEvent(
  'StakeholderIdentified',
  z.object({
    stakeholderId: Id,
    name: text({ min: 2, max: 80 }),
    role: text({ min: 2, max: 80 }),
    areaId: Id,
    influence: Rating,
    interest: Rating,
  }),
);
export const StakeholderMapped = defineEvent('StakeholderMapped', z.object({ stakeholderId: Id, influence: Rating, interest: Rating }));
export const AttitudeAssessed = defineEvent('AttitudeAssessed', z.object({ stakeholderId: Id, attitude: Attitude, note: Note }));
export const AdkarStageAssessed = defineEvent('AdkarStageAssessed', z.object({ stakeholderId: Id, stage: AdkarStage, note: Note }));
/** The attitude a coach works towards with this stakeholder; the gap to the current one is the work left. */
export const StakeholderDesiredAttitudeSet = defineEvent(
  'StakeholderDesiredAttitudeSet',
  z.object({ stakeholderId: Id, attitude: Attitude, reason: Note }),
);
export const EngagementLogged = defineEvent(
  'EngagementLogged',
  z.object({
    stakeholderId: Id,
    engagementId: Id,
    kind: EngagementKind,
    occurredOn: CalendarDate,
    sentiment: Sentiment,
    note: Note,
    coachId: Id,
  }),
);

export const stakeholderEvents = [
  StakeholderIdentified,
  StakeholderMapped,
  AttitudeAssessed,
  AdkarStageAssessed,
  EngagementLogged,
  StakeholderDesiredAttitudeSet,
] as const;
export type StakeholderEvent = EventOf<(typeof stakeholderEvents)[number]>;

import type { AreaEvent } from './events.ts';

/** The area slice's event types in words, as the timeline's filter and rows name them. */
export const eventTypeLabels: Record<AreaEvent['type'], string> = {
  AreaRegistered: 'Area registered',
  AreaRenamed: 'Area renamed',
  AreaMoved: 'Area moved',
  CoachAssignedToArea: 'Coach assigned to an area',
  CoachUnassignedFromArea: 'Coach unassigned from an area',
};

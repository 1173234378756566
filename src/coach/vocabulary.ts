import type { CoachEvent } from './events.ts';

/** The coach slice's event types in words, as the timeline's filter and rows name them. */
export const eventTypeLabels: Record<CoachEvent['type'], string> = {
  CoachRegistered: 'Coach registered',
};

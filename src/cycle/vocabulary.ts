import type { CycleEvent } from './events.ts';

/** The cycle slice's event types in words, as the timeline's filter and rows name them. */
export const eventTypeLabels: Record<CycleEvent['type'], string> = {
  CycleOpened: 'Cycle opened',
  CycleClosed: 'Cycle closed',
};

import { formatDate } from '../adoption/calendar.ts';
import type { Names } from '../shared/names.ts';
import { plural } from '../shared/vocabulary.ts';
import type { CycleEvent } from './events.ts';

export function describeCycleEvent(event: CycleEvent, names: Names): string {
  switch (event.type) {
    case 'CycleOpened': {
      const { name, startsOn, endsOn, checkInCadenceDays } = event.data;
      return `Cycle ${name} opened: ${formatDate(startsOn)} – ${formatDate(endsOn)}, check-ins every ${plural(checkInCadenceDays, 'day')}`;
    }
    case 'CycleClosed':
      return `Cycle ${names.cycle(event.data.cycleId)} closed on ${formatDate(event.data.closedOn)}`;
    default: {
      const unexpected: never = event;
      return (unexpected as { type: string }).type;
    }
  }
}

import type { Names } from '../shared/names.ts';
import type { CoachEvent } from './events.ts';

export function describeCoachEvent(event: CoachEvent, _names: Names): string {
  switch (event.type) {
    case 'CoachRegistered':
      return `Coach ${event.data.name} registered (${event.data.email})`;
    default: {
      const unexpected: never = event.type;
      return unexpected;
    }
  }
}

import type { Names } from '../shared/names.ts';
import type { AreaEvent } from './events.ts';

/** An area's event in one line a person reads (timeline, histories, the conflict list). */
export function describeAreaEvent(event: AreaEvent, names: Names): string {
  switch (event.type) {
    case 'AreaRegistered': {
      const { code, name, parentAreaId } = event.data;
      return `Area ${name} (${code}) registered${parentAreaId ? ` under ${names.area(parentAreaId)}` : ' at the top level'}`;
    }
    case 'AreaRenamed':
      return `Area renamed to ${event.data.name}`;
    case 'AreaMoved':
      return event.data.parentAreaId === null ? 'Area moved to the top level' : `Area moved under ${names.area(event.data.parentAreaId)}`;
    case 'CoachAssignedToArea':
      return `${names.coach(event.data.coachId)} assigned to coach ${names.area(event.data.areaId)}`;
    case 'CoachUnassignedFromArea':
      return `${names.coach(event.data.coachId)} no longer coaches ${names.area(event.data.areaId)}`;
    default: {
      const unexpected: never = event;
      return (unexpected as { type: string }).type;
    }
  }
}

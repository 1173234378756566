import { formatDate } from '../adoption/calendar.ts';
import type { Names } from '../shared/names.ts';
import { labelOf } from '../shared/vocabulary.ts';
import type { ResistanceEvent } from './events.ts';
import { interventionLabels, kindLabels, severityLabels } from './vocabulary.ts';

export function describeResistanceEvent(event: ResistanceEvent, names: Names): string {
  switch (event.type) {
    case 'ResistanceSignalRaised': {
      const { kind, severity, areaId, teamId, rule } = event.data;
      const where = teamId ? names.team(teamId) : names.area(areaId);
      return `Resistance signal raised in ${where}: ${labelOf(kindLabels, kind)}, ${labelOf(severityLabels, String(severity)).toLowerCase()} (${severity})${rule ? `, by rule ${rule}` : ''}`;
    }
    case 'ResistanceSignalAcknowledged':
      return `Resistance signal acknowledged on ${formatDate(event.data.acknowledgedOn)}`;
    case 'InterventionPlanned':
      return `${labelOf(interventionLabels, event.data.kind)} planned, owned by ${names.coach(event.data.ownerId)}, due ${formatDate(event.data.dueOn)}`;
    case 'InterventionCompleted':
      return `Intervention completed on ${formatDate(event.data.completedOn)}`;
    case 'InterventionCancelled':
      return `Intervention cancelled on ${formatDate(event.data.cancelledOn)}`;
    case 'ResistanceSignalResolved':
      return `Resistance signal resolved on ${formatDate(event.data.resolvedOn)}`;
    case 'ResistanceSignalResolutionProposed':
      return `Rule ${event.data.rule} proposes resolving the signal: its pattern cleared on ${formatDate(event.data.proposedOn)}`;
    case 'ResistanceSignalEscalated':
      return `Resistance signal escalated to ${event.data.to} on ${formatDate(event.data.escalatedOn)}`;
    default: {
      const unexpected: never = event;
      return (unexpected as { type: string }).type;
    }
  }
}

import { formatDate } from '../adoption/calendar.ts';
import type { Names } from '../shared/names.ts';
import { labelOf, percent, plural } from '../shared/vocabulary.ts';
import type { TeamEvent } from './events.ts';
import { trainingLabels } from './vocabulary.ts';

/** Details in brackets after the sentence, the absent ones left out. */
const details = (...parts: (string | false | undefined)[]): string => {
  const present = parts.filter((p): p is string => typeof p === 'string' && p !== '');
  return present.length === 0 ? '' : ` (${present.join(', ')})`;
};

/**
 * A team's event in one line: "Check-in held on 24 Nov 2026 (attendance 80%)". Free text (notes)
 * is left out, except a missed check-in's short reason.
 */
export function describeTeamEvent(event: TeamEvent, names: Names): string {
  switch (event.type) {
    case 'TeamRegistered':
      return `Team ${event.data.name} (${event.data.key}) registered in ${names.area(event.data.areaId)}, ${plural(event.data.size, 'person', 'people')}`;
    case 'TeamMoved':
      return `Team moved to ${names.area(event.data.areaId)}`;
    case 'TeamResized':
      return `Team resized to ${plural(event.data.size, 'person', 'people')}`;
    case 'TrainingCompleted':
      return `Training “${labelOf(trainingLabels, event.data.kind)}” completed on ${formatDate(event.data.completedOn)}${details(plural(event.data.participants, 'participant'))}`;
    case 'OkrsDrafted': {
      const { draftedOn, objectives, keyResults } = event.data;
      return `OKRs drafted on ${formatDate(draftedOn)}${details(plural(objectives, 'objective'), plural(keyResults, 'key result'))}`;
    }
    case 'OkrsPublished':
      return `OKRs published on ${formatDate(event.data.publishedOn)}`;
    case 'OkrsAligned':
      return `OKRs aligned to ${event.data.parentRef} on ${formatDate(event.data.alignedOn)}`;
    case 'CheckInHeld': {
      const { heldOn, attendance, confidence } = event.data;
      return `Check-in held on ${formatDate(heldOn)}${details(attendance !== undefined && `attendance ${percent(attendance)}`, confidence !== undefined && `confidence ${percent(confidence)}`)}`;
    }
    case 'CheckInMissed':
      return `Check-in missed, due ${formatDate(event.data.dueOn)}${details(event.data.reason)}`;
    case 'KeyResultProgressReported':
      return `Key result ${event.data.keyResultRef} at ${percent(event.data.progress)} on ${formatDate(event.data.reportedOn)}`;
    case 'CycleReviewHeld':
      return `Cycle review of ${names.cycle(event.data.cycleId)} held on ${formatDate(event.data.heldOn)}`;
    case 'RetrospectiveHeld':
      return `Retrospective held on ${formatDate(event.data.heldOn)}${details(event.data.actions !== undefined && plural(event.data.actions, 'action'))}`;
    default: {
      const unexpected: never = event;
      return (unexpected as { type: string }).type;
    }
  }
}

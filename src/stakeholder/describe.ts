import { formatDate } from '../adoption/calendar.ts';
import type { Names } from '../shared/names.ts';
import { labelOf, signed } from '../shared/vocabulary.ts';
import type { StakeholderEvent } from './events.ts';
import { adkarLabels, attitudes, engagementLabels } from './vocabulary.ts';

export function describeStakeholderEvent(event: StakeholderEvent, names: Names): string {
  switch (event.type) {
    case 'StakeholderIdentified': {
      const { name, role, areaId, influence, interest } = event.data;
      return `Stakeholder ${name}, ${role}, identified in ${names.area(areaId)} (influence ${influence}, interest ${interest})`;
    }
    case 'StakeholderMapped':
      return `Mapped at influence ${event.data.influence}, interest ${event.data.interest}`;
    case 'AttitudeAssessed':
      return `Attitude assessed: ${attitudes[event.data.attitude]?.label ?? event.data.attitude}`;
    case 'AdkarStageAssessed':
      return `ADKAR stage assessed: ${labelOf(adkarLabels, event.data.stage)}`;
    case 'StakeholderDesiredAttitudeSet':
      return `Desired attitude set: ${attitudes[event.data.attitude]?.label ?? event.data.attitude}`;
    case 'EngagementLogged': {
      const { kind, occurredOn, sentiment, coachId } = event.data;
      return `${labelOf(engagementLabels, kind)} on ${formatDate(occurredOn)} with ${names.coach(coachId)} (sentiment ${signed(sentiment)})`;
    }
    default: {
      const unexpected: never = event;
      return (unexpected as { type: string }).type;
    }
  }
}

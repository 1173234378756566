import type { Names } from '../shared/names.ts';
import type { AccessEvent } from './events.ts';
import { roleLabels } from './vocabulary.ts';

export function describeAccessEvent(event: AccessEvent, names: Names): string {
  switch (event.type) {
    case 'AccountOpened':
      return `Account opened for ${event.data.name} (${event.data.email}) as ${roleLabels[event.data.role]}`;
    case 'PasswordSet':
      return `Password set for ${names.account(event.data.accountId)}; their other sessions ended`;
    case 'RoleChanged':
      return `${names.account(event.data.accountId)} is now ${roleLabels[event.data.role]}${event.data.coachId === null ? '' : ` (coach ${names.coach(event.data.coachId)})`}`;
    case 'AccountDeactivated':
      return `Account of ${names.account(event.data.accountId)} deactivated; their sessions ended`;
    case 'AccountReactivated':
      return `Account of ${names.account(event.data.accountId)} reactivated`;
    default: {
      const unexpected: never = event;
      return (unexpected as { type: string }).type;
    }
  }
}

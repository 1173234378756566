import type { Names } from '../shared/names.ts';
import type { AccessEvent, Role } from './events.ts';
import { roleLabels } from './vocabulary.ts';

/** `leader`, or for a coach account the coach it is: `coach (Ada Lovelace)`. */
const grant = (role: Role, coachId: string | null, names: Names) =>
  coachId === null ? roleLabels[role] : `${roleLabels[role]} (${names.coach(coachId)})`;

export function describeAccessEvent(event: AccessEvent, names: Names): string {
  switch (event.type) {
    case 'AccountOpened':
      return `Account opened for ${event.data.name} (${event.data.email}) as ${grant(event.data.role, event.data.coachId, names)}`;
    case 'PasswordSet':
      // The person themselves, or an admin's reset: either way, every session signed in before it ends.
      return `New password for ${names.account(event.data.accountId)}; sessions signed in before it ended`;
    case 'RoleChanged':
      return `${names.account(event.data.accountId)} is now ${grant(event.data.role, event.data.coachId, names)}`;
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

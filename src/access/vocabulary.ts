import type { AccessEvent, Role } from './events.ts';

export const roleLabels: Record<Role, string> = { admin: 'admin', coach: 'coach', leader: 'leader' };

/** What each role may do, as the People page and the sign-in page say it. */
export const roleDescriptions: Record<Role, string> = {
  admin: 'everything: manages people, tokens and integrations',
  coach: 'reads everything; records in the areas they coach and the areas under them',
  leader: 'reads everything; records nothing',
};

/** The access slice's event types in words, as the timeline's filter and rows name them. */
export const eventTypeLabels: Record<AccessEvent['type'], string> = {
  AccountOpened: 'Account opened',
  PasswordSet: 'Password set',
  RoleChanged: 'Role changed',
  AccountDeactivated: 'Account deactivated',
  AccountReactivated: 'Account reactivated',
};

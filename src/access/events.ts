import { z } from 'zod';
import { defineEvent, type EventOf, Id } from '../shared/event.ts';
import { text } from '../shared/text.ts';

/**
 * What an account may do: an admin everything (people, tokens); a coach reads everything and
 * writes in the areas they coach and those under them; a leader reads everything, writes nothing.
 */
export const Role = z.enum(['admin', 'coach', 'leader']);
export type Role = z.infer<typeof Role>;

/** A password hash as `src/access/password.ts` writes it (`scrypt$N$r$p$salt$key`): never the password. */
export const PasswordHash = z.string().regex(/^scrypt\$\d+\$\d+\$\d+\$[A-Za-z0-9_-]+\$[A-Za-z0-9_-]+$/, 'must be a scrypt hash');

/** A coach account is the coach it is: "My week" opens on their week, and their areas bound what they write. */
const RoleGrant = z.object({ role: Role, coachId: Id.nullable() });

export const AccountOpened = defineEvent(
  'AccountOpened',
  z.object({ accountId: Id, email: z.email().max(200), name: text({ min: 2, max: 80 }) }).extend(RoleGrant.shape),
);
export const PasswordSet = defineEvent('PasswordSet', z.object({ accountId: Id, hash: PasswordHash }));
export const RoleChanged = defineEvent('RoleChanged', z.object({ accountId: Id }).extend(RoleGrant.shape));
export const AccountDeactivated = defineEvent('AccountDeactivated', z.object({ accountId: Id }));
export const AccountReactivated = defineEvent('AccountReactivated', z.object({ accountId: Id }));

export const accessEvents = [AccountOpened, PasswordSet, RoleChanged, AccountDeactivated, AccountReactivated] as const;
export type AccessEvent = EventOf<(typeof accessEvents)[number]>;

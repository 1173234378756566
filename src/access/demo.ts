import { randomBytes } from 'node:crypto';
import { type CommandContext, nameBasedUuid } from '../shared/commandHandler.ts';
import type { HandlerDeps } from '../shared/directory.ts';
import type { Role } from './events.ts';
import { openAccount, setPassword } from './handlers.ts';

/** The demo store's three ways in; the sign-in page of a demo store lists these e-mails. */
export const DEMO_ACCOUNTS: readonly { email: string; name: string; role: Role }[] = [
  { email: 'admin@demo.uptake.example', name: 'Demo Admin', role: 'admin' },
  { email: 'coach@demo.uptake.example', name: 'Demo Coach', role: 'coach' },
  { email: 'leader@demo.uptake.example', name: 'Demo Leader', role: 'leader' },
];

/** A password nobody chose: 18 random bytes, 24 characters. */
export const generatedPassword = (): string => randomBytes(18).toString('base64url');

/**
 * Opens the demo accounts with one password; the coach account is the demo organisation's
 * first coach, so "My week" and the areas it may write in are real. Deterministic ids: a second
 * start records nothing new.
 */
export async function openDemoAccounts(deps: HandlerDeps, password: string, coachId: string | null, ctx: CommandContext): Promise<void> {
  for (const account of DEMO_ACCOUNTS) {
    const accountId = nameBasedUuid(`demo-account/${account.email}`);
    const linked = account.role === 'coach' ? coachId : null;
    if (account.role === 'coach' && linked === null) continue;
    await openAccount(deps, { type: 'OpenAccount', data: { accountId, ...account, coachId: linked } }, ctx);
    await setPassword(deps, { accountId, password }, ctx);
  }
}

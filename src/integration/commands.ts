import { z } from 'zod';
import { defineCommand, type CommandOf } from '../shared/command.ts';
import { IntegrationTokenGranted, IntegrationTokenRevoked } from './events.ts';

export const GrantIntegrationToken = defineCommand('GrantIntegrationToken', IntegrationTokenGranted.schema);
export const RevokeIntegrationToken = defineCommand('RevokeIntegrationToken', IntegrationTokenRevoked.schema);
/** One dead letter, by its number in the dead-letter list (`seq`), through ingestion again. */
export const RedriveDeadLetter = defineCommand('RedriveDeadLetter', z.object({ seq: z.number().int().positive() }));
/** Every dead letter of one reason that has not yet gone through. */
export const RedriveDeadLettersOfReason = defineCommand('RedriveDeadLettersOfReason', z.object({ reason: z.string().min(1).max(2000) }));

export type GrantIntegrationToken = CommandOf<typeof GrantIntegrationToken>;
export type RevokeIntegrationToken = CommandOf<typeof RevokeIntegrationToken>;
export type RedriveDeadLetter = CommandOf<typeof RedriveDeadLetter>;
export type RedriveDeadLettersOfReason = CommandOf<typeof RedriveDeadLettersOfReason>;

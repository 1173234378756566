import { defineCommand, type CommandOf } from '../shared/command.ts';
import { IntegrationTokenGranted, IntegrationTokenRevoked } from './events.ts';

export const GrantIntegrationToken = defineCommand('GrantIntegrationToken', IntegrationTokenGranted.schema);
export const RevokeIntegrationToken = defineCommand('RevokeIntegrationToken', IntegrationTokenRevoked.schema);

export type GrantIntegrationToken = CommandOf<typeof GrantIntegrationToken>;
export type RevokeIntegrationToken = CommandOf<typeof RevokeIntegrationToken>;

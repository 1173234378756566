import type { IntegrationEvent } from './events.ts';

/** The integration slice's event types in words, as the timeline's filter and rows name them. */
export const eventTypeLabels: Record<IntegrationEvent['type'], string> = {
  IntegrationTokenGranted: 'Integration token granted',
  IntegrationTokenRevoked: 'Integration token revoked',
  DeadLetterRedriven: 'Dead letter re-driven',
};

import type { Names } from '../shared/names.ts';
import type { IntegrationEvent } from './events.ts';

export function describeIntegrationEvent(event: IntegrationEvent, _names: Names): string {
  switch (event.type) {
    case 'IntegrationTokenGranted':
      return `Integration token "${event.data.name}" granted to source ${event.data.source}`;
    case 'IntegrationTokenRevoked':
      return `Integration token ${event.data.tokenId} revoked`;
    case 'DeadLetterRedriven': {
      const { topic, partition, offset, outcome, reason } = event.data;
      const where = `${topic} partition ${partition} offset ${offset}`;
      if (outcome === 'rejected') return `Dead letter ${where} re-driven and still rejected: ${reason ?? 'no reason given'}`;
      return `Dead letter ${where} re-driven: ${outcome === 'accepted' ? 'accepted' : 'already recorded (duplicate)'}`;
    }
    default: {
      const unexpected: never = event;
      return (unexpected as { type: string }).type;
    }
  }
}

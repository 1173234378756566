import type { Names } from '../shared/names.ts';
import type { IntegrationEvent } from './events.ts';

export function describeIntegrationEvent(event: IntegrationEvent, _names: Names): string {
  switch (event.type) {
    case 'IntegrationTokenGranted':
      return `Integration token "${event.data.name}" granted to source ${event.data.source}`;
    case 'IntegrationTokenRevoked':
      return `Integration token ${event.data.tokenId} revoked`;
    default: {
      const unexpected: never = event;
      return (unexpected as { type: string }).type;
    }
  }
}

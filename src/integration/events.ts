import { z } from 'zod';
import { defineEvent, type EventOf, Id } from '../shared/event.ts';
import { text } from '../shared/text.ts';

/** A CloudEvents `source` (a URI-reference such as `urn:okr-tool` or `https://crm.example.com`). */
export const CloudEventSource = z.string().trim().min(1).max(200).regex(/^\S+$/, 'must be a URI-reference without spaces');
/** The SHA-256 of a token, in hex: the token itself is never stored. */
export const TokenHash = z.string().regex(/^[0-9a-f]{64}$/, 'must be a SHA-256 in hex');

export const IntegrationTokenGranted = defineEvent(
  'IntegrationTokenGranted',
  z.object({ tokenId: Id, source: CloudEventSource, name: text({ min: 1, max: 80 }), hash: TokenHash }),
);
export const IntegrationTokenRevoked = defineEvent('IntegrationTokenRevoked', z.object({ tokenId: Id }));

export const integrationEvents = [IntegrationTokenGranted, IntegrationTokenRevoked] as const;
export type IntegrationEvent = EventOf<(typeof integrationEvents)[number]>;

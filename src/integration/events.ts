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

/** What a re-drive did with a dead letter: the same three answers the ingest gives. */
export const RedriveOutcome = z.enum(['accepted', 'duplicate', 'rejected']);
export type RedriveOutcome = z.infer<typeof RedriveOutcome>;

/**
 * A dead letter sent through ingestion again, once its cause was fixed. `deadLetterId` derives
 * from where the message was consumed (group, topic, partition, offset), so it names the same
 * message on every store; `reason` is why it is still rejected, when it is.
 */
export const DeadLetterRedriven = defineEvent(
  'DeadLetterRedriven',
  z.object({
    deadLetterId: Id,
    consumerGroup: z.string().min(1).max(255),
    topic: z.string().min(1).max(255),
    partition: z.number().int().min(0),
    offset: z.string().regex(/^\d+$/, 'must be a Kafka offset (digits)'),
    outcome: RedriveOutcome,
    reason: z.string().min(1).max(2000).optional(),
  }),
);

export const integrationEvents = [IntegrationTokenGranted, IntegrationTokenRevoked, DeadLetterRedriven] as const;
export type IntegrationEvent = EventOf<(typeof integrationEvents)[number]>;
export type IntegrationTokenEvent = Exclude<IntegrationEvent, { type: 'DeadLetterRedriven' }>;

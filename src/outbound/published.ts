import { z } from 'zod';
import { areaEvents } from '../area/events.ts';
import { coachEvents } from '../coach/events.ts';
import { cycleEvents } from '../cycle/events.ts';
import { STRUCTURED } from '../ingest/envelope.ts';
import { resistanceEvents } from '../resistance/events.ts';
import { type EventDefinition, Instant, type RecordedEvent } from '../shared/event.ts';
import { stakeholderEvents } from '../stakeholder/events.ts';
import { teamEvents } from '../team/events.ts';

/**
 * The slices whose events Uptake publishes, an allow-list: a slice added later (sign-in
 * accounts carry password hashes) or left out (integration tokens carry a token's hash) is
 * never published unless it is named here.
 */
export const publishedSlices = {
  area: areaEvents,
  team: teamEvents,
  cycle: cycleEvents,
  coach: coachEvents,
  stakeholder: stakeholderEvents,
  resistance: resistanceEvents,
} as const satisfies Record<string, readonly EventDefinition[]>;

/** Every published event type, with its definition. */
export const publishedEvents: ReadonlyMap<string, EventDefinition> = new Map(
  Object.values(publishedSlices).flatMap((events) => events.map((definition): [string, EventDefinition] => [definition.type, definition])),
);

/** `urn:uptake`: the CloudEvents `source` of what Uptake publishes when `KAFKA_PUBLISH_SOURCE` is unset. */
export const DEFAULT_PUBLISH_SOURCE = 'urn:uptake';

/** `io.uptake.<EventType>.v<version>`: the event's own name, and the version of its schema. */
export const cloudEventType = (type: string, version: number) => `io.uptake.${type}.v${version}`;

/** The CloudEvent of a published event of one type, from one source: what `toCloudEvent` writes and the AsyncAPI document shows. */
export const publishedEnvelope = (definition: EventDefinition, source: string) =>
  z.strictObject({
    specversion: z.literal('1.0'),
    id: z.uuid().describe("the event's id in Uptake: the same event published again has the same id, drop the repeat"),
    source: z.literal(source),
    type: z.literal(cloudEventType(definition.type, definition.version)),
    subject: z.string().describe('its stream, e.g. `team-7f3a…`: `<category>-<id>`'),
    time: Instant.describe('when Uptake recorded it'),
    datacontenttype: z.literal('application/json'),
    data: definition.schema,
  });

/** One CloudEvent as it goes out: keyed by its stream, so a stream's events stay in order on one partition. */
export interface OutboundMessage {
  key: string;
  /** The CloudEvent in structured mode, as JSON. */
  value: string;
  headers: Record<string, string>;
}

/**
 * A stored event as a CloudEvent (structured mode): `id` is the event id, so a consumer can
 * drop what at-least-once delivery sends twice; `subject` its stream; `time` when Uptake
 * recorded it. Undefined for an event of a slice that is not published.
 */
export function toCloudEvent(event: RecordedEvent, source: string): OutboundMessage | undefined {
  if (!publishedEvents.has(event.type)) return undefined;
  const envelope = {
    specversion: '1.0',
    id: event.metadata.eventId,
    source,
    type: cloudEventType(event.type, event.metadata.schemaVersion),
    subject: event.streamId,
    time: event.metadata.recordedAt,
    datacontenttype: 'application/json',
    data: event.data,
  };
  return { key: event.streamId, value: JSON.stringify(envelope), headers: { 'content-type': STRUCTURED } };
}

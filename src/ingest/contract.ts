import { z } from 'zod';
import { CloudEvent, STRUCTURED } from './envelope.ts';
import { cloudEventType, publishedEnvelope, publishedEvents } from '../outbound/published.ts';
import { jsonSchemas, mappings, type IngestType } from './mapping.ts';

/**
 * The topics Uptake reads CloudEvents from and the one it dead-letters to (`KAFKA_TOPICS`,
 * `KAFKA_DLQ_TOPIC`), and where it publishes its own events, when it does (`KAFKA_PUBLISH_TOPIC`,
 * `KAFKA_PUBLISH_SOURCE`).
 */
export interface KafkaTopics {
  consumed: readonly string[];
  deadLetter: string;
  published?: { topic: string; source: string };
}

/** What a dead letter carries besides the original key, value and headers (`infra/kafka/kafkaSource.ts` sets them). */
export const DeadLetterHeaders = z.object({
  uptake_dlq_reason: z.string().describe('why, naming the field and the rule (`data.teamKey: no team with key SALES9`)'),
  uptake_dlq_topic: z.string().describe('the topic the message was read from'),
  uptake_dlq_partition: z.string().regex(/^\d+$/).describe('its partition'),
  uptake_dlq_offset: z.string().regex(/^\d+$/).describe('its offset'),
});
export type DeadLetterHeaders = z.input<typeof DeadLetterHeaders>;

const KAFKA_BINDING = { bindingVersion: '0.5.0' };
const messageKey = { type: 'string', description: 'any; one key per team keeps a team’s events in order' };

const json = (schema: z.ZodType) => z.toJSONSchema(schema, { io: 'input' });

/** Structured mode: the value is the whole envelope, its `data` the type's schema. */
function structured(type: IngestType, data: unknown) {
  const envelope = json(CloudEvent.extend({ type: z.literal(type) })) as { properties: Record<string, unknown>; required: string[] };
  return {
    name: type,
    title: `${type} (structured mode)`,
    summary: mappings[type].summary,
    contentType: STRUCTURED,
    headers: json(z.object({ 'content-type': z.literal(STRUCTURED).optional() })),
    payload: { ...envelope, properties: { ...envelope.properties, data }, required: [...envelope.required, 'data'] },
    bindings: { kafka: { key: messageKey, ...KAFKA_BINDING } },
  };
}

/** Binary mode (the CloudEvents Kafka binding): one `ce_` header per attribute, the value is the data. */
function binary(type: IngestType, data: unknown) {
  const attributes = CloudEvent.omit({ data: true, datacontenttype: true }).extend({ type: z.literal(type) }).shape;
  const headers = z.object({
    ...Object.fromEntries(Object.entries(attributes).map(([name, schema]) => [`ce_${name}`, schema])),
    'content-type': z.literal('application/json').optional(),
  });
  return {
    name: type,
    title: `${type} (binary mode)`,
    summary: mappings[type].summary,
    contentType: 'application/json',
    headers: json(headers),
    payload: data,
    bindings: { kafka: { key: messageKey, ...KAFKA_BINDING } },
  };
}

/**
 * The AsyncAPI 3.0 document of Uptake's Kafka side, built from the mapping table at request time:
 * each accepted type in both CloudEvents modes on every consumed topic, the dead-letter topic,
 * and, when Uptake publishes, each published event type on the publish topic.
 */
export function asyncApiDocument(topics: KafkaTopics) {
  const schemas = jsonSchemas();
  const types = Object.keys(mappings) as IngestType[];
  const messages: Record<string, unknown> = {};
  for (const type of types) {
    messages[`${type}.structured`] = structured(type, schemas[type]);
    messages[`${type}.binary`] = binary(type, schemas[type]);
  }
  messages.deadLetter = {
    name: 'deadLetter',
    title: 'A message Uptake could not accept',
    summary: 'The original key, value and headers, unchanged, plus why and where it was read.',
    headers: json(DeadLetterHeaders),
    payload: { description: 'the original value, byte for byte (not necessarily JSON)' },
  };
  const ref = (id: string) => ({ $ref: `#/components/messages/${id}` });
  const eventRefs = Object.fromEntries(
    Object.keys(messages)
      .filter((id) => id !== 'deadLetter')
      .map((id) => [id, ref(id)]),
  );

  const channels: Record<string, unknown> = {};
  const operations: Record<string, unknown> = {};
  for (const topic of topics.consumed) {
    channels[topic] = {
      address: topic,
      title: topic,
      description: 'CloudEvents 1.0 from other systems, one per message, mapped to commands (docs/integrations.md)',
      messages: eventRefs,
      bindings: { kafka: { topic, ...KAFKA_BINDING } },
    };
    operations[`consume_${topic}`] = {
      action: 'receive',
      channel: { $ref: `#/channels/${topic}` },
      summary: `Uptake consumes ${topic}; a message it cannot accept goes to ${topics.deadLetter}`,
      messages: Object.keys(eventRefs).map((message) => ({ $ref: `#/channels/${topic}/messages/${message}` })),
    };
  }
  const dlq = topics.deadLetter;
  channels[dlq] = {
    address: topics.deadLetter,
    title: topics.deadLetter,
    description: 'Dead letters: messages of the consumed topics that Uptake could not accept, with the reason',
    messages: { deadLetter: ref('deadLetter') },
    bindings: { kafka: { topic: topics.deadLetter, ...KAFKA_BINDING } },
  };
  operations[`produce_${dlq}`] = {
    action: 'send',
    channel: { $ref: `#/channels/${dlq}` },
    summary: 'Uptake produces a dead letter for each message it could not accept (at least once)',
    messages: [{ $ref: `#/channels/${dlq}/messages/deadLetter` }],
  };

  if (topics.published) {
    const { topic, source } = topics.published;
    const published: Record<string, unknown> = {};
    for (const definition of publishedEvents.values()) {
      const id = `published.${definition.type}`;
      messages[id] = {
        name: cloudEventType(definition.type, definition.version),
        title: `${definition.type} (published, structured mode)`,
        summary: `Uptake recorded ${definition.type}; key: its stream`,
        contentType: STRUCTURED,
        headers: json(z.object({ 'content-type': z.literal(STRUCTURED) })),
        payload: z.toJSONSchema(publishedEnvelope(definition, source), { io: 'output' }),
        bindings: {
          kafka: { key: { type: 'string', description: 'the stream (`subject`): a stream’s events stay in order' }, ...KAFKA_BINDING },
        },
      };
      published[id] = ref(id);
    }
    channels[topic] = {
      address: topic,
      title: topic,
      description: `Uptake's own events as CloudEvents from ${source}: areas, teams, cycles, coaches, stakeholders, resistance (never tokens or accounts)`,
      messages: published,
      bindings: { kafka: { topic, ...KAFKA_BINDING } },
    };
    operations[`publish_${topic}`] = {
      action: 'send',
      channel: { $ref: `#/channels/${topic}` },
      summary: 'Uptake publishes each event it records, in order per stream, at least once: drop a repeated `id`',
      messages: Object.keys(published).map((message) => ({ $ref: `#/channels/${topic}/messages/${message}` })),
    };
  }

  return {
    asyncapi: '3.0.0',
    info: {
      title: 'Uptake — Kafka',
      version: '1',
      description:
        'CloudEvents Uptake consumes from Kafka, the dead letters it produces, and (with KAFKA_PUBLISH_TOPIC) its own events it publishes. The same accepted types over HTTP: /api/v1/openapi.json.',
    },
    servers: {
      kafka: {
        host: '{brokers}',
        protocol: 'kafka',
        description: 'The brokers in KAFKA_BROKERS',
        variables: { brokers: { default: '127.0.0.1:9092', description: 'KAFKA_BROKERS: host:port[,host:port…]' } },
      },
    },
    defaultContentType: STRUCTURED,
    channels,
    operations,
    components: { messages },
  };
}

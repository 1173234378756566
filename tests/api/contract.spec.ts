/**
 * The published contract: OpenAPI of the HTTP API, AsyncAPI of the Kafka topics (both generated,
 * never written twice), and the CloudEvents webhook validation handshake.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findPackageRoot } from '../../src/http/packageRoot.ts';
import { parseEnvelope } from '../../src/ingest/envelope.ts';
import { DEFAULT_TOPICS } from '../../src/config.ts';
import { jsonSchemas, mappings } from '../../src/ingest/mapping.ts';
import { DEFAULT_PUBLISH_SOURCE, publishedEnvelope, publishedEvents } from '../../src/outbound/published.ts';
import { appFor, closeWorld, openWorld, type World } from '../support/webApp.ts';

let world: World;
let app: FastifyInstance;

beforeAll(async () => {
  world = openWorld();
  app = await appFor(world);
});
afterAll(async () => {
  await app.close();
  await closeWorld(world);
});

const getJson = async (url: string) => {
  const response = await app.inject({ method: 'GET', url });
  expect(response.statusCode, response.body).toBe(200);
  expect(response.headers['content-type']).toMatch(/^application\/json/);
  return JSON.parse(response.body);
};

describe('GET /api/v1/openapi.json', () => {
  it('is an OpenAPI 3 document of the API routes only, with every answer of POST /api/v1/events', async () => {
    const openapi = await getJson('/api/v1/openapi.json');
    expect(openapi.openapi).toMatch(/^3\./);
    const paths = Object.keys(openapi.paths);
    expect(paths).toEqual(expect.arrayContaining(['/api/v1/events', '/api/v1/schemas', '/api/v1/asyncapi.json', '/api/v1/openapi.json']));
    expect(paths.filter((path) => !path.startsWith('/api/v1/'))).toEqual([]);
    const post = openapi.paths['/api/v1/events'].post;
    expect(Object.keys(post.responses).sort()).toEqual(['200', '400', '401', '403', '413', '415', '422']);
    expect(post.responses['200'].content['application/json'].schema.properties.results.type).toBe('array');
    expect(openapi.paths['/api/v1/events'].options).toBeDefined();
  });
});

describe('GET /api/v1/asyncapi.json', () => {
  it('lists every mapped type on the events topic in both modes, its data the published JSON Schema', async () => {
    const asyncapi = await getJson('/api/v1/asyncapi.json');
    expect(asyncapi.asyncapi).toBe('3.0.0');
    const channel = asyncapi.channels['uptake.events'];
    expect(channel.address).toBe('uptake.events');
    const schemas = jsonSchemas();
    const types = Object.keys(mappings) as (keyof typeof mappings)[];
    expect(Object.keys(channel.messages).sort()).toEqual(types.flatMap((type) => [`${type}.binary`, `${type}.structured`]).sort());
    for (const type of types) {
      const structured = asyncapi.components.messages[`${type}.structured`];
      expect(structured.contentType).toBe('application/cloudevents+json');
      expect(structured.payload.properties.type).toEqual({ type: 'string', const: type });
      expect(structured.payload.properties.data).toEqual(schemas[type]);
      expect(structured.payload.required).toEqual(expect.arrayContaining(['specversion', 'id', 'source', 'type', 'data']));

      const binary = asyncapi.components.messages[`${type}.binary`];
      expect(binary.payload).toEqual(schemas[type]);
      expect(binary.headers.properties.ce_type).toEqual({ type: 'string', const: type });
      expect(binary.headers.required).toEqual(expect.arrayContaining(['ce_specversion', 'ce_id', 'ce_source', 'ce_type']));
    }
    expect(asyncapi.operations['consume_uptake.events']).toMatchObject({
      action: 'receive',
      channel: { $ref: '#/channels/uptake.events' },
    });
  });

  it('documents the dead-letter topic Uptake produces to, with the reason and where the message was read', async () => {
    const asyncapi = await getJson('/api/v1/asyncapi.json');
    expect(asyncapi.channels['uptake.events.dlq'].address).toBe('uptake.events.dlq');
    expect(asyncapi.operations['produce_uptake.events.dlq'].action).toBe('send');
    expect(asyncapi.components.messages.deadLetter.headers.required.sort()).toEqual([
      'uptake_dlq_offset',
      'uptake_dlq_partition',
      'uptake_dlq_reason',
      'uptake_dlq_topic',
    ]);
  });

  it('resolves every $ref it contains', async () => {
    const asyncapi = await getJson('/api/v1/asyncapi.json');
    const refs = JSON.stringify(asyncapi).match(/"\$ref":"[^"]+"/g) ?? [];
    expect(refs.length).toBeGreaterThan(0);
    for (const ref of refs) {
      const pointer = ref.slice('"$ref":"#/'.length, -1).split('/');
      const target = pointer.reduce<unknown>((node, key) => (node as Record<string, unknown> | undefined)?.[key], asyncapi);
      expect(target, ref).toBeDefined();
    }
  });
});

describe('GET /api/v1/asyncapi.json when Uptake publishes its events (KAFKA_PUBLISH_TOPIC)', () => {
  let publishing: FastifyInstance;
  beforeAll(async () => {
    publishing = await appFor(world, {
      kafkaTopics: { ...DEFAULT_TOPICS, published: { topic: 'uptake.out', source: 'urn:uptake:test' } },
    });
  });
  afterAll(() => publishing.close());

  const document = async () => {
    const response = await publishing.inject('/api/v1/asyncapi.json');
    expect(response.statusCode, response.body).toBe(200);
    return response.json();
  };

  it('lists every event of the published slices, and no integration-token event, each with its CloudEvent and data schema', async () => {
    const asyncapi = await document();
    const channel = asyncapi.channels['uptake.out'];
    expect(channel.address).toBe('uptake.out');
    expect(Object.keys(channel.messages).sort()).toEqual([...publishedEvents.keys()].map((type) => `published.${type}`).sort());
    expect(publishedEvents.has('IntegrationTokenGranted')).toBe(false);
    expect(JSON.stringify(asyncapi)).not.toMatch(/IntegrationToken/);
    const raised = asyncapi.components.messages['published.ResistanceSignalRaised'];
    expect(raised.name).toBe('io.uptake.ResistanceSignalRaised.v1');
    expect(raised.contentType).toBe('application/cloudevents+json');
    expect(raised.payload.properties.type).toEqual({ type: 'string', const: 'io.uptake.ResistanceSignalRaised.v1' });
    expect(raised.payload.properties.source).toEqual({ type: 'string', const: 'urn:uptake:test' });
    expect(raised.payload.properties.data.properties.severity).toMatchObject({ type: 'integer', minimum: 1, maximum: 5 });
    expect(raised.payload.required).toEqual(
      expect.arrayContaining(['specversion', 'id', 'source', 'type', 'subject', 'time', 'datacontenttype', 'data']),
    );
    expect(asyncapi.operations['publish_uptake.out']).toMatchObject({ action: 'send', channel: { $ref: '#/channels/uptake.out' } });
    const refs = JSON.stringify(asyncapi).match(/"\$ref":"[^"]+"/g) ?? [];
    for (const ref of refs) {
      const pointer = ref.slice('"$ref":"#/'.length, -1).split('/');
      expect(
        pointer.reduce<unknown>((node, key) => (node as Record<string, unknown> | undefined)?.[key], asyncapi),
        ref,
      ).toBeDefined();
    }
  });

  it('has no publish topic when Uptake does not publish', async () => {
    const asyncapi = await getJson('/api/v1/asyncapi.json');
    expect(Object.keys(asyncapi.operations).filter((name) => name.startsWith('publish_'))).toEqual([]);
  });
});

describe('OPTIONS /api/v1/events (webhook validation handshake)', () => {
  const handshake = (headers: Record<string, string>) => app.inject({ method: 'OPTIONS', url: '/api/v1/events', headers });

  it('allows the origin that asks, for POST', async () => {
    const response = await handshake({ 'WebHook-Request-Origin': 'okr-tool.example.com' });
    expect(response.statusCode, response.body).toBe(200);
    expect(response.headers['webhook-allowed-origin']).toBe('okr-tool.example.com');
    expect(response.headers.allow).toBe('POST');
    expect(response.headers['webhook-allowed-rate']).toBeUndefined();
  });

  it('answers a requested rate with the rate it accepts', async () => {
    const response = await handshake({ 'WebHook-Request-Origin': 'okr-tool.example.com', 'WebHook-Request-Rate': '120' });
    expect(response.statusCode, response.body).toBe(200);
    expect(response.headers['webhook-allowed-rate']).toBe('*');
  });

  it('is a 400 saying the origin is required when it is missing', async () => {
    const response = await handshake({});
    expect(response.statusCode).toBe(400);
    expect(response.json().message).toMatch(/WebHook-Request-Origin is required/);
  });
});

describe('docs/integrations.md', () => {
  const docs = readFileSync(join(findPackageRoot(), 'docs', 'integrations.md'), 'utf8');
  const worked = docs.slice(docs.indexOf('## Each type, worked'));

  it("shows a published event as the CloudEvent Uptake sends, its data valid for the event's schema", () => {
    const section = docs.slice(docs.indexOf("## Uptake's own events out"), docs.indexOf('## Each type, worked'));
    const [example] = [...section.matchAll(/```json\n([\s\S]*?)```/g)].map((block) => JSON.parse(block[1]!));
    const type = /^io\.uptake\.(\w+)\.v1$/.exec(example.type)?.[1];
    expect(publishedEvents.has(type!)).toBe(true);
    expect(publishedEnvelope(publishedEvents.get(type!)!, DEFAULT_PUBLISH_SOURCE).parse(example)).toEqual(example);
  });

  it('works an example of every accepted type, each a CloudEvent its mapping accepts, the kcat line sending the same', () => {
    const examples = [...worked.matchAll(/```json\n([\s\S]*?)```/g)].map((block) => JSON.parse(block[1]!));
    const kcat = [...worked.matchAll(/echo '(.*)' \|\n\s+kcat /g)].map((line) => JSON.parse(line[1]!));
    expect(examples.map((e) => e.type).sort()).toEqual(Object.keys(mappings).sort());
    expect(kcat).toEqual(examples);
    for (const example of examples) {
      const event = parseEnvelope(example);
      const parsed = mappings[event.type as keyof typeof mappings].data.safeParse(event.data);
      expect(parsed.error, event.type).toBeUndefined();
    }
  });
});

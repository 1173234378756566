import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { IntegrationToken, IntegrationTokens } from '../../projections/integrations.ts';
import { problemOf } from '../http/errors.ts';
import { tokenHash } from '../integration/tokens.ts';
import { ValidationError } from '../shared/errors.ts';
import { BATCH, BATCH_LIMIT, fromBinary, parseBatch, parseEnvelope, STRUCTURED } from './envelope.ts';
import { asyncApiDocument, type KafkaTopics } from './contract.ts';
import { ingestBatch, type UnitOfWork } from './ingest.ts';
import { jsonSchemas, type IngestDeps } from './mapping.ts';

export interface IngestRouteOptions extends IngestDeps {
  tokens: IntegrationTokens;
  /** The injected clock: when an ingested event is recorded. */
  now: () => Date;
  /** What the AsyncAPI document names. */
  topics: KafkaTopics;
  /** One transaction around each request's batch where the store can (SQLite). */
  unitOfWork?: UnitOfWork | undefined;
}

/** 1,000 events of a few hundred bytes each fit with room to spare. */
const BODY_LIMIT = 2 * 1024 * 1024;

const IngestResults = z.object({
  results: z.array(
    z.object({
      id: z.string().nullable(),
      source: z.string().nullable(),
      status: z.enum(['accepted', 'duplicate', 'rejected']),
      reason: z.string().optional(),
    }),
  ),
});

const Refusal = z.object({ statusCode: z.number().int(), error: z.string(), message: z.string().describe('what to change') });

const modes = `${STRUCTURED} (one event), ${BATCH} (up to ${BATCH_LIMIT}) or application/json with ce-* headers (binary mode)`;

/** An answer the client can act on, always JSON: the API has no page to show it in. */
const refuse = (reply: FastifyReply, statusCode: number, error: string, message: string) =>
  reply.code(statusCode).send({ statusCode, error, message });

/** Fastify's own refusals, reworded to say what to send instead. */
const clearer: Record<string, string> = {
  FST_ERR_CTP_INVALID_MEDIA_TYPE: `Content-Type must be ${modes}`,
  FST_ERR_CTP_BODY_TOO_LARGE: `the body is larger than ${BODY_LIMIT / 1024 / 1024} MiB: send at most ${BATCH_LIMIT} events per batch`,
};

declare module 'fastify' {
  interface FastifyRequest {
    /** The integration token the request presented (POST /api/v1/events). */
    integration?: IntegrationToken;
  }
}

/**
 * CloudEvents in over HTTP: `POST /api/v1/events` in structured, batched or binary mode,
 * authenticated by an integration token for one source; `GET /api/v1/schemas` publishes each
 * accepted type's data as JSON Schema.
 */
export const ingestRoutes: FastifyPluginAsyncZod<IngestRouteOptions> = async (app, options) => {
  const json = app.getDefaultJsonParser('error', 'error');
  app.addContentTypeParser([STRUCTURED, BATCH], { parseAs: 'string', bodyLimit: BODY_LIMIT }, json);

  app.setErrorHandler((error: FastifyError, request, reply) => {
    const problem = problemOf(error);
    if (problem.statusCode >= 500) request.log.error({ err: error }, 'ingest failed');
    const message = (error.code && clearer[error.code]) ?? problem.message;
    return refuse(reply, problem.statusCode, problem.code, message);
  });

  const authenticate = async (request: FastifyRequest, reply: FastifyReply) => {
    const [scheme, token] = (request.headers.authorization ?? '').split(' ');
    if (scheme?.toLowerCase() !== 'bearer' || !token) {
      return refuse(
        reply,
        401,
        'unauthenticated',
        'send an integration token: Authorization: Bearer <token> (uptake token create --source <source>)',
      );
    }
    const found = options.tokens.byHash(tokenHash(token));
    if (!found) return refuse(reply, 401, 'unauthenticated', 'this integration token is not known');
    if (found.revokedAt !== null) return refuse(reply, 401, 'unauthenticated', `this integration token was revoked at ${found.revokedAt}`);
    options.tokens.used(found.tokenId, options.now());
    request.integration = found;
  };

  app.post(
    '/api/v1/events',
    {
      config: { access: 'ingest' },
      bodyLimit: BODY_LIMIT,
      onRequest: authenticate,
      schema: {
        summary: 'Ingest CloudEvents',
        description: `Content-Type: ${modes}. Each event is answered on its own: accepted, duplicate (its source and id were recorded before) or rejected with the reason. The types and their data: /api/v1/schemas.`,
        security: [{ integrationToken: [] }],
        response: {
          200: IngestResults.describe('every event was handled; some may be rejected'),
          400: Refusal.describe('not JSON, not a CloudEvents 1.0 envelope, or a batch that is not an array or is empty'),
          401: Refusal.describe('no integration token, an unknown or a revoked one'),
          403: Refusal.describe('an event claims a source the token is not for; nothing was recorded'),
          413: Refusal.describe(`more than ${BATCH_LIMIT} events, or a body over ${BODY_LIMIT / 1024 / 1024} MiB`),
          415: Refusal.describe('a Content-Type other than the three modes'),
          422: IngestResults.describe('every event was rejected'),
        },
      },
    },
    async (request, reply) => {
      const contentType = (request.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
      let events: unknown[];
      try {
        if (contentType === BATCH) events = parseBatch(request.body);
        else if (contentType === STRUCTURED) events = [parseEnvelope(request.body)];
        else if (contentType === 'application/json') events = [fromBinary(request.headers, request.body)];
        else return refuse(reply, 415, 'unsupported_media_type', `Content-Type must be ${modes}; got ${contentType || 'none'}`);
      } catch (error) {
        if (error instanceof ValidationError) return refuse(reply, 400, 'malformed_envelope', error.message);
        throw error;
      }
      if (events.length > BATCH_LIMIT)
        return refuse(reply, 413, 'batch_too_large', `a batch holds at most ${BATCH_LIMIT} events; this one has ${events.length}`);
      if (events.length === 0) return refuse(reply, 400, 'malformed_envelope', 'body: the batch is empty');

      const allowed = request.integration!.source;
      const foreign = events.find(
        (e) => typeof (e as { source?: unknown } | null)?.source === 'string' && (e as { source: string }).source !== allowed,
      );
      if (foreign !== undefined) {
        const { id, source } = foreign as { id?: unknown; source: string };
        return refuse(
          reply,
          403,
          'forbidden',
          `this token may ingest events from source ${allowed} only; event ${String(id)} claims source ${source}`,
        );
      }

      const results = await ingestBatch(options, events, 'http', options.now());
      return reply.code(results.every((r) => r.status === 'rejected') ? 422 : 200).send({ results });
    },
  );

  // The CloudEvents HTTP webhook validation handshake (section 4): anyone may ask, since who may
  // deliver is decided per request by the integration token.
  app.options(
    '/api/v1/events',
    {
      config: { access: 'ingest' },
      schema: {
        summary: 'Webhook validation handshake (CloudEvents HTTP webhook spec, section 4)',
        headers: z.object({
          'webhook-request-origin': z.string().optional().describe('required: who will deliver, e.g. okr-tool.example.com'),
          'webhook-request-rate': z.string().optional().describe('requests per minute the sender would like to send'),
        }),
        response: {
          200: z.null().describe('Allow, WebHook-Allowed-Origin and, when a rate was asked, WebHook-Allowed-Rate'),
          400: Refusal,
        },
      },
    },
    async (request, reply) => {
      const origin = request.headers['webhook-request-origin'];
      if (!origin)
        return refuse(
          reply,
          400,
          'malformed_handshake',
          'WebHook-Request-Origin is required: the sender of the deliveries, e.g. okr-tool.example.com',
        );
      reply.header('Allow', 'POST').header('WebHook-Allowed-Origin', origin);
      // Uptake sets no rate of its own: a sender may deliver as fast as it asks.
      if (request.headers['webhook-request-rate'] !== undefined) reply.header('WebHook-Allowed-Rate', '*');
      return reply.code(200).send(null);
    },
  );

  app.get(
    '/api/v1/schemas',
    { config: { access: 'public' }, schema: { summary: "Each accepted CloudEvents type's data as JSON Schema" } },
    async () => jsonSchemas(),
  );
  app.get(
    '/api/v1/asyncapi.json',
    { config: { access: 'public' }, schema: { summary: 'The AsyncAPI 3.0 document of the Kafka topics' } },
    async () => asyncApiDocument(options.topics),
  );
};

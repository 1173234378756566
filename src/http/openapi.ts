import swagger from '@fastify/swagger';
import type { FastifyInstance } from 'fastify';
import { jsonSchemaTransform } from 'fastify-type-provider-zod';

const API = '/api/v1/';

/**
 * The OpenAPI document of the HTTP API, generated from the routes' zod schemas and served at
 * `GET /api/v1/openapi.json`. Only `/api/v1/*` belongs in it: the HTML pages are for people.
 * Register before the routes, so it sees them being added.
 */
export async function registerOpenApi(app: FastifyInstance): Promise<void> {
  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'Uptake',
        version: '1',
        description:
          'CloudEvents into Uptake over HTTP. The accepted types and their data: /api/v1/schemas; the same over Kafka: /api/v1/asyncapi.json.',
      },
      components: {
        securitySchemes: {
          integrationToken: { type: 'http', scheme: 'bearer', description: 'an integration token: uptake token create --source <source>' },
        },
      },
    },
    transform: (input) => (input.url.startsWith(API) ? jsonSchemaTransform(input) : { schema: { hide: true }, url: input.url }),
  });
  app.get(`${API}openapi.json`, { config: { access: 'public' }, schema: { summary: 'This document' } }, async () => app.swagger());
}

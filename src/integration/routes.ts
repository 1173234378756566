import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { IntegrationTokens } from '../../projections/integrations.ts';
import { formFor, submitForm } from '../http/forms.ts';
import { optional } from '../http/query.ts';
import { sendHtml } from '../http/views.ts';
import type { WebDeps } from '../http/webDeps.ts';
import type { ConsumerLedger } from '../ingest/consumer.ts';
import type { References } from '../ingest/mapping.ts';
import { type KafkaConsumerInfo, lagOf } from '../ingest/status.ts';
import { NotFoundError } from '../shared/errors.ts';
import { Id } from '../shared/event.ts';
import type { DeadLetterLedger } from './deadLetters.ts';
import { grantTokenForm, redriveForm, redriveReasonForm, revokeTokenForm } from './forms.ts';
import {
  grantIntegrationToken,
  redriveDeadLetter,
  redriveDeadLettersOfReason,
  revokeIntegrationToken,
  type RedriveResult,
} from './handlers.ts';
import { mintToken } from './tokens.ts';
import {
  type Answered,
  type ConsumerFacts,
  type DeadLetterFilter,
  deadLetterView,
  integrationsUrl,
  integrationsView,
  PAGE_SIZE,
} from './viewModels.ts';

export interface IntegrationRouteOptions extends WebDeps {
  tokens: IntegrationTokens;
  /** The dead-letter list of the configured consumer group, and its stored offsets (for the lag). */
  deadLetters: DeadLetterLedger & Pick<ConsumerLedger, 'nextOffset'>;
  /** What a re-drive needs to ingest a message again. */
  references: References;
  /** The running consumer; absent when `KAFKA_BROKERS` is unset. */
  kafka?: KafkaConsumerInfo | undefined;
}

/** A broker that does not answer must not hold the page. */
const LAG_TIMEOUT_MS = 2_000;

const SeqText = z
  .string()
  .regex(/^\d{1,15}$/, 'must be a dead letter number')
  .transform(Number)
  .pipe(z.number().int().positive());
const Reason = z.string().min(1).max(2000);
const redriveRecorded = 'Re-driven: each message below shows what ingestion answered.';
const recordedBy: Record<string, string> = { [revokeTokenForm.id]: revokeTokenForm.recorded, [redriveForm.id]: redriveRecorded };
const ListQuery = z.object({
  reason: optional(Reason),
  before: optional(SeqText),
  recorded: optional(z.enum([revokeTokenForm.id, redriveForm.id])),
});
const FilterQuery = ListQuery.pick({ reason: true, before: true });

async function lagFacts(kafka: KafkaConsumerInfo, ledger: Pick<ConsumerLedger, 'nextOffset'>): Promise<ConsumerFacts['lag']> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`the broker did not answer within ${LAG_TIMEOUT_MS / 1000} s`)), LAG_TIMEOUT_MS);
  });
  try {
    const watermarks = await Promise.race([kafka.offsets.watermarks(kafka.topics), timeout]);
    return { partitions: lagOf(watermarks, (topic, partition) => ledger.nextOffset(topic, partition)) };
  } catch (error) {
    return { error: (error as Error).message };
  } finally {
    clearTimeout(timer);
  }
}

/**
 * The integrations page, for admins: the Kafka consumer's state and lag, the integration tokens
 * (create: shown once; revoke), and the dead-letter list with its re-drive, one message or all
 * of a reason. Every POST goes through the shared form path and answers with the page (or, for
 * htmx, `partials/integrations`), keeping the list's filter from its query.
 */
export const integrationRoutes: FastifyPluginAsyncZod<IntegrationRouteOptions> = async (app, options) => {
  const { views, handlers, forms, tokens, deadLetters, kafka } = options;
  const redriveDeps = { ...handlers, references: options.references, deadLetters };
  const admin = { access: 'admin' } as const;

  const render = async (fragment: boolean, filter: DeadLetterFilter, answered: Answered) => {
    const consumer: ConsumerFacts | undefined = kafka && {
      group: kafka.group,
      topics: kafka.topics,
      deadLetterTopic: kafka.deadLetterTopic,
      snapshot: kafka.status.snapshot(),
      lag: await lagFacts(kafka, deadLetters),
    };
    const { letters, next } = deadLetters.page({ ...filter, limit: PAGE_SIZE });
    const page = { consumer, tokens: tokens.all(), reasons: deadLetters.reasons(), letters, next, filter };
    return views.render(fragment ? 'partials/integrations' : 'pages/integrations', integrationsView(page, answered));
  };

  app.get('/integrations', { config: admin, schema: { querystring: ListQuery } }, async (request, reply) => {
    const { recorded, ...filter } = request.query;
    return sendHtml(reply, await render(false, filter, { recorded: recorded && recordedBy[recorded] }));
  });

  app.get('/integrations/dead-letters/:seq', { config: admin, schema: { params: z.object({ seq: SeqText }) } }, async (request, reply) => {
    const letter = deadLetters.byId(request.params.seq);
    if (letter === undefined) throw new NotFoundError(`There is no dead letter number ${request.params.seq}.`);
    return sendHtml(reply, views.render('pages/deadLetter', deadLetterView(letter)));
  });

  app.post('/integrations/tokens', { config: admin, schema: { querystring: FilterQuery } }, async (request, reply) => {
    const minted = mintToken();
    let granted: Answered = {};
    // The answer may carry the token itself: no cache keeps it.
    reply.header('cache-control', 'no-store');
    return submitForm(request, reply, forms, {
      form: grantTokenForm,
      data: (values, key) => ({ ...values, tokenId: key, hash: minted.hash }),
      execute: async (command, ctx) => {
        const result = await grantIntegrationToken(handlers, command, ctx);
        // Nothing recorded: this form's token was granted before, and its value was shown then, once.
        granted =
          result.events.length > 0
            ? {
                recorded: grantTokenForm.recorded,
                shownToken: { token: minted.token, name: command.data.name, source: command.data.source },
              }
            : { alreadyGranted: true };
        return result;
      },
      redirectTo: '/integrations',
      answerInPlace: true,
      render: ({ state, fragment }) =>
        render(fragment, request.query, state === null ? granted : { answered: { formId: grantTokenForm.id, state } }),
    });
  });

  app.post(
    '/integrations/tokens/:tokenId/revoke',
    { config: admin, schema: { params: z.object({ tokenId: Id }), querystring: FilterQuery } },
    async (request, reply) => {
      const { tokenId } = request.params;
      const token = tokens.all().find((t) => t.tokenId === tokenId);
      if (token === undefined) throw new NotFoundError(`There is no integration token "${tokenId}".`);
      const formId = `revoke-${tokenId}`;
      return submitForm(request, reply, forms, {
        form: formFor(revokeTokenForm, formId),
        data: () => ({ tokenId }),
        execute: (command, ctx) => revokeIntegrationToken(handlers, command, ctx),
        redirectTo: integrationsUrl({ ...request.query, recorded: revokeTokenForm.id }),
        render: ({ state, fragment }) =>
          render(fragment, request.query, state === null ? { recorded: revokeTokenForm.recorded } : { answered: { formId, state } }),
      });
    },
  );

  // Before the route with a parameter: `redrive` is not a dead letter number.
  app.post(
    '/integrations/dead-letters/redrive',
    { config: admin, schema: { querystring: FilterQuery.extend({ reason: Reason }) } },
    async (request, reply) => {
      let results: RedriveResult[] = [];
      return submitForm(request, reply, forms, {
        form: redriveReasonForm,
        data: () => ({ reason: request.query.reason }),
        execute: async (command, ctx) => {
          const done = await redriveDeadLettersOfReason(redriveDeps, command, ctx);
          results = done.results;
          return done;
        },
        redirectTo: `${integrationsUrl({ reason: request.query.reason, recorded: redriveForm.id })}#dead-letters`,
        render: ({ state, fragment }) =>
          render(fragment, request.query, state === null ? { redriven: results } : { answered: { formId: redriveReasonForm.id, state } }),
      });
    },
  );

  app.post(
    '/integrations/dead-letters/:seq/redrive',
    { config: admin, schema: { params: z.object({ seq: SeqText }), querystring: FilterQuery } },
    async (request, reply) => {
      const { seq } = request.params;
      const formId = `redrive-${seq}`;
      let results: RedriveResult[] = [];
      return submitForm(request, reply, forms, {
        form: formFor(redriveForm, formId),
        data: () => ({ seq }),
        execute: async (command, ctx) => {
          const result = await redriveDeadLetter(redriveDeps, command, ctx);
          results = [result];
          return result;
        },
        redirectTo: `${integrationsUrl({ ...request.query, recorded: redriveForm.id })}#dead-letters`,
        render: ({ state, fragment }) =>
          render(fragment, request.query, state === null ? { redriven: results } : { answered: { formId, state } }),
      });
    },
  );
};

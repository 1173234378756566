import { z } from 'zod';
import { ValidationError } from '../shared/errors.ts';
import { Instant } from '../shared/event.ts';
import { zodIssuesToValidationError } from '../shared/validation.ts';

/** The media types of CloudEvents' HTTP binding (structured and batched modes). */
export const STRUCTURED = 'application/cloudevents+json';
export const BATCH = 'application/cloudevents-batch+json';
/** The most events one batch may carry. */
export const BATCH_LIMIT = 1000;

/**
 * A CloudEvents 1.0 envelope: the required attributes, the optional ones Uptake reads, and the
 * data. Extension attributes are allowed and ignored.
 */
export const CloudEvent = z.looseObject({
  specversion: z.literal('1.0', { error: 'must be "1.0" (CloudEvents 1.0)' }),
  id: z.string().min(1).max(200),
  source: z.string().min(1).max(200),
  type: z.string().min(1).max(200),
  time: Instant.optional(),
  subject: z.string().min(1).max(200).optional(),
  datacontenttype: z.string().min(1).optional(),
  data: z.unknown().optional(),
});
export type CloudEvent = z.infer<typeof CloudEvent>;

/** Validates one envelope; the error names the attribute (`specversion`, `time`) and the rule. */
export function parseEnvelope(value: unknown): CloudEvent {
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw ValidationError.field('envelope', 'must be a JSON object (a CloudEvent)');
  const result = CloudEvent.safeParse(value);
  if (!result.success) throw zodIssuesToValidationError(result.error.issues);
  if (result.data.datacontenttype !== undefined && !isJson(result.data.datacontenttype)) {
    throw ValidationError.field('datacontenttype', `must be JSON (application/json); got ${result.data.datacontenttype}`);
  }
  return result.data;
}

const isJson = (mediaType: string): boolean => /^application\/([\w.-]+\+)?json\s*(;|$)/i.test(mediaType);

/** A batch is a JSON array of envelopes, each accepted or rejected on its own. */
export function parseBatch(body: unknown): unknown[] {
  if (!Array.isArray(body)) throw ValidationError.field('body', 'a batch must be a JSON array of CloudEvents');
  return body;
}

/**
 * Binary mode: the attributes travel as headers, one per attribute, and the body is the data
 * (JSON only). The prefix is the binding's: `ce-` over HTTP, `ce_` on Kafka. Header names are
 * case-insensitive; Node and the Kafka adapter give them in lower case.
 */
export function fromBinary(
  headers: Readonly<Record<string, string | string[] | undefined>>,
  body: unknown,
  prefix: 'ce-' | 'ce_' = 'ce-',
): CloudEvent {
  const attributes: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (name.startsWith(prefix) && typeof value === 'string') attributes[name.slice(prefix.length)] = value;
  }
  const missing = ['specversion', 'id', 'source', 'type'].filter((name) => attributes[name] === undefined);
  if (missing.length > 0) {
    throw new ValidationError(
      missing.map((name) => ({ field: `${prefix}${name}`, message: 'is required in binary mode (a header per CloudEvents attribute)' })),
    );
  }
  return parseEnvelope({ ...attributes, datacontenttype: headers['content-type'], data: body });
}

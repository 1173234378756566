import { nameBasedUuid } from '../shared/commandHandler.ts';
import { UptakeError } from '../shared/errors.ts';
import { parseEnvelope } from './envelope.ts';
import { recordMapped, type IngestDeps } from './mapping.ts';

/**
 * Runs async work as one transaction where the store can (SQLite: one disk sync for the whole
 * batch); the work must never hand control back to the event loop while it is open, or another
 * request's write would join it (tests/api/ingest.unitOfWork.spec.ts holds both paths to that).
 */
export type UnitOfWork = <T>(work: () => Promise<T>) => Promise<T>;

export interface IngestResult {
  /** The CloudEvent's `id` and `source`; null when the envelope did not carry a usable one. */
  id: string | null;
  source: string | null;
  /** `duplicate`: this source and id were already recorded, nothing new was stored. */
  status: 'accepted' | 'duplicate' | 'rejected';
  reason?: string;
}

/**
 * The key that makes a CloudEvent idempotent: a name-based UUID of its `source` and `id`. The
 * first event it records takes it as its id (`eventIdFor`), so a redelivery is found in the
 * stream and recorded once, on any store.
 */
export const cloudEventKey = (source: string, id: string): string => nameBasedUuid(`cloudevent:${JSON.stringify([source, id])}`);

const attribute = (value: unknown, name: 'id' | 'source'): string | null => {
  const field = (value as Record<string, unknown> | null)?.[name];
  return typeof field === 'string' ? field : null;
};

/**
 * One CloudEvent into the store through its slice's handler, as an integration named by its
 * source; `transport` is the metadata's source (`http`, `kafka:<topic>`). Bad input of any kind
 * is a rejection with its reason, never a throw; only a failure on our side throws.
 */
export async function ingestOne(deps: IngestDeps, value: unknown, transport: string, now: Date): Promise<IngestResult> {
  const id = attribute(value, 'id');
  const source = attribute(value, 'source');
  try {
    const event = parseEnvelope(value);
    const cloudEvent = { source: event.source, id: event.id, ...(event.time !== undefined && { time: event.time }) };
    const result = await recordMapped(deps, event.type, event.data, {
      actor: { kind: 'integration', id: event.source },
      source: transport,
      now,
      occurredAt: event.time === undefined ? undefined : new Date(event.time).toISOString(),
      idempotencyKey: cloudEventKey(event.source, event.id),
      cloudEvent,
    });
    return { id, source, status: result.events.length > 0 ? 'accepted' : 'duplicate' };
  } catch (error) {
    if (error instanceof UptakeError) return { id, source, status: 'rejected', reason: error.message };
    throw error;
  }
}

/**
 * A batch of CloudEvents, each answered on its own as `ingestOne` answers it, in one unit of work
 * when there is one. Each event is one append, which the store already runs in a savepoint of its
 * own, so a rejected event leaves nothing behind and never costs the others theirs.
 */
export async function ingestBatch(
  deps: IngestDeps & { unitOfWork?: UnitOfWork | undefined },
  values: readonly unknown[],
  transport: string,
  now: Date,
): Promise<IngestResult[]> {
  const work = async () => {
    const results: IngestResult[] = [];
    for (const value of values) results.push(await ingestOne(deps, value, transport, now));
    return results;
  };
  return deps.unitOfWork ? deps.unitOfWork(work) : work();
}

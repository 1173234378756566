import { z } from 'zod';
// Plain messages for every schema below and every schema built from them.
import './messages.ts';

/** A date a person chose (`…On` fields): a calendar day, no time zone. */
export const CalendarDate = z.iso.date({ error: 'must be a calendar date, YYYY-MM-DD' });
/** An instant (`…At` fields). */
export const Instant = z.iso.datetime({ offset: true });
export const Id = z
  .string()
  .min(1)
  .max(64)
  .regex(/^[A-Za-z0-9_.:-]+$/, 'must be letters, digits and _ . : - only');

export const ActorKind = z.enum(['user', 'integration', 'rule', 'system']);
export const Actor = z.object({ kind: ActorKind, id: z.string().min(1).max(200) });
export type Actor = z.infer<typeof Actor>;

/** Where an ingested event came from: the CloudEvent's own attributes, so it can be traced back to the sender's message. */
export const CloudEventOrigin = z.object({ source: z.string().min(1), id: z.string().min(1), time: Instant.optional() });
export type CloudEventOrigin = z.infer<typeof CloudEventOrigin>;

export const EventMetadata = z.object({
  eventId: z.uuid(),
  actor: Actor,
  /** `ui`, `cli`, `http`, `kafka:<topic>`, `seed`, … */
  source: z.string().min(1).max(200),
  occurredAt: Instant,
  recordedAt: Instant,
  correlationId: z.string().min(1),
  causationId: z.string().min(1).nullable(),
  schemaVersion: z.number().int().positive(),
  /** Only on events an integration sent; optional so every event stored before stays valid. */
  cloudEvent: CloudEventOrigin.optional(),
});
export type EventMetadata = z.infer<typeof EventMetadata>;

export interface EventDefinition<T extends string = string, S extends z.ZodType = z.ZodType> {
  readonly type: T;
  readonly version: number;
  readonly schema: S;
}

export function defineEvent<T extends string, S extends z.ZodType>(type: T, schema: S, version = 1): EventDefinition<T, S> {
  return { type, schema, version };
}

export type EventOf<D> = D extends EventDefinition<infer T, infer S> ? { type: T; data: z.output<S> } : never;

/** An event as a decider produces it: type and data, no metadata yet. */
export interface DomainEvent<T extends string = string, D = unknown> {
  type: T;
  data: D;
}

/** An event ready to append. */
export type NewEvent<E extends DomainEvent = DomainEvent> = E & { metadata: EventMetadata };

/** An event as read back from the store. `revision` counts within the stream from 0; `position` is global. */
export type RecordedEvent<E extends DomainEvent = DomainEvent> = NewEvent<E> & {
  streamId: string;
  revision: number;
  position: bigint;
};

import { createHash, randomBytes, randomUUID } from 'node:crypto';

/**
 * UUIDv7 (RFC 9562): 48 bits of Unix milliseconds, then random bits. Later ids sort later, so
 * the store's unique index on event ids grows at its right edge instead of touching a random
 * page per insert (1.5x the SQLite append throughput of random v4 ids).
 */
export function uuidv7(ms: number): string {
  const bytes = randomBytes(16);
  bytes.writeUIntBE(ms, 0, 6);
  bytes[6] = (bytes[6]! & 0x0f) | 0x70;
  bytes[8] = (bytes[8]! & 0x3f) | 0x80;
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/**
 * The id of the `index`-th event a keyed command records: the key itself for the first, then a
 * name-based UUID of key and index, so every event of the batch has its own id and a retry
 * derives the same ones, on any store.
 */
export function eventIdFor(key: string, index: number): string {
  return index === 0 ? key : nameBasedUuid(`${key}/${index}`);
}

/** A UUID that is a function of `name` (v5-style: SHA-1), the same on every run and every store. */
export function nameBasedUuid(name: string): string {
  const bytes = createHash('sha1').update(name).digest().subarray(0, 16);
  bytes[6] = (bytes[6]! & 0x0f) | 0x50;
  bytes[8] = (bytes[8]! & 0x3f) | 0x80;
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
import { catalogue } from '../events.ts';
import type { Decider } from './decider.ts';
import { ConcurrencyConflictError, ForbiddenError } from './errors.ts';
import type { Actor, CloudEventOrigin, DomainEvent, NewEvent } from './event.ts';
import type { EventStore, ExpectedRevision } from './eventStore.ts';
import { stateCacheOf } from './stateCache.ts';
import { streamName, type Category } from './streams.ts';

/**
 * Where an actor may record: everywhere (an admin, an integration, the CLI, the seed), or only in
 * some areas (a coach: the areas they coach and every area under them, resolved by the caller).
 */
export type Scope = 'everywhere' | { readonly areas: ReadonlySet<string>; readonly names: string };

/**
 * The areas a command touches, from the command and the state of its stream before it: the team's
 * area and, for a move, the area it goes to. `organisation` marks commands about the whole
 * organisation (cycles, coaches, top-level areas), which only an actor allowed everywhere may send.
 */
export type AreasOf<State, Command> = (command: Command, state: State) => readonly (string | null | undefined)[] | 'organisation';

/** Who asked, from where and when: becomes every resulting event's metadata. */
export interface CommandContext {
  actor: Actor;
  /** Where the actor may record; absent means everywhere (the CLI, the seed, ingestion). */
  scope?: Scope;
  source: string;
  /** Business time of what happened; defaults to `now`. */
  occurredAt?: string;
  /** Wall-clock time of recording, passed in so tests and the seed control it. */
  now: Date;
  correlationId?: string;
  causationId?: string | null;
  /** Deterministic event ids for the seed and tests; random otherwise. */
  newEventId?: () => string;
  /**
   * A retried request's key (a form's hidden key, a UUID): its events' ids derive from it
   * (`eventIdFor`), and a stream that already holds them makes the command a no-op.
   */
  idempotencyKey?: string;
  /** The CloudEvent an integration sent, kept in each resulting event's metadata. */
  cloudEvent?: CloudEventOrigin;
}

/** The UTC calendar date of `ctx.now`: what "today" means to a decider. */
export const todayOf = (ctx: CommandContext): string => ctx.now.toISOString().slice(0, 10);

export interface HandleResult<State> {
  events: NewEvent[];
  /** Stream revision after the append (the value a form carries back for its next edit). */
  revision: number;
  position: bigint;
  state: State;
}

export function withMetadata(events: DomainEvent[], ctx: CommandContext): NewEvent[] {
  const recordedAt = ctx.now.toISOString();
  const correlationId = ctx.correlationId ?? randomUUID();
  return events.map((event, index) => ({
    ...event,
    metadata: {
      eventId: ctx.idempotencyKey === undefined ? (ctx.newEventId?.() ?? uuidv7(ctx.now.getTime())) : eventIdFor(ctx.idempotencyKey, index),
      actor: ctx.actor,
      source: ctx.source,
      occurredAt: ctx.occurredAt ?? recordedAt,
      recordedAt,
      correlationId,
      causationId: ctx.causationId ?? null,
      schemaVersion: catalogue.get(event.type)?.version ?? 1,
      ...(ctx.cloudEvent && { cloudEvent: ctx.cloudEvent }),
    },
  }));
}

/** Attempts for a command that names no revision, when other writers keep appending to its stream. */
const ATTEMPTS = 4;

/**
 * Fold the stream, decide, append with the revision that was folded. The fold starts from the
 * state this process last folded the stream to (stateCache.ts) and reads only the events since,
 * so a decision costs the same on a stream of ten events and one of ten thousand. When the caller
 * passes `expectedRevision` (a form's hidden field), that revision is the one enforced, so an
 * edit made on a stale page is a conflict rather than an overwrite. Without one, nobody saw a
 * revision that could be stale: a concurrent append is absorbed by reading and deciding again.
 */
export async function handleCommand<State, Command, Event extends DomainEvent>(
  store: EventStore,
  streamId: string,
  decider: Decider<State, Command, Event>,
  command: Command,
  ctx: CommandContext,
  expectedRevision?: number,
  areasOf?: AreasOf<State, Command>,
): Promise<HandleResult<State>> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await decideAndAppend(store, streamId, decider, command, ctx, expectedRevision, areasOf);
    } catch (error) {
      if (!(error instanceof ConcurrencyConflictError) || expectedRevision !== undefined || attempt === ATTEMPTS) throw error;
    }
  }
}

async function decideAndAppend<State, Command, Event extends DomainEvent>(
  store: EventStore,
  streamId: string,
  decider: Decider<State, Command, Event>,
  command: Command,
  ctx: CommandContext,
  expectedRevision: number | undefined,
  areasOf: AreasOf<State, Command> | undefined,
): Promise<HandleResult<State>> {
  const cache = stateCacheOf(store);
  const { state, revision: readRevision, position } = await cache.load(store, streamId, decider);
  if (areasOf !== undefined) requireInScope(ctx.scope ?? 'everywhere', areasOf(command, state));
  // Checked here, not left to the store: EventStoreDB treats a batch as a retry only when it is
  // appended at the revision it was first appended at, and this read has moved past it.
  const recorded = ctx.idempotencyKey === undefined ? undefined : await lastOfBatch(store, streamId, ctx.idempotencyKey);
  if (recorded !== undefined) return { events: [], revision: readRevision, position: recorded, state };
  const decided = decider.decide(command, state);
  const expected: ExpectedRevision = expectedRevision ?? (readRevision < 0 ? 'no_stream' : readRevision);
  if (decided.length === 0) return { events: [], revision: readRevision, position, state };
  const events = withMetadata(decided, ctx);
  const result = await store.appendToStream(streamId, events, expected);
  const after = decided.reduce(decider.evolve, state);
  // An append that returns a revision other than the folded one plus the batch was an idempotent retry the store recognised.
  if (result.nextExpectedRevision === readRevision + events.length) {
    const eventId = events.at(-1)!.metadata.eventId;
    cache.remember(streamId, decider, { state: after, revision: result.nextExpectedRevision, position: result.position, eventId });
  }
  return { events, revision: result.nextExpectedRevision, position: result.position, state: after };
}

/** Checked on the command itself, after its stream is read: a crafted request cannot reach around a page that hid the form. */
function requireInScope(scope: Scope, areas: ReturnType<AreasOf<unknown, unknown>>): void {
  if (scope === 'everywhere') return;
  if (areas === 'organisation') throw new ForbiddenError('Only an admin can change this: it concerns the whole organisation.');
  if (areas.every((areaId) => areaId == null || scope.areas.has(areaId))) return;
  throw new ForbiddenError(`You can record only in the areas you coach (${scope.names}) and the areas under them.`);
}

/**
 * Where the batch recorded under `key` ends in the stream, if the stream holds it: its events'
 * ids are the key's (`eventIdFor`), looked up one by one, so no history is read.
 */
async function lastOfBatch(store: EventStore, streamId: string, key: string): Promise<bigint | undefined> {
  let position: bigint | undefined;
  for (let index = 0; ; index++) {
    const stored = await store.findEvent(streamId, eventIdFor(key, index));
    if (stored === undefined) return position;
    position = stored.position;
  }
}

/** A stream's current state, for a decision in another stream that depends on it (the area a team joins). */
export async function stateOf<State, Event extends DomainEvent>(
  store: EventStore,
  category: Category,
  id: string,
  decider: Decider<State, never, Event>,
): Promise<State> {
  return (await stateCacheOf(store).load(store, streamName(category, id), decider)).state;
}

/**
 * One writer per stream category: `handleCommand` bound to a category's decider, sending each
 * command to the stream named by the id it carries (`teamId` → `team-<teamId>`).
 */
export function commandHandlerFor<State, Command, Event extends DomainEvent>(
  category: Category,
  decider: Decider<State, Command, Event>,
  idOf: (command: Command) => string,
  areasOf: AreasOf<State, Command>,
) {
  return (store: EventStore, command: Command, ctx: CommandContext, expectedRevision?: number): Promise<HandleResult<State>> =>
    handleCommand(store, streamName(category, idOf(command)), decider, command, ctx, expectedRevision, areasOf);
}

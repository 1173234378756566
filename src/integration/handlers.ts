import { ingestMessage } from '../ingest/consumer.ts';
import type { IngestDeps } from '../ingest/mapping.ts';
import { parseCommand } from '../shared/command.ts';
import { commandHandlerFor, nameBasedUuid, type CommandContext } from '../shared/commandHandler.ts';
import type { HandlerDeps } from '../shared/directory.ts';
import { NotFoundError, ValidationError } from '../shared/errors.ts';
import { GrantIntegrationToken, RedriveDeadLetter, RedriveDeadLettersOfReason, RevokeIntegrationToken } from './commands.ts';
import { deadLetterDecider, integrationTokenDecider } from './decider.ts';
import { type DeadLetterLedger, type StoredDeadLetter, waiting } from './deadLetters.ts';
import type { RedriveOutcome } from './events.ts';

const inToken = commandHandlerFor(
  'integration',
  integrationTokenDecider,
  (command) => command.data.tokenId,
  () => 'organisation',
);
const inDeadLetter = commandHandlerFor(
  'integration',
  deadLetterDecider,
  (command) => command.context.redriven.deadLetterId,
  () => 'organisation',
);

export async function grantIntegrationToken(deps: Pick<HandlerDeps, 'store'>, command: GrantIntegrationToken, ctx: CommandContext) {
  return inToken(deps.store, parseCommand(GrantIntegrationToken, command.data), ctx);
}

export async function revokeIntegrationToken(deps: Pick<HandlerDeps, 'store'>, command: RevokeIntegrationToken, ctx: CommandContext) {
  return inToken(deps.store, parseCommand(RevokeIntegrationToken, command.data), ctx);
}

export interface RedriveDeps extends IngestDeps {
  deadLetters: DeadLetterLedger;
}

/** What one re-drive did; `through already` when an earlier re-drive went through and nothing was tried. */
export interface RedriveResult {
  seq: number;
  outcome: RedriveOutcome | 'through already';
  reason?: string;
  position: bigint;
}

/** Where a message was consumed names it on every store: the id of its re-drive stream. */
export const deadLetterIdOf = (letter: Pick<StoredDeadLetter, 'consumerGroup' | 'topic' | 'partition' | 'offset'>): string =>
  nameBasedUuid(`dead-letter:${JSON.stringify([letter.consumerGroup, letter.topic, letter.partition, letter.offset])}`);

/**
 * The message through the consumer's own ingest path again, then the re-drive recorded in the
 * dead letter's stream (as the person who asked) and marked in the ledger. The CloudEvent's
 * source and id keep the ingested event single; the decider keeps the record single once the
 * message went through, and a form's key keeps a retried click single either way.
 */
async function redrive(deps: RedriveDeps, letter: StoredDeadLetter, ctx: CommandContext): Promise<RedriveResult> {
  const { seq } = letter;
  if (!waiting(letter)) return { seq, outcome: 'through already', position: 0n };
  const result = await ingestMessage(deps, letter, letter.topic, ctx.now);
  const reason = result.status === 'rejected' ? result.reason.slice(0, 2000) : undefined;
  const redriven = {
    deadLetterId: deadLetterIdOf(letter),
    consumerGroup: letter.consumerGroup,
    topic: letter.topic,
    partition: letter.partition,
    offset: letter.offset,
    outcome: result.status,
    ...(reason !== undefined && { reason }),
  };
  // One form may re-drive many letters: each record gets a key of its own, derived from the form's.
  const key = ctx.idempotencyKey && nameBasedUuid(`${ctx.idempotencyKey}/dead-letter/${seq}`);
  const { position, state } = await inDeadLetter(
    deps.store,
    { type: 'RedriveDeadLetter', data: { seq }, context: { redriven } },
    { ...ctx, ...(key !== undefined && { idempotencyKey: key }) },
  );
  // The record that stands: this one, or, when a concurrent click recorded first, that one.
  const recorded = state.last ?? redriven;
  deps.deadLetters.markRedriven(seq, { at: ctx.now.toISOString(), outcome: recorded.outcome, reason: recorded.reason ?? null });
  return { seq, outcome: recorded.outcome, ...(recorded.reason !== undefined && { reason: recorded.reason }), position };
}

export async function redriveDeadLetter(deps: RedriveDeps, command: RedriveDeadLetter, ctx: CommandContext): Promise<RedriveResult> {
  const { seq } = parseCommand(RedriveDeadLetter, command.data).data;
  const letter = deps.deadLetters.byId(seq);
  if (letter === undefined) throw new NotFoundError(`There is no dead letter number ${seq}.`);
  return redrive(deps, letter, ctx);
}

/** Every waiting letter of one reason, oldest first; each answered on its own. */
export async function redriveDeadLettersOfReason(
  deps: RedriveDeps,
  command: RedriveDeadLettersOfReason,
  ctx: CommandContext,
): Promise<{ results: RedriveResult[]; position: bigint }> {
  const { reason } = parseCommand(RedriveDeadLettersOfReason, command.data).data;
  const letters = deps.deadLetters.waitingOfReason(reason);
  if (letters.length === 0) throw ValidationError.field('reason', 'No dead letter of this reason is waiting to be re-driven');
  const results: RedriveResult[] = [];
  let position = 0n;
  for (const letter of letters) {
    const result = await redrive(deps, letter, ctx);
    results.push(result);
    if (result.position > position) position = result.position;
  }
  return { results, position };
}

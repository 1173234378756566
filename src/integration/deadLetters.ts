import type { DeadLetter } from '../ingest/consumer.ts';
import type { RedriveOutcome } from './events.ts';

/** The last re-drive of a dead letter: when, what ingestion answered, and why when it still refused. */
export interface Redrive {
  at: string;
  outcome: RedriveOutcome;
  reason: string | null;
}

/** A dead letter as the ledger keeps it: its number in the list, when it was refused, and its last re-drive. */
export interface StoredDeadLetter extends DeadLetter {
  seq: number;
  consumerGroup: string;
  recordedAt: string;
  redrive: Redrive | null;
}

/** A dead letter still waiting: never re-driven, or re-driven and refused again. */
export const waiting = (letter: Pick<StoredDeadLetter, 'redrive'>): boolean =>
  letter.redrive === null || letter.redrive.outcome === 'rejected';

export interface DeadLetterFilter {
  /** Only the letters refused for exactly this reason. */
  reason?: string | undefined;
  /** Keyset paging: only letters older than this number. */
  before?: number | undefined;
  limit: number;
}

export interface DeadLetterReason {
  reason: string;
  count: number;
  waiting: number;
}

/** The dead-letter list of one consumer group, newest first, and what the re-drive marks on it. */
export interface DeadLetterLedger {
  readonly group: string;
  /** A page of letters and, when older ones remain, the `before` of the next page. */
  page(filter: DeadLetterFilter): { letters: StoredDeadLetter[]; next: number | null };
  /** Every reason with how many letters it refused and how many still wait, most letters first. */
  reasons(): DeadLetterReason[];
  byId(seq: number): StoredDeadLetter | undefined;
  /** The letters of one reason still waiting, oldest first. */
  waitingOfReason(reason: string): StoredDeadLetter[];
  markRedriven(seq: number, redrive: Redrive): void;
}

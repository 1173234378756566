import type { AreaSummary } from '../area/decider.ts';
import type { CycleSpan } from '../cycle/decider.ts';
import type { EventStore } from './eventStore.ts';

type Awaitable<T> = T | Promise<T>;

/**
 * Questions that span many streams, answered from the organisation read model. Read models lag
 * the store slightly, so uniqueness checked here is best effort under concurrent registrations.
 */
export interface Directory {
  /** Areas directly under a parent; `null` asks for the top level. */
  areasUnder(parentAreaId: string | null): Awaitable<readonly AreaSummary[]>;
  /** Ids of every area below this one, at any depth. */
  descendantsOf(areaId: string): Awaitable<readonly string[]>;
  teamKeys(): Awaitable<readonly string[]>;
  areaCodes(): Awaitable<readonly string[]>;
  coachEmails(): Awaitable<readonly string[]>;
  /** Every account's sign-in e-mail: e-mails stay unique. */
  accountEmails(): Awaitable<readonly string[]>;
  /** Ids of the active admin accounts: the last one stays. */
  activeAdmins(): Awaitable<readonly string[]>;
  /** The account a coach is linked to, if any: a coach signs in as one account. */
  accountOfCoach(coachId: string): Awaitable<string | null>;
  /** Every cycle ever opened, closed or not: names stay unique and dates never overlap. */
  cycles(): Awaitable<readonly CycleSpan[]>;
}

/** What every slice's command handlers (`src/<slice>/handlers.ts`) need. */
export interface HandlerDeps {
  store: EventStore;
  directory: Directory;
}

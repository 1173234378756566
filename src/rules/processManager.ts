import { setImmediate as yieldToEventLoop } from 'node:timers/promises';
import { nameBasedUuid, type CommandContext } from '../shared/commandHandler.ts';
import type { HandlerDeps } from '../shared/directory.ts';
import { ValidationError } from '../shared/errors.ts';
import type { EventStore } from '../shared/eventStore.ts';
import type { RecordedEvent } from '../shared/event.ts';
import type { UptakeEvent } from '../events.ts';
import { proposeResolution, raiseResistanceSignal } from '../resistance/handlers.ts';
import { type Clearing, type Inference, initialRulesState, onDay, onEvent, type RuleOutput, type RulesState } from './rules.ts';
import { wakeablePause } from '../shared/pause.ts';
import type { RuleSettings } from './settings.ts';

/**
 * The longest the rules fold without letting requests in: a page of a catch-up can hold events
 * that each score a whole area, so a page is cut into slices of about this long.
 */
const SLICE_MS = 20;

/** How often at most the rules' state is written while events keep coming. */
const SAVE_EVERY_MS = 30_000;

/** How far the rules read, with their folded state, saved together: a restart resumes where they left off. */
export interface RuleCheckpoint {
  load(): { position: bigint; state: RulesState } | null;
  save(position: bigint, state: RulesState): void;
}

export interface RulesLog {
  warn(details: object, message: string): void;
}

export interface RulesDeps {
  store: Pick<EventStore, 'readAll'>;
  handlers: HandlerDeps;
  checkpoint: RuleCheckpoint;
  settings: RuleSettings;
  /** The business date the daily tick evaluates time-based rules on. */
  today: () => string;
  now: () => Date;
  log: RulesLog;
  /** True while a unit of work is open on the store's connection: what it appended may still be rolled back. */
  uncommitted?: () => boolean;
  pageSize?: number;
  pollMs?: number;
}

export interface RulesHealth {
  state: 'starting' | 'following' | 'retrying';
  position: string;
  error?: string;
  /** The business day the daily tick last evaluated, and when (wall time) it ran. */
  lastTick?: { day: string; at: string };
}

export interface RuleProcess {
  nudge(): void;
  /** Reads and acts until the head of the store, then returns (and keeps following unless stopped). */
  caughtUp(): Promise<void>;
  health(): RulesHealth;
  stop(): Promise<void>;
}

/**
 * A command a rule sends is keyed by what inferred it, so a redelivered event, a restart before
 * the checkpoint was saved or a replay from the start records nothing twice.
 */
function contextOf(rule: string, key: string, on: string, causes: readonly string[], now: Date): CommandContext {
  return {
    actor: { kind: 'rule', id: rule },
    source: 'rule',
    occurredAt: `${on}T00:00:00.000Z`,
    now,
    correlationId: key,
    causationId: causes.at(-1) ?? null,
    idempotencyKey: nameBasedUuid(key),
  };
}

async function act(deps: RulesDeps, out: RuleOutput): Promise<void> {
  for (const inference of out.raised) await raiseOne(deps, inference);
  for (const clearing of out.cleared) await proposeOne(deps, clearing);
}

async function raiseOne(deps: RulesDeps, inference: Inference): Promise<void> {
  const { rule, causes, ...data } = inference;
  const command = { type: 'RaiseResistanceSignal' as const, data: { ...data, source: 'rule' as const, rule, causes } };
  await refusedIsLogged(deps, inference.signalId, () =>
    raiseResistanceSignal(deps.handlers, command, contextOf(rule, `${inference.signalId}/raised`, inference.raisedOn, causes, deps.now())),
  );
}

async function proposeOne(deps: RulesDeps, clearing: Clearing): Promise<void> {
  const command = { type: 'ProposeResolution' as const, data: clearing };
  const key = `${clearing.signalId}/proposed`;
  await refusedIsLogged(deps, clearing.signalId, () =>
    proposeResolution(deps.handlers, command, contextOf(clearing.rule, key, clearing.proposedOn, clearing.causes, deps.now())),
  );
}

/** A command the domain refuses is logged and passed over, like an event a projection skips: it never stops the rules. */
async function refusedIsLogged(deps: RulesDeps, signalId: string, send: () => Promise<unknown>): Promise<void> {
  try {
    await send();
  } catch (error) {
    if (!(error instanceof ValidationError)) throw error;
    deps.log.warn({ signalId, err: error }, `a rule's command was refused: ${error.message}`);
  }
}

/**
 * Feeds the store's events, in global order from the checkpoint, to the rules, sends what they
 * infer, then saves the position with the folded state. When it reaches the head it runs the
 * daily tick on `today()`. A failure (the store busy, say) retries from the checkpoint.
 */
export function startRules(deps: RulesDeps): RuleProcess {
  const pageSize = deps.pageSize ?? 500;
  const pollMs = deps.pollMs ?? 1_000;
  const saved = deps.checkpoint.load();
  let position = saved?.position ?? 0n;
  let state = saved?.state ?? initialRulesState();
  let health: RulesHealth = { state: 'starting', position: position.toString() };
  let stopped = false;
  const { pause, wake } = wakeablePause();
  let waiting: (() => void)[] = [];

  /** The day and position the tick last ran at: it runs again only when either moved. */
  let ticked = '';
  let lastTick: RulesHealth['lastTick'];
  let savedAt = 0;
  let unsaved = false;
  /**
   * The state grows with the organisation (megabytes at a million events), so it is written at
   * most every SAVE_EVERY_MS, and on stop: a restart from an older checkpoint sends again only
   * commands that their keys make no-ops.
   */
  const save = (force: boolean) => {
    if (!unsaved || (!force && Date.now() - savedAt < SAVE_EVERY_MS)) return;
    deps.checkpoint.save(position, state);
    savedAt = Date.now();
    unsaved = false;
  };
  const step = async (): Promise<boolean> => {
    const page = await deps.store.readAll({ after: position, maxCount: pageSize });
    if (page.length > 0) {
      let slice = performance.now();
      for (const event of page) {
        await act(deps, onEvent(state, event as RecordedEvent<UptakeEvent>, deps.settings));
        if (performance.now() - slice < SLICE_MS) continue;
        await yieldToEventLoop();
        // A request may have opened a unit of work meanwhile: what the rules send must not join it.
        while (deps.uncommitted?.()) await pause(10);
        slice = performance.now();
      }
      position = page.at(-1)!.position;
      unsaved = true;
      save(false);
      return false;
    }
    const today = deps.today();
    if (ticked !== `${today}@${position}`) {
      const out = onDay(state, today, deps.settings);
      await act(deps, out);
      if (out.raised.length + out.cleared.length > 0) unsaved = true;
      save(false);
      ticked = `${today}@${position}`;
      lastTick = { day: today, at: deps.now().toISOString() };
    }
    return true;
  };

  const loop = async () => {
    let failures = 0;
    while (!stopped) {
      if (deps.uncommitted?.()) {
        await pause(10);
        continue;
      }
      // Only those waiting before this step read the store know it reached what they appended.
      const waitingBefore = waiting;
      waiting = [];
      try {
        const atHead = await step();
        failures = 0;
        health = { state: 'following', position: position.toString() };
        if (atHead) {
          for (const resolve of waitingBefore) resolve();
          await pause(pollMs);
        } else {
          waiting.push(...waitingBefore);
          // A store's read can answer without I/O: let requests in between pages of a long catch-up.
          await yieldToEventLoop();
        }
      } catch (error) {
        waiting.push(...waitingBefore);
        failures++;
        const reloaded = deps.checkpoint.load();
        position = reloaded?.position ?? 0n;
        state = reloaded?.state ?? initialRulesState();
        const message = (error as Error).message;
        health = { state: 'retrying', position: position.toString(), error: message };
        deps.log.warn({ err: error, position: position.toString() }, `rules failed (${message}); retrying from the checkpoint`);
        await pause(Math.min(1_000 * 2 ** (failures - 1), 30_000));
      }
    }
  };
  const done = loop();

  return {
    nudge: () => wake(),
    caughtUp: () =>
      new Promise<void>((resolve) => {
        waiting.push(resolve);
        wake();
      }),
    health: () => (lastTick === undefined ? health : { ...health, lastTick }),
    stop: async () => {
      stopped = true;
      wake();
      await done;
      save(true);
      for (const resolve of waiting) resolve();
    },
  };
}

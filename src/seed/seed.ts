/**
 * `uptake seed`: tells the demo organisation's story (story.ts) and records every step through
 * the same command handlers a user's form goes through, so the store holds nothing a user
 * could not have recorded.
 *
 * Resuming: every event id is a function of the story's options and the step's place in it, and
 * steps are recorded strictly one after another, so an interrupted seed has stored exactly a
 * prefix of the story. A re-run with the same options checks each step's stream for that step's
 * event id; stored steps are skipped (their registrations still feed the directory) until the
 * first missing one, and from there on everything is recorded. The result is the same stream as
 * an uninterrupted run (only `recordedAt` tells the two sessions apart, if `now` differs). A
 * store whose events do not start this very story (other data, or another seed, day or scale)
 * is refused rather than mixed with it.
 */
import { daysBetween } from '../adoption/calendar.ts';
import { assignCoachToArea, registerArea, renameArea } from '../area/handlers.ts';
import { registerCoach } from '../coach/handlers.ts';
import { closeCycle, openCycle } from '../cycle/handlers.ts';
import {
  acknowledgeResistanceSignal,
  completeIntervention,
  escalateResistanceSignal,
  planIntervention,
  raiseResistanceSignal,
  resolveResistanceSignal,
} from '../resistance/handlers.ts';
import type { HandlerDeps } from '../shared/directory.ts';
import {
  assessAdkarStage,
  assessAttitude,
  identifyStakeholder,
  logEngagement,
  mapStakeholder,
  setDesiredAttitude,
} from '../stakeholder/handlers.ts';
import { defineKeyResult, linkObjective, setObjective, setTheme, unlinkObjective } from '../objective/handlers.ts';
import { completeTraining, recordAdoption, registerTeam, resizeTeam } from '../team/handlers.ts';
import type { CommandContext } from '../shared/commandHandler.ts';
import { ValidationError } from '../shared/errors.ts';
import { CalendarDate, type NewEvent } from '../shared/event.ts';
import type { EventStore } from '../shared/eventStore.ts';
import { streamName, type Category } from '../shared/streams.ts';
import { ruleBroken } from '../shared/validation.ts';
import { KnownOrganisation } from './knownOrganisation.ts';
import { uuidFor } from './random.ts';
import { type SeedCommand, type Step, tellStory } from './story.ts';

export const defaultSeed = 42;

/** Steps recorded per unit of work: one SQLite commit (and sync to disk) per this many events. */
const STEPS_PER_UNIT = 5000;
const PROGRESS_EVERY = 500;
/** Salts that keep the run's correlation id apart from event ids. */
const CORRELATION = 0;
const EVENT = 1;

export interface SeedDeps {
  store: EventStore;
  /**
   * Runs part of the seed as one unit of work, e.g. a SQLite transaction around many appends
   * (an append on its own commits and syncs to disk). Without it each append commits by itself.
   */
  unitOfWork?: <T>(work: () => Promise<T>) => Promise<T>;
}

export interface SeedOptions {
  /** Which organisation: the same seed, today and scale always give the same events. */
  seed?: number;
  /** Business date the story ends on: its quarter is the open cycle, the quarter before is closed. */
  today: string;
  /** Wall-clock time of recording (every event's `recordedAt`). */
  now: Date;
  /** Multiplies teams, coaches, stakeholders and so events: 1 gives 21,000 to 31,000 events, more the later `today` falls in its quarter. */
  scale?: number;
  /**
   * Called every few hundred steps and at the end with steps done (recorded or found stored), the
   * total, and the events this run has appended so far.
   */
  onProgress?(done: number, total: number, recorded: number): void;
  /** Stops between steps; what was recorded stays, and a re-run resumes from there. */
  signal?: AbortSignal;
}

export interface SeedResult {
  areas: number;
  coaches: number;
  teams: number;
  stakeholders: number;
  cycles: number;
  signals: number;
  /** Steps (commands) the whole story holds; each records one event or more. */
  steps: number;
  /** Events appended by this run. */
  recorded: number;
  /** Steps found already stored by an earlier, interrupted run. */
  alreadyStored: number;
  /** True when the signal stopped the run before the end: running it again resumes. */
  interrupted: boolean;
}

type Handler<C extends SeedCommand> = (deps: HandlerDeps, command: C, ctx: CommandContext) => Promise<{ events: NewEvent[] }>;

const handlers: { [T in SeedCommand['type']]: Handler<Extract<SeedCommand, { type: T }>> } = {
  RegisterCoach: registerCoach,
  RegisterArea: registerArea,
  RenameArea: renameArea,
  AssignCoachToArea: assignCoachToArea,
  OpenCycle: openCycle,
  CloseCycle: closeCycle,
  RegisterTeam: registerTeam,
  ResizeTeam: resizeTeam,
  CompleteTraining: completeTraining,
  DraftOkrs: recordAdoption,
  PublishOkrs: recordAdoption,
  AlignOkrs: recordAdoption,
  HoldCheckIn: recordAdoption,
  MissCheckIn: recordAdoption,
  ReportKeyResultProgress: recordAdoption,
  HoldCycleReview: recordAdoption,
  HoldRetrospective: recordAdoption,
  IdentifyStakeholder: identifyStakeholder,
  MapStakeholder: mapStakeholder,
  AssessAttitude: assessAttitude,
  AssessAdkarStage: assessAdkarStage,
  SetDesiredAttitude: setDesiredAttitude,
  LogEngagement: logEngagement,
  RaiseResistanceSignal: raiseResistanceSignal,
  AcknowledgeResistanceSignal: acknowledgeResistanceSignal,
  PlanIntervention: planIntervention,
  CompleteIntervention: completeIntervention,
  ResolveResistanceSignal: resolveResistanceSignal,
  EscalateResistanceSignal: escalateResistanceSignal,
  SetTheme: setTheme,
  SetObjective: setObjective,
  DefineKeyResult: defineKeyResult,
  LinkObjective: linkObjective,
  UnlinkObjective: unlinkObjective,
};

const dispatch = (deps: HandlerDeps, command: SeedCommand, ctx: CommandContext) =>
  (handlers[command.type] as Handler<SeedCommand>)(deps, command, ctx);

/**
 * The stream a command writes to, named by its most specific id: a signal's commands also name
 * a team and an area, a team's commands a cycle, an engagement a coach.
 */
function streamOf({ data }: SeedCommand): string {
  const owners: readonly [Category, string | undefined][] = [
    ['theme', 'themeId' in data ? data.themeId : undefined],
    ['objective', 'objectiveId' in data ? data.objectiveId : undefined],
    ['signal', 'signalId' in data ? data.signalId : undefined],
    ['stakeholder', 'stakeholderId' in data ? data.stakeholderId : undefined],
    ['team', 'teamId' in data ? data.teamId : undefined],
    ['area', 'areaId' in data ? data.areaId : undefined],
    ['cycle', 'cycleId' in data ? data.cycleId : undefined],
    ['coach', 'coachId' in data ? data.coachId : undefined],
  ];
  const [category, id] = owners.find(([, id]) => id !== undefined) ?? [];
  if (category === undefined || id === undefined) throw new Error(`no stream for ${JSON.stringify(data)}`);
  return streamName(category, id);
}

function validate(today: string, scale: number): void {
  if (!CalendarDate.safeParse(today).success) throw ValidationError.field('today', 'must be a calendar date (YYYY-MM-DD)');
  if (!(scale > 0 && scale <= 100)) throw ValidationError.field('scale', 'must be a number above 0 and at most 100');
}

export async function seed(deps: SeedDeps, options: SeedOptions): Promise<SeedResult> {
  const { seed: seedNumber = defaultSeed, today, now, scale = 1, onProgress, signal } = options;
  validate(today, scale);
  const { steps, ...organisation } = tellStory({ seed: seedNumber, today, scale });
  // Everything that shapes the story shapes its ids: a different story never mistakes this one's events for its own.
  const storyKey = [seedNumber, daysBetween('1970-01-01', today), Math.round(scale * 1000)];
  const correlationId = uuidFor(...storyKey, CORRELATION);
  const eventIdOf = (step: number, index: number) => uuidFor(...storyKey, EVENT, step, index);

  const { store } = deps;
  const directory = new KnownOrganisation();
  const handlerDeps: HandlerDeps = { store, directory };
  const unitOfWork = deps.unitOfWork ?? ((work) => work());
  let recorded = 0;
  let alreadyStored = 0;

  const isStored = async (step: Step, index: number) => (await store.findEvent(streamOf(step.command), eventIdOf(index, 0))) !== undefined;

  let resuming = (await store.headPosition()) > 0n;
  if (resuming && !(await isStored(steps[0]!, 0))) {
    throw ruleBroken(
      'seed',
      `the store already holds events that do not start this seed (seed ${seedNumber}, today ${today}, scale ${scale}): ` +
        'seed an empty store, or resume with the options the interrupted seed ran with',
    );
  }

  const record = async (step: Step, index: number) => {
    let eventIndex = 0;
    const ctx: CommandContext = {
      actor: step.actor,
      source: 'seed',
      occurredAt: step.occurredAt,
      now,
      correlationId,
      causationId: null,
      newEventId: () => eventIdOf(index, eventIndex++),
    };
    const { events } = await dispatch(handlerDeps, step.command, ctx);
    // A step that records nothing would break resuming (its id would never be found stored).
    if (events.length === 0) throw new Error(`seed step ${index} (${step.command.type}) recorded nothing: the story repeats a fact`);
    recorded += events.length;
  };

  let done = 0;
  while (done < steps.length && !signal?.aborted) {
    await unitOfWork(async () => {
      const end = Math.min(done + STEPS_PER_UNIT, steps.length);
      for (; done < end && !signal?.aborted; done++) {
        const step = steps[done]!;
        if (resuming && (await isStored(step, done))) alreadyStored += 1;
        else {
          resuming = false;
          await record(step, done);
        }
        directory.learn(step.command);
        if ((done + 1) % PROGRESS_EVERY === 0) onProgress?.(done + 1, steps.length, recorded);
      }
    });
  }
  onProgress?.(done, steps.length, recorded);
  return { ...organisation, steps: steps.length, recorded, alreadyStored, interrupted: done < steps.length };
}

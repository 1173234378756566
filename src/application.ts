/**
 * The application layer: one function per command. Each validates the command, reads what the
 * decision needs from other streams (the area a team joins, the cycle a check-in belongs to) or
 * from the directory, and hands the completed command to the stream's decider through
 * `handleCommand`. Routes, the seed, the CLI and ingest call these; none of them touch a decider.
 */
import { areaCommands, type AssignCoachToArea, type MoveArea, type RegisterArea, type RenameArea, type UnassignCoachFromArea } from './area/commands.ts';
import { areaDecider, type AreaCommand, type AreaSummary } from './area/decider.ts';
import { coachCommands, type RegisterCoach } from './coach/commands.ts';
import { coachDecider } from './coach/decider.ts';
import { cycleCommands, type CloseCycle, type OpenCycle } from './cycle/commands.ts';
import { cycleDecider, type CycleCommand } from './cycle/decider.ts';
import {
  resistanceCommands,
  type AcknowledgeResistanceSignal,
  type CompleteIntervention,
  type EscalateResistanceSignal,
  type PlanIntervention,
  type RaiseResistanceSignal,
  type ResolveResistanceSignal,
} from './resistance/commands.ts';
import { resistanceDecider, type ResistanceCommand } from './resistance/decider.ts';
import { parseCommand, type CommandDefinition } from './shared/command.ts';
import { handleCommand, type CommandContext } from './shared/commandHandler.ts';
import type { Decider } from './shared/decider.ts';
import type { DomainEvent } from './shared/event.ts';
import type { EventStore } from './shared/eventStore.ts';
import { streamName, type Category } from './shared/streams.ts';
import {
  stakeholderCommands,
  type AssessAdkarStage,
  type AssessAttitude,
  type IdentifyStakeholder,
  type LogEngagement,
  type MapStakeholder,
} from './stakeholder/commands.ts';
import { stakeholderDecider, type StakeholderCommand } from './stakeholder/decider.ts';
import {
  teamCommands,
  type AlignOkrs,
  type CompleteTraining,
  type CycleAdoptionCommand,
  type DraftOkrs,
  type HoldCheckIn,
  type HoldCycleReview,
  type HoldRetrospective,
  type MissCheckIn,
  type MoveTeam,
  type PublishOkrs,
  type RegisterTeam,
  type ReportKeyResultProgress,
  type ResizeTeam,
} from './team/commands.ts';
import { teamDecider, type TeamCommand } from './team/decider.ts';

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
}

export interface Deps {
  store: EventStore;
  directory: Directory;
}

const definitions: ReadonlyMap<string, CommandDefinition> = new Map(
  [...areaCommands, ...coachCommands, ...cycleCommands, ...teamCommands, ...stakeholderCommands, ...resistanceCommands].map((d) => [d.type, d]),
);

/** Validates (and normalises: trims, drops unknown fields) a command whichever caller built it. */
function validated<C extends { type: string; data: unknown }>(command: C): C {
  const definition = definitions.get(command.type);
  if (!definition) throw new Error(`no definition for command ${command.type}`);
  return parseCommand(definition, command.data) as C;
}

async function stateOf<State, Event extends DomainEvent>(store: EventStore, category: Category, id: string, decider: Decider<State, never, Event>): Promise<State> {
  const history = await store.readStream<Event>(streamName(category, id));
  return history.reduce(decider.evolve, decider.initialState());
}

const areaOf = (deps: Deps, areaId: string) => stateOf(deps.store, 'area', areaId, areaDecider);
const coachOf = (deps: Deps, coachId: string) => stateOf(deps.store, 'coach', coachId, coachDecider);
const cycleOf = (deps: Deps, cycleId: string) => stateOf(deps.store, 'cycle', cycleId, cycleDecider);
const teamOf = (deps: Deps, teamId: string) => stateOf(deps.store, 'team', teamId, teamDecider);
const stakeholderOf = (deps: Deps, stakeholderId: string) => stateOf(deps.store, 'stakeholder', stakeholderId, stakeholderDecider);

// One writer per stream category: the decided command goes to the stream named by its id.
const inArea = (deps: Deps, command: AreaCommand, ctx: CommandContext, rev?: number) =>
  handleCommand(deps.store, streamName('area', command.data.areaId), areaDecider, command, ctx, rev);
const inCycle = (deps: Deps, command: CycleCommand, ctx: CommandContext, rev?: number) =>
  handleCommand(deps.store, streamName('cycle', command.data.cycleId), cycleDecider, command, ctx, rev);
const inTeam = (deps: Deps, command: TeamCommand, ctx: CommandContext, rev?: number) =>
  handleCommand(deps.store, streamName('team', command.data.teamId), teamDecider, command, ctx, rev);
const inStakeholder = (deps: Deps, command: StakeholderCommand, ctx: CommandContext, rev?: number) =>
  handleCommand(deps.store, streamName('stakeholder', command.data.stakeholderId), stakeholderDecider, command, ctx, rev);
const inSignal = (deps: Deps, command: ResistanceCommand, ctx: CommandContext, rev?: number) =>
  handleCommand(deps.store, streamName('signal', command.data.signalId), resistanceDecider, command, ctx, rev);

// Every command function takes the deps, the command, who/where/when (`ctx`) and, from a form, the
// stream revision the user saw: a stale one is a ConcurrencyConflictError, not an overwrite.

// Areas

export async function registerArea(deps: Deps, command: RegisterArea, ctx: CommandContext, expectedRevision?: number) {
  const { type, data } = validated(command);
  const [parent, siblings] = await Promise.all([
    data.parentAreaId === null ? null : areaOf(deps, data.parentAreaId),
    deps.directory.areasUnder(data.parentAreaId),
  ]);
  return inArea(deps, { type, data, context: { parent, siblings } }, ctx, expectedRevision);
}

export async function renameArea(deps: Deps, command: RenameArea, ctx: CommandContext, expectedRevision?: number) {
  const { type, data } = validated(command);
  const area = await areaOf(deps, data.areaId);
  const siblings = area.status === 'Registered' ? await deps.directory.areasUnder(area.parentAreaId) : [];
  return inArea(deps, { type, data, context: { siblings } }, ctx, expectedRevision);
}

export async function moveArea(deps: Deps, command: MoveArea, ctx: CommandContext, expectedRevision?: number) {
  const { type, data } = validated(command);
  const [parent, siblings, descendantIds] = await Promise.all([
    data.parentAreaId === null ? null : areaOf(deps, data.parentAreaId),
    deps.directory.areasUnder(data.parentAreaId),
    deps.directory.descendantsOf(data.areaId),
  ]);
  return inArea(deps, { type, data, context: { parent, siblings, descendantIds } }, ctx, expectedRevision);
}

export async function assignCoachToArea(deps: Deps, command: AssignCoachToArea, ctx: CommandContext, expectedRevision?: number) {
  const { type, data } = validated(command);
  return inArea(deps, { type, data, context: { coach: await coachOf(deps, data.coachId) } }, ctx, expectedRevision);
}

export async function unassignCoachFromArea(deps: Deps, command: UnassignCoachFromArea, ctx: CommandContext, expectedRevision?: number) {
  return inArea(deps, validated(command), ctx, expectedRevision);
}

// Coaches

export async function registerCoach(deps: Deps, command: RegisterCoach, ctx: CommandContext, expectedRevision?: number) {
  const { type, data } = validated(command);
  return handleCommand(deps.store, streamName('coach', data.coachId), coachDecider, { type, data }, ctx, expectedRevision);
}

// Cycles

export async function openCycle(deps: Deps, command: OpenCycle, ctx: CommandContext, expectedRevision?: number) {
  return inCycle(deps, validated(command), ctx, expectedRevision);
}

export async function closeCycle(deps: Deps, command: CloseCycle, ctx: CommandContext, expectedRevision?: number) {
  return inCycle(deps, validated(command), ctx, expectedRevision);
}

// Teams

export async function registerTeam(deps: Deps, command: RegisterTeam, ctx: CommandContext, expectedRevision?: number) {
  const { type, data } = validated(command);
  const [area, teamKeys] = await Promise.all([areaOf(deps, data.areaId), deps.directory.teamKeys()]);
  return inTeam(deps, { type, data, context: { area, teamKeys } }, ctx, expectedRevision);
}

export async function moveTeam(deps: Deps, command: MoveTeam, ctx: CommandContext, expectedRevision?: number) {
  const { type, data } = validated(command);
  return inTeam(deps, { type, data, context: { area: await areaOf(deps, data.areaId) } }, ctx, expectedRevision);
}

export async function resizeTeam(deps: Deps, command: ResizeTeam, ctx: CommandContext, expectedRevision?: number) {
  return inTeam(deps, validated(command), ctx, expectedRevision);
}

export async function completeTraining(deps: Deps, command: CompleteTraining, ctx: CommandContext, expectedRevision?: number) {
  const { type, data } = validated(command);
  const cycle = data.cycleId === undefined ? null : await cycleOf(deps, data.cycleId);
  return inTeam(deps, { type, data, context: { cycle } }, ctx, expectedRevision);
}

/** Every adoption command that belongs to a cycle needs that cycle's state to be decided. */
async function recordAdoption(deps: Deps, command: CycleAdoptionCommand, ctx: CommandContext, expectedRevision?: number) {
  const valid = validated(command);
  const cycle = await cycleOf(deps, valid.data.cycleId);
  return inTeam(deps, { ...valid, context: { cycle } }, ctx, expectedRevision);
}

export async function draftOkrs(deps: Deps, command: DraftOkrs, ctx: CommandContext, expectedRevision?: number) {
  return recordAdoption(deps, command, ctx, expectedRevision);
}

export async function publishOkrs(deps: Deps, command: PublishOkrs, ctx: CommandContext, expectedRevision?: number) {
  return recordAdoption(deps, command, ctx, expectedRevision);
}

export async function alignOkrs(deps: Deps, command: AlignOkrs, ctx: CommandContext, expectedRevision?: number) {
  return recordAdoption(deps, command, ctx, expectedRevision);
}

export async function holdCheckIn(deps: Deps, command: HoldCheckIn, ctx: CommandContext, expectedRevision?: number) {
  return recordAdoption(deps, command, ctx, expectedRevision);
}

export async function missCheckIn(deps: Deps, command: MissCheckIn, ctx: CommandContext, expectedRevision?: number) {
  return recordAdoption(deps, command, ctx, expectedRevision);
}

export async function reportKeyResultProgress(deps: Deps, command: ReportKeyResultProgress, ctx: CommandContext, expectedRevision?: number) {
  return recordAdoption(deps, command, ctx, expectedRevision);
}

export async function holdCycleReview(deps: Deps, command: HoldCycleReview, ctx: CommandContext, expectedRevision?: number) {
  return recordAdoption(deps, command, ctx, expectedRevision);
}

export async function holdRetrospective(deps: Deps, command: HoldRetrospective, ctx: CommandContext, expectedRevision?: number) {
  return recordAdoption(deps, command, ctx, expectedRevision);
}

// Stakeholders

export async function identifyStakeholder(deps: Deps, command: IdentifyStakeholder, ctx: CommandContext, expectedRevision?: number) {
  const { type, data } = validated(command);
  return inStakeholder(deps, { type, data, context: { area: await areaOf(deps, data.areaId) } }, ctx, expectedRevision);
}

export async function mapStakeholder(deps: Deps, command: MapStakeholder, ctx: CommandContext, expectedRevision?: number) {
  return inStakeholder(deps, validated(command), ctx, expectedRevision);
}

export async function assessAttitude(deps: Deps, command: AssessAttitude, ctx: CommandContext, expectedRevision?: number) {
  return inStakeholder(deps, validated(command), ctx, expectedRevision);
}

export async function assessAdkarStage(deps: Deps, command: AssessAdkarStage, ctx: CommandContext, expectedRevision?: number) {
  return inStakeholder(deps, validated(command), ctx, expectedRevision);
}

export async function logEngagement(deps: Deps, command: LogEngagement, ctx: CommandContext, expectedRevision?: number) {
  const { type, data } = validated(command);
  return inStakeholder(deps, { type, data, context: { coach: await coachOf(deps, data.coachId) } }, ctx, expectedRevision);
}

// Resistance signals

export async function raiseResistanceSignal(deps: Deps, command: RaiseResistanceSignal, ctx: CommandContext, expectedRevision?: number) {
  const { type, data } = validated(command);
  const [area, team, stakeholder] = await Promise.all([
    areaOf(deps, data.areaId),
    data.teamId === undefined ? null : teamOf(deps, data.teamId),
    data.stakeholderId === undefined ? null : stakeholderOf(deps, data.stakeholderId),
  ]);
  return inSignal(deps, { type, data, context: { area, team, stakeholder } }, ctx, expectedRevision);
}

export async function acknowledgeResistanceSignal(deps: Deps, command: AcknowledgeResistanceSignal, ctx: CommandContext, expectedRevision?: number) {
  return inSignal(deps, validated(command), ctx, expectedRevision);
}

export async function planIntervention(deps: Deps, command: PlanIntervention, ctx: CommandContext, expectedRevision?: number) {
  return inSignal(deps, validated(command), ctx, expectedRevision);
}

export async function completeIntervention(deps: Deps, command: CompleteIntervention, ctx: CommandContext, expectedRevision?: number) {
  return inSignal(deps, validated(command), ctx, expectedRevision);
}

export async function resolveResistanceSignal(deps: Deps, command: ResolveResistanceSignal, ctx: CommandContext, expectedRevision?: number) {
  return inSignal(deps, validated(command), ctx, expectedRevision);
}

export async function escalateResistanceSignal(deps: Deps, command: EscalateResistanceSignal, ctx: CommandContext, expectedRevision?: number) {
  return inSignal(deps, validated(command), ctx, expectedRevision);
}

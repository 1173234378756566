import { areaOf } from '../area/handlers.ts';
import { coachOf } from '../coach/handlers.ts';
import { parseCommand } from '../shared/command.ts';
import { commandHandlerFor, todayOf, type CommandContext } from '../shared/commandHandler.ts';
import type { HandlerDeps } from '../shared/directory.ts';
import { stakeholderOf } from '../stakeholder/handlers.ts';
import { teamOf } from '../team/handlers.ts';
import {
  AcknowledgeResistanceSignal,
  CancelIntervention,
  CompleteIntervention,
  EscalateResistanceSignal,
  PlanIntervention,
  ProposeResolution,
  RaiseResistanceSignal,
  ResolveResistanceSignal,
} from './commands.ts';
import { resistanceDecider } from './decider.ts';

/** A signal's commands touch the area it was raised in. */
const inSignal = commandHandlerFor(
  'signal',
  resistanceDecider,
  (command) => command.data.signalId,
  (command, state) => [
    state.status === 'Empty' ? undefined : state.raised.areaId,
    'areaId' in command.data ? command.data.areaId : undefined,
  ],
);

export async function raiseResistanceSignal(
  deps: HandlerDeps,
  command: RaiseResistanceSignal,
  ctx: CommandContext,
  expectedRevision?: number,
) {
  const { type, data } = parseCommand(RaiseResistanceSignal, command.data);
  const [area, team, stakeholder] = await Promise.all([
    areaOf(deps.store, data.areaId),
    data.teamId === undefined ? null : teamOf(deps.store, data.teamId),
    data.stakeholderId === undefined ? null : stakeholderOf(deps.store, data.stakeholderId),
  ]);
  return inSignal(deps.store, { type, data, context: { area, team, stakeholder, today: todayOf(ctx) } }, ctx, expectedRevision);
}

export async function acknowledgeResistanceSignal(
  deps: HandlerDeps,
  command: AcknowledgeResistanceSignal,
  ctx: CommandContext,
  expectedRevision?: number,
) {
  return inSignal(
    deps.store,
    { ...parseCommand(AcknowledgeResistanceSignal, command.data), context: { today: todayOf(ctx) } },
    ctx,
    expectedRevision,
  );
}

export async function planIntervention(deps: HandlerDeps, command: PlanIntervention, ctx: CommandContext, expectedRevision?: number) {
  const { type, data } = parseCommand(PlanIntervention, command.data);
  return inSignal(deps.store, { type, data, context: { owner: await coachOf(deps.store, data.ownerId) } }, ctx, expectedRevision);
}

export async function completeIntervention(
  deps: HandlerDeps,
  command: CompleteIntervention,
  ctx: CommandContext,
  expectedRevision?: number,
) {
  return inSignal(
    deps.store,
    { ...parseCommand(CompleteIntervention, command.data), context: { today: todayOf(ctx) } },
    ctx,
    expectedRevision,
  );
}

export async function cancelIntervention(deps: HandlerDeps, command: CancelIntervention, ctx: CommandContext, expectedRevision?: number) {
  return inSignal(
    deps.store,
    { ...parseCommand(CancelIntervention, command.data), context: { today: todayOf(ctx) } },
    ctx,
    expectedRevision,
  );
}

export async function resolveResistanceSignal(
  deps: HandlerDeps,
  command: ResolveResistanceSignal,
  ctx: CommandContext,
  expectedRevision?: number,
) {
  return inSignal(
    deps.store,
    { ...parseCommand(ResolveResistanceSignal, command.data), context: { today: todayOf(ctx) } },
    ctx,
    expectedRevision,
  );
}

export async function escalateResistanceSignal(
  deps: HandlerDeps,
  command: EscalateResistanceSignal,
  ctx: CommandContext,
  expectedRevision?: number,
) {
  return inSignal(
    deps.store,
    { ...parseCommand(EscalateResistanceSignal, command.data), context: { today: todayOf(ctx) } },
    ctx,
    expectedRevision,
  );
}

export async function proposeResolution(deps: HandlerDeps, command: ProposeResolution, ctx: CommandContext) {
  return inSignal(deps.store, { ...parseCommand(ProposeResolution, command.data), context: { today: todayOf(ctx) } }, ctx);
}

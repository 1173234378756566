import { coachOf } from '../coach/handlers.ts';
import { parseCommand } from '../shared/command.ts';
import { commandHandlerFor, stateOf, type CommandContext } from '../shared/commandHandler.ts';
import type { HandlerDeps } from '../shared/directory.ts';
import type { EventStore } from '../shared/eventStore.ts';
import { AssignCoachToArea, MoveArea, RegisterArea, RenameArea, UnassignCoachFromArea } from './commands.ts';
import { areaDecider } from './decider.ts';

// Each handler validates its command, reads what the decision needs from other streams or the
// directory, and decides; `expectedRevision` is the revision a form saw (stale → conflict).

export const areaOf = (store: EventStore, areaId: string) => stateOf(store, 'area', areaId, areaDecider);

/**
 * An area's own commands touch the area and, for a register or a move, the parent it goes under;
 * the top level, and who coaches where, belong to the whole organisation.
 */
const inArea = commandHandlerFor(
  'area',
  areaDecider,
  (command) => command.data.areaId,
  (command, state) => {
    if (command.type === 'AssignCoachToArea' || command.type === 'UnassignCoachFromArea') return 'organisation';
    const parent = 'parentAreaId' in command.data ? command.data.parentAreaId : undefined;
    if (parent === null) return 'organisation';
    return [state.status === 'Registered' ? state.areaId : undefined, parent];
  },
);

export async function registerArea(deps: HandlerDeps, command: RegisterArea, ctx: CommandContext, expectedRevision?: number) {
  const { type, data } = parseCommand(RegisterArea, command.data);
  const [parent, siblings, areaCodes] = await Promise.all([
    data.parentAreaId === null ? null : areaOf(deps.store, data.parentAreaId),
    deps.directory.areasUnder(data.parentAreaId),
    deps.directory.areaCodes(),
  ]);
  return inArea(deps.store, { type, data, context: { parent, siblings, areaCodes } }, ctx, expectedRevision);
}

export async function renameArea(deps: HandlerDeps, command: RenameArea, ctx: CommandContext, expectedRevision?: number) {
  const { type, data } = parseCommand(RenameArea, command.data);
  const area = await areaOf(deps.store, data.areaId);
  const siblings = area.status === 'Registered' ? await deps.directory.areasUnder(area.parentAreaId) : [];
  return inArea(deps.store, { type, data, context: { siblings } }, ctx, expectedRevision);
}

export async function moveArea(deps: HandlerDeps, command: MoveArea, ctx: CommandContext, expectedRevision?: number) {
  const { type, data } = parseCommand(MoveArea, command.data);
  const [parent, siblings, descendantIds] = await Promise.all([
    data.parentAreaId === null ? null : areaOf(deps.store, data.parentAreaId),
    deps.directory.areasUnder(data.parentAreaId),
    deps.directory.descendantsOf(data.areaId),
  ]);
  return inArea(deps.store, { type, data, context: { parent, siblings, descendantIds } }, ctx, expectedRevision);
}

export async function assignCoachToArea(deps: HandlerDeps, command: AssignCoachToArea, ctx: CommandContext, expectedRevision?: number) {
  const { type, data } = parseCommand(AssignCoachToArea, command.data);
  return inArea(deps.store, { type, data, context: { coach: await coachOf(deps.store, data.coachId) } }, ctx, expectedRevision);
}

export async function unassignCoachFromArea(
  deps: HandlerDeps,
  command: UnassignCoachFromArea,
  ctx: CommandContext,
  expectedRevision?: number,
) {
  return inArea(deps.store, parseCommand(UnassignCoachFromArea, command.data), ctx, expectedRevision);
}

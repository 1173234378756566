import { requireRegisteredArea, type AreaState } from '../area/decider.ts';
import { requireRegisteredCoach, type CoachState } from '../coach/decider.ts';
import type { Today, WithContext } from '../shared/command.ts';
import type { Decider } from '../shared/decider.ts';
import { requireNotAfterToday, requireNotBefore, ruleBroken, sameData } from '../shared/validation.ts';
import type { StakeholderState } from '../stakeholder/decider.ts';
import type { TeamState } from '../team/decider.ts';
import type {
  AcknowledgeResistanceSignal,
  CancelIntervention,
  CompleteIntervention,
  EscalateResistanceSignal,
  PlanIntervention,
  ProposeResolution,
  RaiseResistanceSignal,
  ResolveResistanceSignal,
} from './commands.ts';
import type { ResistanceEvent } from './events.ts';

type Raised = Extract<ResistanceEvent, { type: 'ResistanceSignalRaised' }>['data'];
type Plan = Extract<ResistanceEvent, { type: 'InterventionPlanned' }>['data'];

interface SignalFacts {
  /** What the raise recorded: a retried raise is recognised by it. */
  raised: Raised;
  acknowledgedOn: string | null;
  /** Planned → done or cancelled, per intervention id. */
  interventions: Readonly<Record<string, 'planned' | 'done' | 'cancelled'>>;
  /** What each plan recorded, by intervention id. */
  plans: Readonly<Record<string, Plan>>;
  /** When the rule that raised the signal proposed its resolution, if it did. */
  resolutionProposedOn: string | null;
}

export type SignalState =
  | { status: 'Empty' }
  | ({ status: 'Raised' } & SignalFacts)
  | ({ status: 'Resolved'; resolvedOn: string } & SignalFacts);

export type ResistanceCommand =
  /** `team` and `stakeholder` are null when the signal names none. */
  | WithContext<RaiseResistanceSignal, { area: AreaState; team: TeamState | null; stakeholder: StakeholderState | null } & Today>
  | WithContext<AcknowledgeResistanceSignal, Today>
  /** A plan's due date may be in the future; every other date is when something happened. */
  | WithContext<PlanIntervention, { owner: CoachState }>
  | WithContext<CompleteIntervention, Today>
  | WithContext<CancelIntervention, Today>
  | WithContext<ResolveResistanceSignal, Today>
  | WithContext<EscalateResistanceSignal, Today>
  | WithContext<ProposeResolution, Today>;

function decideRaise(command: Extract<ResistanceCommand, { type: 'RaiseResistanceSignal' }>, state: SignalState): ResistanceEvent[] {
  const { data, context } = command;
  if (state.status !== 'Empty') {
    if (sameData(data, state.raised)) return [];
    throw ruleBroken('signalId', 'This signal is already raised, with other details');
  }
  requireRegisteredArea(context.area, data.areaId);
  requireNotAfterToday('raisedOn', data.raisedOn, context.today);
  if (data.teamId !== undefined) {
    const { team, area } = context;
    if (team?.status !== 'Registered') throw ruleBroken('teamId', `must be a registered team (none has the id "${data.teamId}")`);
    if (team.areaId !== data.areaId && area.status === 'Registered')
      throw ruleBroken('teamId', `Team ${team.key} (${team.name}) is not in ${area.name}`);
  }
  if (data.stakeholderId !== undefined && context.stakeholder?.status !== 'Identified') {
    throw ruleBroken('stakeholderId', `must be an identified stakeholder (none has the id "${data.stakeholderId}")`);
  }
  return [{ type: 'ResistanceSignalRaised', data }];
}

function requirePlanned(state: Extract<SignalState, { status: 'Raised' }>, interventionId: string): void {
  const intervention = state.interventions[interventionId];
  if (intervention === undefined) throw ruleBroken('interventionId', 'This signal has no such intervention');
  if (intervention === 'done') throw ruleBroken('interventionId', 'This intervention is already completed');
  if (intervention === 'cancelled') throw ruleBroken('interventionId', 'This intervention was cancelled');
}

export const resistanceDecider: Decider<SignalState, ResistanceCommand, ResistanceEvent> = {
  initialState: () => ({ status: 'Empty' }),

  evolve: (state, event) => {
    if (event.type === 'ResistanceSignalRaised')
      return { status: 'Raised', raised: event.data, acknowledgedOn: null, interventions: {}, plans: {}, resolutionProposedOn: null };
    if (state.status !== 'Raised') return state;
    switch (event.type) {
      case 'ResistanceSignalAcknowledged':
        return { ...state, acknowledgedOn: event.data.acknowledgedOn };
      case 'InterventionPlanned':
        return {
          ...state,
          interventions: { ...state.interventions, [event.data.interventionId]: 'planned' },
          plans: { ...state.plans, [event.data.interventionId]: event.data },
        };
      case 'InterventionCompleted':
        return { ...state, interventions: { ...state.interventions, [event.data.interventionId]: 'done' } };
      case 'InterventionCancelled':
        return { ...state, interventions: { ...state.interventions, [event.data.interventionId]: 'cancelled' } };
      case 'ResistanceSignalResolved':
        return { ...state, status: 'Resolved', resolvedOn: event.data.resolvedOn };
      case 'ResistanceSignalEscalated':
        return state;
      case 'ResistanceSignalResolutionProposed':
        return { ...state, resolutionProposedOn: event.data.proposedOn };
      default: {
        event satisfies never;
        return state;
      }
    }
  },

  decide: (command, state) => {
    if (command.type === 'RaiseResistanceSignal') return decideRaise(command, state);
    const { signalId } = command.data;
    if (state.status === 'Empty') throw ruleBroken('signalId', `There is no signal "${signalId}"`);
    // A coach may have resolved it already, or the rule proposed it before: nothing left to propose.
    if (command.type === 'ProposeResolution' && (state.status === 'Resolved' || state.resolutionProposedOn !== null)) return [];
    if (state.status === 'Resolved') throw ruleBroken('signalId', `This signal was resolved on ${state.resolvedOn}`);
    const notBeforeRaised = (field: string, date: string) =>
      requireNotBefore(field, date, state.raised.raisedOn, 'the day the signal was raised');
    const happened = (field: string, date: string, today: string) => {
      notBeforeRaised(field, date);
      requireNotAfterToday(field, date, today);
    };
    switch (command.type) {
      case 'AcknowledgeResistanceSignal':
        if (state.acknowledgedOn !== null) return [];
        happened('acknowledgedOn', command.data.acknowledgedOn, command.context.today);
        return [{ type: 'ResistanceSignalAcknowledged', data: command.data }];
      case 'PlanIntervention': {
        const plan = state.plans[command.data.interventionId];
        if (plan !== undefined) {
          if (sameData(command.data, plan)) return [];
          throw ruleBroken('interventionId', 'This intervention is already planned, with other details');
        }
        requireRegisteredCoach(command.context.owner, command.data.ownerId, 'ownerId');
        notBeforeRaised('dueOn', command.data.dueOn);
        return [{ type: 'InterventionPlanned', data: command.data }];
      }
      case 'CompleteIntervention': {
        const { interventionId, completedOn } = command.data;
        requirePlanned(state, interventionId);
        happened('completedOn', completedOn, command.context.today);
        return [{ type: 'InterventionCompleted', data: command.data }];
      }
      case 'CancelIntervention': {
        const { interventionId, cancelledOn } = command.data;
        requirePlanned(state, interventionId);
        happened('cancelledOn', cancelledOn, command.context.today);
        return [{ type: 'InterventionCancelled', data: command.data }];
      }
      case 'ResolveResistanceSignal': {
        const { cancelOpenInterventions, ...resolution } = command.data;
        happened('resolvedOn', resolution.resolvedOn, command.context.today);
        const open = Object.keys(state.interventions).filter((id) => state.interventions[id] === 'planned');
        if (open.length > 0 && cancelOpenInterventions !== true) {
          throw ruleBroken(
            'cancelOpenInterventions',
            `${open.length === 1 ? 'An intervention is' : `${open.length} interventions are`} still planned: complete or cancel ${open.length === 1 ? 'it' : 'them'} first, or cancel ${open.length === 1 ? 'it' : 'them'} with the resolution`,
          );
        }
        const cancelled = open.map(
          (interventionId): ResistanceEvent => ({
            type: 'InterventionCancelled',
            data: { signalId, interventionId, reason: 'signal resolved', cancelledOn: resolution.resolvedOn },
          }),
        );
        return [...cancelled, { type: 'ResistanceSignalResolved', data: resolution }];
      }
      case 'EscalateResistanceSignal':
        happened('escalatedOn', command.data.escalatedOn, command.context.today);
        return [{ type: 'ResistanceSignalEscalated', data: command.data }];
      case 'ProposeResolution':
        if (state.raised.rule !== command.data.rule)
          throw ruleBroken('rule', `must be the rule that raised the signal (${state.raised.rule ?? 'none'})`);
        happened('proposedOn', command.data.proposedOn, command.context.today);
        return [{ type: 'ResistanceSignalResolutionProposed', data: command.data }];
      default: {
        const unexpected: never = command;
        throw new Error(`unknown command ${JSON.stringify(unexpected)}`);
      }
    }
  },
};

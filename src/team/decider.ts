import { requireRegisteredArea, type AreaState } from '../area/decider.ts';
import type { CycleState } from '../cycle/decider.ts';
import type { Today, WithContext } from '../shared/command.ts';
import type { Decider } from '../shared/decider.ts';
import { requireNotAfterToday, ruleBroken, sameData } from '../shared/validation.ts';
import type { CompleteTraining, CycleAdoptionCommand, MoveTeam, RegisterTeam, ResizeTeam } from './commands.ts';
import type { TeamEvent } from './events.ts';

/** How far a team's OKRs for one cycle have got on the set dimension. */
export type OkrsStatus = 'none' | 'drafted' | 'published';

export interface CycleAdoption {
  okrs: OkrsStatus;
  /** Parent objectives or strategy refs the OKRs are aligned to. */
  alignedTo: readonly string[];
  checkInsHeldOn: readonly string[];
  checkInsMissedOn: readonly string[];
}

export type TeamState =
  | { status: 'Empty' }
  | {
      status: 'Registered';
      teamId: string;
      key: string;
      name: string;
      areaId: string;
      size: number;
      /** Adoption per cycle id. */
      cycles: Readonly<Record<string, CycleAdoption>>;
    };
type RegisteredTeam = Extract<TeamState, { status: 'Registered' }>;

export type TeamCommand =
  | WithContext<RegisterTeam, { area: AreaState; teamKeys: readonly string[] }>
  | WithContext<MoveTeam, { area: AreaState }>
  | ResizeTeam
  /** `cycle` is null when the training belongs to no cycle. */
  | WithContext<CompleteTraining, { cycle: CycleState | null } & Today>
  | WithContext<CycleAdoptionCommand, { cycle: CycleState } & Today>;

const noAdoption: CycleAdoption = { okrs: 'none', alignedTo: [], checkInsHeldOn: [], checkInsMissedOn: [] };

function adoptionIn(state: RegisteredTeam, cycleId: string): CycleAdoption {
  return state.cycles[cycleId] ?? noAdoption;
}

function withAdoption(state: RegisteredTeam, cycleId: string, change: (a: CycleAdoption) => Partial<CycleAdoption>): RegisteredTeam {
  const current = adoptionIn(state, cycleId);
  return { ...state, cycles: { ...state.cycles, [cycleId]: { ...current, ...change(current) } } };
}

/** Adoption is recorded only inside an open cycle, on a date between its start and end. */
function requireCycleAccepts(cycleId: string, cycle: CycleState, dateField: string, date: string): void {
  switch (cycle.status) {
    case 'Empty':
      throw ruleBroken('cycleId', `There is no cycle "${cycleId}"`);
    case 'Closed':
      throw ruleBroken('cycleId', `Cycle ${cycle.name} is closed`);
    case 'Open':
      if (date < cycle.startsOn || date > cycle.endsOn) {
        throw ruleBroken(dateField, `must be within cycle ${cycle.name} (${cycle.startsOn} to ${cycle.endsOn})`);
      }
      return;
    default: {
      const unexpected: never = cycle;
      throw new Error(`unknown cycle state ${JSON.stringify(unexpected)}`);
    }
  }
}

/** The business date a cycle adoption command records, and the field it came in. */
function businessDate(command: CycleAdoptionCommand): [field: string, date: string] {
  switch (command.type) {
    case 'DraftOkrs':
      return ['draftedOn', command.data.draftedOn];
    case 'PublishOkrs':
      return ['publishedOn', command.data.publishedOn];
    case 'AlignOkrs':
      return ['alignedOn', command.data.alignedOn];
    case 'MissCheckIn':
      return ['dueOn', command.data.dueOn];
    case 'ReportKeyResultProgress':
      return ['reportedOn', command.data.reportedOn];
    case 'HoldCheckIn':
    case 'HoldCycleReview':
    case 'HoldRetrospective':
      return ['heldOn', command.data.heldOn];
    default: {
      const unexpected: never = command;
      throw new Error(`unknown command ${JSON.stringify(unexpected)}`);
    }
  }
}

function decideAdoption(command: WithContext<CycleAdoptionCommand, { cycle: CycleState } & Today>, state: RegisteredTeam): TeamEvent[] {
  const { cycleId } = command.data;
  const [dateField, date] = businessDate(command);
  requireCycleAccepts(cycleId, command.context.cycle, dateField, date);
  requireNotAfterToday(dateField, date, command.context.today);
  const adoption = adoptionIn(state, cycleId);
  switch (command.type) {
    case 'DraftOkrs':
      return [{ type: 'OkrsDrafted', data: command.data }];
    case 'PublishOkrs':
      if (adoption.okrs === 'none') throw ruleBroken('cycleId', 'OKRs must be drafted before they are published');
      if (adoption.okrs === 'published') return [];
      return [{ type: 'OkrsPublished', data: command.data }];
    case 'AlignOkrs':
      if (adoption.okrs !== 'published') throw ruleBroken('cycleId', 'OKRs must be published before they are aligned');
      if (adoption.alignedTo.includes(command.data.parentRef)) return [];
      return [{ type: 'OkrsAligned', data: command.data }];
    case 'HoldCheckIn':
      if (adoption.checkInsHeldOn.includes(command.data.heldOn)) {
        throw ruleBroken('heldOn', `A check-in for this cycle was already held on ${command.data.heldOn}`);
      }
      return [{ type: 'CheckInHeld', data: command.data }];
    case 'MissCheckIn':
      if (adoption.checkInsHeldOn.includes(command.data.dueOn)) {
        throw ruleBroken('dueOn', `A check-in for this cycle was held on ${command.data.dueOn}`);
      }
      // A miss is often inferred by a rule that may run again: recording it twice changes nothing.
      if (adoption.checkInsMissedOn.includes(command.data.dueOn)) return [];
      return [{ type: 'CheckInMissed', data: command.data }];
    case 'ReportKeyResultProgress':
      return [{ type: 'KeyResultProgressReported', data: command.data }];
    case 'HoldCycleReview':
      return [{ type: 'CycleReviewHeld', data: command.data }];
    case 'HoldRetrospective':
      return [{ type: 'RetrospectiveHeld', data: command.data }];
    default: {
      const unexpected: never = command;
      throw new Error(`unknown command ${JSON.stringify(unexpected)}`);
    }
  }
}

export const teamDecider: Decider<TeamState, TeamCommand, TeamEvent> = {
  initialState: () => ({ status: 'Empty' }),

  evolve: (state, event) => {
    if (event.type === 'TeamRegistered') return { status: 'Registered', ...event.data, cycles: {} };
    if (state.status !== 'Registered') return state;
    switch (event.type) {
      case 'TeamMoved':
        return { ...state, areaId: event.data.areaId };
      case 'TeamResized':
        return { ...state, size: event.data.size };
      case 'OkrsDrafted':
        // A new draft of published OKRs is a revision; they stay published.
        return withAdoption(state, event.data.cycleId, (a) => ({ okrs: a.okrs === 'none' ? 'drafted' : a.okrs }));
      case 'OkrsPublished':
        return withAdoption(state, event.data.cycleId, () => ({ okrs: 'published' }));
      case 'OkrsAligned':
        return withAdoption(state, event.data.cycleId, (a) => ({ alignedTo: [...a.alignedTo, event.data.parentRef] }));
      case 'CheckInHeld':
        return withAdoption(state, event.data.cycleId, (a) => ({ checkInsHeldOn: [...a.checkInsHeldOn, event.data.heldOn] }));
      case 'CheckInMissed':
        return withAdoption(state, event.data.cycleId, (a) => ({ checkInsMissedOn: [...a.checkInsMissedOn, event.data.dueOn] }));
      case 'TrainingCompleted':
      case 'KeyResultProgressReported':
      case 'CycleReviewHeld':
      case 'RetrospectiveHeld':
        // Scored by the heatmap projection; no decision here depends on them.
        return state;
      default: {
        event satisfies never;
        return state;
      }
    }
  },

  decide: (command, state) => {
    if (command.type === 'RegisterTeam') {
      const { data, context } = command;
      if (state.status !== 'Empty') {
        const { status, cycles, ...registered } = state;
        if (sameData(data, registered)) return [];
        throw ruleBroken('teamId', `Team ${state.key} (${state.name}) is already registered under this id, with other details`);
      }
      requireRegisteredArea(context.area, data.areaId);
      if (context.teamKeys.includes(data.key)) throw ruleBroken('key', `Another team already has the key ${data.key}`);
      return [{ type: 'TeamRegistered', data }];
    }
    if (state.status !== 'Registered') throw ruleBroken('teamId', `There is no team "${command.data.teamId}"`);
    switch (command.type) {
      case 'MoveTeam':
        if (command.data.areaId === state.areaId) return [];
        requireRegisteredArea(command.context.area, command.data.areaId);
        return [{ type: 'TeamMoved', data: command.data }];
      case 'ResizeTeam':
        if (command.data.size === state.size) return [];
        return [{ type: 'TeamResized', data: command.data }];
      case 'CompleteTraining': {
        const { data, context } = command;
        if (data.cycleId !== undefined)
          requireCycleAccepts(data.cycleId, context.cycle ?? { status: 'Empty' }, 'completedOn', data.completedOn);
        requireNotAfterToday('completedOn', data.completedOn, context.today);
        return [{ type: 'TrainingCompleted', data }];
      }
      case 'DraftOkrs':
      case 'PublishOkrs':
      case 'AlignOkrs':
      case 'HoldCheckIn':
      case 'MissCheckIn':
      case 'ReportKeyResultProgress':
      case 'HoldCycleReview':
      case 'HoldRetrospective':
        return decideAdoption(command, state);
      default: {
        const unexpected: never = command;
        throw new Error(`unknown command ${JSON.stringify(unexpected)}`);
      }
    }
  },
};
